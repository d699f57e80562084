"""Events: time zones and recurrence, saving and cancelling. The form is read in event_form, places
in places, listings and calendars in schedule."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from peewee import JOIN

from core import activity, entities, images, notifications, web
from core.db import database, now, prepared
from core.models import Account, Entity, Relationship
from core.storage import storage
from plugins.agenda.models import Event

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 20
FAR = dt.datetime(9999, 1, 1)
TIMEZONES = ("Europe/Paris", "Europe/Brussels", "Europe/London", "UTC", "America/Martinique", "Indian/Reunion",
             "Pacific/Noumea", "America/Montreal")
REPEATS = ("", "weekly", "monthly")
MAX_LENGTH = dt.timedelta(days=62)  # longest event: lets listings bound ``start`` on both sides (index range)


class Occurrence:
    """One time an event takes place (the event itself, or one date of a recurring one)."""

    def __init__(self, event: Event, start: dt.datetime, end: dt.datetime):
        self.event, self.entity, self.start, self.end = event, event.entity, start, end

    @property
    def local_start(self) -> dt.datetime:
        return to_local(self.start, self.event.tz)

    @property
    def local_end(self) -> dt.datetime:
        return to_local(self.end, self.event.tz)

    @property
    def key(self) -> tuple:
        return (self.start, self.entity.guid)


def url(site_or_request, entity: Entity) -> str:
    """The address of the event ``entity``, from its route (``agenda-event``)."""
    return web.url_for(site_or_request, "agenda-event", guid=entity.guid)


def first_occurrence(entity: Entity) -> Occurrence | None:
    """The first date of the event ``entity`` (a recurring one's first), or None if it has no event row.

    One query compiled once, which reads the organiser too: search results show twenty events, each
    with its organiser's name (lazy reads of both cost a page of results sixty queries)."""
    found = _event_and_owner.first(entity.guid, entity.owner_id or 0)
    if found is None:
        return None
    event = found
    event.entity = entity  # the row the caller has: no second read
    owner = getattr(found, "owner_row", None)
    if owner is not None and owner.guid == entity.owner_id:  # never assign a missing organiser: it would clear owner_id
        entity.owner = owner
    return Occurrence(event, event.start, event.end)


@prepared
def _event_and_owner(guid: int, owner: int):
    organiser = Entity.alias()
    return (Event.select(Event, organiser).join(organiser, JOIN.LEFT_OUTER, on=(organiser.guid == owner),
                                                attr="owner_row")
            .where(Event.entity == guid).limit(1))


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def to_utc(local: dt.datetime, tz: str) -> dt.datetime:
    """A wall-clock time in ``tz`` as naive UTC (how times are stored)."""
    return local.replace(tzinfo=zone(tz)).astimezone(dt.UTC).replace(tzinfo=None)


def to_local(utc: dt.datetime, tz: str) -> dt.datetime:
    """A stored (naive UTC) time as an aware time in ``tz``."""
    return utc.replace(tzinfo=dt.UTC).astimezone(zone(tz))


def can_edit(site: SiteRuntime, user: Account | None, entity: Entity) -> bool:
    """The organiser, whoever manages the organiser or the container, administrators."""
    if user is None:
        return False
    if entity.container_id and entities.manages(user, entity.container_id):
        return True
    return entities.can(site, user, "agenda.edit", entity)


# --- recurrence ---------------------------------------------------------------------------------


def build_rrule(repeat: str, until: dt.date | None, count: int | None) -> str:
    """The RRULE text of a weekly or monthly repetition (UNTIL is a local date, end of day)."""
    if not repeat:
        return ""
    rule = f"FREQ={repeat.upper()}"
    if until:
        rule += f";UNTIL={until.strftime('%Y%m%d')}T235959"
    elif count:
        rule += f";COUNT={count}"
    return rule


def occurrences(event: Event, window_start: dt.datetime, window_end: dt.datetime, limit: int = 500) -> list[Occurrence]:
    """The occurrences of ``event`` overlapping [window_start, window_end) (naive UTC), exceptions removed."""
    length = event.end - event.start
    if not event.rrule:
        if event.start < window_end and event.end > window_start:
            return [Occurrence(event, event.start, event.end)]
        return []
    tz = event.tz
    local_start = to_local(event.start, tz).replace(tzinfo=None)  # wall-clock rule, DST-proof
    rule = rrulestr(event.rrule, dtstart=local_start)
    skip = set(event.exdates or [])
    first = to_local(window_start - length, tz).replace(tzinfo=None)
    result = []
    for local in rule.xafter(first, inc=True):
        start = to_utc(local, tz)
        if start >= window_end or len(result) >= limit:
            break
        if local.isoformat() in skip or local.date().isoformat() in skip:
            continue
        if start + length > window_start:
            result.append(Occurrence(event, start, start + length))
    return result


def last_end(event: Event) -> dt.datetime | None:
    """The end of the last occurrence, or None for a rule that never ends."""
    if not event.rrule:
        return event.end
    rule = rrulestr(event.rrule, dtstart=to_local(event.start, event.tz).replace(tzinfo=None))
    if rule._until is None and rule._count is None:
        return None
    last = None
    for last in rule:  # noqa: B007 (bounded by UNTIL or COUNT)
        pass
    return to_utc(last, event.tz) + (event.end - event.start) if last else event.end


# --- the form -----------------------------------------------------------------------------------


# --- places -------------------------------------------------------------------------------------


# --- saving -------------------------------------------------------------------------------------

SIGNIFICANT = ("start", "end", "tz", "all_day", "rrule", "exdates", "place_name", "address", "commune", "online_url",
               "cancelled")


def save(site: SiteRuntime, user: Account, actor: Entity, values: dict, entity: Entity | None = None,
         container: Entity | None = None, image: bytes | None = None) -> Entity:
    """Create or update an event; SEQUENCE goes up when times, place or status change."""
    clean = values["clean"]
    image_key = storage(site).save(images.thumbnail(image, (1200, 630))) if image else None
    fields = {"description": values["description"], "start": clean["start"], "end": clean["end"], "tz": values["tz"],
              "all_day": values["all_day"], "rrule": clean["rrule"], "exdates": clean["exdates"],
              "place_name": values["place_name"], "address": values["address"], "commune": values["commune"],
              "postcode": values["postcode"], "lat": clean["lat"], "lon": clean["lon"],
              "online_url": values["online_url"], "categories": values["categories"], "capacity": clean["capacity"],
              "show_participants": values["show_participants"]}
    created = entity is None
    with database.atomic():
        if created:
            entity = entities.create(site, "agenda.event", owner=actor, title=values["title"],
                                     access_level=values["access"], container=container)
            event = Event(entity=entity, **fields)
            event.last_end = last_end(event)
            event.save(force_insert=True)
        else:
            event = Event.get_by_id(entity.guid)
            changed = any(getattr(event, k) != fields[k] for k in SIGNIFICANT if k in fields)
            for k, v in fields.items():
                setattr(event, k, v)
            if changed:
                event.sequence += 1
            event.last_end = last_end(event)
            entities.update(site, entity, title=values["title"], access=values["access"])
        if image_key:
            if event.image:
                storage(site).delete(event.image)
            event.image = image_key
        event.save()
        if created:  # the event, its activity and its search document: one transaction
            activity.record(site, actor=actor, verb="published", entity=entity, container=container)
    if created:
        followers = [r.subject_id for r in Relationship.select(Relationship.subject).where(
            Relationship.object == actor.guid, Relationship.verb == "follows")]
        notifications.notify(site, "agenda.new_event", followers, actor=actor, entity=entity, text=values["title"])
    forget_shared(site)
    return entity


def set_cancelled(site: SiteRuntime, entity: Entity, cancelled: bool) -> None:
    """Cancel (or restore) an event: kept, shown as cancelled, SEQUENCE up; participants told."""
    from plugins.agenda.models import Participation

    event = Event.get_by_id(entity.guid)
    if event.cancelled == cancelled:
        return
    Event.update(cancelled=cancelled, sequence=Event.sequence + 1).where(Event.entity == entity.guid).execute()
    entities.update(site, entity)
    forget_shared(site)
    if cancelled:
        going = [p.member_id for p in Participation.select().where(Participation.event == entity.guid)]
        notifications.notify(site, "agenda.cancelled", going, actor=entity.owner, entity=entity, text=entity.title)


# --- listings -----------------------------------------------------------------------------------


MONTHS = "agenda.months"  # site.remember namespace of the visitors' month calendars
MONTH_SECONDS = 60
NEXT = "agenda.next"  # ... and of the visitors' next events (the home page's widget)
NEXT_SECONDS = 60


def forget_shared(site: SiteRuntime) -> None:
    """Drop this worker's visitor calendars and next events of ``site`` (after an event changes here)."""
    site.forget(MONTHS)
    site.forget(NEXT)


def next_occurrence(event: Event) -> Occurrence | None:
    """The next (or current) occurrence, else the last one."""
    moment = now()
    found = occurrences(event, moment, FAR, limit=1) if event.rrule else []
    if found:
        return found[0]
    if not event.rrule:
        return Occurrence(event, event.start, event.end)
    past = occurrences(event, event.start, moment)
    return past[-1] if past else Occurrence(event, event.start, event.end)
