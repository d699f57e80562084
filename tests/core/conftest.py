"""Fixtures of the core's tests that crawl the demo sites (tests/core/test_no_dead_links.py,
tests/core/security/test_robustness.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ("admin@example.org", "admin-password-123")


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """The sites of the repository's ``sites/`` with the small demo data, and an administrator on each
    (``ADMIN``); one app per test module."""
    from core import accounts, demo, testing
    from core.app import Maillage
    from core.config import Instance
    from core.db import database

    tmp = tmp_path_factory.mktemp("demo")
    instance = Instance(home=tmp / "var", sites_dir=ROOT / "sites", database_url=testing.fresh_database_url(tmp),
                        secret="test-secret-" + "x" * 32)
    app = Maillage(instance)
    with database.connection_context():
        for site_id in app.sites:
            demo.generate(app.runtime(site_id), "small", progress=False)
            accounts.create_account(site_id, ADMIN[0], "Administrator", ADMIN[1], role="admin")
    return app


@pytest.fixture(scope="module")
def demo_sign_in():
    """``demo_sign_in(client, who)`` signs a test client of ``demo_app`` in as ``"member"`` (a demo member)
    or ``"admin"``; a ``"visitor"`` stays signed out."""
    from core import demo

    def sign_in(client, who: str) -> None:
        account = {"member": ("member1@example.org", demo.DEMO_PASSWORD), "admin": ADMIN}.get(who)
        if account:
            assert client.signin(*account).status_code == 303

    return sign_in
