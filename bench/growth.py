#!/usr/bin/env python3
"""How cost grows with data: feed and directory latency at 10,000, 100,000 and 1,000,000 rows.

    .venv/bin/python bench/growth.py [--sizes 10000,100000,1000000] [--requests 300]

For each size, a fresh SQLite database gets that many activity items (and, when the
directory plugin is installed, that many organisation cards), inserted in bulk; then the
pages are requested in-process (Starlette's test client, no network) and timed.
Keyset pagination and indexed access filters should keep the figures flat.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import testing  # noqa: E402
from core.db import database, now  # noqa: E402
from core.models import Activity, Entity  # noqa: E402

BATCH = 5_000


def fill_activity(site_id: str, count: int, actors: list[int], rng: random.Random) -> None:
    """``count`` public status-like entities, each with its activity item."""
    stamp = now()
    done = 0
    while done < count:
        n = min(BATCH, count - done)
        with database.atomic():
            first = Entity.select(Entity.guid).order_by(Entity.guid.desc()).limit(1).scalar() or 0
            Entity.insert_many([
                {"site": site_id, "kind": "bench.item", "owner": rng.choice(actors),
                 "access": rng.choice(("public", "public", "public", "members", "connections")),
                 "title": f"item {done + i}", "created": stamp, "updated": stamp}
                for i in range(n)
            ]).execute()
            rows = Entity.select(Entity.guid, Entity.owner, Entity.access).where(Entity.guid > first).tuples()
            Activity.insert_many([
                {"site": site_id, "actor": owner, "verb": "published", "entity": guid, "kind": "bench.item",
                 "access": access, "created": stamp}
                for guid, owner, access in rows
            ]).execute()
        done += n


def timed(client, path: str, requests: int) -> dict:
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2)}


def run(sizes: list[int], requests: int) -> dict:
    from core import demo, plugins

    results = {}
    available = plugins.discover()
    site_plugins = [p for p in ("wire", "directory") if p in available and not available[p].error]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            app = testing.make_app(Path(tmp), plugins=site_plugins, hosts=("testserver",))
            rng = random.Random(size)
            with database.connection_context():
                guids = demo.ensure_members("test", 200, rng)
                start = time.perf_counter()
                fill_activity("test", size, guids, rng)
                fill_seconds = time.perf_counter() - start
            client = testing.client(app)
            figures = {"fill_seconds": round(fill_seconds, 1), "home_feed": timed(client, "/", requests)}
            member = testing.client(app)
            member.signin("member1@example.org", demo.DEMO_PASSWORD)
            figures["home_feed_signed_in"] = timed(member, "/", requests)
            results[size] = figures
            print(size, figures, flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    results = run([int(s) for s in args.sizes.split(",")], args.requests)
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "growth.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
