#!/usr/bin/env python3
"""CPU per page for a member and for a visitor, in process, on the region data set (issue 21, point 1).

    .venv/bin/python bench/bench_members.py [--runs 60] [--home bench/data/region-sqlite] [--pages feed,profile] [--raw]

Uses the data set bench/suite.py generates (``maillage demo --scale region --site portail``; give
another folder with ``--home``, or ``DATABASE_URL`` for PostgreSQL). Each page is requested
through the ASGI application itself on one thread (no HTTP server, no client library), signed in as
the suite's member (member1, who follows some thousands) and as a member following 45 others and
the hub member, then as a visitor; pages are alternated run by run, so a slower moment of the
shared host touches them alike. Prints the CPU time (``time.process_time``) p50 and p95 per page
and the ratio member / visitor, with the host's load average. ``--raw`` also measures the raw twin
(bench/raw.py: hand-written SQL through the driver, a minimal template) on its three pages, for the
same viewers, alternated with maillage's: the CPU each spends on the same items. Figures to read,
never assertions.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import Driver, on_this_thread, percentiles  # noqa: E402

SITE, HOST, PASSWORD = "portail", "localhost", "demo-password"
MEMBERS = {"member": "member1@example.org", "member (45 + hub)": None}  # None: found in the data
RAW_PAGES = ("my network", "directory list", "forum thread")  # the pages bench/raw.py answers


def light_member() -> str:
    """A member following 46 members, the hub (member1) among them (the first such, by email)."""
    from core.db import database
    from core.models import Account

    hub = Account.get(Account.site == SITE, Account.email == "member1@example.org").entity_id
    p = database.param
    return database.execute_sql(
        "SELECT a.email FROM relationship r JOIN account a ON a.entity_id = r.subject_id "
        f"WHERE r.verb = 'follows' AND a.site = {p} GROUP BY a.email "
        f"HAVING COUNT(*) = 46 AND SUM(CASE WHEN r.object_id = {p} THEN 1 ELSE 0 END) = 1 ORDER BY a.email LIMIT 1",
        (SITE, hub)).fetchone()[0]


def probe() -> float:
    """CPU milliseconds of a fixed piece of Python (median of 5): on a shared host the same work costs
    more CPU time when the cores are contended, so figures are read beside it."""
    times = []
    for _ in range(5):
        started = time.process_time()
        sum(i * i for i in range(1_000_000))
        times.append((time.process_time() - started) * 1000)
    return sorted(times)[2]


def sign_in(app, email: str) -> str:
    """The session cookie of ``email`` (through the real sign-in form)."""
    from core import testing

    client = testing.client(app, host=HOST)
    response = client.signin(email, PASSWORD)
    assert response.status_code == 303, response.text[:300]
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--home", default=str(ROOT / "bench" / "data" / "region-sqlite"))
    parser.add_argument("--pages", default="", help="comma-separated names to keep (default: all)")
    parser.add_argument("--raw", action="store_true", help="also the raw twin's network feed, forum thread and directory")
    args = parser.parse_args()
    os.environ.setdefault("MAILLAGE_SITES", str(ROOT / "sites"))
    os.environ.setdefault("MAILLAGE_SECRET", "bench-secret-of-at-least-32-bytes-long")
    os.environ["MAILLAGE_WORKER"] = "off"
    os.environ["MAILLAGE_HOME"] = args.home
    from core.app import create_app
    from core.db import database
    from core.models import Account

    on_this_thread()
    app = create_app()
    logging.getLogger("maillage.request").setLevel(logging.WARNING)  # one JSON line per request otherwise
    with database.connection_context():
        MEMBERS["member (45 + hub)"] = light_member()
        profile = Account.get(Account.site == SITE, Account.email == "member2@example.org").entity_id
    pages = {
        "my network": "/feed",
        "profile": f"/members/{profile}",
        "agenda month": "/agenda/month",
        "directory list": "/directory/",
        "directory near me": "/directory/?place=80000&km=10",
        "home": "/",
    }
    if args.pages:
        keep = set(args.pages.split(","))
        pages = {k: v for k, v in pages.items() if k in keep}
    cookies = {who: sign_in(app, email) for who, email in MEMBERS.items()}
    driver = Driver(app, HOST)
    raw = None
    if args.raw:
        from pages import forum_topics
        from raw import create_app as create_raw

        with database.connection_context():
            topic = next((t for t in forum_topics() if driver.get(f"/forums/{t}", cookies["member"])[0] == 200), None)
        if topic:
            pages["forum thread"] = f"/forums/{topic}"
        raw = Driver(create_raw(), HOST)  # its member is member1, as "member" here
    plan = []
    for name, path in pages.items():
        for who in (*MEMBERS, "visitor"):
            if who == "visitor" and name == "my network":
                continue
            status, html = driver.get(path, cookies.get(who, ""))
            if status != 200:
                print(f"skipped {name} ({who}): {path} answers {status}")
                continue
            if who != "visitor":
                assert "signout" in html or re.search(r"user-menu", html), f"{name}: not signed in"
            for _ in range(3):
                driver.get(path, cookies.get(who, ""))
            plan.append((name, who, path))
            if raw is not None and who in ("member", "visitor") and name in RAW_PAGES:
                status, _html = raw.get(path, cookies.get(who, ""))
                if status == 200:
                    plan.append((name, f"{who}, raw twin", path))
    cpu: dict[tuple[str, str], list[float]] = {(n, w): [] for n, w, _ in plan}
    for _ in range(args.runs):
        for name, who, path in plan:
            system = raw if who.endswith("raw twin") else driver
            started = time.process_time()
            system.get(path, cookies.get(who.removesuffix(", raw twin"), ""))
            cpu[(name, who)].append((time.process_time() - started) * 1000)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; "
          f"{args.runs} runs per page, CPU ms in process (one thread); speed probe {probe():.0f} ms of CPU "
          "(about 30 on this machine when quiet: figures scale with it)")
    print(f"members: {', '.join(f'{w} = {e}' for w, e in MEMBERS.items())}")
    print("| page | who | CPU p50 | CPU p95 | ÷ visitor (p50) |\n| --- | --- | ---: | ---: | --- |")
    for name, who, _path in plan:
        figures = percentiles(cpu[(name, who)])
        base = cpu.get((name, "visitor"))
        ratio = (f"{figures['p50_ms'] / percentiles(base)['p50_ms']:.2f}"
                 if base and who not in ("visitor", "visitor, raw twin") and not who.endswith("raw twin") else "")
        if who.endswith("raw twin"):  # maillage's CPU over the twin's: the query layer, templates and framework
            own = percentiles(cpu[(name, who.removesuffix(", raw twin"))])["p50_ms"]
            ratio = f"raw ÷ maillage {figures['p50_ms'] / own:.2f}"
        print(f"| {name} | {who} | {figures['p50_ms']:.2f} | {figures['p95_ms']:.2f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
