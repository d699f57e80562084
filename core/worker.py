"""The worker: delivers the mail outbox and runs due jobs, apart from requests.

It runs as a background thread in each ``maillage run`` worker process (unless ``run
--no-worker``), and as ``maillage worker`` for installations that run it apart. Every
worker of every server shares the same tables (:mod:`core.queue`), so any number of them
can run at once. A request never waits on it: it holds no database transaction while a
mail server answers, and its thread is not one of the request threads.
"""

from __future__ import annotations

import logging
import os
import threading

from core import jobs, mail
from core.db import database

log = logging.getLogger("maillage.worker")


def poll_seconds() -> float:
    """How often an idle worker looks for work queued by other processes (``MAILLAGE_POLL``, 2 s);
    mail queued in its own process wakes it at once."""
    return float(os.environ.get("MAILLAGE_POLL") or 2)


class Worker:
    """Delivers mail and runs jobs for the sites of ``app`` (a :class:`core.app.Maillage`)."""

    def __init__(self, app):
        self.app = app
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def settings_for(self, site_id: str) -> dict:
        """A site's current settings (its SMTP server may have changed since the mail was queued)."""
        return self.app.runtime(site_id).settings

    def run_once(self) -> int:
        """Deliver due mail and run due jobs once; return how many rows were handled."""
        with database.connection_context():
            done = mail.deliver_due(self.settings_for)
            done += jobs.run_due(self.app.runtime)
        return done

    def drain(self) -> int:
        """Run until nothing is due; return how many rows were handled (``maillage worker --once``)."""
        total = 0
        while not self.stopping.is_set():
            done = self.run_once()
            total += done
            if not done:
                return total
        return total

    def run_forever(self) -> None:
        """Work until :meth:`stop`; a failing pass is logged and the loop goes on."""
        while not self.stopping.is_set():
            try:
                done = self.run_once()
            except Exception:
                log.exception("worker pass failed")
                done = 0
            if not done:
                mail.wakeup.wait(poll_seconds())
                mail.wakeup.clear()

    def start(self) -> threading.Thread:
        """Run :meth:`run_forever` in a daemon thread."""
        self.thread = threading.Thread(target=self.run_forever, name="maillage-worker", daemon=True)
        self.thread.start()
        return self.thread

    def stop(self, wait: float = 5.0) -> None:
        """Ask the loop to stop and wait a little for the current pass to end."""
        self.stopping.set()
        mail.wakeup.set()
        if self.thread is not None:
            self.thread.join(wait)
