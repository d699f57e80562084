"""The runtime of one site: its plugin manager, routes, templates, menus and settings.

Built from the site file and the site's row in the database; rebuilt whenever
the row's ``revision`` changes (a plugin enabled in the admin, settings saved),
in every worker. Nothing here is state two workers need to share.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cached_property, lru_cache
from pathlib import Path

import jinja2
from cachetools import TTLCache
from starlette.routing import BaseRoute, Mount, Router
from starlette.staticfiles import StaticFiles

from core import i18n, manifest, plugins, request_cache, routing
from core.config import Instance, SiteConfig
from core.models import Site

log = logging.getLogger("maillage.runtime")

CORE_DIR = Path(__file__).resolve().parent
THEMES_DIR = CORE_DIR.parent / "themes"


def theme_dir(name: str) -> Path:
    """The folder of theme ``name`` (``themes/<name>``)."""
    return THEMES_DIR / name


class SiteRuntime:
    """Everything one site needs to answer requests, for its current plugin set."""

    def __init__(self, instance: Instance, config: SiteConfig, row: Site):
        self.instance = instance
        self.config = config
        self.id = config.id
        self.revision = row.revision
        self.checked_at = time.monotonic()
        # What remember() keeps in this worker, by namespace; dropped with this runtime when the
        # site's plugins or settings change.
        self._memo: dict = {}
        self._memo_lock = threading.Lock()
        self._generations: dict[str, int] = {}  # the cache counters as this worker last read them
        self._generations_read = 0.0
        self.settings = {**DEFAULT_SITE_SETTINGS, **config.settings, **(row.settings or {})}
        self.name = self.settings.get("name") or row.name or config.name
        self._plugin_settings_stored = row.plugin_settings or {}
        self._plugin_settings: dict[str, dict] = {}
        available = plugins.discover()
        wanted = [n for n in (row.plugins or []) if n in available and not available[n].error]
        self.enabled = [info for info in plugins.ordered(available[n] for n in wanted)
                        if all(r in wanted for r in info.requires)]
        self.enabled_names = {info.name for info in self.enabled}
        from core import builtin

        # each plugin's hooks module, then what its plugin.toml declares (kinds, menus, tools, settings)
        declared = [(f"{info.name}.manifest", manifest.Declared(info.package, info.declared))
                    for info in self.enabled if info.declared]
        self.pm = plugins.manager([("core", builtin), *((info.name, info.module) for info in self.enabled),
                                   *declared], report=self.report_error)
        self.templates = self._make_templates()
        self.entity_kinds = {k.name: k for k in self.call("maillage_entity_kinds", site=self)}
        self.notification_events = {e.name: e for e in self.call("maillage_notification_events", site=self)}
        self.relationship_verbs = {v.name: v for v in self.call("maillage_relationship_verbs", site=self)}
        self.membership_verbs = sorted(set(self.call("maillage_container_membership_verbs", site=self)))
        self.app = self._make_router()
        self.call("maillage_startup", site=self)

    # --- hooks ------------------------------------------------------------------------

    def call(self, hook: str, **kwargs) -> list:
        """Call ``hook`` through pluggy on the core and every enabled plugin; the non-None results.

        List results are flattened. An implementation that raises is logged and reported in
        the admin, and the others still run. A hook declared ``firstresult`` is called as
        ``site.pm.hook.<name>(...)``, which gives the first non-None answer.
        """
        caller = getattr(self.pm.hook, hook)
        if caller.spec and caller.spec.opts.get("firstresult"):
            raise TypeError(f"{hook} gives one answer: call site.pm.hook.{hook}(...)")
        results = []
        for value in caller(**kwargs):
            if isinstance(value, list | tuple):
                results.extend(value)
            else:
                results.append(value)
        return results

    def answers(self, hook: str, **kwargs) -> dict:
        """``{plugin name: answer}`` of each implementation of ``hook`` that answered, in call order
        (the core is named ``"core"``): for what the core files under the plugin that gave it."""
        found = {}
        for impl in reversed(getattr(self.pm.hook, hook).get_hookimpls()):
            value = _answer(impl, kwargs)
            if value is not None:
                found[impl.plugin_name] = value
        return found

    def report_error(self, source: str, message: str) -> None:
        """Record a plugin or request failure, with the current traceback, in the database (Admin >
        Errors shows those of every worker and server), and log it."""
        from core import errors

        errors.record(self.id, source, message)
        log.error("site %s: %s: %s", self.id, source, message)

    # --- settings ---------------------------------------------------------------------

    def plugin_settings(self, name: str) -> dict:
        """The settings of plugin ``name`` on this site: schema defaults < site file < admin (worked out
        once per runtime: a change of settings is a new revision, hence a new runtime)."""
        from core import settings as settings_mod

        if name not in self._plugin_settings:
            values = settings_mod.defaults(self.settings_schema(name))
            values.update(self.config.plugin_defaults.get(name, {}))
            values.update(self._plugin_settings_stored.get(name, {}))
            self._plugin_settings[name] = values
        return dict(self._plugin_settings[name])

    def settings_schema(self, name: str) -> list:
        """The settings fields plugin ``name`` declares (empty if it declares none)."""
        return [field for impl in self.pm.hook.maillage_settings_schema.get_hookimpls()
                if impl.plugin_name in (name, f"{name}.manifest") for field in _answer(impl, {"site": self}) or []]

    # --- templates ----------------------------------------------------------------------

    def template_dirs(self) -> list[Path]:
        """The template search path: site folder, theme, plugins, then core."""
        dirs = []
        if self.config.folder is not None:
            dirs.append(self.config.folder / "templates")
        dirs.append(theme_dir(self.config.theme) / "templates")
        if self.config.theme != "default":
            dirs.append(theme_dir("default") / "templates")
        dirs += [info.templates for info in self.enabled]
        dirs.append(CORE_DIR / "templates")
        return [d for d in dirs if d.is_dir()]

    def _make_templates(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.template_dirs()]),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=self.instance.debug,
        )
        env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
        from core import templating

        templating.install(env, self)
        return env

    def render(self, template: str, request, context: dict) -> str:
        """Render ``template`` for ``request`` with the standard context added."""
        from core import templating

        full = templating.base_context(self, request)
        for extra in self.call("maillage_template_context", request=request):
            full.update(extra)
        full.update(context)
        return self.templates.get_template(template).render(full)

    def translations(self, lang: str):
        """The merged gettext catalog of the core and enabled plugins for ``lang``."""
        return _catalog(self._locale_folders, lang)

    @cached_property
    def _locale_folders(self) -> tuple:
        """Where the catalogs are (the theme's, the core's, the enabled plugins'): found once, not per request."""
        return (theme_dir(self.config.theme) / "locale", CORE_DIR / "locale", *(info.locale for info in self.enabled))

    # --- routes -------------------------------------------------------------------------

    def _make_router(self) -> Router:
        static: list[BaseRoute] = [Mount("/static/core", Static(directory=CORE_DIR / "static" / "core"),
                                         name="static-core")]
        theme_static = theme_dir(self.config.theme) / "static"
        if theme_static.is_dir():
            static.append(Mount("/static/theme", Static(directory=theme_static), name="static-theme"))
        if self.config.folder is not None and (self.config.folder / "static").is_dir():
            static.append(Mount("/static/site", Static(directory=self.config.folder / "static")))
        for name, folder in _vendor_static().items():
            static.append(Mount(f"/static/vendor/{name}", Static(directory=folder), name=f"static-vendor-{name}"))
        for info in self.enabled:
            if info.static.is_dir():
                static.append(Mount(f"/static/{info.name}", Static(directory=info.static)))
        routes = {name: list(found) for name, found in self.answers("maillage_routes", site=self).items()}
        return routing.build(routes.pop("core", []), routes, static)

    # --- menus --------------------------------------------------------------------------

    def menu(self, request, name: str) -> list:
        """The items of menu ``name`` for ``request``, sorted. The plugins are asked once per page
        for all their menus (the header shows two)."""
        every = request_cache.remember("core.menus", self.id,
                                       lambda: self.call("maillage_menu_items", site=self, request=request))
        return sorted((i for i in every if i.menu == name), key=lambda i: (i.order, str(i.label)))

    def remember(self, namespace: str, key, compute, seconds: int = 60, maxsize: int = 256):
        """``compute()``'s result, kept ``seconds`` in this worker under ``(namespace, key)``.

        For aggregates that are the same for every visitor (a map's clusters, a month's calendar):
        name the namespace after your plugin, call :meth:`forget` when your data changes. Every
        worker of every server drops its copies within :data:`core.generations.CHECK_SECONDS`
        (plus one request). Results are shared between requests: never mutate them."""
        self._check_generations()
        with self._memo_lock:
            cache = self._memo.get(namespace)
            if cache is None:
                cache = self._memo[namespace] = TTLCache(maxsize=maxsize, ttl=seconds)
            generation = self._generations.get(namespace, 0)
            found = cache.get(key)
        if found is not None and found[0] == generation:
            return found[1]
        value = compute()
        with self._memo_lock:
            if self._generations.get(namespace, 0) == generation:  # not cleared while computing
                cache[key] = (generation, value)
        return value

    def forget(self, namespace: str) -> None:
        """Drop what :meth:`remember` keeps under ``namespace``, here and, through a counter in the
        database (written in the caller's transaction), in every other worker and server."""
        from core import generations

        with self._memo_lock:
            cache = self._memo.get(namespace)
            if cache is not None:
                cache.clear()
            self._generations[namespace] = self._generations.get(namespace, 0) + 1
        generations.bump(self.id, namespace)

    def _check_generations(self) -> None:
        """Drop the namespaces another worker cleared (reads the counters every CHECK_SECONDS)."""
        from core import generations

        now = time.monotonic()
        if now - self._generations_read < generations.CHECK_SECONDS:
            return
        self._generations_read = now
        current = generations.read(self.id)
        with self._memo_lock:
            for namespace, cache in self._memo.items():
                if current.get(namespace, 0) != self._generations.get(namespace, 0):
                    cache.clear()
            self._generations = current

    def widgets(self, request, place: str) -> list:
        """The widgets for page area ``place``, sorted."""
        return sorted(self.call("maillage_widgets", site=self, request=request, place=place),
                      key=lambda w: w.order)


class Static(StaticFiles):
    """Static files answering a missing file with a plain 404 (no exception escapes the router)."""

    async def get_response(self, path, scope):
        from starlette.exceptions import HTTPException
        from starlette.responses import PlainTextResponse

        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            return PlainTextResponse(str(exc.detail), status_code=exc.status_code)


def _answer(impl, kwargs: dict):
    """What one (guarded) hook implementation answers, given the arguments it names."""
    return impl.function(**{name: kwargs[name] for name in impl.argnames})


@lru_cache(maxsize=64)
def _catalog(folders: tuple, lang: str):
    return i18n.load_catalog(folders, lang)


@lru_cache(maxsize=1)
def _vendor_static() -> dict[str, str]:
    """Front-end libraries shipped as Python packages (xstatic): Bootstrap, Leaflet and its marker
    clusters, served at ``/static/vendor/<name>/``."""
    import xstatic.pkg.bootstrap as bootstrap
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as cluster

    return {"bootstrap": bootstrap.BASE_DIR, "leaflet": leaflet.BASE_DIR, "markercluster": cluster.BASE_DIR}


DEFAULT_SITE_SETTINGS = {
    "description": "",
    "default_access": "public",
    "connection_word": "connection",
    "language_from_browser": False,
    "tile_url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "tile_attribution": "© OpenStreetMap contributors",
    "smtp_host": "",
    "smtp_port": 587,
    "smtp_user": "",
    "smtp_password": "",
    "smtp_tls": True,
    "mail_from": "",
    "registration": None,
    "trash_days": 30,
    "comment_edit_minutes": 30,
}


def build(site_id: str, instance: Instance | None = None) -> SiteRuntime:
    """Build the runtime of one site outside a web request (for commands and tests).

    The database must already be configured (``core.db.configure``).
    """
    from core.config import load_sites

    instance = instance or Instance.from_env()
    config = load_sites(instance.sites_dir)[site_id]
    return SiteRuntime(instance, config, Site.get_by_id(site_id))
