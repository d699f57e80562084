"""maillage's pytest plugin: the fixtures a plugin's tests need, for maillage's own suite and
for a plugin package alike (it is loaded through the ``pytest11`` entry point of maillage).

- ``@pytest.mark.site(plugins=[...], **site_file_keys)`` chooses the test site's plugins and keys;
- ``make_app(plugins=[...], **keys)`` builds (or rebuilds) the test's app: one site "test" served
  on host ``testserver``, a fresh database (SQLite in ``tmp_path``, or PostgreSQL);
- ``app``, ``client`` (a :class:`core.testing.Client`), ``db`` (an open connection),
  ``member_factory("ada", role="admin")`` and ``signed_in("ada")`` (a client signed in).

Run on PostgreSQL with ``MAILLAGE_TEST_POSTGRES=1 pytest``: a real server is started on
loopback for the session (``core.testing_postgres``) and every test gets its own database;
or point ``TEST_DATABASE_URL`` at a server of your own.
"""

from __future__ import annotations

import os

import pytest

_server = None


def pytest_configure(config):
    global _server
    config.addinivalue_line("markers", "site(plugins, **keys): plugins and site-file keys of the test's site")
    if os.environ.get("MAILLAGE_TEST_POSTGRES") == "1" and not hasattr(config, "workerinput") \
            and not os.environ.get("TEST_DATABASE_URL"):
        from core.testing_postgres import PostgresServer

        _server = PostgresServer().start()
        os.environ["TEST_DATABASE_URL"] = _server.url


def pytest_unconfigure(config):
    if _server is not None:
        _server.stop()


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    return f"maillage database: {'PostgreSQL ' + url if url else 'SQLite (one file per test)'}"


class AppHolder:
    """The app of one test, built on first use; ``make_app`` (re)builds it with other options.

    Tests choose the site's plugins and settings with ``@pytest.mark.site(plugins=[...], **keys)``
    or by calling ``make_app(plugins=[...])`` at the start of the test body. The ``app``,
    ``client``, ``member_factory`` and ``signed_in`` fixtures all use this one app.
    """

    def __init__(self, tmp_path, defaults):
        self.tmp_path = tmp_path
        self.defaults = defaults
        self.app = None
        self.database_url = None

    def build(self, plugins=(), **kwargs):
        from core import testing

        if self.database_url is None:
            self.database_url = testing.fresh_database_url(self.tmp_path)
        self.app = testing.make_app(self.tmp_path, plugins=plugins, database_url=self.database_url, **kwargs)
        return self.app

    def ensure(self):
        if self.app is None:
            self.build(**self.defaults)
        return self.app

    async def __call__(self, scope, receive, send):
        await self.ensure()(scope, receive, send)

    def __getattr__(self, name):
        return getattr(self.ensure(), name)


@pytest.fixture
def app_holder(tmp_path, request):
    marker = request.node.get_closest_marker("site")
    return AppHolder(tmp_path, dict(marker.kwargs) if marker else {})


@pytest.fixture
def make_app(app_holder):
    """Build (or rebuild) the test's app: ``make_app(plugins=[...], site_id="test", **site_keys)``."""
    return app_holder.build


@pytest.fixture
def app(app_holder):
    """The test's app (one site "test" on host testserver), built on first use."""
    return app_holder


@pytest.fixture
def client(app):
    """A test client for ``app``."""
    from core import testing

    with testing.client(app) as c:
        yield c


@pytest.fixture
def db(app):
    """An open database connection for the test body (for creating rows directly)."""
    from core.db import database

    app.ensure()
    with database.connection_context():
        yield database


@pytest.fixture
def member_factory(app):
    """Create accounts: ``member_factory("ada", role="admin")`` -> Account (password "password-ada-123")."""
    from core import accounts
    from core.db import database

    def factory(name: str, role: str = "member", site: str = "test", **kwargs):
        app.ensure()
        with database.connection_context():
            return accounts.create_account(site, f"{name}@example.org", name.capitalize(),
                                           f"password-{name}-123", role=role, **kwargs)

    return factory


@pytest.fixture
def signed_in(app, member_factory):
    """Return a function giving a client signed in as a new member of that name."""
    from core import testing

    clients = []

    def factory(name: str, role: str = "member"):
        account = member_factory(name, role=role)
        c = testing.client(app)
        c.__enter__()
        clients.append(c)
        response = c.signin(f"{name}@example.org", f"password-{name}-123")
        assert response.status_code == 303, response.text
        c.account = account
        return c

    yield factory
    for c in clients:
        c.__exit__(None, None, None)
