"""Notifications: preferences, instant mail with unsubscribe, digests grouped, never twice, resumable."""

import re

import pytest

from core import notifications
from core.db import database

pytestmark = pytest.mark.site(plugins=["wire"])


def mention(client, name, text="hello"):
    client.post_form("/wire/", {"body": f"@{name} {text}", "access": "public"})


def test_mention_mails_at_once_with_a_one_click_unsubscribe(signed_in, use_smtp, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    mention(ada, "bob")
    assert len(use_smtp.messages) == 1
    message = use_smtp.messages[0]
    assert message["To"] == "bob@example.org"
    stop = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = "/" + stop.split("/", 3)[3]
    assert client.post(path).status_code == 200  # no session, no CSRF token: the signed link is enough
    mention(ada, "bob", "again")
    assert len(use_smtp.messages) == 1  # now only on the site
    assert "again" in bob.get("/notifications").text


def test_preferences_choose_the_delivery(signed_in, use_smtp):
    ada, bob = signed_in("ada"), signed_in("bob")
    bob.post_form("/notifications/settings", {"event_wire.mention": "site"})
    mention(ada, "bob")
    assert use_smtp.messages == []
    assert "hello" in bob.get("/notifications").text
    bob.post_form("/notifications/read", {}, token_from="/notifications")
    with database.connection_context():
        assert notifications.unread_count(bob.account.guid) == 0


def test_daily_digest_groups_and_never_sends_twice(app, signed_in, use_smtp):
    ada, bob = signed_in("ada"), signed_in("bob")
    bob.post_form("/notifications/settings", {"event_wire.mention": "daily"})
    for i in range(3):
        mention(ada, "bob", f"number {i}")
    site = app.runtime("test")
    with database.connection_context():
        counts = notifications.send_digests(site, "daily")
    assert counts == {"members": 1, "items": 3}
    text = use_smtp.texts()[-1]
    assert text.count("number") == 1 or "3" in text  # three mentions of different statuses: lines
    with database.connection_context():
        assert notifications.send_digests(site, "daily")["members"] == 0
    assert len(use_smtp.messages) == 1


def test_many_notifications_about_one_thing_make_one_line(app, signed_in, use_smtp):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    ada.post_form("/notifications/settings", {"event_core.comment": "daily"})
    ada.post_form("/wire/", {"body": "A status", "access": "public"})
    with database.connection_context():
        from core.models import Entity

        guid = Entity.select().where(Entity.kind == "wire.status").first().guid
    for client, text in ((bob, "one"), (eve, "two"), (bob, "three")):
        client.post_form(f"/comments/{guid}/add", {"body": text}, token_from=f"/wire/{guid}")
    with database.connection_context():
        notifications.send_digests(app.runtime("test"), "daily")
    digest = use_smtp.texts()[-1]
    assert re.search(r"3 new comments on A status|3 nouveaux commentaires sur A status", digest)
    assert digest.count(f"/wire/{guid}") == 1


def test_digests_refused_by_the_mail_server_are_sent_again_by_the_outbox(app, signed_in, use_smtp,
                                                                           member_factory):
    ada = signed_in("ada")
    names = ["bob", "eve", "zoe"]
    for name in names:
        member_factory(name)
        with database.connection_context():
            from core.models import Account

            notifications.set_preference(Account.get(Account.email == f"{name}@example.org").guid,
                                         "wire.mention", "daily")
        mention(ada, name)
    site = app.runtime("test")
    original = use_smtp.handle_DATA
    calls = {"n": 0}

    async def fail_after_one(server, session, envelope):
        calls["n"] += 1
        if calls["n"] > 1:
            return "451 Try again later"
        return await original(server, session, envelope)

    use_smtp.handle_DATA = fail_after_one
    with database.connection_context():
        first = notifications.send_digests(site, "daily")
        assert first["members"] == 3  # every digest is in the outbox, whatever the mail server says
        assert notifications.send_digests(site, "daily")["members"] == 0
    assert len(use_smtp.messages) == 1
    use_smtp.handle_DATA = original
    with database.connection_context():
        from core.mail import Mail

        assert Mail.select().where(Mail.state == "pending", Mail.last_error.contains("451")).count() == 2
        Mail.update(next_attempt=Mail.created).execute()  # their retry time has come
    recipients = sorted(m["To"] for m in use_smtp.messages)
    assert recipients == ["bob@example.org", "eve@example.org", "zoe@example.org"]


def test_site_defaults_are_set_by_administrators(signed_in, app):
    admin = signed_in("root", role="admin")
    admin.post_form("/admin/notifications", {"event_wire.mention": "weekly"})
    app.invalidate()
    with database.connection_context():
        bob = signed_in("bob").account
        assert notifications.delivery_for(app.runtime("test"), bob.guid, "wire.mention") == "weekly"


def test_the_notifications_page_is_a_list_of_cards(signed_in):
    """Each notification a card: who (picture or initials, name), what happened, about what (linked), when;
    unread ones marked and each with its own "mark as read"; once read, neither."""
    ada, bob = signed_in("ada"), signed_in("bob")
    bob.post_form("/notifications/settings", {"event_wire.mention": "site"})
    mention(ada, "bob", "see you at the garden")
    page = bob.get("/notifications").text
    card = page.split('card-list notifications"', 1)[1].split("</li>", 1)[0]
    assert 'class="card item-card unread"' in card and 'class="initials' in card and "ada" in card.lower()
    assert "<time " in card and "marquer comme lu" in card and "Tout marquer comme lu" in page
    bob.post_form("/notifications/read", {}, token_from="/notifications")
    page = bob.get("/notifications").text
    card = page.split('card-list notifications"', 1)[1].split("</li>", 1)[0]
    assert 'item-card unread"' not in card and "marquer comme lu" not in card and "Tout marquer comme lu" not in page


def _counts(guid):
    """(the unread count kept on write, the real count of unread notifications)."""
    from core.notifications import Notification, NotificationCount

    with database.connection_context():
        kept = NotificationCount.select(NotificationCount.unread).where(NotificationCount.recipient == guid).scalar()
        real = Notification.select().where(Notification.recipient == guid, Notification.read_at.is_null()).count()
    return kept or 0, real


def test_unread_count_is_kept_on_write(app, signed_in):
    """The header's count comes from notification_count, which the database keeps as notifications are
    created, read one by one or all at once, marked unread, deleted (a cascade from a deleted status or
    account included): it equals the real count after each step."""
    from core import entities, personal_data
    from core.models import Entity
    from core.notifications import Notification, NotificationCount

    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    guid = bob.account.guid
    mention(ada, "bob", "one")
    mention(ada, "bob", "two")
    mention(eve, "bob", "three")
    assert _counts(guid) == (3, 3)
    assert 'Notifications <span class="badge badge-on">3<' in bob.get("/feed").text
    with database.connection_context():
        first = Notification.select().where(Notification.recipient == guid).order_by(Notification.id).first()
    bob.post_form("/notifications/read", {"id": first.id}, token_from="/notifications")
    assert _counts(guid) == (2, 2)
    bob.post_form("/notifications/read", {"id": first.id}, token_from="/notifications")  # read twice: no change
    assert _counts(guid) == (2, 2)
    with database.connection_context():
        Notification.update(read_at=None).where(Notification.id == first.id).execute()  # unread again
    assert _counts(guid) == (3, 3)
    bob.post_form("/notifications/read", {}, token_from="/notifications")  # all read
    assert _counts(guid) == (0, 0)
    assert 'Notifications <span class="badge' not in bob.get("/feed").text
    mention(eve, "bob", "four")
    mention(ada, "bob", "five")
    mention(ada, "bob", "six")
    assert _counts(guid) == (3, 3)
    site = app.runtime("test")
    with database.connection_context():
        Notification.delete().where(Notification.recipient == guid, Notification.text.contains("four")).execute()
        assert _counts(guid) == (2, 2)
        status = Entity.get(Entity.kind == "wire.status", Entity.title.contains("five"))
        entities.delete(site, status)  # the notification about it goes by cascade
        assert _counts(guid) == (1, 1)
        personal_data.delete_account(site, ada.account, "delete")  # the actor's notifications go by cascade
        assert _counts(guid) == (0, 0)
    mention(eve, "bob", "seven")
    assert _counts(guid) == (1, 1)
    with database.connection_context():
        personal_data.delete_account(site, bob.account, "delete")
        assert NotificationCount.get_or_none(NotificationCount.recipient == guid) is None


def test_unread_count_holds_under_concurrent_writers(app, member_factory):
    """Four threads each create and read notifications of one member at once, each on its own
    connection: the count kept by the database still equals the real count."""
    import threading

    from core.notifications import Notification

    bob = member_factory("bob")
    ada = member_factory("ada")

    def work(n):
        with database.connection_context():
            for i in range(10):
                with database.atomic():
                    row = Notification.create(site="test", recipient=bob.guid, event="test", actor=ada.guid, text=f"{n}-{i}")
                if i % 3 == 0:
                    Notification.update(read_at=notifications.now()).where(Notification.id == row.id).execute()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _counts(bob.guid) == (24, 24)
