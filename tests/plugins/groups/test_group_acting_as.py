"""A group created while acting as an organisation belongs to the organisation and is signed by it;
every manager of the organisation administers it."""

import pytest

from core.db import database
from core.models import Activity, Entity, Relationship

pytestmark = pytest.mark.site(plugins=["groups"], language="en")


def test_group_created_acting_as_an_organisation_is_the_organisations(signed_in, client):
    ada, bob, carol = signed_in("ada"), signed_in("bob"), signed_in("carol")
    with database.connection_context():
        club = Entity.create(site="test", kind="user", title="Club de lecture", access="public")
        for member in (ada, bob):
            Relationship.create(site="test", subject=member.account.guid, verb="manages", object=club.guid)
    assert ada.post_form("/acting-as", {"actor": str(club.guid), "next": "/"}, token_from="/",
                         follow_redirects=False).status_code == 303
    response = ada.post_form("/groups/new", {"name": "Lecteurs du jeudi", "description": "", "membership": "open",
                                             "visibility": "public"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    guid = int(response.headers["location"].rsplit("/", 1)[1])
    with database.connection_context():
        assert Entity.get_by_id(guid).owner_id == club.guid
        actors = {a.actor_id for a in Activity.select().where(Activity.entity == guid, Activity.verb == "created")}
        assert actors == {club.guid}
    assert "Club de lecture" in client.get(f"/groups/{guid}").text
    # the other manager of the organisation administers the group; another member does not
    assert bob.get(f"/groups/{guid}/edit").status_code == 200
    assert carol.get(f"/groups/{guid}/edit").status_code == 403
