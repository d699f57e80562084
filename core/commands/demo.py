"""``maillage demo``: reproducible demonstration data."""

from __future__ import annotations

from core.commands import context, site_arg


def run(args) -> int:
    from core import demo
    from core.db import database

    _instance, sites, _db = context()
    targets = [site_arg(sites, args.site)] if args.site else list(sites)
    with database.connection_context():
        for site_id in targets:
            demo.generate(site_id, args.scale, seed=args.seed)
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="generate reproducible demonstration data")
    p.add_argument("--scale", choices=("small", "region"), default="small")
    p.add_argument("--site")
    p.add_argument("--seed", type=int, default=42)
    p.set_defaults(func=run)
