"""The days a member came: one row per member and day, what "readers" over a period are counted from.

A visit is recorded when a member signs in and, for an open session, the first time it is used on a
new day (:func:`core.sessions.touch` writes at most every few minutes, so this costs one insert per
member and day, ignored when the row exists). Nothing else is kept: not the pages, not the time of
day. The rows are the member's personal data (in their archive, deleted with their account) and are
purged after :data:`KEEP_DAYS`, enough to compare a year with the year before.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

from core.db import BaseModel, now
from core.models import Entity

KEEP_DAYS = 800


class Visit(BaseModel):
    """A day ``account`` came to ``site``."""

    site = pw.CharField(max_length=64)
    account = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+", index=False)
    day = pw.DateField()

    class Meta:
        table_name = "visit"
        indexes = ((("account", "day"), True), (("site", "day"), False))


def record(site_id: str, account_guid: int, day: dt.date | None = None) -> None:
    """Note that ``account_guid`` came on ``day`` (today by default); a second note of a day is ignored."""
    Visit.insert(site=site_id, account=account_guid, day=day or now().date()).on_conflict_ignore().execute()


def came(site_id: str, start: dt.datetime, end: dt.datetime) -> pw.ModelSelect:
    """A subquery of the accounts that came to ``site_id`` on a day in ``[start, end)``."""
    return Visit.select(Visit.account).where(Visit.site == site_id, Visit.day >= start.date(), Visit.day < end.date())


def of_account(account_guid: int) -> list[dt.date]:
    """The days ``account_guid`` came, oldest first (for their personal data archive)."""
    return [day for (day,) in Visit.select(Visit.day).where(Visit.account == account_guid).order_by(Visit.day).tuples()]


def forget(account_guid: int) -> int:
    """Delete the visits of ``account_guid``; return how many went."""
    return Visit.delete().where(Visit.account == account_guid).execute()


def purge(days: int = KEEP_DAYS) -> int:
    """Delete the visits older than ``days``; return how many went."""
    return Visit.delete().where(Visit.day < now().date() - dt.timedelta(days=days)).execute()
