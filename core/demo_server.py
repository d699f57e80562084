"""Both demo sites served by a real ``maillage run`` in a fresh data folder, for browser journeys and
screenshots (``scripts/screenshots.py``, ``tests/e2e/test_viewports.py``).

``with DemoServer() as demo:`` runs ``maillage init --demo`` then ``maillage run`` on a free port of
loopback; ``demo.url("portail")`` and ``demo.url("asso")`` are the two sites' addresses (Chromium
resolves ``*.localhost`` to loopback), ``ADMIN`` and ``MEMBER`` their accounts.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ADMIN = ("admin@example.org", "demo-admin-password")
MEMBER = ("member1@example.org", "demo-password")
HOSTS = {"portail": "localhost", "asso": "asso.localhost"}
CHROMIUM = os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoServer:
    """The demo sites in a temporary ``MAILLAGE_HOME`` (SQLite), served until the ``with`` block ends."""

    def __init__(self, home: Path | None = None):
        self._tmp = None if home else tempfile.TemporaryDirectory(prefix="maillage-demo-")
        self.home = Path(home or self._tmp.name)
        self.port = free_port()
        self.process = None

    def url(self, site: str = "portail") -> str:
        return f"http://{HOSTS[site]}:{self.port}"

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
        env["MAILLAGE_HOME"] = str(self.home)
        return env

    def __enter__(self):
        cli = [sys.executable, "-m", "core.cli"]
        root = Path(__file__).resolve().parent.parent
        subprocess.run(cli + ["init", "--demo", "--port", str(self.port), "--email", ADMIN[0], "--password", ADMIN[1]],
                       env=self._env(), check=True, stdout=subprocess.DEVNULL, cwd=root)
        self.process = subprocess.Popen(cli + ["run", "--port", str(self.port), "--no-migrate"], env=self._env(),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5)
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("the demo server did not start")

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
        if self._tmp is not None:
            self._tmp.cleanup()


def sign_in(page, base: str, account: tuple[str, str]) -> None:
    """Sign ``page`` in on the site at ``base`` with ``(email, password)``."""
    page.goto(base + "/signin")
    page.fill("#email", account[0])
    page.fill("#password", account[1])
    page.click("main button[type=submit]")
    page.wait_for_load_state()
