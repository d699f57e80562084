"""Feeds: site, network, member; filters; keyset pagination; Atom parsed by a real feed reader."""

import feedparser
import pytest
from peewee import Value, fn

from core import activity, testing
from core.db import database, is_postgres
from core.models import Activity, Entity, Relationship

pytestmark = pytest.mark.site(plugins=["wire"])


def post(client, body, access="public"):
    response = client.post_form("/wire/", {"body": body, "access": access}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


def test_home_page_shows_the_site_feed_with_access_applied(signed_in, client):
    ada = signed_in("ada")
    post(ada, "Public news from Ada")
    post(ada, "Members-only news", access="members")
    home = client.get("/").text
    assert "Public news from Ada" in home
    assert "Members-only news" not in home
    assert "Members-only news" in signed_in("bob").get("/").text


def test_network_feed_shows_followed_members_and_myself(signed_in):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    post(bob, "Bob writes")
    post(eve, "Eve writes")
    ada.post_form(f"/social/{bob.account.guid}/do/follow", {}, token_from="/")
    post(ada, "Ada writes")
    feed = ada.get("/feed").text
    assert "Bob writes" in feed and "Ada writes" in feed and "Eve writes" not in feed


def test_keyset_pagination_and_filters(signed_in, app):
    ada = signed_in("ada")
    for i in range(25):
        post(ada, f"Message {i:02d}")
    first = ada.get("/").text
    assert "Message 24" in first and "Message 04" not in first
    import re

    older = re.search(r'href="/\?before=(\d+)"', first).group(1)
    second = ada.get(f"/?before={older}").text
    assert "Message 04" in second and "Message 24" not in second
    assert "Message 24" in ada.get("/?filter=posts").text
    assert "Message 24" in ada.get("/?filter=wire.status").text


def test_member_feed_and_its_atom_are_valid_and_public_only(signed_in, client):
    ada = signed_in("ada")
    post(ada, "Visible to the world")
    post(ada, "Only for members", access="members")
    guid = ada.account.guid
    assert "Visible to the world" in client.get(f"/members/{guid}").text
    parsed = feedparser.parse(client.get(f"/feed/entity/{guid}.atom").content)
    assert not parsed.bozo, parsed.bozo_exception
    titles = " ".join(e.title for e in parsed.entries)
    assert "Visible to the world" in titles and "Only for members" not in titles
    site = feedparser.parse(client.get("/feed/site.atom").content)
    assert not site.bozo and site.feed.title == "Test site"
    assert site.entries[0].link.startswith("http://testserver/wire/")


def test_my_groups_filter_uses_membership(signed_in, app):
    ada, bob = signed_in("ada"), signed_in("bob")
    from core import entities
    from core.models import Entity

    site = app.runtime("test")
    with database.connection_context():
        group = Entity.create(site="test", kind="user", title="Club", access="public")
        Relationship.create(site="test", subject=ada.account.guid, verb="member_of", object=group.guid)
        inside = entities.create(site, "wire.status", owner=bob.account.guid, title="Inside the club",
                                 access_level="container", container=group)
        Activity.create(site="test", actor=bob.account.guid, verb="posted", entity=inside, container=group,
                        kind="wire.status")
    assert "Inside the club" in ada.get("/feed?filter=groups").text
    assert "Inside the club" not in signed_in("eve").get("/").text


def _home_feed_work(site):
    """The visitor's home feed, and how much work SQLite did for it (:func:`core.testing.sqlite_work`)."""
    return testing.sqlite_work(lambda: activity.site_feed(site, None))


def test_home_feed_reads_a_bounded_part_of_the_river_whatever_came_last(signed_in, app):
    """Thousands of newer items the feed leaves out (here a kind no plugin of the site declares, as a
    disabled plugin's) neither hide the older statuses nor make the feed read the whole river."""
    ada = signed_in("ada")
    for i in range(25):
        post(ada, f"Older news {i:02d}")
    site = app.runtime("test")

    def add_hidden(count):
        with database.atomic():
            first = Entity.select(fn.MAX(Entity.guid)).scalar()
            Entity.insert_many([("test", "disabled.thing", ada.account.guid, "public", "hidden")] * count,
                               fields=[Entity.site, Entity.kind, Entity.owner, Entity.access, Entity.title]).execute()
            Activity.insert_from(
                Entity.select(Value("test"), Entity.guid, Value("posted"), Entity.guid, Value("disabled.thing"),
                              Entity.created)
                .where(Entity.guid > first).order_by(Entity.guid),
                [Activity.site, Activity.actor, Activity.verb, Activity.entity, Activity.kind, Activity.created]).execute()

    with database.connection_context():
        newest = [i for (i,) in Activity.select(Activity.id).where(Activity.kind == "wire.status")
                  .order_by(Activity.id.desc()).limit(20).tuples()]
        add_hidden(1000)
        rows, work_after_1000 = _home_feed_work(site)
        assert [row.id for row in rows] == newest
        add_hidden(3000)
        rows, work_after_4000 = _home_feed_work(site)
        assert [row.id for row in rows] == newest
    if not is_postgres():  # four times the hidden items: about the same work (it was four times more)
        assert work_after_4000 < 2 * work_after_1000, (work_after_1000, work_after_4000)
