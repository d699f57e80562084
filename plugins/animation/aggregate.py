"""The daily aggregation: every figure's values written to ``animation_daily_figure`` (and the
territory's to ``animation_area_figure``), so the dashboard reads a few hundred rows, never
the site's content. Run by ``maillage animation-aggregate`` from a timer; idempotent and
resumable: each day's rows are replaced in one transaction, and a rerun continues from the
last day recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.db import database, now
from plugins.animation import territory
from plugins.animation.figures import collect
from plugins.animation.models import DailyFigure

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PERIODS = (7, 30, 90, 365)
BACKFILL_DAYS = 2 * max(PERIODS)  # a year and the year before it, for the first run
THROUGH = "_through"  # the last day aggregated (period 0)


def midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` as the naive UTC datetime the tables hold."""
    return dt.datetime(day.year, day.month, day.day)


def through(site: SiteRuntime) -> dt.date | None:
    """The last complete day the aggregation recorded for ``site``, or None before its first run."""
    row = (DailyFigure.select(DailyFigure.day)
           .where(DailyFigure.site == site.id, DailyFigure.figure == THROUGH, DailyFigure.period == 0).first())
    return row.day if row else None


def _replace(site: SiteRuntime, figure: str, period: int, first: dt.date, last: dt.date, values: dict,
             zeros: bool = False) -> None:
    """Replace the rows of ``figure`` between ``first`` and ``last`` (days without events are left out,
    unless ``zeros``: a level or a distinct count of 0 is a figure)."""
    DailyFigure.delete().where(DailyFigure.site == site.id, DailyFigure.figure == figure,
                               DailyFigure.period == period, DailyFigure.day >= first,
                               DailyFigure.day <= last).execute()
    fields = [DailyFigure.site, DailyFigure.figure, DailyFigure.period, DailyFigure.day, DailyFigure.value]
    rows = [(site.id, figure, period, day, int(value)) for day, value in sorted(values.items()) if value or zeros]
    for start in range(0, len(rows), 500):
        DailyFigure.insert_many(rows[start:start + 500], fields=fields).execute()


def _stored(site: SiteRuntime, figure: str, period: int, day: dt.date) -> bool:
    return DailyFigure.select().where(DailyFigure.site == site.id, DailyFigure.figure == figure,
                                      DailyFigure.period == period, DailyFigure.day == day).exists()


def aggregate(site: SiteRuntime, today: dt.date | None = None) -> dict:
    """Record every figure of ``site`` up to yesterday; returns ``{"through": day, "figures": n}``."""
    today = today or now().date()
    last = today - dt.timedelta(days=1)
    done = through(site)
    first = (done + dt.timedelta(days=1)) if done else last - dt.timedelta(days=BACKFILL_DAYS - 1)
    figures = collect(site)
    with database.atomic():
        for figure in figures:
            if figure.mode == "daily" and first <= last:
                counts = figure.count(site, midnight(first), midnight(last + dt.timedelta(days=1)))
                _replace(site, figure.name, 0, first, last, counts)
            elif figure.mode == "level":
                _replace(site, figure.name, 0, last, last, {last: figure.count(site, None, None)}, zeros=True)
            elif figure.mode == "distinct":
                for period in PERIODS:
                    for end in (last, last - dt.timedelta(days=period)):
                        if end == last or not _stored(site, figure.name, period, end):
                            start = end - dt.timedelta(days=period - 1)
                            value = figure.count(site, midnight(start), midnight(end + dt.timedelta(days=1)))
                            _replace(site, figure.name, period, end, end, {end: value}, zeros=True)
        for period in PERIODS:
            territory.record(site, last, period)
        _replace(site, THROUGH, 0, last, last, {last: 1})
        DailyFigure.delete().where(DailyFigure.site == site.id, DailyFigure.figure == THROUGH,
                                   DailyFigure.day < last).execute()
    return {"through": last, "figures": len(figures)}
