"""Helpers shared by the bench/ scripts: percentiles, timed calls, query plans, a fresh app, results.

    from common import timed, sample, percentiles

``sample(fn, runs)`` calls ``fn()`` ``runs`` times and returns the wall-clock and CPU-time
percentiles in milliseconds (CPU time is what counts on a machine shared with others);
``timed(fn, runs)`` is the same as one printable line. ``Driver(app).get(path)`` calls an application in
process, without a client, after ``on_this_thread()``. Figures are read, never asserted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import statistics
import tempfile
import time
from pathlib import Path


def percentile(samples: list[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0 < q <= 1) of ``samples``."""
    ordered = sorted(samples)
    return ordered[min(max(math.ceil(q * len(ordered)) - 1, 0), len(ordered) - 1)]


def percentiles(samples: list[float]) -> dict[str, float]:
    """{"p50_ms", "p95_ms"} of samples in milliseconds, rounded to 0.01 ms."""
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 0.95), 2)}


def describe(figures: dict[str, float]) -> str:
    """``p50 1.23 ms, p95 4.56 ms`` for the figures :func:`percentiles` returns."""
    return f"p50 {figures['p50_ms']:.2f} ms, p95 {figures['p95_ms']:.2f} ms"


def sample(fn, runs: int) -> dict[str, dict[str, float]]:
    """Call ``fn()`` ``runs`` times: {"wall": percentiles, "cpu": percentiles} in milliseconds."""
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return {"wall": percentiles(wall), "cpu": percentiles(cpu)}


def timed(fn, runs: int) -> str:
    """:func:`sample` as one line: ``wall p50 .. ms, p95 .. ms; cpu p50 .. ms, p95 .. ms``."""
    figures = sample(fn, runs)
    return f"wall {describe(figures['wall'])}; cpu {describe(figures['cpu'])}"


def plan(query, lines: int = 14) -> str:
    """The database's plan for a peewee query (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)."""
    from core.db import database, is_postgres

    sql, params = query.sql()
    if is_postgres():
        rows = database.execute_sql("EXPLAIN " + sql, params).fetchall()
        return "\n    ".join(str(row[0]) for row in rows[:lines])
    rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "\n    ".join(str(row[-1]) for row in rows[:lines])


@contextlib.contextmanager
def fresh_app(plugins, postgres: bool = False, **site_extra):
    """A maillage app with one site "test" on a fresh database in a temporary folder: SQLite, or with
    ``postgres`` a throw-away local PostgreSQL server (stopped on the way out)."""
    from core import testing

    server = database_url = None
    if postgres:
        from core.testing_postgres import PostgresServer

        server = PostgresServer().start()
        database_url = testing.new_postgres_database(server.url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            yield testing.make_app(Path(tmp), plugins=plugins, database_url=database_url, **site_extra)
    finally:
        if server is not None:
            server.stop()


@contextlib.contextmanager
def kept_app(folder: Path, plugins, **site_extra):
    """Like :func:`fresh_app` on SQLite, but the database lives in ``folder`` and is kept: the app's
    ``reused`` is True when ``folder`` already held a database built by an earlier run (marked by a
    ``built`` file the caller's run leaves on the way out)."""
    from core import testing

    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "built"
    app = testing.make_app(folder, plugins=plugins, database_url=f"sqlite:///{folder / 'bench.db'}", **site_extra)
    app.reused = marker.exists()
    yield app
    marker.touch()


def write_results(stem: str, results: dict, table: str) -> None:
    """bench/results/<stem>.json and <stem>.md (the markdown table, also printed)."""
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / f"{stem}.md").write_text(table)
    print(table)


def on_this_thread() -> None:
    """Run the applications' endpoints on the calling thread: the issue's "in process, one thread".

    Starlette hands a sync endpoint to a worker thread of anyio, which ends between two calls of
    :class:`Driver` (its event loop stops after each request). The raw twin keeps one connection per
    thread, as a server's threads do, so it opened a new SQLite connection on every request here:
    about 3 of the 4 ms it was charged for the directory list (1.1 ms per request in its server)."""
    import starlette.routing

    import core.web

    async def inline(func, *args, **kwargs):
        return func(*args, **kwargs)

    starlette.routing.run_in_threadpool = inline  # read when a route is built: before the apps are
    core.web.run_in_threadpool = inline


class Driver:
    """Calls the ASGI app directly on one event loop: the page's own cost, without a client.

    A test client (Starlette's, on httpx) costs more than a small answer: on /healthz it took 3.5 ms of CPU
    per request where the app took 1.3 (probe 117), building the request, parsing the answer and handing
    both across a thread through anyio's portal."""

    def __init__(self, app, host: str = "testserver"):
        self.app, self.host = app, host
        self.loop = asyncio.new_event_loop()
        self.headers: dict[str, str] = {}  # of the last answer

    def request(self, path: str, cookie: str = "", headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """(status, body as sent: compressed when ``headers`` accept gzip) of a GET of ``path``."""
        path, _, query = path.partition("?")
        sent = [(b"host", self.host.encode()), (b"accept-language", b"fr")]
        sent += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        if cookie:
            sent.append((b"cookie", cookie.encode()))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
                 "root_path": "", "headers": sent, "client": ("127.0.0.1", 40000), "server": (self.host, 80)}
        out = {"status": 0, "body": []}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
                self.headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
            elif message["type"] == "http.response.body":
                out["body"].append(message.get("body", b""))

        self.loop.run_until_complete(self.app(scope, receive, send))
        return out["status"], b"".join(out["body"])

    def get(self, path: str, cookie: str = "") -> tuple[int, str]:
        """(status, text) of a GET of ``path``, uncompressed."""
        status, body = self.request(path, cookie)
        return status, body.decode("utf-8", "replace")
