"""Plugin discovery, manifests and the rules for enabling and disabling them.

A plugin is a Python package holding a ``plugin.toml`` manifest and a hooks
module (``hooks.py`` unless the manifest names another). Every plugin is found
through the ``maillage.plugins`` entry-point group, whose value is the package
name; the bundled ones (the ``plugins`` package) are declared so in maillage's
own ``pyproject.toml``, a third-party package does the same in its own::

    [project.entry-points."maillage.plugins"]
    poll = "maillage_poll"

Installing a plugin package needs a restart of the server (entry points are read once
per process); enabling an installed plugin on a site does not.

Optional folders beside the manifest are picked up by convention:
``templates/``, ``static/``, ``locale/`` and ``migrations/``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import logging
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

import core
from core import manifest as declarations

log = logging.getLogger("maillage.plugins")

ENTRY_POINT_GROUP = "maillage.plugins"
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "plugins"


@dataclass
class PluginInfo:
    """What the core knows of one installed plugin: its manifest, where it is, and any error."""

    name: str
    package: str
    path: Path
    label: str = ""
    description: str = ""
    version: str = "0"
    requires: tuple[str, ...] = ()
    core: str = ""
    hooks_module: str = "hooks"
    source: str = "bundled"
    declared: dict = field(default_factory=dict, repr=False)  # kinds, menus, ... (core.manifest)
    module: ModuleType | None = field(default=None, repr=False)
    error: str | None = None

    @property
    def templates(self) -> Path:
        return self.path / "templates"

    @property
    def static(self) -> Path:
        return self.path / "static"

    @property
    def locale(self) -> Path:
        return self.path / "locale"

    def manifest_text(self, lang: str) -> tuple[str, str]:
        """``label`` and ``description`` in ``lang``, from the plugin's own catalog (``maillage i18n``
        extracts them from ``plugin.toml``); as written when the catalog lacks them."""
        from core import i18n

        catalog = i18n.load_catalog((self.locale,), lang)
        return (catalog.gettext(self.label) if self.label else self.name,
                catalog.gettext(self.description) if self.description else "")


def read_manifest(package: str, path: Path, source: str) -> PluginInfo:
    """Read ``plugin.toml`` in ``path``; an unreadable manifest becomes ``info.error``."""
    manifest = path / "plugin.toml"
    name = package.rsplit(".", 1)[-1]
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return PluginInfo(name=name, package=package, path=path, source=source,
                          error=f"no plugin.toml in {path}")
    except tomllib.TOMLDecodeError as exc:
        return PluginInfo(name=name, package=package, path=path, source=source,
                          error=f"plugin.toml is not valid TOML: {exc}")
    info = PluginInfo(
        name=str(data.get("name", name)),
        package=package,
        path=path,
        label=str(data.get("label", name)),
        description=str(data.get("description", "")),
        version=str(data.get("version", "0")),
        requires=tuple(data.get("requires", ())),
        core=str(data.get("core", "")),
        hooks_module=str(data.get("hooks", "hooks")),
        source=source,
    )
    try:
        info.declared = declarations.declarations(data)
    except declarations.ManifestError as exc:
        info.error = f"plugin.toml: {exc}"
    if info.core:
        try:
            if Version(core.__version__) not in SpecifierSet(info.core):
                info.error = (f"works with maillage {info.core}, this is {core.__version__}")
        except InvalidSpecifier:
            info.error = f"the core version range {info.core!r} is not valid"
    return info


def load(info: PluginInfo) -> PluginInfo:
    """Import the plugin's hooks module; an import error becomes ``info.error``."""
    if info.error or info.module is not None:
        return info
    try:
        info.module = importlib.import_module(f"{info.package}.{info.hooks_module}")
    except Exception as exc:  # a broken plugin must not stop the others
        info.error = f"cannot be imported: {type(exc).__name__}: {exc}"
        log.error("plugin %s %s", info.name, info.error)
    return info


def _entry_points() -> list[PluginInfo]:
    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist else ep.value
        source = "bundled" if dist == "maillage" else f"entry point ({dist})"
        spec = importlib.util.find_spec(ep.value.split(":")[0]) if ep.value else None
        if spec is None or not spec.submodule_search_locations:
            found.append(PluginInfo(name=ep.name, package=ep.value, path=Path("."), source=source,
                                    error=f"package {ep.value!r} cannot be found"))
            continue
        path = Path(list(spec.submodule_search_locations)[0])
        found.append(read_manifest(ep.value, path, source))
    return sorted(found, key=lambda info: info.source != "bundled")  # bundled first


def undeclared_bundled() -> list[str]:
    """Folders of the ``plugins`` package holding a ``plugin.toml`` that no entry point declares
    (a stale install: run ``pip install -e .`` again; or a new bundled plugin missing from
    ``pyproject.toml``)."""
    declared = {info.path.resolve() for info in discover().values()}
    return sorted(folder.name for folder in BUNDLED_DIR.iterdir()
                  if (folder / "plugin.toml").exists() and folder.resolve() not in declared)


