"""``maillage migrate``: apply the pending migrations of the core and of every installed plugin."""

from __future__ import annotations

from core.commands import context


def run(args) -> int:
    from core import startup

    _instance, sites, db = context()
    done, created = startup.prepare(db, sites)
    for name in done:
        print(f"applied {name}")
    for site_id in created:
        print(f"created site {site_id}")
    if not done and not created:
        print("database is up to date")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("migrate", help="apply pending database migrations of the core and plugins")
    p.set_defaults(func=run)
