#!/usr/bin/env python3
"""The animation dashboard at region scale: time the nightly aggregation and the pages that read it.

    .venv/bin/python bench/bench_animation.py [--members 30000] [--cards 34000] [--activities 300000]
                                              [--runs 50] [--postgres] [--keep DIR]

Builds a fresh database (SQLite, or with ``--postgres`` a throw-away local PostgreSQL server) with
``--members`` accounts signed up over two years, ``--cards`` directory cards spread over the
gazetteer's communes (a third not updated for a year), ``--activities`` activities over the past
year, then runs ``animation-aggregate`` once (the first run, two years of days) and once more (a
night's run). Times, for an administrator, over HTTP in process: the dashboard for 30 and 365 days,
the territory by commune and its CSV; prints p50/p95 in milliseconds. The issue's target: p95 < 200
ms at region scale. With ``--keep DIR`` (SQLite) the database is built once in DIR and kept: a later
run with the same DIR times the pages at once (build the data while the machine is busy, time it
when it is quiet).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_app, kept_app, sample  # noqa: E402

from core import accounts, demo, gazetteer, testing  # noqa: E402
from core.db import database, is_postgres, now  # noqa: E402
from core.models import Account, Activity, Entity  # noqa: E402

BATCH = 2000


def build(members: int, cards: int, activities: int, rng) -> None:
    from plugins.directory.models import Organisation

    guids = demo.ensure_members("test", members, rng)
    start = now() - dt.timedelta(days=730)
    with database.atomic():
        for chunk in range(0, len(guids), BATCH):
            part = guids[chunk:chunk + BATCH]
            stamp = start + dt.timedelta(days=730 * chunk / max(1, len(guids)))
            Account.update(created=stamp).where(Account.entity.in_(part)).execute()
    places = [p for p in gazetteer.places() if p.postcode[:2] in ("02", "60", "80")] or list(gazetteer.places())
    card_guids = []
    for chunk in range(0, cards, BATCH):
        rows, details = [], []
        for i in range(chunk, min(chunk + BATCH, cards)):
            age = rng.randrange(1, 900)
            when = now() - dt.timedelta(days=age)
            rows.append({"site": "test", "kind": "directory.organisation", "title": f"Association {i}",
                         "access": "public", "created": when, "updated": when})
        with database.atomic():
            Entity.insert_many(rows).execute()
            ids = [row[0] for row in Entity.select(Entity.guid).where(
                Entity.kind == "directory.organisation").order_by(Entity.guid.desc()).limit(len(rows)).tuples()]
            for guid in ids:
                place = rng.choice(places)
                details.append({"entity": guid, "commune": place.name, "postcode": place.postcode,
                                "lat": place.lat, "lon": place.lon, "claimed": rng.random() < 0.3})
            Organisation.insert_many(details).execute()
        card_guids.extend(ids)
    actors = guids + card_guids[: len(card_guids) // 3]
    for chunk in range(0, activities, BATCH):
        rows = []
        for _ in range(chunk, min(chunk + BATCH, activities)):
            when = now() - dt.timedelta(days=rng.random() * 365)
            rows.append({"site": "test", "actor": rng.choice(actors), "verb": "published",
                         "entity": rng.choice(card_guids), "created": when, "kind": "directory.organisation"})
        with database.atomic():
            Activity.insert_many(rows).execute()


def prepare(site, args) -> None:
    """Build the data set, aggregate it twice (the first run, then a night's) and add the administrator."""
    rng = random.Random(42)
    from plugins.animation.aggregate import aggregate

    with database.connection_context():
        started = time.perf_counter()
        build(args.members, args.cards, args.activities, rng)
        database.execute_sql("ANALYZE")
        print(f"database: {'PostgreSQL' if is_postgres() else 'SQLite'}; {args.members} members, "
              f"{args.cards} cards, {args.activities} activities, built in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        if args.profile:
            import cProfile
            import pstats

            with cProfile.Profile() as profile:
                aggregate(site)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(r"plugins|core", 30)
        else:
            aggregate(site)
        print(f"first aggregation (two years of days): {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        aggregate(site, today=now().date() + dt.timedelta(days=1))
        print(f"a night's aggregation: {time.perf_counter() - started:.1f} s")
        accounts.create_account("test", "admin@example.org", "Admin", "bench-password-123", role="admin")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--cards", type=int, default=34_000)
    parser.add_argument("--activities", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--postgres", action="store_true", help="run on a throw-away PostgreSQL server")
    parser.add_argument("--profile", action="store_true", help="print where the first aggregation spends its time")
    parser.add_argument("--keep", type=Path, help="build the SQLite database once in this folder, then reuse it")
    args = parser.parse_args()
    plugins = ["directory", "agenda", "groups", "forums", "animation"]
    with (kept_app(args.keep, plugins, language="en") if args.keep
          else fresh_app(plugins, args.postgres, language="en")) as app:
        if getattr(app, "reused", False):
            print(f"database: {args.keep}, built before and reused")
        else:
            prepare(app.runtime("test"), args)
        with testing.client(app) as client:
            assert client.signin("admin@example.org", "bench-password-123").status_code == 303
            for label, url in (("dashboard, 30 days", "/animation/?period=30"),
                               ("dashboard, 365 days", "/animation/?period=365"),
                               ("territory by commune", "/animation/territory?level=commune"),
                               ("communes as CSV", "/animation/export/commune.csv"),
                               ("one chart", "/animation/chart/signups.svg?period=365")):
                assert client.get(url).status_code == 200, url
                figures = sample(lambda u=url: client.get(u), args.runs)
                print(f"{label}: {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
