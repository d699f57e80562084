#!/usr/bin/env python3
"""The directory's map at region scale: every ``/directory/map.json`` answer, its size on the wire and its
time, the first request of a fresh worker included (issue 21, point 2).

    .venv/bin/python bench/bench_map.py [--cards 34000] [--views 300] [--postgres]

Builds a fresh database (SQLite, or a throw-away PostgreSQL server with ``--postgres``) with ``--cards``
public cards around Picardie's communes (the demo generator: towns get more cards than villages) under a
two-level theme tree, 1 % of them members-only, and the map's grid (timed). Then, through HTTP in process
(Starlette's test client, gzip accepted, as a browser asks):

- a fresh worker's first requests (a new application object on the same database: nothing cached), one per
  zoom 5 to 17 over a screen-sized box (1280 x 800 pixels) around Amiens, after the worker's very first request
  of all (``/directory/map.json`` without a box: 400), which builds the site's runtime and is timed apart;
- screen-sized boxes around random communes at zooms 5 to 17, for a visitor and for a signed-in member
  (who also sees the members-only cards), with and without a theme (a parent theme: its sub-themes' cards);
- wide boxes (the Somme, the whole of Picardie) at every zoom from 5 to 17: what used to be cut at 5,000 cards.

Requests are sent to the application in process on one thread (``common.Driver``: an ASGI call, gzip accepted,
as a server hands it over), so the figures are the application's answer time. ``--client`` sends them through
Starlette's test client instead, as before 2026-11-30: that client's own work (building the request, parsing
the answer, two hand-offs across threads) was charged to the map, about 4 ms of CPU per request on this host.

For each group it prints wall-clock and CPU-time percentiles (CPU time is the guide on a shared machine),
the largest answer on the wire and the most features, and checks nothing: figures are read, not asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import math
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Driver, fresh_app, on_this_thread, percentiles  # noqa: E402

from core import accounts, gazetteer, testing  # noqa: E402
from core.app import Maillage  # noqa: E402
from core.db import database  # noqa: E402
from core.models import Entity  # noqa: E402

TREE = """
[[taxonomy]]
label = "Sport et loisirs"
key = "sport"
children = [{ key = "football", label = "Football" }, { key = "randonnee", label = "Randonnée" }]

[[taxonomy]]
label = "Culture"
key = "culture"
children = [{ key = "musique", label = "Musique" }, { key = "theatre", label = "Théâtre" }]

[[taxonomy]]
label = "Solidarité"
key = "solidarite"
"""
THEMES = ("sport", "football", "randonnee", "culture", "musique", "theatre", "solidarite")
PICARDIE = (1.37, 48.83, 4.26, 50.37)  # west, south, east, north
SOMME = (1.38, 49.57, 3.20, 50.37)
AMIENS = (49.894, 2.296)
ZOOMS = range(5, 18)


def screen(lat: float, lon: float, zoom: int, width: int = 1280, height: int = 800) -> tuple:
    """The box a ``width`` x ``height`` pixel map shows around (lat, lon) at ``zoom`` (web Mercator)."""
    degrees_per_pixel = 360 / (256 * 2 ** zoom)
    half_w = width / 2 * degrees_per_pixel
    half_h = height / 2 * degrees_per_pixel * math.cos(math.radians(lat))
    return (lon - half_w, lat - half_h, lon + half_w, lat + half_h)


def url(bbox, zoom: int, theme: str = "") -> str:
    box = ",".join(f"{v:.5f}" for v in bbox)
    return f"/directory/map.json?bbox={box}&zoom={zoom}" + (f"&theme={theme}" if theme else "")


class Group:
    """The requests of one kind: times, sizes on the wire, features."""

    def __init__(self, name: str):
        self.name, self.wall, self.cpu, self.sizes, self.features, self.clustered = name, [], [], [], [], 0

    def get(self, client, path: str, status: int = 200) -> None:
        """One request through ``client``: a :class:`Sender` or Starlette's test client."""
        t, c = time.perf_counter(), time.process_time()
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        self.wall.append((time.perf_counter() - t) * 1000)
        self.cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == status, (path, response.status_code)
        body = response.json()
        self.sizes.append(int(response.headers["content-length"]))
        self.features.append(len(body.get("features", ())))
        self.clustered += body.get("zoom") is not None

    def line(self) -> str:
        wall, cpu = percentiles(self.wall), percentiles(self.cpu)
        return (f"{self.name}: {len(self.wall)} requests; wall p50 {wall['p50_ms']:.1f} ms, p95 {wall['p95_ms']:.1f} ms,"
                f" max {max(self.wall):.1f} ms; cpu p50 {cpu['p50_ms']:.1f} ms, p95 {cpu['p95_ms']:.1f} ms;"
                f" largest answer {max(self.sizes) / 1024:.1f} KB on the wire; features at most {max(self.features)};"
                f" {self.clustered} answered with clusters")


