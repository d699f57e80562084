"""End-to-end fixtures: a real uvicorn server on loopback and Debian's Chromium driven by Playwright.

``live_site(plugins=[...])`` starts the app on a free port and returns its base
URL; ``page`` is a fresh browser page; ``check_a11y(page)`` runs axe and fails
on serious or critical violations; ``members("Ada", "Bob")`` creates members and
``sign_in(page, url, "ada")`` signs one in.
"""

from __future__ import annotations

import os
import threading
import time
import unicodedata

import pytest

from core import demo_server
from core.demo_server import CHROMIUM, CHROMIUM_ARGS, free_port


class LiveServer:
    """A uvicorn server running ``app`` in a thread."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self):
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started and time.time() < deadline:
            time.sleep(0.05)
        assert self.server.started, "the test server did not start"
        return self

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_site(tmp_path):
    """Start a site: ``url = live_site(plugins=[...])``; the app is at ``live_site.app``."""
    from core import testing

    servers = []

    def start(plugins=(), **site_extra):
        site_extra.setdefault("hosts", ("127.0.0.1", "testserver"))
        app = testing.make_app(tmp_path, plugins=plugins, **site_extra)
        server = LiveServer(app).start()
        servers.append(server)
        start.app = app
        return server.url

    yield start
    for server in servers:
        server.stop()


def login(name: str) -> tuple[str, str]:
    """The e-mail and password ``members`` gives a member: ``login("Cléo")`` is
    ``("cleo@example.org", "password-cleo-123")``."""
    key = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return f"{key}@example.org", f"password-{key}-123"


@pytest.fixture
def members():
    """Create members of the test site, by their names: ``ada, bob = members("Ada", "Bob")`` (accounts,
    in the order given); each signs in with ``login(name)``."""
    from core import accounts
    from core.db import database

    def create(*names: str, site: str = "test"):
        with database.connection_context():
            return [accounts.create_account(site, login(name)[0], name, login(name)[1]) for name in names]

    return create


@pytest.fixture
def sign_in():
    """Sign a page in and wait until the site has: ``sign_in(page, url, "ada")`` for a member made by
    ``members``, or ``sign_in(page, url, (email, password))``."""

    def sign(page, url: str, who: str | tuple[str, str]) -> None:
        demo_server.sign_in(page, url, login(who) if isinstance(who, str) else who)
        page.wait_for_url(lambda address: "/signin" not in address)  # a new session: forms carry its token

    return sign


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run scripts/test.sh, which installs it")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page (its own cookies)."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Open more independent pages (another visitor, another member)."""
    contexts = []

    def factory(locale="fr-FR"):
        context = browser.new_context(locale=locale)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def check_a11y():
    """Run axe on the current page; fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        assert not bad, "accessibility violations on " + page.url + ": " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad)
        return results

    return check
