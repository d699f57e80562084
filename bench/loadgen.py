"""Drive a running server with concurrent clients: wrk (C, from Debian) with a Lua reporter.

``measure(url, ...)`` returns requests per second and latency percentiles in
milliseconds. wrk is installed by bench/run.sh when missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

REPORT_LUA = r"""
local method, body, headers = ...
%(setup)s
done = function(summary, latency, requests)
  local ok = summary.requests - summary.errors.status - summary.errors.connect - summary.errors.read
             - summary.errors.write - summary.errors.timeout
  io.write(string.format('JSON{"requests":%%d,"ok":%%d,"duration_us":%%d,"p50":%%d,"p95":%%d,"p99":%%d,"max":%%d,"status_errors":%%d,"socket_errors":%%d}\n',
    summary.requests, ok, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def wrk_path() -> str:
    path = shutil.which("wrk")
    if not path:
        raise SystemExit("wrk is not installed: run bench/run.sh (it installs Debian's wrk) or apt-get install wrk")
    return path


def measure(url: str, seconds: int = 10, connections: int = 8, threads: int = 2, method: str = "GET",
            body: str | None = None, headers: dict | None = None) -> dict:
    """Load ``url`` for ``seconds`` with ``connections`` concurrent clients; return the figures."""
    setup = []
    if method != "GET":
        setup.append(f'wrk.method = "{method}"')
    if body is not None:
        setup.append(f"wrk.body = {json.dumps(body)}")
    for key, value in (headers or {}).items():
        setup.append(f'wrk.headers[{json.dumps(key)}] = {json.dumps(value)}')
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(REPORT_LUA % {"setup": "\n".join(setup)})
        script = fh.name
    try:
        out = subprocess.run([wrk_path(), "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                              "--timeout", "10s", "-s", script, url],
                             capture_output=True, text=True, timeout=seconds + 60).stdout
    finally:
        Path(script).unlink(missing_ok=True)
    line = next((ln for ln in out.splitlines() if ln.startswith("JSON")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no report for {url}:\n{out}")
    data = json.loads(line[4:])
    secs = data["duration_us"] / 1e6
    return {
        "rps": round(data["ok"] / secs, 1) if secs else 0.0,
        "p50_ms": round(data["p50"] / 1000, 2),
        "p95_ms": round(data["p95"] / 1000, 2),
        "p99_ms": round(data["p99"] / 1000, 2),
        "max_ms": round(data["max"] / 1000, 2),
        "requests": data["requests"],
        "errors": data["status_errors"] + data["socket_errors"],
    }
