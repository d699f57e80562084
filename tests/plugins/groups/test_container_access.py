"""Content posted in a group with access "container" is seen by its members only, everywhere:
topic page, group forum, group feed, site feed, network feed, Atom feeds, search, counts.
Viewers: a visitor, a member of the site outside the group, a pending requester, a banned
member (who was a member), a removed member, and the members themselves.
"""

import pytest

from core import activity, search
from core.db import database
from core.models import Entity

pytestmark = pytest.mark.site(plugins=["groups", "forums"], language="en")

SECRET = "Zanzibarquinoa"


@pytest.fixture
def world(signed_in):
    ada, bob, eve, ray, ben, rem = (signed_in(n) for n in ("ada", "bob", "eve", "ray", "ben", "rem"))
    r = ada.post_form("/groups/new", {"name": "Club", "membership": "request", "visibility": "public"},
                      follow_redirects=False)
    g = int(r.headers["location"].rsplit("/", 1)[1])
    for c in (bob, ray, ben, rem):
        c.post_form(f"/groups/{g}/join", token_from=f"/groups/{g}")
    for c in (bob, ben, rem):
        ada.post_form(f"/groups/{g}/members/{c.account.guid}/approve", token_from=f"/groups/{g}/members")
    r = bob.post_form(f"/forums/in/{g}/new", {"title": f"Topic {SECRET}", "body": f"Body {SECRET}"},
                      follow_redirects=False)
    t = int(r.headers["location"].rsplit("/", 1)[1])
    ada.post_form(f"/groups/{g}/members/{ben.account.guid}/ban", token_from=f"/groups/{g}/members")
    ada.post_form(f"/groups/{g}/members/{rem.account.guid}/remove", token_from=f"/groups/{g}/members")
    return {"group": g, "topic": t, "members": [ada, bob], "outsiders": [eve, ray, ben, rem]}


PAGES = ["/forums/{t}", "/forums/in/{g}", "/groups/{g}", "/feed/entity/{g}", "/feed/entity/{g}.atom",
         "/feed/site.atom", "/feed", "/search?q=" + SECRET, "/"]


def _pages(world):
    return [p.format(t=world["topic"], g=world["group"]) for p in PAGES]


def test_members_see_group_content(world):
    for c in world["members"]:
        assert c.get(f"/forums/{world['topic']}").status_code == 200
        assert SECRET in c.get(f"/forums/in/{world['group']}").text
        assert SECRET in c.get(f"/groups/{world['group']}").text
        assert f"Topic {SECRET}" in c.get("/search?q=" + SECRET).text


def test_others_never_see_it(world, client):
    for who, c in [("visitor", client)] + [(o.account.name, o) for o in world["outsiders"]]:
        _check_outsider(world, who, c)


def _check_outsider(world, who, c):
    assert c.get(f"/forums/{world['topic']}").status_code == 404
    assert c.get(f"/forums/{world['topic']}/unread", follow_redirects=False).status_code in (303, 404)
    for path in _pages(world):
        response = c.get(path)
        assert f"Topic {SECRET}" not in response.text and f"Body {SECRET}" not in response.text, (who, path)
    # posting is refused to them too
    r = c.post_form(f"/forums/{world['topic']}/reply", {"body": "x"}, token_from="/signin",
                    follow_redirects=False)
    assert r.status_code in (303, 403, 404)


def test_counts_and_queries_hide_it(app, world, member_factory):
    site = app.runtime("test")
    with database.connection_context():
        from core.models import Account

        eve, ben, bob = (Account.get(Account.email == f"{n}@example.org") for n in ("eve", "ben", "bob"))
        for viewer in (None, eve, ben):
            assert [r for r in activity.site_feed(site, viewer) if r.kind == "forums.topic"] == []
            assert activity.entity_feed(site, viewer, world["group"], kinds=["forums.topic"]) == []
            assert search.search(site, viewer, SECRET) == []
        assert [e.guid for e in search.search(site, bob, SECRET)] == [world["topic"]]
        assert len(activity.entity_feed(site, bob, world["group"], kinds=["forums.topic"])) == 1
        assert Entity.get_by_id(world["topic"]).access == "container"
