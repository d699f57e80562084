"""``/healthz``: can this worker serve? The database answers, no migration is pending, and how
much mail waits in the queue. JSON, 200 when healthy, 503 otherwise; answered on every host name.

    {"status": "ok", "database": "ok", "migrations": {"pending": 0}, "queue": {"backlog": 0}}
"""

from __future__ import annotations

from functools import lru_cache

from playhouse.migrations import Migration

from core.db import database


@lru_cache(maxsize=1)
def known_migrations() -> frozenset[str]:
    """Every migration of the installed code, as ``component:name`` (read once per process)."""
    from core import migrate

    return frozenset(f"{component}:{m.name}" for component, folder in migrate.components()
                     for m in Migration.load_directory(str(folder)))


def queue_backlog() -> int | None:
    """Mails waiting in the outbox, or None when this installation has no outbox table."""
    from core import queue_stats

    return queue_stats.backlog()


def report() -> tuple[int, dict]:
    """``(HTTP status, JSON body)`` of the health page (opens its own connection)."""
    body: dict = {"status": "ok", "database": "ok", "migrations": {"pending": None}, "queue": {"backlog": None}}
    try:
        with database.connection_context():
            applied = {name for (name,) in database.execute_sql(f"SELECT name FROM {_TABLE}")}
            pending = sorted(known_migrations() - applied)
            body["migrations"] = {"pending": len(pending), "names": pending[:20]}
            body["queue"]["backlog"] = queue_backlog()
    except Exception as exc:
        body["database"] = "error: " + (" ".join(str(exc).split()) or type(exc).__name__)[:300]
        body["status"] = "error"
        return 503, body
    if body["migrations"]["pending"]:
        body["status"] = "error"
        return 503, body
    return 200, body


_TABLE = "maillage_migration"
