"""Claiming rows of a work table (the mail outbox, the jobs) for one worker at a time.

A worker claims due rows by setting their ``claimed_until`` (now + the lease) and counting an
attempt, in one short write transaction; it then works with no transaction open and records
the outcome, clearing the claim. Rows whose lease ran out (their worker died) are due again:
work is done once in normal operation and at least once after a crash.

On PostgreSQL the candidate rows are read ``FOR UPDATE SKIP LOCKED``: several workers on
several servers claim different rows without waiting for each other. On SQLite the claim
runs in an ``IMMEDIATE`` transaction, so claims are taken one after the other.
"""

from __future__ import annotations

import datetime as dt
import os

from core.db import database, in_ids, is_postgres, now


def lease_seconds() -> int:
    """How long a claim lasts (``MAILLAGE_LEASE_SECONDS``, default 300): longer than any attempt."""
    return int(os.environ.get("MAILLAGE_LEASE_SECONDS") or 300)


def claim(model, ready, due_column, limit: int) -> list:
    """Claim up to ``limit`` rows of ``model`` matching ``ready`` whose ``due_column`` has passed
    and that no live claim holds; return them (``attempts`` already counted), oldest first."""
    stamp = now()
    free = model.claimed_until.is_null() | (model.claimed_until < stamp)
    condition = ready & (due_column <= stamp) & free
    # A read without a transaction first: an idle worker never takes SQLite's write lock.
    if not model.select(model.id).where(condition).limit(1).exists():
        return []
    with database.atomic():
        query = model.select(model.id).where(condition).order_by(model.id).limit(limit)
        if is_postgres():
            query = query.for_update("FOR UPDATE SKIP LOCKED")
        ids = [row.id for row in query]
        if not ids:
            return []
        (model.update(claimed_until=stamp + dt.timedelta(seconds=lease_seconds()), attempts=model.attempts + 1)
         .where(in_ids(model.id, ids)).execute())
    return list(model.select().where(in_ids(model.id, ids)).order_by(model.id))
