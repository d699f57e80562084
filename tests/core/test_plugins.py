"""Plugins: discovery (bundled and entry points), manifests, enabling rules, isolation of failures."""

import sys

import pytest

from core import plugins, sites
from core.db import database
from core.models import Site

FIXTURE = __import__("pathlib").Path(__file__).resolve().parent.parent / "fixtures" / "testplugins"


@pytest.fixture(scope="session")
def testplugins_dir(tmp_path_factory, pip_install):
    """Install tests/fixtures/testplugins (a real package) with pip into a folder of its own."""
    return pip_install(FIXTURE, tmp_path_factory.mktemp("site-packages"))


@pytest.fixture
def third_party(testplugins_dir):
    """Make the installed test plugins visible to discovery for one test."""
    sys.path.insert(0, str(testplugins_dir))
    plugins.refresh()
    yield plugins.discover()
    sys.path.remove(str(testplugins_dir))
    plugins.refresh()


def test_entry_point_plugin_is_discovered_with_its_manifest(third_party):
    hello = third_party["hello"]
    assert hello.error is None
    assert hello.version == "1.2.0"
    assert hello.source.startswith("entry point")
    assert hello.module is not None


def test_incompatible_and_broken_plugins_are_refused_with_the_reason(third_party):
    assert "works with maillage >=99.0" in third_party["future"].error
    assert "cannot be imported" in third_party["broken"].error
    assert "broken on purpose" in third_party["broken"].error
    with pytest.raises(plugins.PluginRuleError, match="works with maillage"):
        plugins.check_enable("future", set())


def test_requirements_are_enforced_both_ways(third_party):
    with pytest.raises(plugins.PluginRuleError, match="requires hello"):
        plugins.check_enable("needs_hello", set())
    plugins.check_enable("needs_hello", {"hello"})
    with pytest.raises(plugins.PluginRuleError, match="needed by needs_hello"):
        plugins.check_disable("hello", {"hello", "needs_hello"})


def test_enabled_plugin_serves_pages_and_menus_then_vanishes_when_disabled(third_party, make_app, signed_in):
    app = make_app(plugins=["hello"])
    admin = signed_in("ada", role="admin")
    page = admin.get("/hello/")
    assert page.status_code == 200
    assert "Bonjour from the hello plugin" in page.text
    assert "Hello menu" in admin.get("/").text
    with database.connection_context():
        database.execute_sql("INSERT INTO hello_greeting (text, lang) VALUES ('kept', 'fr')")
    response = admin.post_form("/admin/plugins", {"plugin": "hello", "action": "disable"},
                               follow_redirects=False)
    assert response.status_code == 303
    app.invalidate()
    assert admin.get("/hello/").status_code == 404
    assert "Hello menu" not in admin.get("/").text
    with database.connection_context():
        assert database.execute_sql("SELECT text FROM hello_greeting").fetchone()[0] == "kept"
        assert "hello" not in Site.get_by_id("test").plugins


def test_admin_refuses_enabling_a_plugin_whose_requirement_is_off(third_party, make_app, signed_in):
    make_app(plugins=[])
    admin = signed_in("ada", role="admin")
    response = admin.post_form("/admin/plugins", {"plugin": "needs_hello", "action": "enable"})
    assert response.status_code == 400
    assert "requires hello" in response.text


def test_plugin_settings_form_is_generated_and_validated(third_party, make_app, signed_in):
    app = make_app(plugins=["hello"])
    admin = signed_in("ada", role="admin")
    form = admin.get("/admin/plugins/hello")
    assert 'name="greeting"' in form.text and 'name="times"' in form.text
    bad = admin.post_form("/admin/plugins/hello", {"greeting": "Salut", "times": "9"})
    assert bad.status_code == 400
    assert 'value="Salut"' in bad.text  # the half-filled form comes back filled
    good = admin.post_form("/admin/plugins/hello", {"greeting": "Salut", "times": "2"})
    assert good.status_code == 200
    app.invalidate()
    assert "Salut from the hello plugin" in admin.get("/hello/").text


def test_a_raising_hook_is_reported_and_the_site_keeps_serving(third_party, make_app, signed_in):
    make_app(plugins=["raising"])
    admin = signed_in("ada", role="admin")
    home = admin.get("/")
    assert home.status_code == 200
    errors = admin.get("/admin/errors")
    assert "menu hook failed on purpose" in errors.text
    assert "broken on purpose" in errors.text


def test_site_enabling_through_the_database_is_seen_by_every_worker(third_party, make_app, client):
    app = make_app(plugins=[])
    assert client.get("/hello/").status_code == 404
    with database.connection_context():
        sites.enable_plugin("test", "hello")  # as another worker or the CLI would
    app.invalidate()
    assert client.get("/hello/").status_code == 200