class Sender:
    """The test client's ``get`` over :class:`common.Driver`: the application called in process, no client."""

    def __init__(self, app, cookie: str = ""):
        self.driver, self.cookie = Driver(app), cookie

    def get(self, path: str, headers: dict[str, str]):
        status, body = self.driver.request(path, self.cookie, headers)
        answer = self.driver.headers
        text = gzip.decompress(body) if answer.get("content-encoding") == "gzip" else body
        return SimpleNamespace(status_code=status, headers=answer, json=lambda: json.loads(text))


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} on {os.cpu_count()} cores"


def signed_in(app) -> str:
    """The session cookie of the bench's member, signed in through the real form."""
    with testing.client(app) as client:
        assert client.signin("member@example.org", "password-member-123").status_code == 303
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=34_000)
    parser.add_argument("--views", type=int, default=300, help="screen-sized boxes per viewer and theme")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--client", action="store_true", help="through Starlette's test client (before 2026-11-30)")
    args = parser.parse_args()
    if not args.client:
        on_this_thread()  # before the applications are built: their routes keep the function
    from plugins.directory import demo as directory_demo
    from plugins.directory import grid
    from plugins.directory.models import Organisation

    rng = random.Random(21)
    print(f"{'PostgreSQL' if args.postgres else 'SQLite'}, {args.cards} cards,"
          f" {'through the test client' if args.client else 'the application called in process'}; {load()}")
    with fresh_app(["directory"], postgres=args.postgres, toml=TREE, language="fr") as app:
        site = app.runtime("test")
        places = gazetteer.within([[48.83, 1.37], [50.37, 4.26]])
        with database.connection_context():
            accounts.create_account("test", "member@example.org", "Member", "password-member-123")
            start = time.perf_counter()
            directory_demo.bulk_cards(site, args.cards, rng, themes=THEMES, places=places)  # rebuilds the grid
            print(f"bulk insert of the cards and grid built: {time.perf_counter() - start:.1f} s")
            guids = [g for (g,) in Entity.select(Entity.guid).where(Entity.kind == "directory.organisation").tuples()]
            hidden = rng.sample(guids, len(guids) // 100)
            Entity.update(access="members").where(Entity.guid.in_(hidden)).execute()
            start, c = time.perf_counter(), time.process_time()
            grid.rebuild(site)
            print(f"grid rebuilt from {args.cards - len(hidden)} public cards: {time.perf_counter() - start:.1f} s wall,"
                  f" {time.process_time() - c:.1f} s CPU")
            database.execute_sql("ANALYZE")
            guid = rng.choice(guids)
            start = time.perf_counter()
            for n in range(20):  # a card moved back and forth: the grid follows it
                Entity.update(title=f"Moved {n}").where(Entity.guid == guid).execute()
                Organisation.update(lat=49.5 + n * 0.01, lon=2.5).where(Organisation.entity == guid).execute()
                grid.sync(site, guid)
            print(f"grid.sync of a moved card: {(time.perf_counter() - start) / 20 * 1000:.1f} ms each")
        print(f"data ready; {load()}")

        fresh = Maillage(app.instance)  # another worker: nothing in memory
        start_up = Group("a fresh worker's very first request (the site's runtime built; a 400 answer)")
        first = Group("first map requests of a fresh worker (zooms 5-17, Amiens screen)")
        if args.client:
            fresh_visitor = contextlib.closing(testing.client(fresh))
            visitor, member = testing.client(app), testing.client(app)
        else:
            fresh_visitor = contextlib.nullcontext(Sender(fresh))
            visitor, member = Sender(app), Sender(app, signed_in(app))
        with fresh_visitor as fresh_client:
            start_up.get(fresh_client, "/directory/map.json", status=400)
            for zoom in ZOOMS:
                first.get(fresh_client, url(screen(*AMIENS, zoom), zoom))
        if args.client:
            assert member.signin("member@example.org", "password-member-123").status_code == 303
        groups = []
        for who, client in (("visitor", visitor), ("member", member)):
            for theme in ("", "sport"):
                group = Group(f"screen boxes, {who}" + (f", theme={theme}" if theme else ""))
                for _ in range(args.views):
                    place = rng.choice(places)
                    zoom = rng.choice(ZOOMS)
                    group.get(client, url(screen(place.lat, place.lon, zoom), zoom, theme))
                groups.append(group)
            wide = Group(f"wide boxes (Somme, Picardie) at zooms 5-17, {who}")
            for bbox in (SOMME, PICARDIE):
                for zoom in ZOOMS:
                    wide.get(client, url(bbox, zoom))
            groups.append(wide)
        print(start_up.line())
        print(first.line())
        for group in groups:
            print(group.line())
        print(f"done; {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
