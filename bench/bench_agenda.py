#!/usr/bin/env python3
"""The agenda at region scale: 20,000 events bulk-inserted, then the list, month and map times.

    .venv/bin/python bench/bench_agenda.py [--members 500] [--events 20000] [--runs 50]

Builds a fresh SQLite database (or PostgreSQL with TEST_DATABASE_URL), inserts the events
spread over two years (the agenda's region demo data) plus a few weekly events, then times
the upcoming list (first page and a deep keyset page), a commune filter, a distance filter,
the month window, and the /agenda/, /agenda/month and /agenda/map.json pages in-process.
Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import timed  # noqa: E402

from core import demo, testing  # noqa: E402
from core.db import database, now  # noqa: E402
from core.models import Account  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    from plugins.agenda import demo as agenda_demo
    from plugins.agenda import events, schedule

    with tempfile.TemporaryDirectory() as tmp:
        app = testing.make_app(Path(tmp), plugins=["agenda"])
        site = app.runtime("test")
        rng = random.Random(42)
        with database.connection_context():
            demo.ensure_members("test", args.members, rng)
            organisers = list(Account.select().where(Account.email.startswith("member")).limit(50))
            start = time.perf_counter()
            agenda_demo.bulk(site, organisers, rng, args.events)
            print(f"bulk: {args.events} events in {time.perf_counter() - start:.1f} s")
            for i in range(10):  # a few recurring events among them
                local = dt.datetime.combine(now().date() + dt.timedelta(days=i), dt.time(18))
                values = agenda_demo._values(site, f"Atelier hebdomadaire {i}", local, 2, "FREQ=WEEKLY",
                                             agenda_demo.COMMUNES[i % 6], rng)
                events.save(site, organisers[0], organisers[0].entity, values)
            member = Account.get(Account.email == "member1@example.org")
            page = schedule.listing(site, None)
            for _ in range(20):
                page = schedule.listing(site, None, after=page[-1].key)
            deep = page[-1].key
            print("list, visitor, first page:", timed(lambda: schedule.listing(site, None), args.runs))
            print("list, member, first page:", timed(lambda: schedule.listing(site, member), args.runs))
            print("list, visitor, 21st page (keyset):", timed(lambda: schedule.listing(site, None, after=deep), args.runs))
            print("list, past, first page:", timed(lambda: schedule.listing(site, None, past=True), args.runs))
            print("list, commune filter:", timed(lambda: schedule.listing(site, None, commune="Laon"), args.runs))
            print("list, within 10 km of Amiens:",
                  timed(lambda: schedule.listing(site, None, near=(49.894, 2.296, 10.0)), args.runs))
            first = now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            month = lambda: schedule.window(site, None, first, first + dt.timedelta(days=42))  # noqa: E731
            print(f"month window ({len(month())} occurrences):", timed(month, args.runs))
        client = testing.client(app)
        print("/agenda/ page:", timed(lambda: client.get("/agenda/"), args.runs))
        print("/agenda/month page:", timed(lambda: client.get("/agenda/month"), args.runs))
        print("/agenda/map.json (90 days):", timed(lambda: client.get("/agenda/map.json"), max(args.runs // 5, 3)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
