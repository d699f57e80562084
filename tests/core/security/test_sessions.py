"""Sessions live on the server (issue 19, point 6; docs/security.md, "Sessions"): signing out, a change of
password, "end all my other sessions" and the end button of one session end them for good, even for a
copied cookie."""

import datetime as dt
import re

import pytest

from core import jobs, sessions, testing
from core.db import database

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def browsers(app):
    """Open test clients (closed at the end); ``_signed_in`` adds to them."""
    opened = []
    yield opened
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def _signed_in(browsers):
    def sign_in(app, name="ada", agent=FIREFOX):
        client = testing.client(app)
        client.__enter__()
        browsers.append(client)
        client.headers["user-agent"] = agent
        assert client.signin(f"{name}@example.org", f"password-{name}-123").status_code == 303
        return client

    return sign_in


def _signed_out(client) -> bool:
    return client.get("/account", follow_redirects=False).headers.get("location", "").startswith("/signin")


def test_changing_the_password_signs_the_other_sessions_out(app, member_factory, _signed_in):
    member_factory("ada")
    here, elsewhere = _signed_in(app), _signed_in(app)
    assert elsewhere.get("/account", follow_redirects=False).status_code == 200
    response = here.post_form("/account", {"action": "password", "current_password": "password-ada-123",
                                           "new_password": "another-password-456"}, follow_redirects=False)
    assert response.status_code == 303
    assert here.get("/account", follow_redirects=False).status_code == 200
    assert _signed_out(elsewhere)


def test_a_copied_cookie_stops_working_after_sign_out(app, member_factory, _signed_in, browsers):
    member_factory("ada")
    ada = _signed_in(app)
    stolen = testing.client(app)
    browsers.append(stolen.__enter__())
    stolen.cookies.set("maillage", ada.cookies["maillage"])
    assert stolen.get("/account", follow_redirects=False).status_code == 200
    assert ada.post_form("/signout", {}, token_from="/account", follow_redirects=False).status_code == 303
    assert _signed_out(ada) and _signed_out(stolen)


def test_the_sessions_page_lists_and_ends_sessions(app, member_factory, _signed_in):
    member_factory("ada")
    phone = _signed_in(app, agent="Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36")
    laptop = _signed_in(app)
    tablet = _signed_in(app, agent="Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Version/17.0 Safari/605.1.15")
    page = laptop.get("/account/sessions")
    assert page.status_code == 200
    assert "Chrome, Android" in page.text and "Firefox, Linux" in page.text and "Safari, iPadOS" in page.text
    assert page.text.count('name="session"') == 3
    # this one is marked, and its button signs out
    current = re.search(r' current-session">.*?name="session" value="([0-9a-f]{64})"', page.text, re.S)
    assert current and "Firefox, Linux" in page.text.split(' current-session"')[1].split("</li>")[0]
    # end the phone's session from the laptop (the CSRF token is required)
    ids = re.findall(r'name="session" value="([0-9a-f]{64})"', page.text)
    phone_id = next(i for i in ids if i != current.group(1) and
                    "Android" in page.text.split(f'value="{i}"')[0].rsplit("<li", 1)[1])
    assert laptop.post("/account/sessions", data={"action": "end", "session": phone_id}).status_code == 403
    assert not _signed_out(phone)
    assert laptop.post_form("/account/sessions", {"action": "end", "session": phone_id},
                            follow_redirects=False).status_code == 303
    assert _signed_out(phone) and not _signed_out(tablet) and not _signed_out(laptop)
    # end all the others
    assert laptop.post_form("/account/sessions", {"action": "end_others"}, follow_redirects=False).status_code == 303
    assert _signed_out(tablet) and not _signed_out(laptop)
    assert laptop.get("/account/sessions").text.count('name="session"') == 1


def test_a_member_cannot_end_someone_elses_session(app, member_factory, _signed_in):
    member_factory("ada"), member_factory("eve")
    ada, eve = _signed_in(app, "ada"), _signed_in(app, "eve")
    ada_id = re.search(r'name="session" value="([0-9a-f]{64})"', ada.get("/account/sessions").text).group(1)
    assert eve.post_form("/account/sessions", {"action": "end", "session": ada_id},
                         follow_redirects=False).status_code == 303
    assert not _signed_out(ada)


