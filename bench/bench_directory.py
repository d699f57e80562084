#!/usr/bin/env python3
"""The directory at region scale: 50,000 cards, then "near me" and the map's GeoJSON.

    .venv/bin/python bench/bench_directory.py [--cards 50000] [--runs 200]

Builds a fresh SQLite database, bulk inserts the cards around the gazetteer's communes (the same
generator as the region demo data), then times, for a visitor and for a signed-in member:
"near me" within 10 km of random communes (bounding box on the indexed lat/lon columns, exact
haversine ordering in Python) and the GeoJSON of a département's bounding box at zoom 9
(clusters read from the grid table, nothing cached: see bench_map.py for every zoom, the answers'
sizes and a fresh worker's first requests) and of a town at zoom 13 (points).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import timed  # noqa: E402

from core import demo, gazetteer, testing  # noqa: E402
from core.db import database  # noqa: E402
from core.models import Account  # noqa: E402

SOMME = (1.38, 49.57, 3.20, 50.37)  # west, south, east, north


def near(site, viewer, place, km: float = 10):
    """The 50 cards nearest ``place`` within ``km`` (the directory's "near me")."""
    from plugins.directory import geo

    return geo.near(site, viewer, place.lat, place.lon, km, limit=50)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    from plugins.directory import demo as directory_demo
    from plugins.directory import geo

    with tempfile.TemporaryDirectory() as tmp:
        app = testing.make_app(Path(tmp), plugins=["directory"])
        site = app.runtime("test")
        rng = random.Random(42)
        places = gazetteer.within([[48.83, 1.37], [50.37, 4.26]])  # Picardie, as in sites/portail.toml
        with database.connection_context():
            demo.ensure_members("test", 50, rng)
            start = time.perf_counter()
            directory_demo.bulk_cards(site, args.cards, rng, themes=("sport", "culture", "social"), places=places)
            print(f"bulk: {args.cards} cards in {time.perf_counter() - start:.1f} s "
                  f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
            database.execute_sql("ANALYZE")
            member = Account.get(Account.email == "member1@example.org")
            sizes = [len(near(site, None, p)) for p in places[:20]]
            print(f"near me within 10 km: {min(sizes)}-{max(sizes)} cards returned (50 at most)")
            for who, viewer in (("visitor", None), ("member", member)):
                spots = itertools.cycle(places)
                print(f"near me 10 km, {who}:", timed(
                    lambda v=viewer, s=spots: near(site, v, next(s)), args.runs))
                print(f"GeoJSON Somme bbox zoom 9, {who}:",
                      timed(lambda v=viewer: geo.geojson(site, v, SOMME, 9), args.runs))
                print(f"GeoJSON town bbox zoom 13, {who}:", timed(
                    lambda v=viewer: geo.geojson(site, v, (2.25, 49.87, 2.34, 49.92), 13), args.runs))
        client = testing.client(app)
        print("/directory/?place=80000 page (visitor):",
              timed(lambda: client.get("/directory/?place=80000&km=10"), min(args.runs, 50)))
        print("/directory/map.json Somme zoom 9 (visitor, HTTP):",
              timed(lambda: client.get("/directory/map.json?bbox=1.38,49.57,3.20,50.37&zoom=9"), args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
