"""Reading events: the occurrences within a window (map, iCalendar feeds), a month's days
(calendar, kept a minute for visitors), and the paged listing of upcoming or past events.
Access is applied in the SQL (``access.visible``)."""

from __future__ import annotations

import bisect
import datetime as dt
from types import SimpleNamespace
from typing import TYPE_CHECKING

from peewee import fn

from core import access, request_cache
from core.db import database, in_ids, now, prepared
from core.models import Entity
from plugins.agenda.events import (
    FAR,
    MAX_LENGTH,
    MONTH_SECONDS,
    MONTHS,
    NEXT,
    NEXT_SECONDS,
    PAGE,
    Occurrence,
    occurrences,
    to_utc,
)
from plugins.agenda.models import Event
from plugins.agenda.places import bbox, haversine_km

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

KIND = "agenda.event"
NEXT_SPARE = 5  # next events kept beyond those shown, in case some end before the copy is renewed
CELL_COLUMNS = (Event.start, Event.end, Event.tz, Event.all_day, Event.cancelled, Event.lat, Event.lon,
                Entity.guid, Entity.kind, Entity.title)


def _base(site: SiteRuntime, viewer, columns=None):
    """Visible events with their entity (``columns``: only those, as tuples; default both models)."""
    return (Event.select(*(columns or (Event, Entity))).join(Entity, on=(Event.entity == Entity.guid))
            .where(access.visible(viewer, site)))


