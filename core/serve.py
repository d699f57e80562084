"""Serving: uvicorn workers, watched by a parent that gives up when they keep dying.

uvicorn's own supervisor restarts a dead worker forever, so a worker that crashes at every
start kept the parent alive and systemd never noticed. Here the parent counts the deaths: more
than :data:`MAX_DEATHS` within :data:`DEATH_WINDOW` seconds stops every worker and ``run``
exits non-zero with one line.
"""

from __future__ import annotations

import logging
import time
from collections import deque

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

log = logging.getLogger("maillage.serve")

MAX_DEATHS = 5
DEATH_WINDOW = 60.0


class ServeError(Exception):
    """The workers could not be kept running; the message says why."""


class Supervisor(Multiprocess):
    """uvicorn's multiprocess supervisor, which stops when workers die too often."""

    def __init__(self, config, sockets):
        super().__init__(config, sockets)
        self.deaths: deque = deque()
        self.failure: str | None = None

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for idx, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            code = process.exitcode
            if code == STARTUP_FAILURE:
                self.failure = "a worker failed to start (see the log above)"
            now = time.monotonic()
            self.deaths.append(now)
            while self.deaths and now - self.deaths[0] > DEATH_WINDOW:
                self.deaths.popleft()
            if self.failure is None and len(self.deaths) > MAX_DEATHS:
                self.failure = (f"workers keep dying ({len(self.deaths)} deaths in {DEATH_WINDOW:.0f} s, "
                                f"last exit code {code}); see the log above")
            if self.failure:
                log.error(self.failure)
                self.should_exit.set()
                return
            log.warning("worker %s died (exit code %s); starting another", process.pid, code)
            replacement = Process(self.config, self.sockets)
            replacement.start()
            self.processes[idx] = replacement


def serve(host: str, port: int, workers: int, access_log: bool = False) -> None:
    """Serve ``core.app:create_app`` until stopped; raise ServeError when the workers cannot run.

    uvicorn's own handling of X-Forwarded-* is off: the application believes them from the proxies
    of ``MAILLAGE_TRUSTED_PROXIES`` only (:mod:`core.proxies`)."""
    config = uvicorn.Config("core.app:create_app", factory=True, host=host, port=port, workers=workers,
                            proxy_headers=False, log_level="info", access_log=access_log)
    if workers > 1:
        supervisor = Supervisor(config, sockets=[config.bind_socket()])
        supervisor.run()
        if supervisor.failure:
            raise ServeError(supervisor.failure)
        return
    server = uvicorn.Server(config)
    try:
        config.load()
    except SystemExit:
        raise ServeError("the application could not be loaded (see the log above)") from None
    server.run()
    if not server.started:
        raise ServeError("the server did not start (see the log above)")
