"""``maillage sites list``: the configured sites and their hosts."""

from __future__ import annotations

from core.commands import Parser, context


def list_sites(args) -> int:
    _instance, sites, _db = context()
    for site in sites.values():
        print(f"{site.id}\t{site.name}\t{', '.join(site.hosts)}\ttheme={site.theme}")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("sites", help="site files")
    ssub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, required=True)
    ssub.add_parser("list", help="list configured sites").set_defaults(func=list_sites)
