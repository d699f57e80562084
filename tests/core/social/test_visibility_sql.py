"""Visibility stays inside the SQL: kinds of disabled plugins and plugins' own access rules
filter pages and counts in the query, so a page of 20 shows 20 items when 20 are visible."""

import re

import pytest

from core import access, activity, entities, hookimpl, search
from core.db import database
from core.models import Activity, Entity

pytestmark = pytest.mark.site(plugins=["wire"])


def _items(site, owner, kind, titles):
    for title in titles:
        entity = entities.create(site, kind, owner=owner, title=title, access_level="public")
        activity.record(site, actor=owner, verb="posted", entity=entity)
        if kind not in site.entity_kinds:  # a disabled plugin's rows, indexed while it was enabled
            search.SearchDocument.insert(entity=entity.guid, site=site.id, kind=kind,
                                         title=search.fold(title), body="").execute()


def test_a_feed_page_of_20_over_a_disabled_plugins_newest_rows_shows_20_items(app, member_factory, client):
    ada = member_factory("ada")
    site = app.runtime("test")
    with database.connection_context():
        _items(site, ada.guid, "wire.status", [f"Jardin visible {i:02d}" for i in range(25)])
        # newer rows of a plugin this site has not enabled ("blog" is off): its data stays in the tables
        _items(site, ada.guid, "blog.post", [f"Jardin du blog {i:02d}" for i in range(25)])
        assert Activity.select().where(Activity.kind == "blog.post").count() == 25
        page = activity.site_feed(site, None)
        assert len(page) == 20 and {row.kind for row in page} == {"wire.status"}
        assert len(activity.items(site, page)) == 20
        found = search.search(site, None, "jardin")
        assert len(found) == 20 and {e.kind for e in found} == {"wire.status"}
    home = client.get("/").text
    assert len(re.findall(r"Jardin visible \d\d", home)) == 20 and "Jardin du blog" not in home
    results = client.get("/search?q=jardin").text
    assert len(re.findall(r"Jardin visible \d\d", results)) == 20 and "Jardin du blog" not in results


class Embargo:
    """A plugin's own access rule: statuses titled "embargo" are for administrators only."""

    @hookimpl
    def maillage_visibility_sql(self, site, viewer, entity):
        if viewer is not None and viewer.is_admin:
            return None
        return (entity.kind != "wire.status") | ~entity.title.contains("embargo")


def test_a_plugins_visibility_sql_filters_lists_counts_feeds_and_search(app, member_factory, signed_in, client):
    ada = signed_in("ada")
    admin = member_factory("root", role="admin")
    ada.post_form("/wire/", {"body": "Open news from the garden", "access": "public"})
    ada.post_form("/wire/", {"body": "embargo news from the garden", "access": "public"})
    site = app.runtime("test")
    plugin = Embargo()
    site.pm.register(plugin, name="test-embargo")
    try:
        with database.connection_context():
            hidden = Entity.get(Entity.title.contains("embargo"))
            counted = Entity.select().where(Entity.kind == "wire.status", access.visible(ada.account, site))
            assert counted.count() == 1
            assert Entity.select().where(Entity.kind == "wire.status",
                                         access.visible(admin, site)).count() == 2
            assert entities.get_visible(site, ada.account, hidden.guid) is None
            assert entities.get_visible(site, admin, hidden.guid) is not None
            assert [e.title for e in search.search(site, None, "garden")] == ["Open news from the garden"]
        for page in ("/", "/wire/", "/search?q=garden", f"/members/{ada.account.guid}"):
            text = client.get(page).text
            assert "Open news" in text and "embargo news" not in text, page
        assert "embargo news" not in ada.get("/feed").text
    finally:
        site.pm.unregister(plugin)
    assert "embargo news" in client.get("/wire/").text


def test_visible_refuses_a_site_id():
    with pytest.raises(TypeError, match="SiteRuntime"):
        access.visible(None, "test")


def test_an_entity_page_reads_the_entity_with_its_owner_in_one_query(app, member_factory):
    ada = member_factory("ada")
    site = app.runtime("test")
    with database.connection_context():
        note = entities.create(site, "wire.status", owner=ada.guid, title="Owned", access_level="public")
        orphan = entities.create(site, "wire.status", owner=None, title="Nobody's", access_level="public")
        queries = []
        real = database.obj.execute_sql
        database.obj.execute_sql = lambda sql, *args, **kw: queries.append(sql) or real(sql, *args, **kw)
        try:
            found = entities.get_visible(site, None, note.guid)
            assert (found.owner.guid, found.owner.title, found.owner.kind) == (ada.guid, "Ada", "user")
            assert entities.get_visible(site, None, orphan.guid).owner is None
        finally:
            del database.obj.execute_sql
        assert len(queries) == 2  # one per entity: the owner came with it
