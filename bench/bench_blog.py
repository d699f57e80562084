#!/usr/bin/env python3
"""The blog at region scale: bulk demo posts, then listing, tag filter, page and feed times.

    .venv/bin/python bench/bench_blog.py [--members 2000] [--posts 5000] [--runs 100]

Builds a fresh SQLite database (demo members, then the blog's region demo posts in bulk),
times the listing query for a visitor and a member, the tag filter (a LIKE on the JSON
tags: a scan of published posts), and the /blog/ page and /blog/feed.atom in-process.
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

from common import timed  # noqa: E402

from core import demo, testing  # noqa: E402
from core.db import database  # noqa: E402
from core.models import Account  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--posts", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    from plugins.blog import demo as blog_demo
    from plugins.blog import posts

    with tempfile.TemporaryDirectory() as tmp:
        app = testing.make_app(Path(tmp), plugins=["blog"])
        site = app.runtime("test")
        rng = random.Random(42)
        with database.connection_context():
            demo.ensure_members("test", args.members, rng)
            start = time.perf_counter()
            blog_demo.bulk(site, args.posts, rng)
            print(f"bulk demo: {args.posts} posts (entity, post, revision, activity, search rows) "
                  f"in {time.perf_counter() - start:.1f} s")
            member = Account.get(Account.email == "member1@example.org")
            oldest = posts.listing(site, None, limit=1)[0].entity_id - args.posts // 2
            print("listing, visitor:", timed(lambda: posts.listing(site, None), args.runs))
            print("listing, member:", timed(lambda: posts.listing(site, member), args.runs))
            print("listing, member, deep page:", timed(lambda: posts.listing(site, member, before=oldest), args.runs))
            print("tag filter, visitor:", timed(lambda: posts.listing(site, None, tag="culture"), args.runs))
        client = testing.client(app)
        print("/blog/ page (visitor):", timed(lambda: client.get("/blog/"), args.runs))
        print("/blog/feed.atom (visitor):", timed(lambda: client.get("/blog/feed.atom"), args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
