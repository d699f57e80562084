"""Attachments go through the documents plugin's checks and are served to the participants only."""

import io

import pytest
from PIL import Image

from core.db import database
from plugins.messages.models import Message

from .conftest import started

pytestmark = pytest.mark.site(plugins=["directory", "documents", "messages"], language="en")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _send(client, conv, name, data):
    token = client.csrf(f"/messages/{conv}")
    return client.post(f"/messages/{conv}", data={"csrf_token": token, "body": "See the file"},
                       files={"attachment": (name, data, "application/octet-stream")}, follow_redirects=False)


def test_an_attachment_is_checked_stored_once_and_served_to_participants(world):
    ada, bob, eve = world.ada, world.bob, world.eve
    conv = started(ada, bob.account.guid, "Hello")
    assert 'type="file" name="attachment"' in bob.get(f"/messages/{conv}").text
    refused = _send(bob, conv, "tool.exe", b"MZ\x90\x00" + b"\x00" * 200)
    assert refused.status_code == 400
    assert _send(bob, conv, "plan.png", _png()).status_code == 303
    with database.connection_context():
        message = Message.select().where(Message.attachment != "").get()
    assert message.attachment_mime == "image/png" and message.attachment_name == "plan.png"
    url = f"/messages/message/{message.entity_id}/attachment"
    assert f'href="{url}"' in ada.get(f"/messages/{conv}").text
    got = ada.get(url)
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert eve.get(url).status_code == 404 and world.admin.get(url).status_code == 404
