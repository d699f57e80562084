"""The core's listing helpers that blog, agenda, documents and wire call: a page scoped to an owner
or a container (404 when the viewer may not see it), the containers one may publish in, and the
delete-to-trash action."""

import pytest

from core import entities, listings, relationships
from core.db import database
from core.models import Entity

pytestmark = pytest.mark.site(plugins=["blog", "agenda", "documents", "wire", "groups"])


def test_scoped_pages_answer_404_for_what_the_viewer_may_not_see(app, signed_in, client):
    ada = signed_in("ada")
    site = app.runtime("test")
    with database.connection_context():
        secret = entities.create(site, "groups.group", owner=ada.account.guid, title="Secret club",
                                 access_level="private")
    for path in (f"/blog/in/{secret.guid}", f"/agenda/in/{secret.guid}", f"/documents/in/{secret.guid}"):
        assert client.get(path).status_code == 404, path
        assert ada.get(path).status_code == 200, path
    assert client.get(f"/blog/by/{ada.account.guid}").status_code == 200
    assert client.get("/blog/by/999999").status_code == 404


def test_publishable_containers_leave_out_the_member_and_ask_the_containers_plugin(app, member_factory):
    ada = member_factory("ada")
    site = app.runtime("test")
    with database.connection_context():
        club = entities.create(site, "groups.group", owner=ada.guid, title="Club", access_level="public")
        relationships.add(site, ada.guid, "member_of", club.guid)
        other = Entity.create(site="test", kind="groups.group", title="Not mine")
        found = listings.publishable_containers(site, ada, ada.entity, "blog.post_in")
        assert ada.guid not in [e.guid for e in found] and other.guid not in [e.guid for e in found]


def test_trash_refuses_who_may_not_and_keeps_the_item(app, signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    ada.post_form("/wire/", {"body": "Mine to delete", "access": "public"})
    with database.connection_context():
        guid = Entity.get(Entity.kind == "wire.status").guid
    assert bob.post_form(f"/wire/{guid}/delete", {}, token_from="/wire/").status_code == 403
    response = ada.post_form(f"/wire/{guid}/delete", {}, token_from="/wire/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/wire/")
    with database.connection_context():
        assert Entity.get_by_id(guid).deleted_at is not None
