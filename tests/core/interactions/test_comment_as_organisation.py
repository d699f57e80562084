"""A comment written as an association is edited and deleted by the people who run it."""

import pytest

from core import comments, entities
from core.db import database
from core.models import Account, Entity, Relationship

pytestmark = pytest.mark.site(plugins=["wire"])


def test_managers_edit_and_delete_what_they_wrote_as_the_association(app, signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    site = app.runtime("test")
    with database.connection_context():
        club = Entity.create(site="test", kind="user", title="Club vélo", access="public")
        Relationship.create(site="test", subject=ada.account.guid, verb="manages", object=club.guid)
        owner = Entity.get_by_id(bob.account.guid)
        post = entities.create(site, "wire.status", owner=owner, title="Balade", access_level="public")
        a, b = (Account.get(Account.entity == c.account.guid) for c in (ada, bob))
        comment = comments.add(site, a, club, post, "Le club sera là")
        assert comment.owner_id == club.guid
        assert comments.editable(site, a, comment) and comments.deletable(site, a, comment)
        assert not comments.editable(site, b, comment) and not comments.deletable(site, b, comment)
        comments.edit(site, a, comment, "Le club sera là, avec des vélos")
        assert comments.Comment.get_by_id(comment.guid).body.endswith("avec des vélos")
