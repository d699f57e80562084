#!/usr/bin/env python3
"""The board of needs and offers at region scale: 20,000 ads, then browsing near a commune.

    .venv/bin/python bench/bench_offers.py [--ads 20000] [--runs 300] [--km 20] [--postgres]

Builds a fresh database, bulk inserts the ads around the communes of Picardie (the region demo
data's generator, plugins/offers/demo.py: weighted by population, a few km around each commune,
a quarter of them for members only), then times, for a visitor and a signed-in member, what the
list page asks when browsing near a commune: the open ads the reader may see within ``--km`` of a
random commune of the territory, newest first, one page (``ads.listing``: bounding box on the
(state, lat, lon) index, the circle in SQL, access in the query); the same with a theme; the
matches of an ad; and the whole page ``/offers/?place=<postcode>&km=20`` through the app.
The figure to read is the p95 of browsing near a commune (target: under 50 ms).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import describe, fresh_app, plan, sample  # noqa: E402

from core import demo, gazetteer, testing  # noqa: E402
from core.db import database  # noqa: E402
from core.models import Account, Entity  # noqa: E402

PICARDIE = [[48.83, 1.37], [50.37, 4.26]]
THEMES = ["culture", "sport", "solidarite", "environnement", "education"]
TOML = ('[territory]\ncenter = [49.65, 2.75]\nbounds = [[48.83, 1.37], [50.37, 4.26]]\n'
        + "".join(f'[[taxonomy]]\nlabel = "{t}"\n' for t in THEMES))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ads", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--km", type=float, default=20)
    parser.add_argument("--postgres", action="store_true", help="on a throw-away local PostgreSQL server")
    args = parser.parse_args()
    from plugins.offers import ads
    from plugins.offers import demo as offers_demo
    from plugins.offers.models import Ad

    print(f"host: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start, "
          f"{'PostgreSQL' if args.postgres else 'SQLite'}")
    with fresh_app(["directory", "offers"], postgres=args.postgres, toml=TOML) as app:
        site = app.runtime("test")
        rng = random.Random(42)
        places = gazetteer.within(PICARDIE)
        with database.connection_context():
            demo.ensure_members("test", 50, rng)
            start = time.perf_counter()
            offers_demo.bulk(site, args.ads, rng, THEMES, places=places)
            print(f"bulk: {args.ads} ads in {time.perf_counter() - start:.1f} s")
            database.execute_sql("ANALYZE")
            member = Account.get(Account.email == "member1@example.org")
            towns = [p for p in places if p.population >= 2000] or places
            spots = itertools.cycle(rng.sample(towns, min(len(towns), 200)))
            sizes = [len(ads.listing(site, None, point=(p.lat, p.lon), km=args.km, limit=20)) for p in towns[:30]]
            print(f"near a commune within {args.km:g} km: {min(sizes)}-{max(sizes)} ads on the first page (20 at most)")
            amiens = gazetteer.lookup("80000")[0]
            query = (Ad.select(Ad.entity).where(ads.open_condition(), ads.near_condition(amiens.lat, amiens.lon, args.km))
                     .order_by(Ad.entity.desc()).limit(20))
            print("plan (without the access join):\n    " + plan(query))
            results = {}
            for who, viewer in (("visitor", None), ("member", member)):
                results[f"near, {who}"] = sample(
                    lambda v=viewer: ads.listing(site, v, point=(lambda p: (p.lat, p.lon))(next(spots)), km=args.km,
                                                 limit=20), args.runs)
                results[f"near + theme, {who}"] = sample(
                    lambda v=viewer: ads.listing(site, v, theme=rng.choice(THEMES),
                                                 point=(lambda p: (p.lat, p.lon))(next(spots)), km=args.km, limit=20),
                    args.runs)
            some = list(Ad.select(Ad, Entity).join(Entity, on=(Ad.entity == Entity.guid)).limit(200))
            picks = itertools.cycle(some)
            results["matches of an ad, member"] = sample(lambda: ads.matches(site, member, next(picks)), args.runs)
        client = testing.client(app)
        codes = itertools.cycle([p.postcode for p in towns[:100]])
        results["page /offers/?place=<postcode>&km=20, visitor"] = sample(
            lambda: client.get(f"/offers/?place={next(codes)}&km=20"), min(args.runs, 100))
        for name, figures in results.items():
            print(f"{name}: wall {describe(figures['wall'])}; cpu {describe(figures['cpu'])}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
