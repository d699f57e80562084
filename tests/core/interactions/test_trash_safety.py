"""Nothing is lost by a wrong click: trash keeps everything until the delay is over; reports on comments."""

import datetime as dt

import pytest

from core import comments, moderation
from core.db import database
from core.models import Entity

pytestmark = pytest.mark.site(plugins=["wire"])


def status(client, body, access="public"):
    client.post_form("/wire/", {"body": body, "access": access})
    with database.connection_context():
        return Entity.select().where(Entity.kind == "wire.status").order_by(Entity.guid.desc()).first().guid


def test_deleting_then_restoring_brings_back_comments_and_likes(app, signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = status(ada, "Sortie en forêt")
    bob.post_form(f"/comments/{guid}/add", {"body": "Je viens !"}, token_from=f"/wire/{guid}")
    bob.post_form(f"/likes/{guid}", {"next": f"/wire/{guid}"}, token_from=f"/wire/{guid}")
    ada.post_form(f"/wire/{guid}/delete", {}, token_from=f"/wire/{guid}")  # the wrong click
    assert client.get(f"/wire/{guid}").status_code == 404
    assert "Sortie en forêt" not in client.get("/").text
    assert "Sortie en forêt" not in client.get("/search?q=foret").text
    # within the delay, purge keeps it
    with database.connection_context():
        assert moderation.purge(app.runtime("test")) == 0
    assert "Sortie en forêt" not in bob.get("/trash").text  # not bob's
    ada.post_form("/trash", {"entity": str(guid)}, token_from="/trash")
    page = client.get(f"/wire/{guid}").text
    assert "Je viens !" in page
    with database.connection_context():
        assert comments.likes(Entity.get_by_id(guid)) == 1
    assert "Sortie en forêt" in client.get("/search?q=foret").text


def test_administrators_see_and_restore_everyones_trash(signed_in):
    ada, admin = signed_in("ada"), signed_in("root", role="admin")
    guid = status(ada, "Compte rendu")
    ada.post_form(f"/wire/{guid}/delete", {}, token_from=f"/wire/{guid}")
    assert "Compte rendu" in admin.get("/trash").text
    admin.post_form("/trash", {"entity": str(guid)}, token_from="/trash")
    assert ada.get(f"/wire/{guid}").status_code == 200


def test_purge_waits_for_the_site_delay(app, signed_in):
    ada = signed_in("ada")
    guid = status(ada, "Vieille annonce")
    ada.post_form(f"/wire/{guid}/delete", {}, token_from=f"/wire/{guid}")
    site = app.runtime("test")
    days = int(site.settings.get("trash_days", 30))
    with database.connection_context():
        deleted = Entity.get_by_id(guid).deleted_at
        Entity.update(deleted_at=deleted - dt.timedelta(days=days - 1)).where(Entity.guid == guid).execute()
        assert moderation.purge(site) == 0
        Entity.update(deleted_at=deleted - dt.timedelta(days=days + 1)).where(Entity.guid == guid).execute()
        assert moderation.purge(site) == 1
        assert not Entity.select().where(Entity.guid == guid).exists()


def test_a_reported_comment_is_hidden_for_others_and_the_reporter_is_told(signed_in, client):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    moderator = signed_in("mod", role="moderator")
    guid = status(ada, "Assemblée générale")
    bob.post_form(f"/comments/{guid}/add", {"body": "Propos injurieux"}, token_from=f"/wire/{guid}")
    with database.connection_context():
        cid = Entity.select().where(Entity.kind == "comment").first().guid
    eve.post_form(f"/report/{cid}", {"reason": "Insultes envers les bénévoles"}, token_from=f"/report/{cid}")
    assert "Insultes envers les bénévoles" in moderator.get("/moderation").text
    moderator.post_form("/moderation", {"entity": str(cid), "decision": "hide"}, token_from="/moderation")
    assert "Propos injurieux" not in client.get(f"/wire/{guid}").text
    assert "Propos injurieux" not in eve.get(f"/wire/{guid}").text
    assert "Propos injurieux" in bob.get(f"/wire/{guid}").text  # its author still sees it, marked hidden
    assert "Propos injurieux" in moderator.get(f"/wire/{guid}").text
    assert "Insultes envers les bénévoles" not in moderator.get("/moderation").text  # the queue is empty again
    notes = eve.get("/notifications").text
    assert "hidden" in notes or "masqué" in notes
