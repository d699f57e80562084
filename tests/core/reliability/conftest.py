"""Fixtures for the fault tests: real `maillage run` processes, a mail server that hangs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from core.testing import CSRF_RE, fresh_database_url, write_site

__all__ = ["CSRF_RE", "HangingSMTP", "post_form", "wait_until"]

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, what: str, limit: float = 120.0, step: float = 0.05):
    """Wait for ``condition()`` to hold; fail naming ``what`` if it never does (a liveness guard,
    not a measure: nothing asserts how long it took)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"never happened: {what}")


class HangingSMTP:
    """A TCP server that accepts connections and says nothing until :meth:`release`; then it joins
    each held and new connection to the real SMTP server at ``target_port``."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.released = threading.Event()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        self.released.wait()
        upstream = socket.create_connection(("127.0.0.1", self.target_port))

        def pipe(src, dst):
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        threading.Thread(target=pipe, args=(upstream, conn), daemon=True).start()
        pipe(conn, upstream)

    def release(self):
        self.released.set()

    def close(self):
        self.closed = True
        self.sock.close()


class Server:
    """A `maillage run` process on loopback serving one site (host 127.0.0.1)."""

    def __init__(self, tmp_path: Path, database_url: str, settings: dict, workers: int = 1, env: dict | None = None,
                 args=()):
        self.tmp_path = tmp_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        toml = "[settings]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in settings.items())
        write_site(tmp_path / "sites", "test", hosts=("127.0.0.1",), toml=toml, registration="open")
        self.env = {**os.environ, "MAILLAGE_HOME": str(tmp_path / "var"), "MAILLAGE_SITES": str(tmp_path / "sites"),
                    "DATABASE_URL": database_url, "MAILLAGE_SECRET": "x" * 48, **(env or {})}
        self.log = open(tmp_path / f"server-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "core.cli", "run", "--port", str(self.port), "--workers", str(workers), *args],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(self._ready, f"maillage run answering on {self.url} (see {self.log.name})")

    def _ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"maillage run exited: {Path(self.log.name).read_text()[-3000:]}")
        try:
            return httpx.get(self.url + "/", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, follow_redirects=False)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value) + '"'


def post_form(client: httpx.Client, path: str, data: dict) -> httpx.Response:
    """POST ``data`` to ``path`` with the CSRF token of the form served at ``path``."""
    token = CSRF_RE.search(client.get(path).text).group(1)
    return client.post(path, data={**data, "csrf_token": token})


class Collector:
    """An aiosmtpd handler keeping the messages it receives."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def database_url(tmp_path):
    return fresh_database_url(tmp_path)


@pytest.fixture
def serve(tmp_path, database_url):
    """Start `maillage run` processes: ``serve(settings={...}, workers=2, env={...})``."""
    servers = []

    def start(settings=None, **kwargs):
        server = Server(tmp_path, database_url, settings or {}, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on loopback, keeping what it receives in ``received``."""
    from aiosmtpd.controller import Controller

    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    handler.port = port
    handler.controller = controller
    yield handler
    try:
        controller.stop()
    except AssertionError:  # never started
        pass


@pytest.fixture
def queue_db(database_url):
    """The test database, opened in this process to look at the outbox (after a server migrated it)."""
    from core.db import configure, database

    configure(database_url)
    yield database
