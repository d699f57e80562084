#!/usr/bin/env python3
"""The "my network" feed of a member who follows thousands, on 300,000 activity items.

    .venv/bin/python bench/bench_network_feed.py [--members 30000] [--items 300000] [--runs 200]

Builds a fresh SQLite database (30,000 members with the demo's power-law graph, where
member1 follows 3,000 others; 300,000 activity items), then times the network feed
query and the whole /feed page (in-process) for member1 and for a light member.
Prints p50/p95 in milliseconds and the query plan.
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
from core.models import Account, Relationship  # noqa: E402


def percentiles(samples: list[float]) -> str:
    samples.sort()
    return f"p50 {statistics.median(samples):.2f} ms, p95 {samples[int(len(samples) * 0.95) - 1]:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--items", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = testing.make_app(Path(tmp), plugins=[])
        site = app.runtime("test")
        rng = random.Random(42)
        with database.connection_context():
            start = time.perf_counter()
            guids = demo.ensure_members("test", args.members, rng)
            demo.social_graph("test", guids, rng, max_follows=3000, connections=3)
            fill_activity("test", args.items, guids, rng)
            print(f"data: {args.members} members, {args.items} items in {time.perf_counter() - start:.0f} s")
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
            query = activity._base(site, heavy, None, activity.PAGE)
            sql, params = query.sql()
            plan = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            print("plan:", "; ".join(str(row[-1]) for row in plan[:6]))
        client = testing.client(app)
        client.signin("member1@example.org", demo.DEMO_PASSWORD)
        samples = []
        for _ in range(args.runs):
            t = time.perf_counter()
            assert client.get("/feed").status_code == 200
            samples.append((time.perf_counter() - t) * 1000)
        print(f"/feed page (in-process, member who follows thousands): {percentiles(samples)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