def _stored_time(value) -> dt.datetime:
    """A datetime column read by a raw cursor: SQLite gives ISO text, PostgreSQL a datetime."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def _recurring():
    """Ids of the recurring events, read through the (rrule, start) index: a few among thousands.
    As a subquery, the database cannot mistake the listing for a scan by start date."""
    return Event.select(Event.entity).where(Event.rrule > "")


def _filtered(query, filters: dict):
    if filters.get("category"):
        query = query.where(fn.LOWER(Event.categories).contains(f'"{filters["category"].lower()}"'))  # a JSON list
    if filters.get("commune"):
        query = query.where(Event.commune ** filters["commune"])
    if filters.get("owner"):
        query = query.where(Entity.owner == filters["owner"])
    if filters.get("container"):
        query = query.where(Entity.container == filters["container"])
    if filters.get("guids") is not None:
        query = query.where(Event.entity.in_(filters["guids"]))
    if filters.get("beyond"):  # a member's events beyond the visitors' (month_days): their ids
        query = query.where(Event.entity.in_(filters["beyond"]))
    if filters.get("near"):
        lat, lon, km = filters["near"]
        s, n, w, e = bbox(lat, lon, km)
        query = query.where(Event.lat.between(s, n), Event.lon.between(w, e))
    return query


def _near_ok(occ: Occurrence, filters: dict) -> bool:
    if not filters.get("near"):
        return True
    lat, lon, km = filters["near"]
    return haversine_km(lat, lon, occ.event.lat, occ.event.lon) <= km


def window(site: SiteRuntime, viewer, start: dt.datetime, end: dt.datetime, limit: int = 2000, **filters) -> list[Occurrence]:
    """Every occurrence overlapping [start, end) the viewer may see, in time order (map, feeds)."""
    single = _filtered(_base(site, viewer), filters).where(Event.rrule == "", Event.start < end, Event.end > start,
                                                           Event.start > start - MAX_LENGTH)
    single = single.order_by(Event.start, Event.entity).limit(limit)
    result = [Occurrence(e, e.start, e.end) for e in single] + _recurring_between(site, viewer, start, end, filters)
    result = [o for o in result if _near_ok(o, filters)]
    result.sort(key=lambda o: o.key)
    return result[:limit]


def _recurring_between(site: SiteRuntime, viewer, start: dt.datetime, end: dt.datetime, filters: dict) -> list[Occurrence]:
    """The occurrences of the (few) recurring events over [start, end)."""
    rec = _filtered(_base(site, viewer), filters).where(Event.entity.in_(_recurring()), Event.start < end,
                                                        Event.last_end.is_null() | (Event.last_end > start))
    return [occ for event in rec for occ in occurrences(event, start, end)]


def month_days(site: SiteRuntime, viewer, first_day: dt.date, last_day: dt.date, per_day: int, tz: str = "Europe/Paris",
               limit: int = 10_000, **filters) -> tuple[dict, dict]:
    """The calendar from ``first_day`` to ``last_day`` (wall-clock days of ``tz``):
    ``({day: first occurrences, at most per_day}, {day: how many})``, each event placed on the days
    of its own time zone, an event spanning several days counted on each.

    A region's month holds a thousand events, but a calendar shows a few per day: every event is
    read as raw columns to place and count it (days found by bisecting each zone's midnights),
    and only the events shown are read in full. What visitors see is the same for all of them:
    it is kept :data:`MONTH_SECONDS` per worker, per month and filters. A member's month is that
    shared month with, merged in, the events they see beyond it (not public, or their own hidden by
    moderation: :func:`_beyond_public`), computed for them alone and only when such events exist;
    moderators' and administrators' months are computed whole."""
    if "guids" in filters or (viewer is not None and (viewer.is_admin or viewer.is_moderator)):
        return _month_days(site, viewer, first_day, last_day, per_day, tz, limit, filters)
    key = (first_day, last_day, per_day, tz, limit, tuple(sorted(filters.items())))
    shared = site.remember(MONTHS, key, lambda: _month_days(site, None, first_day, last_day, per_day, tz, limit,
                                                            filters), seconds=MONTH_SECONDS)
    beyond = _beyond_public(site, viewer) if viewer is not None else None
    if beyond is None:
        return shared
    own = _month_days(site, viewer, first_day, last_day, per_day, tz, limit, {**filters, "beyond": beyond})
    return _merged(shared, own, per_day)


def _beyond_public(site: SiteRuntime, viewer):
    """The ids (a subquery) of the events ``viewer`` may see that visitors may not: not public, or
    public and hidden by moderation (only the member's own are visible to them); None when the site
    has none (two existence checks on the (site, kind, access) and (owner, kind) indexes, once a request)."""
    return request_cache.remember("agenda.beyond_public", (site.id, viewer.guid), lambda: _beyond(site, viewer))


def _beyond(site: SiteRuntime, viewer):
    checks = ((_restricted, _restricted_ids, site.id), (_hidden_ones, _hidden_ids, viewer.guid))
    # the checks are compiled once; a subquery is built only when there is something to merge
    found = [subquery(value) for check, subquery, value in checks if check.first(value) is not None]
    if not found:
        return None
    return found[0] if len(found) == 1 else found[0] | found[1]


def _restricted_ids(site_id: str):
    few = Entity.alias()
    return few.select(few.guid).where(few.site == site_id, few.kind == KIND,
                                      few.access.in_(("members", "connections", "container", "private")))


def _hidden_ids(owner: int):
    few = Entity.alias()
    return few.select(few.guid).where(few.owner == owner, few.kind == KIND, few.hidden == True)  # noqa: E712


_restricted = prepared(lambda site_id: _restricted_ids(site_id).limit(1).tuples())
_hidden_ones = prepared(lambda owner: _hidden_ids(owner).limit(1).tuples())


def sees_visitors_month(site: SiteRuntime, viewer, **filters) -> bool:
    """Whether the month :func:`month_days` gives ``viewer`` is the one kept for every visitor: a visitor's, or a
    member's when the site has no event they see beyond the visitors' (then what is drawn of it may be shared)."""
    if "guids" in filters:
        return False
    if viewer is None:
        return True
    return not (viewer.is_admin or viewer.is_moderator) and _beyond_public(site, viewer) is None


def _merged(shared: tuple[dict, dict], own: tuple[dict, dict], per_day: int) -> tuple[dict, dict]:
    """Two disjoint months merged: each day's counts added, its first ``per_day`` occurrences kept
    in order of start (then event id), as one month computed over both sets would have them."""
    (shared_days, shared_counts), (own_days, own_counts) = shared, own
    days = {day: sorted([*shared_days.get(day, []), *own_days.get(day, [])],
                        key=lambda occ: (occ.start, occ.entity.guid))[:per_day]
            for day in shared_days.keys() | own_days.keys()}
    counts = {day: shared_counts.get(day, 0) + own_counts.get(day, 0) for day in shared_counts.keys() | own_counts.keys()}
    return days, counts


def _month_days(site: SiteRuntime, viewer, first_day: dt.date, last_day: dt.date, per_day: int, tz: str, limit: int,
                filters: dict) -> tuple[dict, dict]:
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    start, end = to_utc(dt.datetime.combine(first_day, dt.time()), tz), to_utc(
        dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()), tz)
    entries = _month_entries(site, viewer, start, end, limit, filters)
    shown, counts = _place_in_days(entries, days, per_day, filters.get("near"))
    details = _cell_details({entry[1] for cell in shown for entry in cell if entry[4] is None})
    by_day = {day: [entry[4] or Occurrence(details[entry[1]], entry[0], entry[2]) for entry in cell
                    if entry[4] is not None or entry[1] in details]  # an event deleted meanwhile is left out
              for day, cell in zip(days, shown, strict=True) if cell}
    return by_day, {day: count for day, count in zip(days, counts, strict=True) if count}


def _month_entries(site: SiteRuntime, viewer, start: dt.datetime, end: dt.datetime, limit: int, filters: dict) -> list[tuple]:
    """The events and occurrences between ``start`` and ``end`` (naive UTC) the viewer may see, as
    ``(start, guid, end, tz, occurrence or None, lat, lon)`` in time order: single events as raw columns."""
    single = _filtered(_base(site, viewer, (Event.start, Event.end, Event.tz, Event.entity, Event.lat, Event.lon)),
                       filters).where(Event.rrule == "", Event.start < end, Event.end > start,
                                      Event.start > start - MAX_LENGTH)
    sql, params = single.order_by(Event.start, Event.entity).limit(limit).sql()
    entries = [(_stored_time(s), guid, _stored_time(e), zone_name, None, lat, lon)
               for s, e, zone_name, guid, lat, lon in database.execute_sql(sql, params).fetchall()]
    recurring = _recurring_between(site, viewer, start, end, filters)
    if recurring:
        entries += [(o.start, o.entity.guid, o.end, o.event.tz, o, o.event.lat, o.event.lon) for o in recurring]
        entries.sort(key=lambda entry: entry[:2])
    return entries


def _place_in_days(entries: list[tuple], days: list[dt.date], per_day: int, near) -> tuple[list[list], list[int]]:
    """Each day's first ``per_day`` entries and its count of entries, an entry counted on every day it
    covers in its own time zone (days found by bisecting each zone's midnights); ``near``:
    ``(lat, lon, km)`` keeps only the entries within reach."""
    midnights: dict[str, list[dt.datetime]] = {}  # per zone: each day's local midnight in naive UTC
    shown: list[list] = [[] for _ in days]
    counts = [0] * len(days)
    one_second = dt.timedelta(seconds=1)
    for entry in entries:
        begin, _guid, finish, zone_name, _occ, lat, lon = entry
        if near and haversine_km(near[0], near[1], lat, lon) > near[2]:
            continue
        bounds = midnights.get(zone_name)
        if bounds is None:
            bounds = midnights[zone_name] = [to_utc(dt.datetime.combine(d, dt.time()), zone_name) for d in days]
        first = max(bisect.bisect_right(bounds, begin) - 1, 0)
        for i in range(first, bisect.bisect_right(bounds, finish - one_second)):
            counts[i] += 1
            if len(shown[i]) < per_day:
                shown[i].append(entry)
    return shown, counts


def _cell_details(wanted: set[int]) -> dict[int, SimpleNamespace]:
    """What a month cell shows of the single events ``wanted`` (already checked for access by the first
    query: read by primary key), by guid."""
    details = {}
    if wanted:
        rows = (Event.select(*CELL_COLUMNS).join(Entity, on=(Event.entity == Entity.guid))
                .where(in_ids(Event.entity, sorted(wanted))).tuples())
        for s, e, zone_name, all_day, cancelled, lat, lon, guid, kind, title in rows:
            entity = SimpleNamespace(guid=guid, kind=kind, title=title)
            details[guid] = SimpleNamespace(entity=entity, start=s, end=e, tz=zone_name, all_day=all_day,
                                            cancelled=cancelled, lat=lat, lon=lon)
    return details


def listing(site: SiteRuntime, viewer, after: tuple | None = None, past: bool = False, limit: int = PAGE,
            date_from: dt.datetime | None = None, date_to: dt.datetime | None = None, **filters) -> list[Occurrence]:
    """A page of occurrences: upcoming in time order, or past newest first; keyset on (start, guid).

    Single events are read by the index on ``start`` (LIMIT n); the recurring ones, few,
    are expanded only over the span the page covers.
    """
    moment = now()
    query = _filtered(_base(site, viewer), filters).where(Event.rrule == "")
    if past:
        lo, hi = date_from or dt.datetime(1900, 1, 1), min(date_to or moment, moment)
        query = query.where(Event.end <= moment, Event.start >= lo, Event.start < hi)
        if after:
            query = query.where((Event.start < after[0]) | ((Event.start == after[0]) & (Event.entity < after[1])))
        query = query.order_by(Event.start.desc(), Event.entity.desc())
    else:
        lo, hi = date_from or moment, date_to or FAR
        query = query.where(Event.end > lo, Event.start > lo - MAX_LENGTH, Event.start < hi)
        if after:
            query = query.where((Event.start > after[0]) | ((Event.start == after[0]) & (Event.entity > after[1])))
        query = query.order_by(Event.start, Event.entity)
    rows = [Occurrence(e, e.start, e.end) for e in query.limit(limit)]
    span_lo, span_hi = _page_span(rows, after, past, lo, hi, limit, moment)
    rec = _filtered(_base(site, viewer), filters).where(
        Event.entity.in_(_recurring()), Event.start < span_hi, Event.last_end.is_null() | (Event.last_end > span_lo))
    rows += [occ for event in rec for occ in occurrences(event, span_lo, span_hi)
             if _on_page(occ, after, past, moment)]
    rows = [o for o in rows if _near_ok(o, filters)]
    rows.sort(key=lambda o: o.key, reverse=past)
    return rows[:limit]


def next_events(site: SiteRuntime, viewer, limit: int = 5) -> list[Occurrence]:
    """The next ``limit`` occurrences ``viewer`` may see (the home page's widget), as :func:`listing` gives them.

    What visitors see is the same for all of them: it is kept :data:`NEXT_SECONDS` per worker (with a few more,
    so that an event ending meanwhile leaves its place to the next). A member gets it with, merged in, the events
    they see beyond it (as :func:`month_days`); moderators' and administrators' are read whole."""
    if viewer is not None and (viewer.is_admin or viewer.is_moderator):
        return listing(site, viewer, limit=limit)
    moment = now()
    shared = site.remember(NEXT, limit, lambda: listing(site, None, limit=limit + NEXT_SPARE), seconds=NEXT_SECONDS)
    rows = [occ for occ in shared if occ.end > moment]
    beyond = _beyond_public(site, viewer) if viewer is not None else None
    if beyond is not None:
        rows = sorted([*rows, *listing(site, viewer, limit=limit, beyond=beyond)], key=lambda occ: occ.key)
    return rows[:limit]


def _page_span(rows: list[Occurrence], after: tuple | None, past: bool, lo: dt.datetime, hi: dt.datetime,
               limit: int, moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The span a page of single events covers, over which the recurring ones are expanded (two years
    ahead at most when the upcoming list has no end)."""
    full = len(rows) == limit
    if past:
        return (rows[-1].start if full else lo), (after[0] + dt.timedelta(seconds=1) if after else hi)
    if full:
        return (after[0] if after else lo), rows[-1].start + dt.timedelta(seconds=1)
    return (after[0] if after else lo), min(hi, moment + dt.timedelta(days=730) if hi == FAR else hi)


def _on_page(occ: Occurrence, after: tuple | None, past: bool, moment: dt.datetime) -> bool:
    """Whether a recurring occurrence belongs to the page: a past one has ended, and it comes after the keyset."""
    if past and occ.end > moment:
        return False
    return not after or ((occ.key < after) if past else (occ.key > after))
