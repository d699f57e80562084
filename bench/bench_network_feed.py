#!/usr/bin/env python3
"""The "my network" feed of a member who follows thousands, on 300,000 activity items.

    .venv/bin/python bench/bench_network_feed.py [--members 30000] [--items 300000] [--runs 200] [--postgres]

Builds a fresh database (SQLite, or with ``--postgres`` a throw-away local PostgreSQL server):
30,000 members with the demo's power-law graph, where member1 follows 3,000 others;
300,000 status updates (wire plugin), each with its activity item. Then times the network
feed query and the whole /feed page (in-process, items rendered) for member1 and for a
light member, prints p50/p95 in milliseconds and the query plans (EXPLAIN).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_app, plan, timed  # noqa: E402
from growth import fill_activity  # noqa: E402

from core import activity, demo, testing  # noqa: E402
from core.db import database, is_postgres  # noqa: E402
from core.models import Account, Activity, Entity, Relationship  # noqa: E402


def as_statuses() -> None:
    """Turn the generator's items into wire statuses, so the page renders real activity items."""
    from plugins.wire.models import Status

    with database.atomic():
        Entity.update(kind="wire.status").where(Entity.kind == "bench.item").execute()
        Activity.update(kind="wire.status", verb="posted").where(Activity.kind == "bench.item").execute()
        Status.insert_from(Entity.select(Entity.guid, Entity.title).where(Entity.kind == "wire.status"),
                           [Status.entity, Status.body]).execute()
    database.execute_sql("ANALYZE")


def network_query(site, account):
    """The SQL activity.network_feed runs (captured from the database's query log)."""
    import logging

    captured = []

    class Grab(logging.Handler):
        def emit(self, record):
            if isinstance(record.msg, tuple):
                captured.append(record.msg)

    logger = logging.getLogger("peewee")
    handler, level = Grab(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        activity.network_feed(site, account, account.guid)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    sql, params = max(captured, key=lambda c: len(c[0]))  # the feed itself, not the count

    class Raw:
        def sql(self):
            return sql, params
    return Raw()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--items", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="run on a throw-away PostgreSQL server")
    args = parser.parse_args()
    with fresh_app(["wire"], args.postgres) as app:
        site = app.runtime("test")
        rng = random.Random(42)
        with database.connection_context():
            start = time.perf_counter()
            guids = demo.ensure_members("test", args.members, rng)
            demo.social_graph("test", guids, rng, max_follows=3000, connections=3)
            fill_activity("test", args.items, guids, rng)
            as_statuses()
            print(f"database: {'PostgreSQL' if is_postgres() else 'SQLite'}; data: {args.members} members, "
                  f"{args.items} items in {time.perf_counter() - start:.0f} s")
            heavy = Account.get(Account.email == "member1@example.org")
            light = Account.get(Account.email == f"member{args.members}@example.org")
            for label, account in (("follows thousands", heavy), ("follows few", light)):
                follows = Relationship.select().where(Relationship.subject == account.guid,
                                                      Relationship.verb == "follows").count()
                rows = activity.network_feed(site, account, account.guid)
                print(f"network feed query, member who {label} ({follows} follows, {len(rows)} items):",
                      timed(lambda a=account: activity.network_feed(site, a, a.guid), args.runs))
                print(f"  plan:\n    {plan(network_query(site, account))}")
            print("site feed query (member):", timed(lambda: activity.site_feed(site, heavy), args.runs))
        client = testing.client(app)
        client.signin("member1@example.org", demo.DEMO_PASSWORD)
        response = client.get("/feed")
        assert response.status_code == 200
        shown = response.text.count('class="feed-item"')
        print(f"/feed page (in-process, member who follows thousands, {shown} items rendered):",
              timed(lambda: client.get("/feed"), args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
