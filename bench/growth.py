#!/usr/bin/env python3
"""How cost grows with data: feed and directory latency at 10,000, 100,000 and 1,000,000 rows.

    .venv/bin/python bench/growth.py [--sizes 10000,100000,1000000] [--requests 300] [--quick]

The 1,000,000 step takes the longest to build (17 minutes of filling on 2026-11-30, mostly the
directory's 900,000 cards, on a 2-core machine at load 4-9; the whole run 27 minutes):
``--sizes 10000,100000`` stops before it.

One SQLite database grows step by step: at each size it holds that many activity items
(the wire's status updates, public, members or connections, bulk inserted: items every
feed shows) and, when the directory plugin is installed,
that many organisation cards spread over Picardie's communes (the directory's demo
generator). At each size it times, as wall-clock and CPU time p50/p95:

- the home feed, for a visitor and a signed-in member, and the signed-in member's network feed
  ("my network": the member follows 45 of the 200 members who own the items) (in-process HTTP,
  Starlette's test client);
- the directory's "near me" within 10 km of Amiens (``geo.near``, as the page asks: 100 cards);
- the GeoJSON of the Somme's bounding box at zoom 9 (``geo.geojson``), for a visitor and a
  member: as served (the public clusters are kept 60 s per worker) and uncached (the cache
  dropped with ``cards.forget_aggregates`` before each call: what the first request pays).

Keyset pagination and indexed access filters should keep the feed flat; "near me" reads
every card of its bounding box, so it grows with the density of cards. Results go to
bench/results/growth.json (growth-quick.json with ``--quick``: 10,000 and 100,000 only)
and a markdown table (growth.md). Figures are read, never asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import sample, write_results  # noqa: E402

from core import testing  # noqa: E402
from core.db import database, now  # noqa: E402
from core.models import Account, Activity, Entity  # noqa: E402

BATCH = 5_000
PICARDIE_BOUNDS = [[48.83, 1.37], [50.37, 4.26]]  # as in sites/portail.toml
SOMME = (1.38, 49.57, 3.20, 50.37)  # west, south, east, north
THEMES = ("sport", "culture", "social")
MEMBER = "member1@example.org"


def _insert(model, fields: list, rows: list[tuple]) -> None:
    """``rows`` (tuples in the order of ``fields``) inserted with one prepared statement
    (``executemany``): peewee's ``insert_many`` spent most of the fill compiling each value."""
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    marks = ", ".join([database.param] * len(fields))
    database.cursor().executemany(f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})', rows)


def fill_activity(site_id: str, count: int, actors: list[int], rng: random.Random, kind: str = "bench.item") -> None:
    """``count`` status-like entities (public, members or connections), each with its activity item.

    ``kind="wire.status"`` makes them the wire's status updates (with their text), which every feed
    shows; the default ``bench.item`` is a kind no plugin declares, which feeds leave out."""
    E = Entity
    stamp = E.created.db_value(now())
    hidden = E.hidden.db_value(False)
    verb = "posted" if kind == "wire.status" else "published"
    done = 0
    while done < count:
        n = min(BATCH, count - done)
        with database.atomic():
            first = Entity.select(Entity.guid).order_by(Entity.guid.desc()).limit(1).scalar() or 0
            _insert(Entity, [E.site, E.kind, E.owner, E.access, E.title, E.created, E.updated, E.hidden], [
                (site_id, kind, rng.choice(actors), rng.choice(("public", "public", "public", "members", "connections")),
                 f"item {done + i}", stamp, stamp, hidden)
                for i in range(n)])
            rows = list(Entity.select(Entity.guid, Entity.owner, Entity.title).where(Entity.guid > first).tuples())
            _insert(Activity, [Activity.site, Activity.actor, Activity.verb, Activity.entity, Activity.kind,
                               Activity.created],
                    [(site_id, owner, verb, guid, kind, stamp) for guid, owner, _ in rows])
            if kind == "wire.status":
                from plugins.wire.models import Status

                _insert(Status, [Status.entity, Status.body], [(guid, title) for guid, _, title in rows])
        done += n


def follow(guids: list[int], rng: random.Random, count: int = 45) -> None:
    """The benchmark member (the first) follows ``count`` of the others."""
    from core.models import Relationship

    Relationship.insert_many([{"site": "test", "subject": guids[0], "verb": "follows", "object": guid,
                               "created": now()} for guid in rng.sample(guids[1:], count)]).execute()


