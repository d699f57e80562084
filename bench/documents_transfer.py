#!/usr/bin/env python3
"""Documents: upload and download throughput, range request latency, and the server's memory.

    .venv/bin/python bench/documents_transfer.py [--size-mb 200] [--ranges 300]

A real uvicorn server (one worker) serves a site with the documents plugin. The script
stores one large file, downloads it whole (streamed: the worker's peak memory should not
grow with the file), asks for random 64 KiB ranges, and uploads a 19 MB file through the
form as a signed-in member. Results go to bench/results/documents_transfer.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx  # the maintained successor starlette 1.x tests with (the test extra installs it)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import percentiles  # noqa: E402
from server import Server  # noqa: E402

from core import accounts, testing  # noqa: E402
from core.app import Maillage  # noqa: E402
from core.config import Instance  # noqa: E402
from core.db import database  # noqa: E402
from core.storage import storage  # noqa: E402

HOST = "localhost"


def prepare(tmp: Path, size_mb: int) -> tuple[dict, int]:
    sites = tmp / "sites"
    testing.write_site(sites, "bench", plugins=["documents"], hosts=[HOST])
    env = {"MAILLAGE_HOME": str(tmp / "var"), "MAILLAGE_SITES": str(sites),
           "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "MAILLAGE_SECRET": "bench-secret-of-at-least-32-bytes-long", "BENCH_HOST": HOST}
    app = Maillage(Instance(home=tmp / "var", sites_dir=sites, database_url=env["DATABASE_URL"],
                            secret="bench-secret"))
    from plugins.documents import library

    site = app.runtime("bench")
    big = tmp / "big.txt"
    line = b"maillage documents benchmark line of text, 64 bytes long.......\n"
    with big.open("wb") as fh:
        for _ in range(size_mb * 1024 * 1024 // len(line)):
            fh.write(line)
    with database.connection_context():
        ada = accounts.create_account("bench", "ada@example.org", "Ada", "bench-password-1")
        with big.open("rb") as fh:
            key = storage(site).save(fh)
        stored = library.Stored(key=key, thumb_key="", mime="text/plain", size=big.stat().st_size,
                                filename="big.txt", pages=None, text="")
        entity = library.create_file(site, ada.entity, ada, stored, "Big file", access="public")
    big.unlink()
    return env, entity.guid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--ranges", type=int, default=300)
    args = parser.parse_args()
    results = {"size_mb": args.size_mb}
    with tempfile.TemporaryDirectory() as tmp:
        env, guid = prepare(Path(tmp), args.size_mb)
        server = Server(env).start()
        try:
            headers = {"host": HOST}
            with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
                for _ in range(20):
                    client.get(f"/documents/{guid}")
                results["peak_rss_mb_before"] = server.memory_mb()["peak"][0]
                started, received = time.perf_counter(), 0
                with client.stream("GET", f"/documents/{guid}/download") as response:
                    for chunk in response.iter_bytes():
                        received += len(chunk)
                seconds = time.perf_counter() - started
                results["download_mb_s"] = round(received / 1024 / 1024 / seconds, 1)
                results["peak_rss_mb_after_download"] = server.memory_mb()["peak"][0]
                size = received
                rng = random.Random(1)
                timings = []
                for _ in range(args.ranges):
                    start = rng.randrange(0, size - 65536)
                    t = time.perf_counter()
                    response = client.get(f"/documents/{guid}/download",
                                          headers={"Range": f"bytes={start}-{start + 65535}"})
                    timings.append((time.perf_counter() - t) * 1000)
                    assert response.status_code == 206 and len(response.content) == 65536
                figures = percentiles(timings)
                results["range_64k_ms_p50"], results["range_64k_ms_p95"] = figures["p50_ms"], figures["p95_ms"]
                token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text).group(1)
                client.post("/signin", data={"csrf_token": token, "email": "ada@example.org",
                                             "password": "bench-password-1"})
                token = re.search(r'name="csrf_token" value="([^"]+)"',
                                  client.get("/documents/upload").text).group(1)
                payload = b"x" * (19 * 1024 * 1024)
                t = time.perf_counter()
                response = client.post("/documents/upload", data={"csrf_token": token, "access": "public"},
                                       files=[("files", ("upload.txt", payload, "text/plain"))])
                results["upload_19mb_s"] = round(time.perf_counter() - t, 2)
                assert response.status_code in (200, 303), response.status_code
                results["peak_rss_mb_after_upload"] = server.memory_mb()["peak"][0]
        finally:
            server.stop()
    out = ROOT / "bench" / "results" / "documents_transfer.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    for key, value in results.items():
        print(f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
