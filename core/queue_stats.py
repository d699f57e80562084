"""Figures of the mail queue for /healthz and /metrics, read from the database (so the same on
every server): mails waiting, sent and given up."""

from __future__ import annotations


def backlog() -> int | None:
    """Mails not sent yet, or None while this installation has no outbox table."""
    return None


def totals() -> dict[str, int] | None:
    """``{"sent": n, "failed": n}`` over the outbox, or None without an outbox table."""
    return None
