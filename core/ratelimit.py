"""Rate limits kept in the database, so every worker counts the same attempts.

``hit(key, limit, seconds)`` counts one attempt in a fixed window and says whether it
is still allowed. Keys name what is limited: ``signin:ip:1.2.3.4``,
``signin:account:42``, ``signup:ip:1.2.3.4``.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

from core.db import BaseModel, now


class RateLimit(BaseModel):
    """Attempts counted for one key in the current window."""

    key = pw.CharField(max_length=200, primary_key=True)
    window_start = pw.DateTimeField()
    count = pw.IntegerField(default=0)


def hit(key: str, limit: int, seconds: int) -> bool:
    """Count an attempt for ``key``; False when more than ``limit`` happened within ``seconds``.

    One statement (an upsert returning the new count): a window that ended starts again at 1,
    otherwise the count grows by one. No read-then-write transaction, so two workers counting
    the same key at once never collide (SQLite refused such a transaction's upgrade at once
    with "database is locked")."""
    stamp = now()
    expired = RateLimit.window_start < stamp - dt.timedelta(seconds=seconds)
    query = (RateLimit.insert(key=key, window_start=stamp, count=1)
             .on_conflict(conflict_target=[RateLimit.key], update={
                 RateLimit.count: pw.Case(None, [(expired, 1)], RateLimit.count + 1),
                 RateLimit.window_start: pw.Case(None, [(expired, stamp)], RateLimit.window_start)})
             .returning(RateLimit.count).tuples())
    [(count,)] = list(query.execute())
    return count <= limit


def exceeded(key: str, limit: int, seconds: int) -> bool:
    """True when ``key`` already used up its attempts (without counting a new one)."""
    row = RateLimit.get_or_none(RateLimit.key == key)
    return bool(row and now() - row.window_start <= dt.timedelta(seconds=seconds) and row.count >= limit)


def reset(key: str) -> None:
    """Forget the attempts of ``key`` (after a successful sign-in)."""
    RateLimit.delete().where(RateLimit.key == key).execute()


def client_address(request) -> str:
    """The visitor's address (X-Forwarded-For counts from the trusted proxies only, see core.proxies)."""
    return request.client.host if request.client else "unknown"


def purge(older_than: int = 24 * 3600) -> int:
    """Delete counters whose window started more than ``older_than`` seconds ago (every limit is
    shorter than a day); run by ``maillage purge``. Returns how many rows went."""
    cutoff = now() - dt.timedelta(seconds=older_than)
    return RateLimit.delete().where(RateLimit.window_start < cutoff).execute()
