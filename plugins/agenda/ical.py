"""iCalendar (RFC 5545) for one event and for subscribable feeds, with the icalendar library."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from icalendar import Calendar, Timezone, vRecur
from icalendar import Event as VEvent
from starlette.responses import Response

from core import entities
from core.text import plain_text
from core.web import entity_url
from plugins.agenda.events import to_local, url

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PRODID = "-//maillage//agenda//FR"


def uid(site: SiteRuntime, entity) -> str:
    """Stable across edits: the event's guid and the site."""
    return f"agenda-{entity.guid}@{site.id}.maillage"


def _vtimezones(events) -> list:
    """VTIMEZONE components for the zones used (the first and last dates bound the transitions)."""
    result, seen = [], set()
    for event in events:
        if event.all_day or event.tz in seen or event.tz == "UTC":
            continue
        seen.add(event.tz)
        first = min(e.start for e in events if e.tz == event.tz) - dt.timedelta(days=366)
        last = max((e.last_end or e.end + dt.timedelta(days=3 * 366)) for e in events if e.tz == event.tz)
        try:
            result.append(Timezone.from_tzid(event.tz, first_date=first.date(), last_date=last.date()))
        except (ValueError, KeyError):
            continue
    return result


def vevent(site: SiteRuntime, base_url: str, event, viewer=None) -> VEvent:
    """One event as VEVENT, as ``viewer`` (None: a visitor) may read it: the organiser is named only when
    the reader may see it (a hidden group publishing a public event stays unnamed)."""
    entity = event.entity
    component = VEvent()
    component.add("uid", uid(site, entity))
    component.add("sequence", event.sequence)
    component.add("dtstamp", entity.updated.replace(tzinfo=dt.UTC))
    component.add("created", entity.created.replace(tzinfo=dt.UTC))
    component.add("last-modified", entity.updated.replace(tzinfo=dt.UTC))
    component.add("summary", entity.title)
    if event.all_day:
        component.add("dtstart", to_local(event.start, event.tz).date())
        component.add("dtend", to_local(event.end, event.tz).date())
    else:
        component.add("dtstart", to_local(event.start, event.tz))
        component.add("dtend", to_local(event.end, event.tz))
    if event.description:
        component.add("description", plain_text(event.description, 5000))
    where = ", ".join(v for v in (event.place_name, event.address, event.postcode, event.commune) if v)
    if where or event.online_url:
        component.add("location", where or event.online_url)
    if event.lat is not None and event.lon is not None:
        component.add("geo", (event.lat, event.lon))
    component.add("url", base_url + url(site, entity))
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    organiser = entities.shown(site, viewer, entity.owner)
    if organiser is not None:
        component.add("organizer", base_url + entity_url(site, organiser), parameters={"CN": organiser.title})
    if event.categories:
        component.add("categories", list(event.categories))
    if event.rrule:
        _add_repetition(component, event)
    return component


def _add_repetition(component: VEvent, event) -> None:
    """The event's RRULE (its UNTIL in UTC, as iCalendar wants with a TZID'd start) and the dates it skips."""
    parts = dict(p.split("=", 1) for p in event.rrule.split(";"))
    if "UNTIL" in parts:  # stored as the local end of day
        local = dt.datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%S")
        if event.all_day:
            parts["UNTIL"] = local.strftime("%Y%m%d")
        else:
            aware = local.replace(tzinfo=to_local(event.start, event.tz).tzinfo)
            parts["UNTIL"] = aware.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    component.add("rrule", vRecur.from_ical(";".join(f"{k}={v}" for k, v in parts.items())))
    start_local = to_local(event.start, event.tz)
    for day in event.exdates or []:
        moment = dt.datetime.combine(dt.date.fromisoformat(day[:10]), start_local.timetz())
        component.add("exdate", moment.date() if event.all_day else moment)


def calendar(site: SiteRuntime, base_url: str, name: str, events, viewer=None) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    events = list(events)
    for tz in _vtimezones(events):
        cal.add_component(tz)
    for event in events:
        cal.add_component(vevent(site, base_url, event, viewer))
    return cal.to_ical()


def response(body: bytes, filename: str) -> Response:
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
