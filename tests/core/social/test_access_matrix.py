"""Every access level against every kind of viewer, on detail pages, listings, feeds and Atom."""

import feedparser
import pytest

from core import activity, entities, testing
from core.db import database
from core.models import Entity, Relationship
from plugins.wire.models import Status

LEVELS = ("public", "members", "connections", "private", "container")
VIEWERS = ("anonymous", "member", "connection", "follower", "container_member", "owner", "manager",
           "moderator", "administrator", "blocked")
SEES = {
    "public": set(VIEWERS),
    "members": set(VIEWERS) - {"anonymous", "blocked"},
    "connections": {"connection", "owner", "manager", "moderator", "administrator"},
    "private": {"owner", "manager", "administrator"},
    "container": {"container_member", "owner", "manager", "moderator", "administrator"},
}


@pytest.fixture
def world(app, member_factory):
    """An owner with one status per level, and a client for each kind of viewer."""
    app.build(plugins=["wire"])
    site = app.runtime("test")
    roles = {"owner": "member", "member": "member", "connection": "member", "follower": "member",
             "container_member": "member", "manager": "member", "moderator": "moderator",
             "administrator": "admin", "blocked": "member"}
    accounts = {name: member_factory(name, role=role) for name, role in roles.items()}
    owner = accounts["owner"].guid
    with database.connection_context():
        group = Entity.create(site="test", kind="user", title="Group", access="public")
        edges = [(accounts["connection"].guid, "connected", owner), (owner, "connected", accounts["connection"].guid),
                 (accounts["follower"].guid, "follows", owner),
                 (accounts["container_member"].guid, "member_of", group.guid),
                 (accounts["manager"].guid, "manages", owner), (owner, "blocks", accounts["blocked"].guid),
                 (owner, "member_of", group.guid)]
        for s, v, o in edges:
            Relationship.create(site="test", subject=s, verb=v, object=o)
        posts = {}
        for level in LEVELS:
            entity = entities.create(site, "wire.status", owner=owner, title=f"secret-{level}", access_level=level,
                                     container=group if level == "container" else None)
            Status.create(entity=entity, body=f"secret-{level}")
            activity.record(site, actor=owner, verb="posted", entity=entity)
            posts[level] = entity.guid
    clients = {"anonymous": testing.client(app)}
    for name in roles:
        c = testing.client(app)
        assert c.signin(f"{name}@example.org", f"password-{name}-123").status_code == 303
        clients[name] = c
    return posts, clients


@pytest.mark.parametrize("long_lists", [False, True], ids=["literal-lists", "subqueries"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_detail_listing_and_feeds(world, viewer, long_lists, monkeypatch):
    """Both spellings of a member's ties: short literal lists, and the EXISTS subqueries used
    when a member has more than ``access.LIST_LIMIT`` ties of one sort."""
    if long_lists:
        from core import access

        monkeypatch.setattr(access, "LIST_LIMIT", 0)
    posts, clients = world
    client = clients[viewer]
    listing = client.get("/wire/").text
    home = client.get("/").text
    owner_feed = client.get(f"/feed/entity/{client_guid(clients, 'owner')}").text
    for level in LEVELS:
        expected = viewer in SEES[level]
        detail = client.get(f"/wire/{posts[level]}")
        assert (detail.status_code == 200) == expected, (viewer, level, "detail", detail.status_code)
        assert (f"secret-{level}" in listing) == expected, (viewer, level, "listing")
        assert (f"secret-{level}" in home) == expected, (viewer, level, "site feed")
        assert (f"secret-{level}" in owner_feed) == expected, (viewer, level, "member feed")


def client_guid(clients, name):
    with database.connection_context():
        from core.models import Account

        return Account.get(Account.email == f"{name}@example.org").guid


def test_atom_exports_only_public_content(world):
    _posts, clients = world
    for path in ("/wire/feed.atom", "/feed/site.atom", f"/feed/entity/{client_guid(clients, 'owner')}.atom"):
        for viewer in ("anonymous", "administrator"):
            parsed = feedparser.parse(clients[viewer].get(path).content)
            assert not parsed.bozo
            text = " ".join(e.title for e in parsed.entries)
            assert "secret-public" in text
            assert not any(f"secret-{level}" in text for level in LEVELS if level != "public"), (path, viewer)


def test_listing_counts_never_reveal_hidden_rows(world):
    _posts, clients = world
    page = clients["anonymous"].get(f"/feed/entity/{client_guid(clients, 'owner')}").text
    assert page.count('class="feed-item') == 1
