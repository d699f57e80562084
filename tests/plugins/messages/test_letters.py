"""Letters from an organisation to its followers: compose and preview, send now or at a time, one mail per
recipient with a one-click unsubscribe for that sender (RFC 8058), the letter in the inbox, the archive."""

import datetime as dt
import re

import pytest

from core import testing
from core.db import database, now
from plugins.messages import letters
from plugins.messages.models import Delivery, Letter

pytestmark = pytest.mark.site(plugins=["directory", "groups", "messages"], language="en",
                              base_url="http://testserver")


def _follow(client, guid):
    client.post_form(f"/social/{guid}/do/follow", {"next": "/"}, token_from="/messages/settings")


def _compose(client, sender, action, title="News of spring", body="We plant **tomatoes**.", **extra):
    data = {"sender": str(sender), "title": title, "body": body, "audience": "followers", "action": action, **extra}
    return client.post_form("/messages/letters/new", data, token_from=f"/messages/letters/new?sender={sender}",
                            follow_redirects=False)


def test_a_letter_reaches_the_followers_once_with_a_one_click_unsubscribe(world, use_smtp, app, client):
    ada, bob, eve = world.ada, world.bob, world.eve
    _follow(bob, world.a)
    _follow(eve, world.a)
    assert f"/messages/letters/new?sender={world.a}" in ada.get(f"/directory/{world.a}").text
    assert eve.get(f"/messages/letters/new?sender={world.a}").status_code == 404
    preview = _compose(ada, world.a, "preview")
    assert preview.status_code == 200 and "<strong>tomatoes</strong>" in preview.text
    assert "2 recipients today" in preview.text and use_smtp.messages == []
    response = _compose(ada, world.a, "send", archived="1")
    assert response.status_code == 303
    assert sorted(m["To"] for m in use_smtp.messages) == ["bob@example.org", "eve@example.org"]
    mail = use_smtp.messages[0]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "We plant **tomatoes**." in mail.get_body(preferencelist=("plain",)).get_content()
    guid = int(response.headers["location"].rsplit("/", 1)[1])
    assert "News of spring" in bob.get("/messages/letters/").text
    assert "tomatoes" in bob.get(f"/messages/letters/{guid}").text
    # archived: public on the organisation's page
    assert client.get(f"/messages/letters/{guid}").status_code == 200
    assert "News of spring" in client.get(f"/messages/letters/of/{world.a}").text
    assert f'href="/messages/letters/of/{world.a}"' in client.get(f"/directory/{world.a}").text  # the card's tab
    # Bob's mail client unsubscribes in one click: a POST with no session and no form token
    bob_mail = next(m for m in use_smtp.messages if m["To"] == "bob@example.org")
    url = re.search(r"<([^>]+)>", bob_mail["List-Unsubscribe"]).group(1)
    with testing.client(app) as mail_client:
        assert mail_client.post(url.replace("http://testserver", ""),
                                data={"List-Unsubscribe": "One-Click"}).status_code == 200
    _compose(ada, world.a, "send", title="Second letter")
    assert [m["To"] for m in use_smtp.messages[2:]] == ["eve@example.org"]


def test_a_private_letter_and_a_scheduled_one_resumed_without_sending_twice(world, use_smtp, app, client):
    ada, bob = world.ada, world.bob
    _follow(bob, world.a)
    response = _compose(ada, world.a, "schedule", send_at="2099-01-01T09:00")
    assert response.status_code == 303
    guid = int(response.headers["location"].rsplit("/", 1)[1])
    assert use_smtp.messages == []
    assert client.get(f"/messages/letters/{guid}").status_code == 404  # not archived: recipients only
    assert world.eve.get(f"/messages/letters/{guid}").status_code == 404
    with database.connection_context():
        from core.runtime import build

        site = build("test", app.instance)
        assert letters.deliver_due(site) == 0
        Letter.update(send_at=now() - dt.timedelta(minutes=1)).where(Letter.entity == guid).execute()
        assert letters.deliver_due(site, limit=0) == 0 and Letter.get_by_id(guid).status == "sending"  # stopped
        assert letters.deliver_due(site) == 1  # resumed
        assert letters.deliver_due(site) == 0  # a second run sends nobody anything twice
        assert Delivery.select().where(Delivery.letter == guid, Delivery.mailed_at.is_null(False)).count() == 1
        assert Letter.get_by_id(guid).status == "sent"
    assert len(use_smtp.messages) == 1
    assert bob.get(f"/messages/letters/{guid}").status_code == 200


def test_the_send_letters_command_sends_what_is_due(world, use_smtp, app, tmp_path, monkeypatch, capsys):
    from core import cli

    _follow(world.bob, world.a)
    response = _compose(world.ada, world.a, "schedule", send_at="2099-01-01T09:00")
    guid = int(response.headers["location"].rsplit("/", 1)[1])
    with database.connection_context():
        Letter.update(send_at=now() - dt.timedelta(minutes=1)).where(Letter.entity == guid).execute()
    monkeypatch.setenv("MAILLAGE_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("MAILLAGE_SITES", str(tmp_path / "sites"))
    monkeypatch.setenv("DATABASE_URL", app.database_url)
    assert cli.main(["send-letters", "--site", "test"]) == 0
    assert "test: 1 letter mail(s) sent" in capsys.readouterr().out
    assert [m["To"] for m in use_smtp.messages] == ["bob@example.org"]


def test_a_group_writes_to_its_members(world, use_smtp):
    ada, bob, eve = world.ada, world.bob, world.eve
    response = ada.post_form("/groups/new", {"name": "Club", "membership": "open", "visibility": "public"},
                             follow_redirects=False)
    g = int(response.headers["location"].rsplit("/", 1)[1])
    bob.post_form(f"/groups/{g}/join", token_from=f"/groups/{g}")
    _follow(eve, g)
    assert f"/messages/letters/new?sender={g}" in ada.get(f"/groups/{g}").text
    response = _compose(ada, g, "send", audience="members", title="Club news")
    assert response.status_code == 303
    assert [m["To"] for m in use_smtp.messages] == ["bob@example.org"]  # members only: not Eve, who follows
    assert "[Club] Club news" == use_smtp.messages[0]["Subject"]
