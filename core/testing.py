"""Helpers for testing maillage and its plugins (bundled or third-party).

``make_instance`` writes a site file in a temporary folder and points the
database at a fresh SQLite file (or at ``TEST_DATABASE_URL`` for PostgreSQL);
``client`` returns a Starlette test client for that site, with helpers to sign
in and to post forms with their CSRF token::

    def test_my_page(tmp_path):
        app = testing.make_app(tmp_path, plugins=["myplugin"])
        client = testing.client(app)
        assert client.get("/myplugin/").status_code == 200
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from starlette.testclient import TestClient

from core.app import Maillage
from core.config import Instance
from core.db import database, is_postgres

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def write_site(sites_dir: Path, site_id: str = "test", plugins=(), hosts=("testserver",), toml: str = "",
               **extra) -> Path:
    """Write ``sites_dir/<site_id>.toml`` with the given plugins and hosts; return its path.

    Keyword arguments become keys of ``[site]``; ``toml`` is appended as is (other tables).
    """
    sites_dir.mkdir(parents=True, exist_ok=True)
    lines = ["[site]", f'name = "{extra.pop("name", "Test site")}"',
             "hosts = [" + ", ".join(f'"{h}"' for h in hosts) + "]",
             "plugins = [" + ", ".join(f'"{p}"' for p in plugins) + "]"]
    for key, value in extra.items():
        lines.append(f"{key} = {value!r}".replace("'", '"'))
    path = sites_dir / f"{site_id}.toml"
    path.write_text("\n".join(lines) + "\n" + toml, encoding="utf-8")
    return path


def fresh_database_url(tmp_path: Path) -> str:
    """A new empty database for one test: SQLite in ``tmp_path``, or a new PostgreSQL schema."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        return new_postgres_database(base)
    return f"sqlite:///{tmp_path / 'test.db'}"


def new_postgres_database(server_url: str) -> str:
    """Create an empty database on the PostgreSQL server of ``server_url``; return its URL."""
    import uuid

    import psycopg

    name = f"maillage_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


def make_app(tmp_path: Path, plugins=(), site_id: str = "test", debug: bool = False,
             database_url: str | None = None, trusted_proxies: str = "", **site_extra) -> Maillage:
    """An application with one site named ``site_id`` (host ``testserver``) and a fresh database.

    Pass ``database_url`` to reuse a database (to rebuild the app with other plugins), ``trusted_proxies``
    to believe X-Forwarded-* from those addresses (``MAILLAGE_TRUSTED_PROXIES``).
    """
    sites_dir = tmp_path / "sites"
    write_site(sites_dir, site_id, plugins, **site_extra)
    instance = Instance(home=tmp_path / "var", sites_dir=sites_dir,
                        database_url=database_url or fresh_database_url(tmp_path), secret="test-secret",
                        debug=debug, trusted_proxies=trusted_proxies)
    return Maillage(instance)


class Client(TestClient):
    """A test client that knows how to sign in and post forms with their CSRF token."""

    def csrf(self, path: str = "/signin") -> str:
        """Fetch ``path`` and return the CSRF token of the session."""
        html = self.get(path).text
        match = CSRF_RE.search(html)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post_form(self, path: str, data: dict | None = None, token_from: str | None = None, **kwargs):
        """POST ``data`` to ``path`` with the session's CSRF token added."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(token_from or path))
        return self.post(path, data=data, **kwargs)

    def signin(self, email: str, password: str):
        """Sign in through the real form; return the response."""
        return self.post_form("/signin", {"email": email, "password": password}, follow_redirects=False)


def client(app: Maillage, host: str = "testserver") -> Client:
    """A test client for ``app`` whose requests carry ``Host: host``."""
    return Client(app, base_url=f"http://{host}")


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``maillage run`` in a subprocess, for tests of the command itself.

    ``start()`` returns once the server answers (or the process ended); ``stop()`` sends SIGTERM
    and returns the exit code. ``env`` is added to the current environment."""

    def __init__(self, env: dict, *args: str, host: str = "testserver"):
        self.port = free_port()
        self.env = {**os.environ, **env}
        self.args = ["maillage", "run", "--port", str(self.port), *args]
        self.host = host
        self.proc = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> ServerProcess:
        import subprocess
        import time

        self.proc = subprocess.Popen(self.args, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                self.request("GET", "/healthz")
                return self
            except OSError:
                time.sleep(0.2)
        return self

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """One HTTP request to the server; returns (status, headers, body bytes)."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"Host": self.host, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def wait(self, timeout: float = 120) -> tuple[int, str, str]:
        """Wait for the process to end by itself; return (exit code, stdout, stderr)."""
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, err

    def stop(self) -> tuple[int, str, str]:
        """SIGTERM, then (exit code, stdout, stderr)."""
        import signal
        import subprocess

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.wait(10)


def sqlite_work(call):
    """``call()``'s result and how much work SQLite did for it: virtual-machine instructions in hundreds
    (counted by a progress handler), a measure of rows read that does not depend on time; 0 on PostgreSQL.
    A test asserts a query's work stays flat as unrelated rows grow, where a timing would be flaky."""
    steps = [0]

    def count():
        steps[0] += 1
        return 0

    connection = database.connection()
    if is_postgres():
        return call(), 0
    connection.set_progress_handler(count, 100)
    try:
        return call(), steps[0]
    finally:
        connection.set_progress_handler(None, 100)
