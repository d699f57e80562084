"""Errors kept in the database: every worker and every server writes here, Admin > Errors reads.

:meth:`core.runtime.SiteRuntime.report_error` records plugin failures and requests that answered
500, with their traceback; the list survives restarts and is the same on every server.
"""

from __future__ import annotations

import logging
import traceback

import peewee as pw

from core.db import BaseModel, database, now

log = logging.getLogger("maillage.errors")

KEEP = 1000  # rows kept per site; older ones are removed as new ones arrive


class ErrorLog(BaseModel):
    """One failure: the site, where it happened, what it said, and the traceback."""

    id = pw.AutoField()
    site = pw.CharField(max_length=64, default="")
    source = pw.CharField(max_length=120)
    message = pw.TextField()
    trace = pw.TextField(default="")
    created = pw.DateTimeField(default=now, index=True)

    class Meta:
        table_name = "error_log"
        indexes = ((("site", "created"), False),)  # as migration 0007 creates it (tests/core/test_schema.py)


def record(site_id: str, source: str, message: str, trace: str | None = None) -> None:
    """Store one error (the current exception's traceback unless ``trace`` is given). Never raises."""
    if trace is None:
        trace = traceback.format_exc(limit=20)
        trace = "" if trace.startswith("NoneType: None") else trace
    try:
        if database.is_closed():
            with database.connection_context():
                _write(site_id, source, message, trace)
        else:
            _write(site_id, source, message, trace)
    except Exception as exc:  # the database itself may be what failed
        log.warning("could not store the error in the database: %s", exc)


def _write(site_id: str, source: str, message: str, trace: str) -> None:
    with database.atomic():
        row = ErrorLog.create(site=site_id, source=source[:120], message=message[:2000], trace=trace[:20000])
        if row.id % 100 == 0:  # now and then, forget what is beyond the last KEEP of the site
            oldest = (ErrorLog.select(ErrorLog.id).where(ErrorLog.site == site_id)
                      .order_by(ErrorLog.id.desc()).offset(KEEP).limit(1).scalar())
            if oldest:
                ErrorLog.delete().where(ErrorLog.site == site_id, ErrorLog.id <= oldest).execute()


def recent(site_id: str, limit: int = 100) -> list[ErrorLog]:
    """The site's latest errors, newest first (call with a connection open)."""
    return list(ErrorLog.select().where(ErrorLog.site == site_id).order_by(ErrorLog.id.desc()).limit(limit))