def test_a_plugin_package_installed_while_running_is_found_only_after_a_restart(testplugins_dir):
    """docs/architecture.md: installing a plugin package needs a restart, enabling one does not (above)."""
    plugins.refresh()
    assert "hello" not in plugins.discover()
    sys.path.insert(0, str(testplugins_dir))  # the package is installed while the process runs
    try:
        assert "hello" not in plugins.discover()  # the entry points are read once per process
        assert "hello" in plugins.refresh()  # what a restart does
    finally:
        sys.path.remove(str(testplugins_dir))
        plugins.refresh()


# --- the contract between the core and plugins, enforced when a site starts ---------------------


def test_a_misspelt_hook_stops_the_start_of_the_site_with_its_name(third_party, make_app):
    app = make_app(plugins=[])
    with database.connection_context():
        Site.update(plugins=["misspelt"]).where(Site.id == "test").execute()  # as an old site file would
    with pytest.raises(plugins.PluginContractError, match="'misspelt' implements maillage_rotues"):
        app.settle()
    with pytest.raises(plugins.PluginRuleError, match="maillage_rotues"):
        plugins.check_enable("misspelt", set())


def test_maillage_check_reports_a_plugin_breaking_the_hook_contract(third_party, tmp_path, monkeypatch):
    from core import checks, testing

    testing.write_site(tmp_path / "sites")
    monkeypatch.setenv("MAILLAGE_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("MAILLAGE_SITES", str(tmp_path / "sites"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'check.db'}")
    problems, _notes = checks.run()
    assert [p for p in problems if "maillage_rotues" in p and "'misspelt'" in p]
    assert not [p for p in problems if "'hello'" in p]


def test_an_async_endpoint_is_refused_at_start_so_its_post_never_skips_csrf(third_party, make_app):
    app = make_app(plugins=["asyncpost"])
    with pytest.raises(plugins.PluginContractError, match="asyncpost.*/vote.*async function"):
        app.settle()


def test_a_breach_enabled_while_serving_keeps_the_running_site_and_is_reported(third_party, make_app, signed_in):
    app = make_app(plugins=["hello"])
    admin = signed_in("ada", role="admin")
    assert admin.get("/hello/").status_code == 200
    with database.connection_context():
        sites.enable_plugin("test", "asyncpost")  # its hooks are fine; its endpoint is async
    app.invalidate()
    assert admin.get("/hello/").status_code == 200
    assert admin.get("/asyncpost/vote").status_code == 404
    assert "not applied" in admin.get("/admin/errors").text


def test_a_plugin_route_cannot_replace_a_core_page(third_party, make_app):
    from core import testing

    with testing.client(make_app(plugins=["hello"])) as client:
        signin = client.get("/signin")
        assert signin.status_code == 200
        assert 'name="password"' in signin.text and "Signed in by hello" not in signin.text
        assert "Signed in by hello" in client.get("/hello/signin").text
        assert client.post("/hello/signin", data={}).status_code == 403  # wrapped: CSRF checked


def test_a_plugin_named_after_a_core_path_is_refused_at_start(third_party, make_app):
    app = make_app(plugins=["members"])
    with pytest.raises(plugins.PluginContractError, match="'members'.*/members/.*the core"):
        app.settle()


def test_route_names_are_unique_and_found_by_bare_or_plugin_name(third_party, make_app):
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from core import routing

    def page(request):
        return PlainTextResponse("")

    core = [Route("/signin", page, name="signin")]
    with pytest.raises(plugins.PluginContractError, match="'poll'.*'signin' is already used by the core"):
        routing.build(core, {"poll": [Route("/signin", page, name="signin")]}, [])
    with pytest.raises(plugins.PluginContractError, match="'poll'.*/x.*not a function"):
        routing.build(core, {"poll": [Route("/x", PlainTextResponse("app"))]}, [])
    with pytest.raises(plugins.PluginContractError, match="relative to the plugin's prefix /poll/; write '/new'"):
        routing.build(core, {"poll": [Route("/poll/new", page, name="poll-new")]}, [])
    router = routing.build(core, {"poll": [Route("/{guid:int}", page, name="poll-item")]}, [])
    assert router.url_path_for("poll-item", guid=3) == "/poll/3"
    assert router.url_path_for("poll:poll-item", guid=3) == "/poll/3"
    assert router.url_path_for("signin") == "/signin"


# --- bundled plugins are found the way third-party ones are ------------------------------------


