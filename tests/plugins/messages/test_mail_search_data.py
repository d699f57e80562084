"""Mail on new messages (by the member's choice, one per conversation and hour while unread), search in
one's own conversations, the personal data archive and account deletion."""

import io
import json
import zipfile

import pytest

from core import notifications
from core.db import database

from .conftest import reply, started

pytestmark = pytest.mark.site(plugins=["directory", "messages"], language="en", base_url="http://testserver")


def test_a_mail_per_conversation_and_hour_while_unread(world, use_smtp):
    ada, bob = world.ada, world.bob
    conv = started(ada, bob.account.guid, "Are you there?", subject="Question")
    assert len(use_smtp.messages) == 1
    mail = use_smtp.texts()[0]
    assert "Are you there?" in mail and f"http://testserver/messages/{conv}" in mail
    assert use_smtp.messages[0]["To"] == "bob@example.org"
    reply(ada, conv, "Hello?")
    reply(ada, conv, "Hello??")
    assert len(use_smtp.messages) == 1  # unread, mailed less than an hour ago
    bob.get(f"/messages/{conv}")  # read
    reply(ada, conv, "Thanks for reading")
    assert len(use_smtp.messages) == 2
    # a second conversation mails on its own
    started(ada, bob.account.guid, "Another subject", subject="Other")
    assert len(use_smtp.messages) == 3
    # muted: no mail
    bob.get(f"/messages/{conv}")
    bob.post_form(f"/messages/{conv}/do/mute", token_from=f"/messages/{conv}")
    reply(ada, conv, "Muted?")
    assert len(use_smtp.messages) == 3


def test_the_members_choice_is_respected(world, use_smtp):
    with database.connection_context():
        notifications.set_preference(world.bob.account.guid, "messages.new", "site")
    started(world.ada, world.bob.account.guid, "No mail for Bob")
    assert use_smtp.messages == []
    assert 'href="/messages/">Messages <span class="badge badge-on">1' in world.bob.get("/").text
    assert 'href="/notifications">Notifications <span' not in world.bob.get("/").text  # told by the messages badge


def test_an_organisations_managers_are_mailed(world, use_smtp, signed_in):
    conv = started(world.ada, world.b, "To the association")
    assert [m["To"] for m in use_smtp.messages] == ["bob@example.org"]
    assert world.bob.get(f"/messages/{conv}").status_code == 200


def test_search_finds_only_ones_own_conversations(world):
    ada, bob, eve = world.ada, world.bob, world.eve
    started(ada, bob.account.guid, "the blue bicycle is ready")
    started(eve, ada.account.guid, "a red bicycle for sale")
    found = bob.get("/messages/search?q=bicycle").text
    assert "blue bicycle" in found and "red bicycle" not in found
    found = ada.get("/messages/search?q=bicycle").text
    assert "blue bicycle" in found and "red bicycle" in found
    assert "blue bicycle" not in eve.get("/messages/search?q=bicycle").text
    assert "Nothing found." in bob.get("/messages/search?q=unicorn").text


def test_export_and_account_deletion_leave_a_former_member(world):
    ada, bob = world.ada, world.bob
    conv = started(ada, bob.account.guid, "Ada writes", subject="Kept")
    reply(bob, conv, "Bob answers")
    archive = ada.get("/account/data?download=1")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        conversations = json.loads(z.read("messages/conversations.json"))
    assert conversations[0]["subject"] == "Kept"
    assert [m["text"] for m in conversations[0]["messages"]] == ["Ada writes", "Bob answers"]
    response = ada.post_form("/account/delete", {"mode": "delete", "password": "password-ada-123"},
                             follow_redirects=False)
    assert response.status_code == 303
    page = bob.get(f"/messages/{conv}").text
    assert "Ada writes" in page and "former member" in page and "Bob answers" in page



def test_the_export_of_a_member_who_left_stops_where_they_left(world):
    ada, bob = world.ada, world.bob
    conv = started(ada, bob.account.guid, "Before Bob left", subject="Partly")
    bob.post_form(f"/messages/{conv}/do/leave", token_from=f"/messages/{conv}")
    reply(ada, conv, "After Bob left")
    with zipfile.ZipFile(io.BytesIO(bob.get("/account/data?download=1").content)) as z:
        exported = json.loads(z.read("messages/conversations.json"))
    texts = [m["text"] for m in exported[0]["messages"]]
    assert "Before Bob left" in texts and "After Bob left" not in texts and exported[0]["left"]
