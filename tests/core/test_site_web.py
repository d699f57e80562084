"""Sites, themes, languages and the security baseline of every page."""

import json
import logging

import pytest

from core import i18n, logs, testing
from core.db import database
from core.models import Account


def test_one_process_serves_several_sites_with_separate_data(tmp_path):
    sites = tmp_path / "sites"
    testing.write_site(sites, "alpha", hosts=("alpha.test",), name="Alpha")
    testing.write_site(sites, "beta", hosts=("beta.test",), name="Beta", theme="civic")
    app = testing.make_app(tmp_path, site_id="alpha", hosts=("alpha.test",), name="Alpha")
    from core import accounts

    with database.connection_context():
        accounts.create_account("alpha", "ada@example.org", "Ada", "password-ada-123")
    alpha = testing.client(app, host="alpha.test")
    beta = testing.client(app, host="beta.test:8000")
    assert "Alpha" in alpha.get("/").text
    assert "Beta" in beta.get("/").text
    assert alpha.signin("ada@example.org", "password-ada-123").status_code == 303
    refused = beta.signin("ada@example.org", "password-ada-123")
    assert refused.status_code == 400  # accounts belong to one site
    with database.connection_context():
        assert Account.select().where(Account.site == "beta").count() == 0


def test_template_chain_site_folder_then_theme_then_core(tmp_path):
    app = testing.make_app(tmp_path, theme="civic")
    client = testing.client(app)
    home = client.get("/").text
    assert "/static/theme/logo.svg" in home  # theme override of core/_logo.html
    assert "site-footer civic" in home  # theme override of core/_footer.html
    assert client.get("/static/theme/theme.css").status_code == 200
    override = tmp_path / "sites" / "test" / "templates" / "core"
    override.mkdir(parents=True)
    (override / "_footer.html").write_text('<footer class="site-own-footer">Our own footer</footer>')
    app = testing.make_app(tmp_path, theme="civic", database_url=app.instance.database_url)
    home = testing.client(app).get("/").text
    assert "Our own footer" in home and "site-footer civic" not in home  # site folder wins over theme
    assert "/static/theme/logo.svg" in home  # the theme still provides what the site does not


@pytest.mark.site(language="en")
def test_language_choice_user_then_site_then_browser(client, signed_in, app):
    assert '<html lang="en">' in client.get("/").text
    app.sites["test"].language = "fr"
    app.invalidate()
    french = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="fr">' in french.text  # the site's language comes before the browser's
    member = signed_in("ada")
    with database.connection_context():
        Account.update(language="en").where(Account.email == "ada@example.org").execute()
    assert '<html lang="en">' in member.get("/").text  # the member's own choice first
    response = client.get("/language?lang=en&next=/")
    assert response.status_code == 200 and '<html lang="en">' in response.text
    assert client.get("/language?lang=en&next=//evil.example").url.path == "/"


def test_site_language_from_browser_setting(make_app):
    app = make_app()
    with database.connection_context():
        from core import sites

        sites.save_settings("test", {"language_from_browser": True})
    client = testing.client(app)
    assert '<html lang="en">' in client.get("/", headers={"accept-language": "en-US,en;q=0.8"}).text
    assert '<html lang="fr">' in client.get("/", headers={"accept-language": "de-DE"}).text


def test_dates_are_formatted_for_each_language():
    import datetime as dt

    i18n.activate(i18n.load_catalog((), "fr"), "fr")
    assert i18n.format_date(dt.date(2026, 7, 14)) == "14 juillet 2026"
    i18n.activate(i18n.load_catalog((), "en"), "en")
    assert i18n.format_date(dt.date(2026, 7, 14)) == "July 14, 2026"


def test_how_long_ago_for_each_language():
    import datetime as dt

    i18n.activate(i18n.load_catalog((), "fr"), "fr")
    assert i18n.format_timedelta(-dt.timedelta(hours=3, seconds=20)) == "il y a 3 heures"
    assert i18n.format_timedelta(-dt.timedelta(seconds=75)) == "il y a 1 minute"
    i18n.activate(i18n.load_catalog((), "en"), "en")
    assert i18n.format_timedelta(-dt.timedelta(hours=3, seconds=20)) == "3 hours ago"
    assert i18n.format_timedelta(-dt.timedelta(hours=3, seconds=50)) == "3 hours ago"  # the same minute
    assert i18n.format_timedelta(dt.timedelta(days=2, minutes=3)) == "in 2 days"
    assert i18n.format_timedelta(-dt.timedelta(seconds=75)) == "1 minute ago"


def test_new_items_say_just_now_not_in_zero_seconds():
    import datetime as dt

    from core.runtime import CORE_DIR

    i18n.activate(i18n.load_catalog((CORE_DIR / "locale",), "fr"), "fr")
    for seconds in (0, 1, -1, -45, 30):
        assert i18n.format_timedelta(dt.timedelta(seconds=seconds)) == "à l'instant"
    i18n.activate(i18n.load_catalog((CORE_DIR / "locale",), "en"), "en")
    assert i18n.format_timedelta(dt.timedelta(seconds=0)) == "just now"