def test_bundled_plugins_are_entry_points_of_maillage_itself():
    import tomllib
    from importlib.metadata import entry_points

    root = FIXTURE.parents[2]
    declared = tomllib.loads((root / "pyproject.toml").read_text())["project"]["entry-points"]["maillage.plugins"]
    folders = {f.name for f in (root / "plugins").iterdir() if (f / "plugin.toml").exists()}
    assert set(declared) == folders
    installed = {ep.name: ep.value for ep in entry_points(group="maillage.plugins") if ep.dist.name == "maillage"}
    assert installed == declared, "the installed metadata is stale: run pip install -e . again"
    found = plugins.discover()
    assert {name for name, info in found.items() if info.source == "bundled"} == folders
    assert plugins.undeclared_bundled() == []


def test_bundled_plugins_import_nothing_private_from_the_core():
    import ast

    root = FIXTURE.parents[2] / "plugins"
    private = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "core":
                private += [f"{path.relative_to(root)}: {node.module}.{a.name}" for a in node.names
                            if a.name.startswith("_") and a.name not in ("_", "_l")]
                if any(part.startswith("_") for part in (node.module or "").split(".")):
                    private.append(f"{path.relative_to(root)}: {node.module}")
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and isinstance(node.value, ast.Name) and node.value.id in ("core", "web", "access", "site"):
                private.append(f"{path.relative_to(root)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert private == []


def test_a_bundled_plugin_uses_another_plugin_only_through_its_api_module():
    """Plugins change inside: another plugin may rely on its ``api`` module only (docs/plugins.md)."""
    import ast

    root = FIXTURE.parents[2] / "plugins"
    crossing = []
    for path in root.rglob("*.py"):
        own = path.relative_to(root).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] == "plugins" and len(parts) > 2 and parts[1] != own and parts[2] != "api":
                    crossing.append(f"plugins/{path.relative_to(root)}:{node.lineno} imports {module}: "
                                    f"use plugins.{parts[1]}.api (add what you need there)")
                    break
    assert crossing == []


def test_every_core_module_a_bundled_plugin_imports_is_in_the_public_api_of_the_guide():
    import ast
    import re

    root = FIXTURE.parents[2]
    guide = (root / "docs" / "plugins.md").read_text(encoding="utf-8")
    table = guide.split("## The core's public API", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(core(?:\.\w+)?)`", table))
    used = {}
    for path in (root / "plugins").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "core":
                modules = [node.module] if node.module != "core" else [f"core.{a.name}" if a.name != "hookimpl"
                                                                       else "core" for a in node.names]
                for module in modules:
                    used.setdefault(module, str(path.relative_to(root)))
    assert {m: p for m, p in used.items() if m not in documented} == {}


def test_a_first_result_hook_gives_one_answer_through_pluggy(make_app):
    from core import hookimpl

    app = make_app(plugins=[])
    site = app.runtime("test")

    class Owner:
        @hookimpl
        def maillage_search_documents(self, site, entity):
            return {"title": "from the owner"} if entity == "poll.item" else None

    class Other:
        @hookimpl
        def maillage_search_documents(self, site, entity):
            return None

    site.pm.register(Owner(), name="owner")
    site.pm.register(Other(), name="other")
    assert site.pm.hook.maillage_search_documents(site=site, entity="poll.item") == {"title": "from the owner"}
    assert site.pm.hook.maillage_search_documents(site=site, entity="blog.post") is None
    with pytest.raises(TypeError, match="gives one answer"):
        site.call("maillage_search_documents", site=site, entity="poll.item")


@pytest.mark.site(plugins=["agenda", "blog", "directory", "documents", "forums", "groups", "messages", "wire"])
def test_the_site_router_finds_every_named_route_where_starlette_does(app):
    """core.routing.SiteRouter's index of route names gives the path Starlette's search gives."""
    from starlette.routing import NoMatchFound, Router

    router = app.runtime("test").app
    samples = {"integer": 7, "string": "x", "path": "a/b", "float": 1.5}
    assert len(router._by_name) > 60
    for name, (_prefix, route) in router._by_name.items():
        params = {key: samples.get(type(conv).__name__.removesuffix("Convertor").lower(), "x")
                  for key, conv in route.param_convertors.items()}
        assert router.url_path_for(name, **params) == Router.url_path_for(router, name, **params), name
    with pytest.raises(NoMatchFound):
        router.url_path_for("blog-author")  # a missing parameter is refused as before
    with pytest.raises(NoMatchFound):
        router.url_path_for("no-such-route")
    assert router.url_path_for("blog:blog-author", guid=3) == router.url_path_for("blog-author", guid=3) == "/blog/by/3"
