"""``maillage check``: everything that can be wrong in the configuration, found before serving."""

from __future__ import annotations

from core import plugins, startup
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
    for folder in plugins.undeclared_bundled():
        problems.append(f"plugins/{folder} is not declared in the maillage.plugins entry points: add it to "
                        "pyproject.toml, then run `pip install -e .` again")
    for info in available.values():
        if info.error:
            problems.append(f"plugin {info.name} ({info.source}) {info.error}")
        elif info.module is not None:
            try:  # an unknown hook or argument, found before a site refuses to start with it
                plugins.manager([(info.name, info.module)], report=lambda *_: None)
            except plugins.PluginContractError as exc:
                problems.append(f"{exc} ({info.source})")
        for req in info.requires:
            if req not in available:
                problems.append(f"plugin {info.name} requires {req}, which is not installed")
    for site in sites.values():
        if not (theme_dir(site.theme) / "templates").is_dir() and not (theme_dir(site.theme) / "static").is_dir():
            problems.append(f"{site.id}.toml: theme {site.theme!r} does not exist in themes/")
        for name in site.plugins:
            if name not in available:
                continue  # reported by startup.configuration_problems
            if available[name].error:
                problems.append(f"{site.id}.toml: plugin {name!r} {available[name].error}")
            else:
                missing = [r for r in available[name].requires if r not in site.plugins]
                if missing:
                    problems.append(f"{site.id}.toml: plugin {name!r} requires {', '.join(missing)}")
    try:
        db = startup.connect(instance.database_url)
        with database.connection_context():
            from core import migrate

            waiting = migrate.pending(db)
        if waiting:
            notes.append(f"{len(waiting)} migration(s) pending: run `maillage migrate`")
        else:
            notes.append("database reachable and up to date")
    except ConfigurationError as exc:
        problems.append(str(exc))
    except Exception as exc:
        problems.append(f"database {startup.where(instance.database_url)} cannot be used: {exc}")
    return problems, notes
