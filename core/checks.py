"""``maillage check``: everything that can be wrong in the configuration, found before serving."""

from __future__ import annotations

from core import migrate, plugins, startup
from core.config import Instance, load_sites
from core.db import ConfigurationError, database
from core.runtime import theme_dir


def run() -> tuple[list[str], list[str]]:
    """Return ``(problems, notes)``; an empty problem list means the installation can serve."""
    problems: list[str] = []
    notes: list[str] = []
    instance = Instance.from_env()
    try:
        sites = load_sites(instance.sites_dir)
    except ConfigurationError as exc:
        return [str(exc)], notes
    notes.append(f"{len(sites)} site(s) in {instance.sites_dir}")
    problems += startup.configuration_problems(instance, sites)
    available = plugins.discover()
    problems += _plugin_problems(available) + _site_problems(sites, available)
    try:
        notes.append(_database_state(instance))
    except ConfigurationError as exc:
        problems.append(str(exc))
    except Exception as exc:
        problems.append(f"database {startup.where(instance.database_url)} cannot be used: {exc}")
    return problems, notes


def _plugin_problems(available: dict) -> list[str]:
    """Bundled plugins left out of the entry points, plugins that fail to load, break the hook contract
    or require one that is not installed."""
    problems = [f"plugins/{folder} is not declared in the maillage.plugins entry points: add it to "
                "pyproject.toml, then run `pip install -e .` again" for folder in plugins.undeclared_bundled()]
    for info in available.values():
        if info.error:
            problems.append(f"plugin {info.name} ({info.source}) {info.error}")
        elif info.module is not None:
            try:  # an unknown hook or argument, found before a site refuses to start with it
                plugins.manager([(info.name, info.module)], report=lambda *_: None)
            except plugins.PluginContractError as exc:
                problems.append(f"{exc} ({info.source})")
        problems += [f"plugin {info.name} requires {req}, which is not installed"
                     for req in info.requires if req not in available]
    return problems


def _site_problems(sites: dict, available: dict) -> list[str]:
    """Each site's missing theme, and its enabled plugins that fail to load or lack one they require."""
    problems = []
    for site in sites.values():
        if not (theme_dir(site.theme) / "templates").is_dir() and not (theme_dir(site.theme) / "static").is_dir():
            problems.append(f"{site.id}.toml: theme {site.theme!r} does not exist in themes/")
        for name in site.plugins:
            if name not in available:
                continue  # reported by startup.configuration_problems
            if available[name].error:
                problems.append(f"{site.id}.toml: plugin {name!r} {available[name].error}")
                continue
            missing = [r for r in available[name].requires if r not in site.plugins]
            if missing:
                problems.append(f"{site.id}.toml: plugin {name!r} requires {', '.join(missing)}")
    return problems


def _database_state(instance: Instance) -> str:
    """Whether the database is up to date, or how many migrations wait."""
    db = startup.connect(instance.database_url)
    with database.connection_context():
        waiting = migrate.pending(db)
    if waiting:
        return f"{len(waiting)} migration(s) pending: run `maillage migrate`"
    return "database reachable and up to date"
