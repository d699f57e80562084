#!/usr/bin/env python3
"""Site search with access applied in the SQL, on 200,000 indexed documents.

    .venv/bin/python bench/bench_search.py [--docs 200000] [--runs 100] [--postgres]

Builds a fresh database (SQLite with FTS5, or with ``--postgres`` a throw-away local
PostgreSQL server with its GIN index): 2,000 members and ``--docs`` entities of mixed
access (60 % public, 25 % members, 15 % private) whose text is drawn from a French word
list (a few words are in most documents, some in few). Times ``core.search.search`` for a
visitor and a member with a rare word, a common word, two words and a prefix; prints
p50/p95 in milliseconds and how many results the first page had.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_app, timed  # noqa: E402

from core import demo, search  # noqa: E402
from core.db import database, is_postgres, now  # noqa: E402
from core.models import Account, Entity  # noqa: E402

COMMON = ["association", "samedi", "réunion", "jardin", "fête", "bénévoles", "marché", "atelier"]
RARE = ["zibeline", "ornithologie", "grainothèque", "accordéon", "spéléologie"]
FILLER = ("le la les un une des de du et à au pour avec dans sur par notre votre commune village quartier "
          "école sport musique théâtre lecture balade vélo randonnée concert repas solidarité cuisine").split()
BATCH = 5_000


def text(rng: random.Random) -> tuple[str, str]:
    words = rng.choices(FILLER, k=rng.randint(8, 60))
    words += rng.sample(COMMON, rng.randint(1, 3))
    if rng.random() < 0.002:
        words.append(rng.choice(RARE))
    rng.shuffle(words)
    return " ".join(words[:8]).capitalize(), " ".join(words)


def fill(site_id: str, count: int, owners: list[int], rng: random.Random) -> None:
    stamp = now()
    done = 0
    while done < count:
        n = min(BATCH, count - done)
        rows = [text(rng) for _ in range(n)]
        with database.atomic():
            first = Entity.select(Entity.guid).order_by(Entity.guid.desc()).limit(1).scalar() or 0
            Entity.insert_many([
                {"site": site_id, "kind": "wire.status", "owner": rng.choice(owners), "title": title[:300],
                 "access": rng.choices(["public", "members", "private"], [60, 25, 15])[0],
                 "created": stamp, "updated": stamp} for title, _ in rows]).execute()
            guids = [g for (g,) in Entity.select(Entity.guid).where(Entity.guid > first)
                     .order_by(Entity.guid).tuples()]
            search.SearchDocument.insert_many([
                {"entity": guid, "site": site_id, "kind": "wire.status", "title": search.fold(title),
                 "body": search.fold(body)} for guid, (title, body) in zip(guids, rows, strict=True)]).execute()
        done += n
    database.execute_sql("ANALYZE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--postgres", action="store_true", help="run on a throw-away PostgreSQL server")
    args = parser.parse_args()
    with fresh_app(["wire"], args.postgres) as app:
        site = app.runtime("test")
        rng = random.Random(7)
        with database.connection_context():
            start = time.perf_counter()
            owners = demo.ensure_members("test", 2_000, rng)
            fill("test", args.docs, owners, rng)
            print(f"database: {'PostgreSQL' if is_postgres() else 'SQLite'}; {args.docs} documents indexed "
                  f"in {time.perf_counter() - start:.0f} s")
            member = Account.get(Account.email == "member2@example.org")
            for query in ("zibeline", "jardin", "fête samedi", "bénév", "association marché atelier"):
                for label, viewer in (("visitor", None), ("member", member)):
                    rows = search.search(site, viewer, query)
                    print(f"{query!r:30} {label:8} {len(rows):3} results on page 1:",
                          timed(lambda q=query, v=viewer: search.search(site, v, q), args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
