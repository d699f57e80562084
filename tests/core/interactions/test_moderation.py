"""Reports and the moderation queue; the trash and its purge."""

import datetime as dt

import pytest

from core import cli
from core.db import database
from core.models import Entity

pytestmark = pytest.mark.site(plugins=["wire"])


def _status(client, body):
    client.post_form("/wire/", {"body": body, "access": "public"})
    with database.connection_context():
        return Entity.select().where(Entity.kind == "wire.status").order_by(Entity.guid.desc()).first().guid


def test_report_hide_and_the_reporter_is_told(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    moderator = signed_in("mod", role="moderator")
    guid = _status(ada, "Offensive words")
    assert bob.post_form(f"/report/{guid}", {"reason": "no"}).status_code == 400
    bob.post_form(f"/report/{guid}", {"reason": "This is offensive"})
    queue = moderator.get("/moderation").text
    assert "This is offensive" in queue
    assert bob.get("/moderation").status_code == 403
    moderator.post_form("/moderation", {"entity": str(guid), "decision": "hide"})
    assert client.get(f"/wire/{guid}").status_code == 404
    assert ada.get(f"/wire/{guid}").status_code == 200  # the author still sees it
    assert "Offensive words" not in client.get("/").text
    assert "hidden" in bob.get("/notifications").text or "masqué" in bob.get("/notifications").text
    moderator.post_form("/moderation", {"entity": str(guid), "decision": "restore"})
    assert client.get(f"/wire/{guid}").status_code == 200


def test_trash_restores_then_purge_removes_for_good(app, signed_in, monkeypatch, capsys):
    ada = signed_in("ada")
    guid = _status(ada, "Deleted by a wrong click")
    ada.post_form(f"/wire/{guid}/delete", {}, token_from=f"/wire/{guid}")
    assert ada.get(f"/wire/{guid}").status_code == 404
    assert "Deleted by a wrong click" in ada.get("/trash").text
    assert signed_in("bob").post_form("/trash", {"entity": str(guid)}, token_from="/trash").status_code == 404
    ada.post_form("/trash", {"entity": str(guid)})
    assert ada.get(f"/wire/{guid}").status_code == 200
    ada.post_form(f"/wire/{guid}/delete", {}, token_from=f"/wire/{guid}")
    with database.connection_context():
        old = Entity.get_by_id(guid).deleted_at - dt.timedelta(days=31)
        Entity.update(deleted_at=old).where(Entity.guid == guid).execute()
    monkeypatch.setenv("MAILLAGE_HOME", str(app.instance.home))
    monkeypatch.setenv("MAILLAGE_SITES", str(app.instance.sites_dir))
    monkeypatch.setenv("DATABASE_URL", app.instance.database_url)
    assert cli.main(["purge"]) == 0
    assert "1 item(s) removed" in capsys.readouterr().out
    with database.connection_context():
        assert not Entity.select().where(Entity.guid == guid).exists()