def get(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


def feed_figures(app, requests: int) -> dict:
    from core import demo

    visitor, member = testing.client(app), testing.client(app)
    member.signin(MEMBER, demo.DEMO_PASSWORD)
    return {"home_feed": sample(lambda: get(visitor, "/"), requests),
            "home_feed_signed_in": sample(lambda: get(member, "/"), requests),
            "network_feed_signed_in": sample(lambda: get(member, "/feed"), requests)}


def directory_figures(site, requests: int, uncached_requests: int) -> dict:
    from core import gazetteer
    from plugins.directory import cards, geo

    amiens = gazetteer.lookup("80000")[0]
    member = Account.get(Account.site == site.id, Account.email == MEMBER)

    def uncached(viewer):
        cards.forget_aggregates(site)
        geo.geojson(site, viewer, SOMME, 9)

    figures = {}
    for who, viewer in (("visitor", None), ("member", member)):
        figures[f"near_me_10km_{who}"] = sample(
            lambda v=viewer: geo.near(site, v, amiens.lat, amiens.lon, 10, limit=100), requests)
        figures[f"geojson_somme_{who}"] = sample(lambda v=viewer: geo.geojson(site, v, SOMME, 9), requests)
        figures[f"geojson_somme_{who}_uncached"] = sample(lambda v=viewer: uncached(v), uncached_requests)
    return figures


def run(sizes: list[int], requests: int) -> dict:
    from core import demo, gazetteer, plugins

    available = plugins.discover()
    site_plugins = [p for p in ("wire", "directory") if p in available and not available[p].error]
    directory = "directory" in site_plugins
    kind = "wire.status" if "wire" in site_plugins else "bench.item"  # items the feeds show
    uncached_requests = max(requests // 10, 5)
    results: dict = {"requests": requests, "uncached_requests": uncached_requests, "sizes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        app = testing.make_app(Path(tmp), plugins=site_plugins, hosts=("testserver",))
        site = app.runtime("test")
        rng = random.Random(42)
        places = gazetteer.within(PICARDIE_BOUNDS)
        with database.connection_context():
            guids = demo.ensure_members("test", 200, rng)
            follow(guids, rng)
        have = 0
        for size in sorted(sizes):
            figures: dict = {}
            with database.connection_context():
                start = time.perf_counter()
                fill_activity("test", size - have, guids, rng, kind=kind)
                figures["fill_activity_seconds"] = round(time.perf_counter() - start, 1)
                if directory:
                    from plugins.directory.demo import bulk_cards

                    start = time.perf_counter()
                    bulk_cards(site, size - have, rng, THEMES, places=places)
                    figures["fill_cards_seconds"] = round(time.perf_counter() - start, 1)
                database.execute_sql("ANALYZE")
            have = size
            figures.update(feed_figures(app, requests))
            if directory:
                with database.connection_context():
                    figures.update(directory_figures(site, requests, uncached_requests))
            results["sizes"][str(size)] = figures
            print(size, json.dumps(figures), flush=True)
    return results


def markdown(results: dict) -> str:
    """One row per measure, one column per size: wall p50 / p95 and CPU p50 / p95 in ms."""
    sizes = list(results["sizes"])
    lines = [f"Growth: {results['requests']} calls per measure ({results['uncached_requests']} for the uncached "
             "GeoJSON); wall p50 / p95 · cpu p50 / p95, in ms.", "",
             "| measure | " + " | ".join(f"{int(s):,}" for s in sizes) + " |",
             "| --- |" + " ---: |" * len(sizes)]
    names = [n for n in results["sizes"][sizes[0]] if isinstance(results["sizes"][sizes[0]][n], dict)]
    for name in names:
        cells = []
        for size in sizes:
            f = results["sizes"][size].get(name)
            cells.append(f"{f['wall']['p50_ms']} / {f['wall']['p95_ms']} · {f['cpu']['p50_ms']} / {f['cpu']['p95_ms']}"
                         if f else "—")
        lines.append(f"| {name.replace('_', ' ')} | " + " | ".join(cells) + " |")
    for name in ("fill_activity_seconds", "fill_cards_seconds"):
        if name in results["sizes"][sizes[0]]:
            lines.append(f"| {name.replace('_', ' ')} (this step) | "
                         + " | ".join(str(results["sizes"][s][name]) for s in sizes) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="10,000 and 100,000 only, 50 calls per measure")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.requests = "10000,100000", min(args.requests, 50)
    results = run([int(s) for s in args.sizes.split(",")], args.requests)
    write_results("growth-quick" if args.quick else "growth", results, markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
