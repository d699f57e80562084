"""Jobs: deferred work kept in the ``job`` table and run by the worker (:mod:`core.worker`).

``jobs.enqueue("blog.publish", site=site, args={"guid": 12}, run_after=when)`` records the
work in the caller's transaction; a worker (inside ``maillage run``, or ``maillage worker``)
runs it once its time has come, with the same guarantees as the mail outbox: claimed for a
lease (:mod:`core.queue`), run once in normal operation, again after a crash (so a job must be
safe to run twice), tried again with growing delays when it raises, and marked ``failed``
with its last error after :data:`MAX_ATTEMPTS` tries. ``key`` makes enqueueing idempotent:
while a job with the same key waits, another one is not added (a timer that fires twice
queues the work once).

A job is a function ``fn(site, **args)``: the core's are in :data:`CORE_JOBS`; a plugin
returns its own from the ``maillage_jobs`` hook (``{"blog.publish": publish_due}``). No
extra service is needed: the table lives in the site's database, SQLite or PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

import peewee as pw

from core import queue
from core.db import BaseModel, JSONField, database, now

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

log = logging.getLogger("maillage.jobs")

MAX_ATTEMPTS = 5


class Job(BaseModel):
    """One piece of deferred work and what happened to it."""

    site = pw.CharField(max_length=64, default="")
    name = pw.CharField(max_length=100)
    args = JSONField(default=dict)
    key = pw.CharField(max_length=200, default="")
    state = pw.CharField(max_length=10, default="pending")  # pending, done, failed
    created = pw.DateTimeField(default=now)
    run_after = pw.DateTimeField(default=now)
    claimed_until = pw.DateTimeField(null=True)
    attempts = pw.IntegerField(default=0)
    last_error = pw.TextField(default="")
    done_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "job"
        indexes = ((("state", "run_after"), False), (("key", "state"), False))


def _digests(site: SiteRuntime, period: str) -> None:
    from core import notifications

    notifications.send_digests(site, period)


def _purge(site: SiteRuntime, days: int | None = None) -> None:
    from core import mail, moderation, ratelimit, sessions, visits

    moderation.purge(site, days)
    ratelimit.purge()
    sessions.purge()
    visits.purge()
    mail.purge()
    purge()


CORE_JOBS = {"core.digests": _digests, "core.purge": _purge}


def enqueue(name: str, site: SiteRuntime | str | None = None, args: dict | None = None,
            run_after: dt.datetime | None = None, key: str = "") -> Job | None:
    """Queue ``name`` to run with ``args`` for ``site`` (a runtime or a site id) at ``run_after``
    (now by default); return the job, or None when a job with the same ``key`` already waits."""
    site_id = getattr(site, "id", site) or ""
    with database.atomic():
        if key and Job.select().where(Job.key == key, Job.state == "pending").exists():
            return None
        job = Job.create(site=site_id, name=name, args=args or {}, key=key, run_after=run_after or now())
    from core import mail

    mail.wakeup.set()
    return job


def handler(runtime, name: str):
    """The function running job ``name`` on a site: the core's, or an enabled plugin's."""
    if name in CORE_JOBS:
        return CORE_JOBS[name]
    if runtime is not None:
        for found in runtime.call("maillage_jobs", site=runtime):
            if name in found:
                return found[name]
    return None


def run_due(runtime_for, limit: int = 5) -> int:
    """Claim up to ``limit`` due jobs and run each; ``runtime_for(site_id)`` gives a site's runtime.
    Return how many were handled."""
    from core import mail

    rows = queue.claim(Job, Job.state == "pending", Job.run_after, limit)
    for job in rows:
        try:
            runtime = runtime_for(job.site) if job.site else None
            fn = handler(runtime, job.name)
            if fn is None:
                raise LookupError(f"no job named {job.name!r} on site {job.site!r} (plugin disabled?)")
            fn(runtime, **(job.args or {}))
        except Exception as exc:
            give_up = job.attempts >= MAX_ATTEMPTS
            changes = {"last_error": f"{type(exc).__name__}: {exc}"[:2000], "claimed_until": None}
            if give_up:
                changes["state"] = "failed"
            else:
                changes["run_after"] = now() + dt.timedelta(seconds=mail.retry_delay(job.attempts))
            Job.update(**changes).where(Job.id == job.id).execute()
            log.warning("job failed", extra={"job": job.name, "job_id": job.id, "site": job.site,
                                             "error": changes["last_error"][:500], "gave_up": give_up})
            continue
        Job.update(state="done", done_at=now(), claimed_until=None, last_error="").where(Job.id == job.id).execute()
    return len(rows)


def purge(days: int = 30) -> int:
    """Forget jobs finished more than ``days`` ago."""
    cutoff = now() - dt.timedelta(days=days)
    return Job.delete().where(Job.state.in_(("done", "failed")) & (Job.created < cutoff)).execute()
