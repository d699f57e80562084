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
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from growth import fill_activity  # noqa: E402

from core import activity, demo, testing  # noqa: E402
from core.db import database  # noqa: E402
from core.models import Account, Activity, Entity, Relationship  # noqa: E402


def percentiles(samples: list[float]) -> str:
    samples.sort()
    return f"p50 {statistics.median(samples):.2f} ms, p95 {samples[max(int(len(samples) * 0.95) - 1, 0)]:.2f} ms"


def as_statuses() -> None:
    """Turn the generator's items into wire statuses, so the page renders real activity items."""
    from plugins.wire.models import Status

    with database.atomic():
        Entity.update(kind="wire.status").where(Entity.kind == "bench.item").execute()
        Activity.update(kind="wire.status", verb="posted").where(Activity.kind == "bench.item").execute()
        Status.insert_from(Entity.select(Entity.guid, Entity.title).where(Entity.kind == "wire.status"),
                           [Status.entity, Status.body]).execute()
    database.execute_sql("ANALYZE")


def is_postgres() -> bool:
    from peewee import PostgresqlDatabase

    return isinstance(getattr(database, "obj", database), PostgresqlDatabase)


def plan(query) -> str:
    sql, params = query.sql()
    if is_postgres():
        rows = database.execute_sql("EXPLAIN " + sql, params).fetchall()
        return "\n    ".join(row[0] for row in rows[:14])
    rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "\n    ".join(str(row[-1]) for row in rows[:14])


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
    server = None
    database_url = None
    if args.postgres:
        from core.testing_postgres import PostgresServer

        server = PostgresServer().start()
        database_url = testing.new_postgres_database(server.url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = testing.make_app(Path(tmp), plugins=["wire"], database_url=database_url)
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
                    samples = []
                    for _ in range(args.runs):
                        t = time.perf_counter()
                        rows = activity.network_feed(site, account, account.guid)
                        samples.append((time.perf_counter() - t) * 1000)
                    print(f"network feed query, member who {label} ({follows} follows, {len(rows)} items): "
                          f"{percentiles(samples)}")
                    print(f"  plan:\n    {plan(network_query(site, account))}")
                samples = []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    activity.site_feed(site, heavy)
                    samples.append((time.perf_counter() - t) * 1000)
                print(f"site feed query (member): {percentiles(samples)}")
            client = testing.client(app)
            client.signin("member1@example.org", demo.DEMO_PASSWORD)
            samples = []
            for _ in range(args.runs):
                t = time.perf_counter()
                response = client.get("/feed")
                assert response.status_code == 200
                samples.append((time.perf_counter() - t) * 1000)
            shown = response.text.count('class="feed-item"')
            print(f"/feed page (in-process, member who follows thousands, {shown} items rendered): "
                  f"{percentiles(samples)}")
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
