"""Site rows and plugin sets: the state administrators change, kept in the database."""

from __future__ import annotations

from core import plugins
from core.config import SiteConfig
from core.models import Site


def sync(configs: dict[str, SiteConfig]) -> list[str]:
    """Create the row of each configured site not yet in the database; return the created ids.

    A new site starts with the plugins its file lists (those installed). After
    that, the admin pages and ``maillage plugins`` change the set.
    """
    created = []
    available = plugins.discover()
    for config in configs.values():
        row = Site.get_or_none(Site.id == config.id)
        if row is None:
            enabled: list[str] = []
            for info in plugins.ordered(available[n] for n in config.plugins if n in available):
                if not info.error and all(r in enabled for r in info.requires):
                    enabled.append(info.name)
            Site.create(id=config.id, name=config.name, plugins=enabled)
            created.append(config.id)
    return created


def bump(row: Site) -> None:
    """Record a change so every worker rebuilds this site's runtime."""
    row.revision += 1
    row.save()


def enable_plugin(site_id: str, name: str) -> None:
    """Enable plugin ``name`` on a site, or raise PluginRuleError with the reason."""
    row = Site.get_by_id(site_id)
    enabled = set(row.plugins or [])
    if name in enabled:
        return
    plugins.check_enable(name, enabled)
    row.plugins = sorted(enabled | {name})
    bump(row)


def disable_plugin(site_id: str, name: str) -> None:
    """Disable plugin ``name`` on a site (its data stays), or raise PluginRuleError."""
    row = Site.get_by_id(site_id)
    enabled = set(row.plugins or [])
    if name not in enabled:
        return
    plugins.check_disable(name, enabled)
    row.plugins = sorted(enabled - {name})
    bump(row)


def save_settings(site_id: str, values: dict) -> None:
    """Store site settings changed in the admin."""
    row = Site.get_by_id(site_id)
    row.settings = {**(row.settings or {}), **values}
    bump(row)


def save_plugin_settings(site_id: str, name: str, values: dict) -> None:
    """Store the settings of plugin ``name`` for a site."""
    row = Site.get_by_id(site_id)
    stored = dict(row.plugin_settings or {})
    stored[name] = {**stored.get(name, {}), **values}
    row.plugin_settings = stored
    bump(row)
