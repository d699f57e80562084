"""``maillage plugins list|enable|disable``: installed plugins and what each site enables."""

from __future__ import annotations

from core.commands import CLIError, Parser, context, site_arg


def list_plugins(args) -> int:
    from core import plugins

    enabled: set[str] = set()
    if args.site:
        from core.db import database
        from core.models import Site

        _instance, sites, _db = context()
        site_id = site_arg(sites, args.site)
        with database.connection_context():
            row = Site.get_or_none(Site.id == site_id)
            if row is None:
                raise CLIError(f"site {site_id} is not in the database yet: run `maillage migrate`")
            enabled = set(row.plugins or [])
    for info in plugins.ordered(plugins.discover().values()):
        state = "broken: " + info.error if info.error else ("enabled" if info.name in enabled else
                                                               ("disabled" if args.site else "installed"))
        requires = f" requires {', '.join(info.requires)}" if info.requires else ""
        print(f"{info.name}\t{info.version}\t{state}{requires}\t{info.source}")
    return 0


def change(args, action: str) -> int:
    from core import sites as sites_mod
    from core.db import database

    _instance, sites, _db = context()
    site_id = site_arg(sites, args.site)
    with database.connection_context():
        if action == "enable":
            sites_mod.enable_plugin(site_id, args.name)
        else:
            sites_mod.disable_plugin(site_id, args.name)
    print(f"plugin {args.name} {action}d on {site_id}")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("plugins", help="installed plugins and what each site enables")
    psub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, required=True)
    q = psub.add_parser("list", help="list installed plugins")
    q.add_argument("--site", help="show which are enabled on this site")
    q.set_defaults(func=list_plugins)
    for action in ("enable", "disable"):
        q = psub.add_parser(action, help=f"{action} a plugin on a site")
        q.add_argument("name", help="plugin name")
        q.add_argument("--site", help="site identifier (required with several sites)")
        q.set_defaults(func=lambda a, action=action: change(a, action))
