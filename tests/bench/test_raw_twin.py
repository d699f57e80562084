"""The raw twin (bench/raw.py) lists the same items as maillage's pages for the same viewer, so the
suite's maillage / raw ratio compares equal work: the network feed, a forum thread, the directory list,
on the small demo data set, for a visitor, members and an administrator."""

import re
import sys
from pathlib import Path

import pytest

from core import activity, demo, testing
from core.db import database
from core.models import Account, Entity

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench import raw  # noqa: E402

PLUGINS = ["groups", "forums", "wire", "blog", "directory"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    app = testing.make_app(tmp_path_factory.mktemp("raw"), plugins=PLUGINS)
    site = app.runtime("test")
    with database.connection_context():
        demo.generate(site, "small", progress=False)
        accounts = list(Account.select().where(Account.site == "test").order_by(Account.entity))
        admin = accounts[-1]
        Account.update(role="admin").where(Account.entity == admin.entity_id).execute()
    kinds = [name for name, kind in site.entity_kinds.items() if kind.in_activity]
    twin = raw.Raw(app.instance.database_url, "test", kinds, list(site.membership_verbs))
    return app, site, twin


def viewers():
    """The first members (with the demo password) and the administrator, as Accounts."""
    rows = list(Account.select().where(Account.site == "test").order_by(Account.entity))
    return rows[:6] + [Account.get_by_id(rows[-1].entity_id)]


@pytest.mark.parametrize("few_sources", [300, 0])
def test_network_feed_lists_the_same_items(world, monkeypatch, few_sources):
    _app, site, twin = world
    monkeypatch.setattr(activity, "FEW_SOURCES", few_sources)  # 0: the walk of the river of heavy readers
    monkeypatch.setattr(raw, "FEW_SOURCES", few_sources)
    listed = 0
    with database.connection_context():
        for account in viewers():
            ours = [row.id for row in activity.network_feed(site, account, account.guid)]
            theirs = [row[0] for row in twin.network((account.guid, account.role))]
            assert theirs == ours, account.email
            listed += len(ours)
            if ours:  # the next page too (keyset)
                ours = [row.id for row in activity.network_feed(site, account, account.guid, before=ours[-1])]
                assert [row[0] for row in twin.network((account.guid, account.role), before=theirs[-1])] == ours
    assert listed > 0


CLIENTS: dict = {}  # one signed-in client per member (signing in again and again is throttled)


def _page(app, path, email=None):
    client = CLIENTS.get(email)
    if client is None:
        client = CLIENTS[email] = testing.client(app)
        if email:
            assert client.signin(email, demo.DEMO_PASSWORD).status_code == 303
    return client.get(path)


def test_directory_list_shows_the_same_cards(world):
    app, _site, twin = world
    with database.connection_context():
        people = [None, *viewers()]
    for account in people:
        page = _page(app, "/directory/", account.email if account else None)
        assert page.status_code == 200
        shown = [int(g) for g in re.findall(r'href="/directory/(\d+)"', page.text)]
        with database.connection_context():
            listed = [row[0] for row in twin.cards((account.guid, account.role) if account else None)]
        assert listed and listed == list(dict.fromkeys(shown)), account and account.email


def test_forum_thread_shows_the_same_replies_to_whom_may_read_it(world):
    app, _site, twin = world
    with database.connection_context():
        topics = [guid for (guid,) in Entity.select(Entity.guid).where(Entity.kind == "forums.topic").tuples()]
        people = [None, *viewers()]
    opened = 0
    for guid in topics[:4]:
        for account in people:
            page = _page(app, f"/forums/{guid}", account.email if account else None)
            with database.connection_context():
                found = twin.thread((account.guid, account.role) if account else None, guid)
            assert (page.status_code == 200) == (found is not None), (guid, account and account.email)
            if found is not None:
                opened += 1
                numbers = [int(n) for n in re.findall(r'<li id="r(\d+)"', page.text)]
                assert [row[1] for row in found[1]] == numbers
    assert opened > 0