@lru_cache(maxsize=1)
def discover() -> dict[str, PluginInfo]:
    """Every installed plugin, bundled then third-party, loaded, keyed by name."""
    result: dict[str, PluginInfo] = {}
    for info in _entry_points():
        if info.name in result:
            log.warning("plugin %s found twice; keeping %s", info.name, result[info.name].source)
            continue
        result[info.name] = load(info)
    return result


def refresh() -> dict[str, PluginInfo]:
    """Forget the discovered plugins and look again (after installing one)."""
    discover.cache_clear()
    return discover()


def ordered(infos) -> list[PluginInfo]:
    """Sort plugins so that each comes after the plugins it requires."""
    infos = list(infos)
    by_name = {i.name: i for i in infos}
    done: dict[str, PluginInfo] = {}

    def visit(info, stack=()):
        if info.name in done or info.name in stack:
            return
        for req in info.requires:
            if req in by_name:
                visit(by_name[req], stack + (info.name,))
        done[info.name] = info

    for info in sorted(infos, key=lambda i: i.name):
        visit(info)
    return list(done.values())


class PluginRuleError(ValueError):
    """Enabling or disabling a plugin would break a rule; the message says which."""


class PluginContractError(RuntimeError):
    """A plugin breaks the contract with the core (an unknown hook, an argument its hook does not
    give, an async endpoint, a route outside its prefix); raised when a site's plugins are put
    together, so the site does not start. The message names the plugin and what is wrong."""


def manager(modules: Iterable[tuple[str, object]], report: Callable[[str, str], None],
            refuse: Callable[[str, str], None] | None = None) -> pluggy.PluginManager:
    """A plugin manager with the hooks of ``core.hookspecs`` and each ``(name, module)`` registered.

    Every implementation runs guarded: one that raises is given to ``report(name, message)`` and
    counts as no answer, so one faulty plugin never takes a site down. A plugin that implements
    a hook that does not exist (``pm.check_pending()``) or names an argument its hook does not
    give raises :class:`PluginContractError` naming it, or, given ``refuse``, is left out and
    given to ``refuse(name, message)``.
    """
    from core import hookspecs

    pm = pluggy.PluginManager(core.PROJECT)
    pm.add_hookspecs(hookspecs)

    def breach(name: str, message: str, exc: Exception) -> None:
        if refuse is None:
            raise PluginContractError(message) from exc
        refuse(name, message)
        if pm.get_plugin(name) is not None:
            pm.unregister(name=name)

    for name, module in modules:
        try:
            pm.register(_guarded(pm, name, module, report), name=name)
        except pluggy.PluginValidationError as exc:
            breach(name, f"plugin {name!r}: {exc}", exc)
    while True:
        try:
            pm.check_pending()
            return pm
        except pluggy.PluginValidationError as exc:
            name = pm.get_name(exc.plugin)
            unknown = sorted(hook for hook, caller in vars(pm.hook).items()
                             if not hook.startswith("_") and not caller.has_spec()
                             and any(impl.plugin_name == name for impl in caller.get_hookimpls()))
            breach(name, f"plugin {name!r} implements {', '.join(unknown)}, which is not a maillage hook "
                         "(misspelt? the hooks are listed in core/hookspecs.py and docs/plugins.md)", exc)


def _guarded(pm: pluggy.PluginManager, name: str, module, report) -> object:
    """A namespace holding ``module``'s hook implementations, each reporting its exceptions."""

    def guard(hook: str, function):
        @functools.wraps(function)  # keeps the signature and the hookimpl marker pluggy reads
        def guarded(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception as exc:
                report(name, f"{hook}: {type(exc).__name__}: {exc}")
                return None
        return guarded

    found = {}
    for attr in dir(module):
        opts = pm.parse_hookimpl_opts(module, attr)
        if opts is None:
            continue
        function = getattr(module, attr)
        wrapper = opts.get("hookwrapper") or opts.get("wrapper") or inspect.isgeneratorfunction(function)
        found[attr] = function if wrapper else guard(attr, function)
    return type(f"{name}_hooks", (), {k: staticmethod(v) for k, v in found.items()})()


def check_enable(name: str, enabled: set[str]) -> None:
    """Raise PluginRuleError if ``name`` cannot be enabled beside ``enabled``."""
    available = discover()
    info = available.get(name)
    if info is None:
        raise PluginRuleError(f"no plugin named {name!r} is installed")
    if info.error:
        raise PluginRuleError(f"plugin {name!r} {info.error}")
    missing = [r for r in info.requires if r not in enabled]
    if missing:
        raise PluginRuleError(f"plugin {name!r} requires {', '.join(missing)}: enable it first")
    try:
        manager([(name, info.module)], report=lambda *_: None)
    except PluginContractError as exc:
        raise PluginRuleError(str(exc)) from exc


def check_disable(name: str, enabled: set[str]) -> None:
    """Raise PluginRuleError if another enabled plugin needs ``name``."""
    available = discover()
    needed_by = sorted(
        other for other in enabled
        if other != name and other in available and name in available[other].requires
    )
    if needed_by:
        raise PluginRuleError(f"plugin {name!r} is needed by {', '.join(needed_by)}: disable it first")
