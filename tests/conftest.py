"""maillage's own test fixtures beyond those of its pytest plugin.

The app, clients, members and the ``site`` marker come from ``core/pytest_plugin.py``, which
pytest loads through maillage's ``pytest11`` entry point (``pip install -e .`` registers it);
here are the mail server fixtures, the offline package installer and a throw-away environment for
``pip install -e``.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest


@pytest.fixture(scope="session")
def pip_install():
    """Install a package folder with pip, offline and without its dependencies, into a folder.

    The build uses the test environment's setuptools (no isolation, so no download); a
    ``PIP_BUILD_CONSTRAINT`` left in the environment (scripts/test.sh sets one for its own
    install) would make pip refuse that, so it is dropped. setuptools writes its build folders
    beside the sources, so each build works on a copy: two test workers never share one.
    pip's output is shown on failure."""

    def install(source, target):
        env = {k: v for k, v in os.environ.items() if k != "PIP_BUILD_CONSTRAINT"}
        with tempfile.TemporaryDirectory() as build:
            copy = shutil.copytree(source, pathlib.Path(build) / "src",
                                   ignore=shutil.ignore_patterns("build", "*.egg-info"))
            done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                                   "--no-build-isolation", "--target", str(target), str(copy)],
                                  capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        return target

    return install


class EditableEnv:
    """A throw-away virtual environment that sees the running one's packages (maillage and its
    dependencies) through a ``.pth`` file, so that installing into it downloads nothing."""

    def __init__(self, where: pathlib.Path):
        import site
        import venv

        venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
        self.python = str(where / "bin" / "python")
        purelib = subprocess.run([self.python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        # addsitedir, not a bare path: the running environment's own .pth files (maillage's editable
        # install among them) must be read too
        lines = [f"import site; site.addsitedir({folder!r})" for folder in site.getsitepackages()]
        (pathlib.Path(purelib) / "maillage-test-parent.pth").write_text("\n".join(lines) + "\n")
        # pip refuses PIP_BUILD_CONSTRAINT (scripts/test.sh sets one for its own install) with --no-build-isolation
        self.env = {k: v for k, v in os.environ.items() if k not in ("PIP_BUILD_CONSTRAINT", "PYTHONPATH")}

    def run(self, *args: str, cwd=None, timeout: float = 300) -> subprocess.CompletedProcess:
        """Run this environment's Python with ``args``."""
        return subprocess.run([self.python, *args], cwd=cwd, capture_output=True, text=True, env=self.env,
                              timeout=timeout)

    def install_editable(self, folder) -> None:
        """``pip install -e folder``: offline (no index), without its dependencies (they are here) and
        with this environment's setuptools (no build isolation)."""
        done = self.run("-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--no-build-isolation",
                        "-e", str(folder))
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def editable_env(tmp_path):
    """An :class:`EditableEnv` in the test's temporary folder: ``editable_env.install_editable(path)``,
    then ``editable_env.run("-m", "pytest", ...)``."""
    return EditableEnv(tmp_path / "venv")


class SMTPCollector:
    """An aiosmtpd handler keeping every message it receives.

    Mail goes through the outbox: reading ``messages`` first runs the delivery loop once
    in the test's thread (``use_smtp`` sets ``deliver``), so what was queued has arrived."""

    def __init__(self):
        self.received = []
        self.deliver = None

    @property
    def messages(self):
        if self.deliver is not None:
            self.deliver()
        return self.received

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(msg)
        return "250 OK"

    def texts(self):
        """The plain-text body of each message received."""
        return [m.get_body(preferencelist=("plain",)).get_content() for m in self.messages]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback; ``smtp_server.settings`` point a site at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = SMTPCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.settings = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": False,
                        "mail_from": "site@example.org"}
    yield handler
    controller.stop()


@pytest.fixture
def use_smtp(app, smtp_server):
    """Configure the test site to send its mail to ``smtp_server``; returns the collector."""
    from core import sites
    from core.db import database

    app.ensure()
    from core.worker import Worker

    with database.connection_context():
        sites.save_settings("test", smtp_server.settings)
    app.invalidate()
    smtp_server.deliver = Worker(app).drain
    return smtp_server
