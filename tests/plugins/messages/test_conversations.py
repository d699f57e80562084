"""Conversations between members and organisations: writing from a page, answering "for" an
organisation, unread badge, reading state, pagination, who may write, blocks, limits."""

import re

import pytest

from core.db import database
from core.ratelimit import RateLimit
from plugins.messages.models import Participant

from .conftest import act_as, reply, start, started

pytestmark = pytest.mark.site(plugins=["directory", "groups", "documents", "messages"], language="en")


def _badge(client) -> int:
    html = client.get("/").text
    found = re.search(r'href="/messages/">Messages <span class="badge badge-on">(\d+)', html)
    return int(found.group(1)) if found else 0


def test_an_association_writes_to_another_and_gets_an_answer_for_it(world):
    ada, bob = world.ada, world.bob
    act_as(ada, world.a)
    page = ada.get(f"/directory/{world.b}").text
    assert f'/messages/new?to={world.b}&amp;sender={world.a}' in page
    conv = started(ada, world.b, "Could you lend us **six tables**?", sender=world.a, subject="Tables")
    assert _badge(bob) == 1 and _badge(ada) == 0
    inbox = bob.get("/messages/").text
    assert "Tables" in inbox and "For Vélo Libre" in inbox
    thread = bob.get(f"/messages/{conv}").text
    assert "<strong>six tables</strong>" in thread and "Ada for Les Amis du Jardin" in thread
    assert "You answer for Vélo Libre." in thread
    assert _badge(bob) == 0
    assert reply(bob, conv, "Yes, come on Friday.", sender=world.b).status_code == 303
    assert _badge(ada) == 1
    assert "Bob for Vélo Libre" in ada.get(f"/messages/{conv}").text


def test_a_member_writes_to_a_member_and_to_several(world):
    ada, bob, eve = world.ada, world.bob, world.eve
    assert f"/messages/new?to={bob.account.guid}" in ada.get(f"/members/{bob.account.guid}").text
    conv = started(ada, [bob.account.guid, eve.account.guid], "Hello both")
    for c in (bob, eve):
        assert "Hello both" in c.get(f"/messages/{conv}").text
    assert reply(eve, conv, "Hi from Eve").status_code == 303
    assert _badge(ada) == 1 and _badge(bob) == 1
    # by user name in the form too
    conv2 = started(ada, [], "By name", also="bob")
    assert "By name" in bob.get(f"/messages/{conv2}").text


def test_reading_state_archive_mute_leave(world):
    ada, bob = world.ada, world.bob
    conv = started(ada, bob.account.guid, "First")
    bob.get(f"/messages/{conv}")
    assert _badge(bob) == 0
    bob.post_form(f"/messages/{conv}/do/unread", token_from=f"/messages/{conv}")
    assert _badge(bob) == 1
    bob.post_form(f"/messages/{conv}/do/archive", token_from=f"/messages/{conv}")
    assert "First" not in bob.get("/messages/").text and "First" in bob.get("/messages/?archived=1").text
    reply(ada, conv, "Second")  # a new message brings it back to the inbox
    assert f"/messages/{conv}" in bob.get("/messages/").text
    bob.post_form(f"/messages/{conv}/do/mute", token_from=f"/messages/{conv}")
    reply(ada, conv, "Third")
    assert _badge(bob) == 0  # muted: not counted in the header
    bob.post_form(f"/messages/{conv}/do/leave", token_from=f"/messages/{conv}")
    assert bob.get(f"/messages/{conv}").status_code == 404
    assert "Bob" in ada.get(f"/messages/{conv}").text and "left the conversation" in ada.get(f"/messages/{conv}").text


def test_keyset_pages_of_a_long_conversation(world):
    ada, bob = world.ada, world.bob
    conv = started(ada, bob.account.guid, "message number 0")
    for i in range(1, 35):
        assert reply(ada, conv, f"message number {i}").status_code == 303
    latest = bob.get(f"/messages/{conv}").text
    assert "message number 34" in latest and "message number 4<" not in latest
    older = re.search(r'href="(/messages/\d+\?before=\d+)"', latest).group(1)
    page = bob.get(older).text
    assert "message number 0" in page and "message number 4<" in page and "message number 34" not in page


def test_the_inbox_keyset_of_an_address_bar_never_fails(world):
    ada, bob = world.ada, world.bob
    conv = started(ada, bob.account.guid, "Hello Bob")
    assert f"/messages/{conv}" in bob.get("/messages/").text
    for hostile in ("99999999999999999999-1", "1-99999999999999999999", "-5--5", "abc", "1e400-1"):
        page = bob.get("/messages/", params={"before": hostile})
        assert page.status_code == 200 and f"/messages/{conv}" not in page.text, hostile  # an empty page
    assert f"/messages/{conv}" in bob.get("/messages/", params={"before": "\x00"}).text  # stripped: the first page


