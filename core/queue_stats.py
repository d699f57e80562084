"""Figures of the mail queue for /healthz and /metrics, read from the database (so the same on
every server): mails waiting, sent and given up. Call with a connection open."""

from __future__ import annotations

from core.db import database

TABLE = "mail_outbox"
_present = False


def _has_outbox() -> bool:
    global _present
    if not _present:
        _present = TABLE in database.get_tables()
    return _present


def backlog() -> int | None:
    """Mails waiting to be sent, or None while the database has no outbox table."""
    if not _has_outbox():
        return None
    return database.execute_sql(f"SELECT COUNT(*) FROM {TABLE} WHERE state = 'pending'").fetchone()[0]


def totals() -> dict[str, int] | None:
    """``{"sent": n, "failed": n}`` over the outbox (what ``purge`` has not removed yet), or None."""
    if not _has_outbox():
        return None
    rows = dict(database.execute_sql(
        f"SELECT state, COUNT(*) FROM {TABLE} WHERE state IN ('sent', 'failed') GROUP BY state").fetchall())
    return {"sent": rows.get("sent", 0), "failed": rows.get("failed", 0)}
