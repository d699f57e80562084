"""What the dashboard shows for a period: each figure's value, the value of the period before,
the trend, and the series its chart draws, all read from the aggregated rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plugins.animation.aggregate import PERIODS, THROUGH, through
from plugins.animation.figures import collect
from plugins.animation.models import DailyFigure

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


@dataclass
class Line:
    """One figure on the dashboard."""

    name: str
    label: str
    mode: str
    good: str
    value: int | None
    previous: int | None
    series: list[tuple[dt.date, int]] = field(default_factory=list)
    has_names: bool = False

    @property
    def change(self) -> int | None:
        """The change against the period before, in percent (None when it cannot be said)."""
        if self.value is None or not self.previous:
            return None
        return round(100 * (self.value - self.previous) / self.previous)

    @property
    def direction(self) -> str:
        """``"better"``, ``"worse"`` or ``"same"``, from the figure's idea of progress."""
        if self.value is None or self.previous is None or self.value == self.previous:
            return "same"
        return "better" if (self.value > self.previous) == (self.good == "up") else "worse"


def period_of(value: str | None) -> int:
    """A period asked in the query string, or 30 days."""
    return int(value) if value and value.isdigit() and int(value) in PERIODS else 30


def buckets(period: int) -> int:
    """Days per point of a chart: days up to 30 days, weeks up to 90, months beyond."""
    return 1 if period <= 30 else 7 if period <= 90 else 30


def lines(site: SiteRuntime, period: int) -> tuple[dt.date | None, list[Line]]:
    """``(last day aggregated, one Line per figure)`` for the ``period`` days ending that day."""
    last = through(site)
    if last is None:
        return None, []
    first = last - dt.timedelta(days=2 * period - 1)
    rows = (DailyFigure.select(DailyFigure.figure, DailyFigure.period, DailyFigure.day, DailyFigure.value)
            .where(DailyFigure.site == site.id, DailyFigure.day >= first, DailyFigure.day <= last,
                   DailyFigure.period.in_((0, period)), DailyFigure.figure != THROUGH).tuples())
    values: dict[tuple[str, int], dict[dt.date, int]] = {}
    for name, p, day, value in rows:
        values.setdefault((name, p), {})[day] = value
    split = last - dt.timedelta(days=period)
    result = []
    for figure in collect(site):
        if figure.mode == "distinct":
            stored = values.get((figure.name, period), {})
            value, previous, series = stored.get(last), stored.get(split), []
        else:
            daily = values.get((figure.name, 0), {})
            if figure.mode == "daily":
                value = sum(v for d, v in daily.items() if d > split)
                previous = sum(v for d, v in daily.items() if d <= split)
            else:
                value, previous = daily.get(last), daily.get(split)
            series = _series(daily, last, period, figure.mode)
            if figure.mode == "level" and len(series) < 2:
                series = []  # one reading is a number, not a chart
        result.append(Line(figure.name, str(figure.label), figure.mode, figure.good, value, previous, series,
                           figure.names is not None))
    return last, result


SECTIONS = ("people", "published", "follow_up", "other")


def section_of(line: Line) -> str:
    """Where a figure stands on the dashboard: people, content, what needs a follow-up, the rest."""
    if line.name in ("signups", "active", "contributors", "readers"):
        return "people"
    if line.name.startswith("published:"):
        return "published"
    return "follow_up" if line.good == "down" else "other"


def sections(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    """The dashboard's lines grouped by :func:`section_of`, in the order of :data:`SECTIONS`."""
    grouped = {key: [] for key in SECTIONS}
    for line in lines:
        grouped[section_of(line)].append(line)
    return [(key, grouped[key]) for key in SECTIONS if grouped[key]]


def _series(daily: dict[dt.date, int], last: dt.date, period: int, mode: str) -> list[tuple[dt.date, int]]:
    """The chart's points: sums of each bucket for daily figures, the last known level otherwise."""
    step = buckets(period)
    points = []
    start = last - dt.timedelta(days=period - 1)
    day = start
    while day <= last:
        end = min(day + dt.timedelta(days=step - 1), last)
        inside = [(d, v) for d, v in daily.items() if day <= d <= end]
        if mode == "daily":
            points.append((day, sum(v for _, v in inside)))
        elif inside:
            points.append((day, max(inside)[1]))
        day = end + dt.timedelta(days=1)
    return points


def names(site: SiteRuntime, viewer, figure_name: str, limit: int = 50) -> list:
    """The entities behind a figure that ``viewer`` may see (the figure's own query filters them)."""
    for figure in collect(site):
        if figure.name == figure_name and figure.names is not None:
            return figure.names(site, viewer, limit)
    return []
