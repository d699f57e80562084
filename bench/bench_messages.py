#!/usr/bin/env python3
"""Messages: the inbox of a member with 2,000 conversations and a thread of 500 messages.

    .venv/bin/python bench/bench_messages.py [--conversations 2000] [--thread 500] [--runs 50]

Builds a fresh SQLite database (or PostgreSQL with TEST_DATABASE_URL) with the directory and
messages plugins; member1 takes part in ``--conversations`` conversations (a few unread, a
quarter of them as an organisation they manage) and in one thread of ``--thread`` messages.
Times the unread count (the header badge), the inbox's first and a deep keyset page, the
thread's latest and oldest page, then the /messages/ and /messages/<thread> pages in-process,
and prints the inbox's query plan. Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import plan, timed  # noqa: E402

from core import db as core_db  # noqa: E402
from core import demo, relationships, testing  # noqa: E402
from core.db import database  # noqa: E402
from core.models import Account, Entity  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--conversations", type=int, default=2_000)
    parser.add_argument("--thread", type=int, default=500)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    from plugins.messages import conversations
    from plugins.messages.models import Participant

    with tempfile.TemporaryDirectory() as tmp:
        app = testing.make_app(Path(tmp), plugins=["directory", "messages"])
        site = app.runtime("test")
        rng = random.Random(42)
        with database.connection_context():
            demo.ensure_members("test", args.members, rng)
            member = Account.get(Account.email == "member1@example.org")
            others = [a.guid for a in Account.select().where(Account.entity != member.guid)]
            org = Entity.create(site="test", kind="directory.organisation", title="Association du bench",
                                access="public", owner=member.guid)
            relationships.add(site, member.guid, "manages", org.guid)
            start = time.perf_counter()
            for i in range(args.conversations):
                me = org.guid if i % 4 == 0 else member.guid
                other = rng.choice(others)
                conv, _m = conversations.create(site, other, other, [me], f"Sujet {i}", f"Message **{i}** du bench")
                conversations.add(site, conv, me, member.guid, "Réponse")
                if i % 50 == 0:
                    conversations.add(site, conv, other, other, "Encore un message non lu")
            thread, _m = conversations.create(site, member.guid, member.guid, [others[0]], "Long fil", "Début")
            for i in range(args.thread - 1):
                sender = member.guid if i % 2 else others[0]
                conversations.add(site, thread, sender, sender, f"Message {i} du long fil, avec un peu de texte.")
            core_db.analyze()
            print(f"data: {args.conversations} conversations and a {args.thread}-message thread in "
                  f"{time.perf_counter() - start:.1f} s")
            rows, deep = conversations.inbox(site, member)
            for _ in range(20):
                rows, nxt = conversations.inbox(site, member, before=deep)
                deep = nxt or deep
            print("unread count (header badge):", timed(lambda: conversations.unread_count(site, member), args.runs))
            print("inbox, first page:", timed(lambda: conversations.inbox(site, member), args.runs))
            print("inbox, 21st page (keyset):", timed(lambda: conversations.inbox(site, member, before=deep),
                                                      args.runs))
            print("thread, latest page:", timed(lambda: conversations.page(thread.guid), args.runs))
            oldest = Participant.select().count() and conversations.page(thread.guid)[1]
            for _ in range(15):
                older = conversations.page(thread.guid, before=oldest)[1]
                oldest = older or oldest
            print("thread, oldest page (keyset):", timed(lambda: conversations.page(thread.guid, before=oldest),
                                                         args.runs))
            print(plan(Participant.select().where(Participant.member == member.guid, Participant.archived == False,  # noqa: E712
                                                  Participant.left_at.is_null())
                       .order_by(Participant.last_message.desc(), Participant.id.desc()).limit(26)))
        client = testing.client(app)
        assert client.signin("member1@example.org", demo.DEMO_PASSWORD).status_code == 303
        print("/messages/ page:", timed(lambda: client.get("/messages/"), args.runs))
        print(f"/messages/{thread.guid} page:", timed(lambda: client.get(f"/messages/{thread.guid}"), args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