def test_a_cookie_of_before_server_side_sessions_is_signed_out(app, member_factory, browsers):
    """A cookie signed with the site's secret but carrying the old ``uid`` + ``epoch`` and no session id."""
    import base64
    import json

    from itsdangerous import TimestampSigner

    def cookie(content):
        return TimestampSigner("test-secret").sign(base64.b64encode(json.dumps(content).encode())).decode()

    ada = member_factory("ada")
    old, new = testing.client(app), testing.client(app)
    browsers.extend([old.__enter__(), new.__enter__()])
    old.cookies.set("maillage", cookie({"uid": ada.guid, "epoch": 0}))
    assert _signed_out(old)
    with database.connection_context():  # the same cookie, made the same way, with an open session's token
        token = sessions.open_session("test", ada.guid, FIREFOX, "127.0.0.1")
    new.cookies.set("maillage", cookie({"sid": token}))
    assert not _signed_out(new)


def test_last_seen_is_written_at_most_every_few_minutes_and_old_sessions_are_purged(app, member_factory, _signed_in):
    member_factory("ada")
    ada = _signed_in(app)
    with database.connection_context():
        [row] = sessions.Session.select()
        long_ago = row.last_seen - dt.timedelta(seconds=sessions.TOUCH_SECONDS + 60)
        sessions.Session.update(last_seen=long_ago).where(sessions.Session.id == row.id).execute()
    ada.get("/account")
    with database.connection_context():
        seen = sessions.Session.get_by_id(row.id).last_seen
        assert seen > long_ago  # used after a while: noted
    ada.get("/account")
    with database.connection_context():
        assert sessions.Session.get_by_id(row.id).last_seen == seen  # used again at once: not written
        # a session unused for longer than the cookie lives is over, and the purge job removes it
        expired = seen - dt.timedelta(seconds=sessions.MAX_AGE_SECONDS + 60)
        sessions.Session.update(last_seen=expired).where(sessions.Session.id == row.id).execute()
    assert _signed_out(ada)
    with database.connection_context():
        jobs.CORE_JOBS["core.purge"](app.runtime("test"))
        assert not sessions.Session.select().exists()


def test_a_ban_ends_the_members_sessions(app, member_factory, _signed_in):
    member_factory("root", role="admin")
    eve_account = member_factory("eve")
    admin, eve = _signed_in(app, "root"), _signed_in(app, "eve")
    response = admin.post_form(f"/admin/people/{eve_account.guid}", {"action": "ban", "reason": "spam"},
                               follow_redirects=False)
    assert response.status_code in (200, 303)
    assert _signed_out(eve)
    with database.connection_context():
        assert not sessions.Session.select().where(sessions.Session.account == eve_account.guid).exists()


def test_the_days_a_member_came_are_recorded_once_a_day_exported_and_forgotten(app, member_factory, _signed_in):
    """core.visits: a sign-in and the first use of a session on a new day each record the day, once;
    the days are in the member's archive, purged after KEEP_DAYS, deleted with the account."""
    from core import personal_data, visits

    member_factory("ada")
    ada = _signed_in(app)
    ada.get("/account")
    with database.connection_context():
        ada_guid = sessions.Session.get().account_id
        assert visits.of_account(ada_guid) == [database_today()]  # the sign-in, once despite two requests
        # the session was last used the day before: its next use records today's visit
        yesterday = database_today() - dt.timedelta(days=1)
        visits.Visit.update(day=yesterday).execute()
        row = sessions.Session.get()
        sessions.Session.update(last_seen=row.last_seen - dt.timedelta(days=1)).execute()
    ada.get("/account")
    ada.get("/account")
    with database.connection_context():
        assert visits.of_account(ada_guid) == [yesterday, database_today()]
        site = app.runtime("test")
        account = sessions.Session.get().account_id
        from core.models import Account

        files = personal_data.collect(site, Account.get(Account.entity == account))
        assert files["visits.json"] == [yesterday, database_today()]
        visits.Visit.update(day=database_today() - dt.timedelta(days=visits.KEEP_DAYS + 1)).where(
            visits.Visit.day == yesterday).execute()
        jobs.CORE_JOBS["core.purge"](site)
        assert visits.of_account(ada_guid) == [database_today()]
        personal_data.delete_account(site, Account.get(Account.entity == account), "anonymise")
        assert visits.of_account(ada_guid) == []
        assert not sessions.Session.select().where(sessions.Session.account == ada_guid).exists()


def database_today() -> dt.date:
    from core.db import now

    return now().date()
