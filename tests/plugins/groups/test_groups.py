"""Groups: create, join (open, on request, invitation), roles, bans, tools, announcements, settings."""

import pytest

from core.db import database
from core.models import Entity, Relationship

pytestmark = pytest.mark.site(plugins=["groups"], language="en")


def _create(c, name="Jardins", membership="open", visibility="public", **extra):
    data = {"name": name, "description": "On *sème*", "membership": membership, "visibility": visibility, **extra}
    response = c.post_form("/groups/new", data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_create_join_open_group_and_home(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _create(ada)
    page = client.get(f"/groups/{guid}")
    assert page.status_code == 200 and "Jardins" in page.text and "<em>sème</em>" in page.text
    assert bob.post_form(f"/groups/{guid}/join", token_from=f"/groups/{guid}",
                         follow_redirects=False).status_code == 303
    members = client.get(f"/groups/{guid}/members").text
    assert "Ada" in members and "Bob" in members
    assert "joined the group" in client.get(f"/groups/{guid}").text
    assert "Jardins" in client.get("/groups/").text


def test_missing_name_keeps_input(signed_in):
    ada = signed_in("ada")
    response = ada.post_form("/groups/new", {"name": "", "description": "Kept text", "membership": "open",
                                             "visibility": "public"})
    assert response.status_code == 400 and "Kept text" in response.text


def test_on_request_needs_approval_and_ban(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _create(ada, membership="request")
    bob.post_form(f"/groups/{guid}/join", token_from=f"/groups/{guid}")
    assert "waiting for the administrators" in bob.get(f"/groups/{guid}").text
    with database.connection_context():
        assert not Relationship.select().where(Relationship.verb == "member_of",
                                               Relationship.subject == bob.account.guid).exists()
    members = ada.get(f"/groups/{guid}/members").text
    assert "Requests to join" in members
    uid = bob.account.guid
    assert bob.post_form(f"/groups/{guid}/members/{uid}/approve", token_from=f"/groups/{guid}").status_code == 403
    ada.post_form(f"/groups/{guid}/members/{uid}/approve", token_from=f"/groups/{guid}/members")
    assert "Leave the group" in bob.get(f"/groups/{guid}").text
    ada.post_form(f"/groups/{guid}/members/{uid}/ban", token_from=f"/groups/{guid}/members")
    bob.post_form(f"/groups/{guid}/join", token_from=f"/groups/{guid}")
    assert "Ask to join" not in bob.get(f"/groups/{guid}").text
    with database.connection_context():
        assert not Relationship.select().where(Relationship.verb == "member_of",
                                               Relationship.subject == uid).exists()


def test_invitation_only(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _create(ada, membership="invitation")
    bob.post_form(f"/groups/{guid}/join", token_from=f"/groups/{guid}")
    assert "Leave the group" not in bob.get(f"/groups/{guid}").text
    ada.post_form(f"/groups/{guid}/invite", {"who": "bob@example.org"}, token_from=f"/groups/{guid}/members")
    assert "Accept the invitation" in bob.get(f"/groups/{guid}").text
    bob.post_form(f"/groups/{guid}/join", token_from=f"/groups/{guid}")
    assert "Leave the group" in bob.get(f"/groups/{guid}").text
    bob.post_form(f"/groups/{guid}/leave", token_from=f"/groups/{guid}")
    assert "Leave the group" not in bob.get(f"/groups/{guid}").text


def test_hidden_group_seen_by_members_only(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _create(ada, name="Secret club", membership="invitation", visibility="hidden")
    assert client.get(f"/groups/{guid}").status_code == 404
    assert bob.get(f"/groups/{guid}").status_code == 404
    assert "Secret club" not in bob.get("/groups/").text
    assert ada.get(f"/groups/{guid}").status_code == 200
    with database.connection_context():
        assert Entity.get_by_id(guid).access == "container"
    # an invitation opens the door: listed on /groups/, the page shows, accepting makes a member
    ada.post_form(f"/groups/{guid}/invite", {"who": "bob"}, token_from=f"/groups/{guid}/members")
    assert "Secret club" in bob.get("/groups/").text
    bob.post_form(f"/groups/{guid}/join", token_from=f"/groups/{guid}")
    assert "Leave the group" in bob.get(f"/groups/{guid}").text
    assert client.get(f"/groups/{guid}").status_code == 404


def test_group_image(signed_in, client):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (600, 300), "green").save(buf, "PNG")
    ada = signed_in("ada")
    r = ada.post("/groups/new", data={"name": "Photo", "membership": "open", "visibility": "public",
                                      "csrf_token": ada.csrf("/groups/new")},
                 files={"image": ("g.png", buf.getvalue(), "image/png")}, follow_redirects=False)
    guid = int(r.headers["location"].rsplit("/", 1)[1])
    image = client.get(f"/groups/{guid}/image")
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/")
    r = ada.post("/groups/new", data={"name": "Bad", "membership": "open", "visibility": "public",
                                      "csrf_token": ada.csrf("/groups/new")},
                 files={"image": ("g.png", b"not an image at all", "image/png")})
    assert r.status_code == 400 and "not an image" in r.text


def test_members_only_group(signed_in, client):
    ada = signed_in("ada")
    guid = _create(ada, visibility="members")
    assert client.get(f"/groups/{guid}").status_code == 404
    assert signed_in("bob").get(f"/groups/{guid}").status_code == 200


def test_who_can_create_setting(app, signed_in):
    from core import sites

    app.ensure()
    with database.connection_context():
        sites.save_plugin_settings("test", "groups", {"who_can_create": "moderators"})
    app.invalidate()
    bob = signed_in("bob")
    assert bob.get("/groups/new").status_code == 403
    assert "Create a group" not in bob.get("/groups/").text
    assert signed_in("mo", role="moderator").get("/groups/new").status_code == 200


def test_announcement_respects_preferences(app, signed_in):
    from core.notifications import Notification, NotificationPreference

    ada, bob, cy = signed_in("ada"), signed_in("bob"), signed_in("cy")
    guid = _create(ada)
    for c in (bob, cy):
        c.post_form(f"/groups/{guid}/join", token_from=f"/groups/{guid}")
    with database.connection_context():
        NotificationPreference.create(user=cy.account.guid, event="groups.announcement", delivery="site")
    assert bob.get(f"/groups/{guid}/announce").status_code == 403
    response = ada.post_form(f"/groups/{guid}/announce", {"text": "Assemblée jeudi"}, follow_redirects=False)
    assert response.status_code == 303
    with database.connection_context():
        rows = {n.recipient_id: n.delivery for n in Notification.select().where(
            Notification.event == "groups.announcement")}
    assert rows == {bob.account.guid: "instant", cy.account.guid: "site"}