def test_when_something_happens_said_for_people():
    """Issue 16.10: "samedi 12 décembre, 14 h – 17 h"; no seconds, no zone name, the year only when needed."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    year = dt.date.today().year
    start = dt.datetime(year, 12, 12, 14, tzinfo=paris)
    weekday_fr = i18n.dates.format_date(start, "EEEE", locale="fr")
    i18n.activate(i18n.load_catalog((), "fr"), "fr")
    assert i18n.format_when(start, start.replace(hour=17)) == f"{weekday_fr} 12 décembre, 14 h – 17 h"
    assert i18n.format_when(start.replace(minute=30), start.replace(hour=17)).endswith(", 14 h 30 – 17 h")
    next_year = i18n.format_when(start.replace(year=year + 1), start.replace(year=year + 1, hour=17))
    assert f"12 décembre {year + 1}, 14 h – 17 h" in next_year
    whole_day = dt.datetime(year, 12, 12, tzinfo=paris)
    assert i18n.format_when(whole_day, whole_day + dt.timedelta(days=1), all_day=True) == f"{weekday_fr} 12 décembre"
    assert i18n.format_when(whole_day, whole_day + dt.timedelta(days=2), all_day=True).endswith(" 13 décembre")
    stamp = i18n.format_datetime(dt.datetime(year, 12, 12, 13, 0, 5), "full", tz="Europe/Paris")
    assert stamp.endswith("14:00") and "heure" not in stamp and ":05" not in stamp
    i18n.activate(i18n.load_catalog((), "en"), "en")
    assert i18n.format_when(start, start.replace(hour=17)).endswith("December 12, 2 PM – 5 PM")
    assert i18n.format_datetime(dt.datetime(year, 12, 12, 13, 0, 5), "medium", tz="Europe/Paris") \
        == f"Dec 12, {year}, 2:00\u202fPM"


def test_core_strings_are_translated(client):
    page = client.get("/signin").text
    assert "Mot de passe" in page and "Se connecter" in page


def test_security_headers_on_every_response(client):
    assert client.get("/static/core/missing.css").status_code == 404
    for path in ("/", "/signin", "/missing", "/static/core/maillage.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert headers["x-content-type-options"] == "nosniff"


def test_pages_without_forms_set_no_cookie_for_visitors(client):
    assert "set-cookie" not in client.get("/").headers
    assert "set-cookie" in client.get("/signin").headers


def test_session_cookie_is_signed_and_http_only(client, member_factory):
    member_factory("ada")
    response = client.signin("ada@example.org", "password-ada-123")
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    value = client.cookies["maillage"]
    client.cookies.clear()
    client.cookies.set("maillage", value[:-4] + "AAAA")
    assert "Sign out" not in client.get("/").text and "Se déconnecter" not in client.get("/").text


def test_friendly_error_pages_without_trace(client, app):
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Page introuvable" in missing.text

    def boom(request):
        raise RuntimeError("secret detail")

    from starlette.routing import Route

    from core.routing import checked

    runtime = app.runtime("test")
    runtime.app.routes.append(checked("core", Route("/boom", boom)))
    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert "Un problème est survenu" in response.text


def test_logs_are_json_lines_without_secrets():
    record = logging.makeLogRecord({"name": "maillage.test", "msg": "signed in", "levelno": 20,
                                    "levelname": "INFO", "password": "hunter2", "site": "test"})
    line = json.loads(logs.JSONFormatter().format(record))
    assert line["message"] == "signed in" and line["site"] == "test"
    assert line["password"] == "***"


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(app):
    from core.db import is_postgres

    app.ensure()
    with database.connection_context():
        if is_postgres():
            assert database.execute_sql("SHOW server_version").fetchone()[0]
            return
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 10000


def test_a_worker_runs_two_requests_at_once_unless_told_otherwise(app, monkeypatch):
    """The lifespan start limits the request threads (MAILLAGE_THREADS, default 2)."""
    import anyio.to_thread
    from starlette.testclient import TestClient

    from core.app import REQUEST_THREADS

    def tokens_after_startup() -> int:
        with TestClient(app) as client:  # runs the lifespan start in the client's event loop
            return client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)

    assert tokens_after_startup() == REQUEST_THREADS == 2
    monkeypatch.setenv("MAILLAGE_THREADS", "6")
    assert tokens_after_startup() == 6


def test_the_worker_settles_its_long_lived_objects_at_start(app):
    """At the lifespan start every site's runtime is built and the garbage collector stops
    walking what the worker holds for good (gc.freeze)."""
    import gc

    from starlette.testclient import TestClient

    gc.unfreeze()
    with TestClient(app):
        assert "test" in app.runtimes
        assert gc.get_freeze_count() > 0
    gc.unfreeze()
