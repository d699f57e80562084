"""plugin.toml declares entity kinds, menus, container tools and settings; the core answers the
hooks for them (the blog, wire and forums plugins declare theirs this way)."""

import tomllib

import pytest
from starlette.requests import Request

from core import manifest, plugins
from core.db import database
from core.models import Entity

MANIFEST = """
name = "poll"
[[kinds]]
name = "poll.poll"
label = "Poll"
plural = "Polls"
route = "feed-entity"
searchable = true
restorable = false

[[menus]]
menu = "main"
label = "Polls"
route = "search"
[[menus]]
menu = "admin"
label = "Poll settings"
route = "admin-plugins"
when = "admin"

[[container_tools]]
label = "Polls"
route = "member-edit"
container_kinds = ["groups.group"]

[[settings]]
name = "per_page"
label = "Polls per page"
type = "int"
default = 20
"""


def test_a_manifest_declares_kinds_menus_tools_and_settings(app, member_factory):
    declared = manifest.Declared("maillage_poll", manifest.declarations(tomllib.loads(MANIFEST)))
    site = app.runtime("test")
    (kind,) = declared.maillage_entity_kinds(site)
    assert kind.name == "poll.poll" and kind.searchable and not kind.restorable and not kind.commentable
    with database.connection_context():
        group = Entity.create(site="test", kind="groups.group", title="Club")
        card = Entity.create(site="test", kind="directory.organisation", title="Asso")
    assert kind.url(group) == site.app.url_path_for("feed-entity", guid=group.guid) == f"/feed/entity/{group.guid}"
    assert [t.url for t in declared.maillage_container_tools(site, group)] == [f"/members/{group.guid}/edit"]
    assert declared.maillage_container_tools(site, card) == []
    (setting,) = declared.maillage_settings_schema(site)
    assert (setting.name, setting.type, setting.default, setting.help) == ("per_page", "int", 20, "")
    assert manifest.texts(tomllib.loads(MANIFEST)) == ["Poll", "Polls", "Polls", "Poll settings", "Polls",
                                                        "Polls per page"]


def test_manifest_menus_follow_who_is_signed_in(app, member_factory):
    declared = manifest.Declared("maillage_poll", manifest.declarations(tomllib.loads(MANIFEST)))
    request = Request({"type": "http", "headers": [], "state": {}})
    request.state.user = None
    site = app.runtime("test")
    assert [m.url for m in declared.maillage_menu_items(site, request)] == ["/search"]
    request.state.user = member_factory("ada")
    assert [m.url for m in declared.maillage_menu_items(site, request)] == ["/search"]
    request.state.user = member_factory("root", role="admin")
    assert [m.url for m in declared.maillage_menu_items(site, request)] == ["/search", "/admin/plugins"]


def test_a_wrong_declaration_is_reported_with_the_plugin():
    with pytest.raises(manifest.ManifestError, match="colour"):
        manifest.declarations({"kinds": [{"name": "x.y", "label": "Y", "route": "y", "colour": "red"}]})


@pytest.mark.parametrize(("section", "row"), [
    ("kinds", {"name": "x.y", "label": "Y", "url": "/y/{guid}"}),
    ("menus", {"menu": "main", "label": "Y", "url": "/y/"}),
    ("container_tools", {"label": "Y", "url": "/y/in/{guid}"}),
    ("kinds", {"name": "x.y", "label": "Y"}),
    ("menus", {"menu": "main", "label": "Y", "route": "y", "url": "https://example.org/"}),
])
def test_a_page_is_named_by_its_route_not_written_as_a_path(section, row):
    with pytest.raises(manifest.ManifestError, match="route"):
        manifest.declarations({section: [row]})


def test_a_kind_url_function_and_a_menu_elsewhere_are_still_allowed(app):
    declared = manifest.Declared("maillage_poll", manifest.declarations({
        "kinds": [{"name": "poll.poll", "label": "Poll", "url": "core.web:entity_url"}],
        "menus": [{"menu": "main", "label": "Forum", "url": "https://forum.example.org/"}]}))
    site = app.runtime("test")
    (kind,) = declared.maillage_entity_kinds(site)
    request = Request({"type": "http", "headers": [], "state": {}})
    request.state.user = None
    assert kind.url(Entity(guid=5, kind="poll.poll", title="x")) == "/"  # entity_url(site, entity): not a kind of the site
    assert [m.url for m in declared.maillage_menu_items(site, request)] == ["https://forum.example.org/"]


def test_bundled_plugins_declare_in_their_manifest(app, signed_in):
    info = plugins.discover()["blog"]
    assert [k["name"] for k in info.declared["kinds"]] == ["blog.post"]
    app.ensure()
    site = app.runtime("test")
    assert "blog.post" not in site.entity_kinds  # the blog is not enabled on this site


@pytest.mark.site(plugins=["blog", "wire"])
def test_declared_kinds_menus_and_settings_reach_the_site(app, signed_in, client):
    site = app.runtime("test")
    assert site.entity_kinds["blog.post"].commentable and site.entity_kinds["wire.status"].searchable
    assert [f.name for f in site.settings_schema("blog")] == ["members_can_blog", "per_page"]
    assert site.plugin_settings("wire")["max_length"] == 280
    home = client.get("/").text
    assert 'href="/blog/"' in home and 'href="/wire/"' in home
    admin = signed_in("root", role="admin")
    page = admin.get("/admin/plugins/blog").text
    assert "Posts per page" in page or "Articles par page" in page
