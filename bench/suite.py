#!/usr/bin/env python3
"""The benchmark suite: a region-sized data set, the real server, concurrent clients.

    .venv/bin/python bench/suite.py [--db sqlite|postgres] [--seconds 10] [--workers 1,2]

Generates (once, then reuses) the region data set with ``maillage demo --scale region``
in bench/data/, starts uvicorn (uvloop + httptools) with one then two workers, drives
each page with 8 concurrent clients (wrk), and does the same against the bare-stack
twin (bench/bare.py: Starlette + Jinja2 + peewee, the same template and query without
maillage's machinery). Writes bench/results/<date>-<db>.json and a markdown table.
Figures are measurements to read, never assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx  # the maintained successor starlette 1.x tests with (the test extra installs it)

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import write_results  # noqa: E402
from loadgen import measure  # noqa: E402
from server import ROOT, Server  # noqa: E402

HOST = "localhost"
SITE = "portail"
MEMBER = ("member1@example.org", "demo-password")  # follows 3,000 members: the heavy network feed


def prepare(db: str, scale: str) -> dict:
    """The environment of the data set; generate it the first time."""
    home = ROOT / "bench" / "data" / f"{scale}-{db}"
    home.mkdir(parents=True, exist_ok=True)
    env = {"MAILLAGE_HOME": str(home), "MAILLAGE_SITES": str(ROOT / "sites"), "MAILLAGE_SECRET": "bench",
           "BENCH_HOST": HOST}
    if db == "postgres":
        from core.testing_postgres import PostgresServer

        server = PostgresServer().start()
        env["DATABASE_URL"] = server.url
        env["_PG"] = server  # type: ignore[assignment]
        marker = None
    else:
        marker = home / "generated"
    if marker is None or not marker.exists():
        started = time.perf_counter()
        run_env = {**os.environ, **{k: v for k, v in env.items() if isinstance(v, str)}}
        subprocess.run([sys.executable, "-m", "core.cli", "migrate"], cwd=ROOT, env=run_env, check=True)
        subprocess.run([sys.executable, "-m", "core.cli", "demo", "--scale", scale, "--site", SITE],
                       cwd=ROOT, env=run_env, check=True)
        env["generation_seconds"] = round(time.perf_counter() - started, 1)  # type: ignore[assignment]
        if marker is not None:
            marker.write_text(str(env["generation_seconds"]))
    return env


def database_size(env: dict) -> str:
    url = env.get("DATABASE_URL")
    if not url:
        path = Path(env["MAILLAGE_HOME"]) / "maillage.db"
        size = sum(p.stat().st_size for p in path.parent.glob("maillage.db*"))
        return f"{size / 1e6:.0f} MB"
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]


def sign_in(base: str) -> tuple[dict, str]:
    """A signed-in session cookie and its CSRF token (from a page with a form)."""
    client = httpx.Client(base_url=base, headers={"host": HOST}, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text).group(1)
    response = client.post("/signin", data={"email": MEMBER[0], "password": MEMBER[1], "csrf_token": token})
    assert response.status_code == 303, response.text[:500]
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/wire/").text)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return {"cookie": cookie}, token.group(1) if token else ""


def pages(base: str, auth: dict, token: str, env: dict) -> list[dict]:
    """The pages of the suite, each resolved to a URL that answers 200 on this data set."""
    from pages import resolve

    return resolve(base, HOST, auth, token, env)


def warm(base: str, page_list: list[dict], stack: str, auth: dict, workers: int) -> list[dict]:
    """Request each GET page a few times at once, so that every worker has loaded its caches (gazetteer,
    templates, per-worker aggregates) before wrk measures; keep the pages that answer 200."""
    from concurrent.futures import ThreadPoolExecutor

    kept = []
    for page in page_list:
        path = page.get("bare") if stack == "bare" else page["path"]
        if page.get("method") == "POST" or not path:
            kept.append(page)
            continue
        headers = {"host": HOST, **(auth if page.get("auth") else {})}
        with ThreadPoolExecutor(2 * workers) as pool:
            statuses = {r.status_code for r in pool.map(lambda url, h=headers: httpx.get(url, headers=h, timeout=120),
                                                        [base + path] * (4 * workers))}
        if statuses == {200}:
            kept.append(page)
        else:
            print(f"skipped {page['name']} on {stack}: {path} answers {sorted(statuses)}")
    return kept


def run(args) -> dict:
    env = prepare(args.db, args.scale)
    pg = env.pop("_PG", None)
    results: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "db": args.db, "scale": args.scale,
                     "seconds": args.seconds, "connections": args.connections,
                     "generation_seconds": env.pop("generation_seconds", None),
                     "database_size": database_size(env), "runs": {}}
    server_env = {k: v for k, v in env.items() if isinstance(v, str)}
    try:
        for workers in args.workers:
            for stack in ("maillage", "bare"):
                if stack == "bare":
                    server = Server(server_env, workers, app="bench.bare:create_app")
                else:
                    server = Server(server_env, workers)
                server.start()
                try:
                    if stack == "maillage":
                        auth, token = sign_in(server.url)
                        page_list = pages(server.url, auth, token, server_env)
                    figures = {}
                    for page in warm(server.url, page_list, stack, auth, workers):
                        if stack == "bare" and not page.get("bare"):
                            continue
                        url = server.url + (page["bare"] if stack == "bare" else page["path"])
                        headers = {"Host": HOST, **(auth if page.get("auth") else {})}
                        if page.get("method") == "POST":
                            headers["Content-Type"] = "application/x-www-form-urlencoded"
                        measure(url, seconds=1, connections=args.connections, method=page.get("method", "GET"),
                                body=page.get("body"), headers=headers)  # warm-up
                        figures[page["name"]] = measure(url, seconds=args.seconds, connections=args.connections,
                                                        method=page.get("method", "GET"), body=page.get("body"),
                                                        headers=headers)
                        print(f"{stack:8} w={workers} {page['name']:28} {figures[page['name']]}", flush=True)
                    figures["_memory_mb_per_worker"] = server.memory_mb()
                    results["runs"][f"{stack}-{workers}w"] = figures
                finally:
                    server.stop()
    finally:
        if pg is not None:
            pg.stop()
    return results


def markdown(results: dict) -> str:
    lines = [f"Benchmark {results['date']} on {results['db']}, {results['scale']} data "
             f"({results['database_size']}), {results['connections']} concurrent clients, "
             f"{results['seconds']} s per page.", ""]
    for run_name, figures in results["runs"].items():
        if not run_name.startswith("maillage"):
            continue
        workers = run_name.split("-")[1]
        bare = results["runs"].get(f"bare-{workers}", {})
        lines += [f"### maillage, {workers.replace('w', ' worker(s)')}", "",
                  "| page | req/s | p50 ms | p95 ms | p99 ms | bare req/s | ratio |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for name, f in figures.items():
            if name.startswith("_"):
                continue
            twin = bare.get(name)
            ratio = f"{f['rps'] / twin['rps']:.2f}" if twin and twin["rps"] else "—"
            lines.append(f"| {name} | {f['rps']} | {f['p50_ms']} | {f['p95_ms']} | {f['p99_ms']} | "
                         f"{twin['rps'] if twin else '—'} | {ratio} |")
        memory = figures.get("_memory_mb_per_worker") or {}
        lines += ["", f"Memory per worker: peak resident {memory.get('peak')} MiB (counts the mapped SQLite "
                  f"file, shared), private {memory.get('private')} MiB", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", choices=("small", "region"), default="region")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2])
    args = parser.parse_args()
    results = run(args)
    write_results(f"{results['date'][:10]}-{args.db}-{args.scale}", results, markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
