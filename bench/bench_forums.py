#!/usr/bin/env python3
"""A forum thread with 5,000 replies: time the first, a middle and the last page.

    .venv/bin/python bench/bench_forums.py [--replies 5000] [--runs 100] [--postgres]

Builds a fresh database (SQLite, or with ``--postgres`` a throw-away local PostgreSQL server),
a group with 50 members and one topic holding ``--replies`` replies (bulk inserted), plus
20 other topics of 500 replies so the reply table is not only that thread. Times, for a
signed-in member, the whole topic page over HTTP in process (query, markdown, template,
read marker update) for page 1, the middle page and the last page, and the page query
alone; prints p50/p95 in milliseconds and the query plan of the page read.
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

from core import demo, testing  # noqa: E402
from core.db import database, is_postgres  # noqa: E402
from core.models import Account, Entity, Relationship  # noqa: E402


def build(site, replies: int, rng) -> tuple[int, str]:
    from plugins.forums.models import Reply, Topic
    from plugins.groups.models import Group

    guids = demo.ensure_members("test", 50, rng)
    owner = guids[0]
    group = Entity.create(site="test", kind="groups.group", owner=owner, access="public", title="Bench group")
    group.container = group.guid
    group.save()
    Group.create(entity=group)
    with database.atomic():
        Relationship.insert_many([{"site": "test", "subject": g, "verb": "member_of", "object": group.guid}
                                  for g in guids]).execute()
    lines = ["Merci pour **ce** message.", "Je suis d'accord avec la proposition.\n\n> citation\n\nOui.",
             "Rendez-vous samedi à 10 h devant la salle.", "Voir https://example.org/compte-rendu"]
    topics = []
    for i, count in enumerate([replies] + [500] * 20):
        topic = Entity.create(site="test", kind="forums.topic", owner=owner, container=group.guid,
                              access="container", title=f"Sujet {i}")
        Topic.create(entity=topic, body="Ouverture du sujet", reply_count=count)
        topics.append(topic.guid)
        with database.atomic():
            for start in range(1, count + 1, 2000):
                Reply.insert_many([{"topic": topic.guid, "number": n, "author": rng.choice(guids),
                                    "body": rng.choice(lines)} for n in range(start, min(start + 2000, count + 1))
                                   ]).execute()
        last = Reply.select(Reply.id).where(Reply.topic == topic.guid).order_by(Reply.number.desc()).first()
        Topic.update(last_reply=last.id).where(Topic.entity == topic.guid).execute()
    return topics[0], Account.get(Account.entity == guids[1]).email


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replies", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--postgres", action="store_true", help="run on a throw-away PostgreSQL server")
    args = parser.parse_args()
    with fresh_app(["groups", "forums"], args.postgres, language="en") as app:
        site = app.runtime("test")
        rng = random.Random(42)
        with database.connection_context():
            start = time.perf_counter()
            topic, email = build(site, args.replies, rng)
            database.execute_sql("ANALYZE")
            print(f"database: {'PostgreSQL' if is_postgres() else 'SQLite'}; one thread of {args.replies} "
                  f"replies + 20 x 500, built in {time.perf_counter() - start:.1f} s")
            from plugins.forums import threads
            from plugins.forums.models import Reply, Topic

            row = Topic.get_by_id(topic)
            last_page = threads.pages(row)
            pages = {"first": 1, "middle": (last_page + 1) // 2, "last": last_page}
            for label, number in pages.items():
                print(f"page query, {label} page ({number} of {last_page}):",
                      timed(lambda n=number: threads.replies(row, n), args.runs))
            print("  plan:\n    " + plan(
                Reply.select().where(
                    Reply.topic == topic,
                    Reply.number >= 2451,
                    Reply.number < 2501)))
        with testing.client(app) as client:
            assert client.signin(email, demo.DEMO_PASSWORD).status_code == 303
            for label, number in pages.items():
                response = client.get(f"/forums/{topic}?page={number}")
                assert response.status_code == 200 and f'id="r{(number - 1) * threads.PAGE + 1}"' in response.text
                print(f"topic page over HTTP, {label} page ({number}):",
                      timed(lambda n=number: client.get(f"/forums/{topic}?page={n}"), args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