def test_who_may_write_site_rule_member_narrowing_and_blocks(world, app):
    from core import sites

    ada, bob, eve, admin = world.ada, world.bob, world.eve, world.admin
    with database.connection_context():
        sites.save_plugin_settings("test", "messages", {"who_may_write": "connections"})
    app.invalidate()
    assert start(eve, ada.account.guid, "Spam?").status_code == 400
    assert "/messages/new?to=" not in eve.get(f"/members/{ada.account.guid}").text
    eve.post_form(f"/social/{ada.account.guid}/do/follow", {"next": "/"}, token_from=f"/members/{ada.account.guid}")
    assert start(eve, ada.account.guid, "Now I follow you").status_code == 303
    # Ada narrows it to the administrators only
    ada.post_form("/messages/settings", {f"who-{ada.account.guid}": "admins"})
    assert start(eve, ada.account.guid, "Again").status_code == 400
    assert start(admin, ada.account.guid, "From the administrator").status_code == 303
    # a member cannot widen the site's rule
    bob.post_form("/messages/settings", {f"who-{bob.account.guid}": "anyone"})
    assert start(eve, bob.account.guid, "Hi").status_code == 400
    # blocks, both ways
    with database.connection_context():
        sites.save_plugin_settings("test", "messages", {"who_may_write": "anyone"})
    app.invalidate()
    conv = started(eve, bob.account.guid, "Before the block")
    bob.post_form(f"/social/{eve.account.guid}/do/block", {"next": "/"}, token_from=f"/members/{eve.account.guid}")
    assert start(eve, bob.account.guid, "Blocked?").status_code == 400
    assert start(bob, eve.account.guid, "Blocked?").status_code == 400
    assert reply(eve, conv, "Still there?").status_code == 400


def test_group_administrators_write_to_the_members(world):
    ada, bob, eve = world.ada, world.bob, world.eve
    response = ada.post_form("/groups/new", {"name": "Club", "membership": "open", "visibility": "public"},
                             follow_redirects=False)
    g = int(response.headers["location"].rsplit("/", 1)[1])
    for c in (bob, eve):
        c.post_form(f"/groups/{g}/join", token_from=f"/groups/{g}")
    page = ada.get(f"/groups/{g}").text
    assert f"/messages/new?members_of={g}" in page
    assert f"/messages/new?members_of={g}" not in bob.get(f"/groups/{g}").text
    assert f"/messages/new?to={g}&amp;" in bob.get(f"/groups/{g}").text  # a member writes to the group's admins
    assert f"/messages/new?to={g}&amp;" not in page  # its administrator has nobody to write to there
    assert bob.get(f"/messages/new?members_of={g}").status_code == 404
    response = ada.post_form("/messages/new", {"members_of": str(g), "subject": "Meeting", "body": "Monday 8pm"},
                             token_from=f"/messages/new?members_of={g}", follow_redirects=False)
    assert response.status_code == 303
    conv = int(response.headers["location"].rsplit("/", 1)[1])
    for c in (bob, eve):
        assert "Monday 8pm" in c.get(f"/messages/{conv}").text
        assert reply(c, conv, f"Fine for {c.account.name}").status_code == 303
    assert "Fine for Eve" in ada.get(f"/messages/{conv}").text


def test_limits_recipients_new_accounts_and_rates_in_the_database(world, app, member_factory):
    from core import sites

    ada, bob, eve = world.ada, world.bob, world.eve
    with database.connection_context():
        sites.save_plugin_settings("test", "messages", {"max_recipients": 1, "new_account_conversations": 2})
    app.invalidate()
    response = start(ada, [bob.account.guid, eve.account.guid], "Too many")
    assert response.status_code == 400 and "1 recipients at most" in response.text
    assert start(ada, bob.account.guid, "One").status_code == 303
    assert start(ada, eve.account.guid, "Two").status_code == 303
    response = start(ada, bob.account.guid, "Three")  # Ada's account is a day old at most: a new account
    assert response.status_code == 400 and "new account" in response.text
    with database.connection_context():
        assert RateLimit.get_by_id(f"messages.start:{ada.account.guid}").count >= 3
        assert RateLimit.get_by_id(f"messages.send:{ada.account.guid}").count == 2
    assert reply(ada, started(bob, ada.account.guid, "Bob starts"), "Replies are not limited so").status_code == 303


def test_markdown_is_cleaned(world):
    conv = started(world.ada, world.bob.account.guid, "<script>alert(1)</script> [x](javascript:alert(1)) **ok**")
    html = world.bob.get(f"/messages/{conv}").text
    assert "<script>alert(1)" not in html and "javascript:alert" not in html and "<strong>ok</strong>" in html


def test_the_unread_badge_counts_conversations_from_the_participant_rows(world):
    """The header's figure is a count of Bob's participant rows with unread messages (one indexed query)."""
    ada, bob = world.ada, world.bob
    for i in range(3):
        conv = started(ada, bob.account.guid, f"n{i}")
    reply(ada, conv, "two unread here")
    with database.connection_context():
        rows = Participant.select().where(Participant.member == bob.account.guid, Participant.unread > 0).count()
        assert rows == 3
    assert _badge(bob) == 3
