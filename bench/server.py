"""Start and stop a real maillage (or twin) server for benchmarks, under uvicorn or Granian; read
each worker's CPU time, connections and memory from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx  # the maintained successor starlette 1.x tests with (the test extra installs it)

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``uvicorn`` (uvloop, httptools) or ``granian`` (``kind``) serving ``app`` (an import string,
    factory) with ``workers`` processes."""

    def __init__(self, env: dict, workers: int = 1, app: str = "core.app:create_app", factory: bool = True,
                 kind: str = "uvicorn"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env}
        self.workers = workers
        self.app = app
        self.factory = factory
        self.kind = kind
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        if self.kind == "granian":
            cmd = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
                   "--port", str(self.port), "--workers", str(self.workers), "--loop", "uvloop",
                   "--log-level", "warning", "--no-access-log", self.app]
        else:
            cmd = [sys.executable, "-m", "uvicorn", self.app, "--host", "127.0.0.1", "--port", str(self.port),
                   "--workers", str(self.workers), "--loop", "uvloop", "--http", "httptools",
                   "--log-level", "warning", "--no-access-log"]
        if self.factory:
            cmd.insert(-1 if self.kind == "granian" else len(cmd), "--factory")
        self.log = ROOT / "bench" / "results" / f"server-{self.port}.log"  # a pipe nobody reads would fill and block
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=log,
                                         start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(self.url + "/", headers={"host": self.env.get("BENCH_HOST", "localhost")},
                             timeout=2).status_code < 500:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not start: {self.log_tail()}")

    def log_tail(self, size: int = 3000) -> str:
        """The end of the server's error output (tracebacks of failed requests)."""
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        if self.workers == 1 and self.kind == "uvicorn":
            return [self.proc.pid]
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        pids = [int(p) for p in children.read_text().split()] if children.exists() else []
        return [pid for pid in pids if b"resource_tracker" not in self._cmdline(pid)]  # multiprocessing's helper

    @staticmethod
    def _cmdline(pid: int) -> bytes:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            return b""

    def cpu_seconds(self) -> list[float]:
        """CPU time (user + system) each worker has used so far."""
        tick = os.sysconf("SC_CLK_TCK")
        result = []
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            result.append((int(fields[11]) + int(fields[12])) / tick)  # utime, stime
        return result

    def connections(self) -> list[int]:
        """How many established client connections each worker holds now (from /proc: the
        sockets of the server's port, matched to each worker's open files)."""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except FileNotFoundError:
                continue
            for line in lines:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == self.port and fields[3] == "01":  # ESTABLISHED
                    inodes.add(fields[9])
        counts = []
        for pid in self.worker_pids():
            held = 0
            try:
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    try:
                        target = os.readlink(fd)
                    except OSError:
                        continue
                    if target.startswith("socket:[") and target[8:-1] in inodes:
                        held += 1
            except FileNotFoundError:
                pass
            counts.append(held)
        return counts

    def memory_mb(self) -> dict[str, list[float]]:
        """Memory of each worker, in MiB: ``peak`` is VmHWM (peak resident set, which counts the pages
        of the SQLite file mapped by mmap and shared with the page cache), ``private`` is RssAnon
        (the worker's own heap: Python objects, caches) at the end of the run."""
        result: dict[str, list[float]] = {"peak": [], "private": []}
        for pid in self.worker_pids():
            try:
                fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
            except FileNotFoundError:
                continue
            for key, field in (("peak", "VmHWM"), ("private", "RssAnon")):
                if field in fields:
                    result[key].append(round(int(fields[field].split()[0]) / 1024, 1))
        return result

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
