"""Events: form parsing, time zones and recurrence, saving, listings within a window, places."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import urllib.parse
import urllib.request
from types import SimpleNamespace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from peewee import fn

from core import access, activity, entities, images, inputs, notifications
from core.db import database, in_ids, now
from core.i18n import gettext as _
from core.models import ACCESS_LEVELS, Account, Entity, Relationship
from core.storage import storage
from plugins.agenda.models import Event

PAGE = 20
FAR = dt.datetime(9999, 1, 1)
TIMEZONES = ("Europe/Paris", "Europe/Brussels", "Europe/London", "UTC", "America/Martinique", "Indian/Reunion",
             "Pacific/Noumea", "America/Montreal")
REPEATS = ("", "weekly", "monthly")
MAX_CAPACITY = 1_000_000  # seats of one event
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


def url(entity: Entity) -> str:
    return f"/agenda/{entity.guid}"


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


def can_edit(site, user: Account | None, entity: Entity) -> bool:
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


def categories_of(site) -> list[tuple[str, str]]:
    """The site's taxonomy flattened as (id, label): themes and their sub-themes."""
    result = []
    for item in site.config.taxonomy or []:
        if isinstance(item, str):
            result.append((item, item))
            continue
        result.append((str(item.get("id") or item.get("label")), str(item.get("label") or item.get("id"))))
        for child in item.get("children", []) or []:
            if isinstance(child, str):
                result.append((child, f"— {child}"))
            else:
                result.append((str(child.get("id") or child.get("label")),
                               "— " + str(child.get("label") or child.get("id"))))
    return result


def form_values(event: Event | None, entity: Entity | None, site) -> dict:
    """The form's values for a new event or an existing one (local wall-clock times)."""
    if event is None:
        return {"title": "", "description": "", "start_date": "", "start_time": "", "end_date": "", "end_time": "",
                "tz": "Europe/Paris", "all_day": False, "repeat": "", "until": "", "count": "", "exdates": "",
                "place_name": "", "address": "", "commune": "", "postcode": "", "lat": "", "lon": "",
                "online_url": "", "categories": [], "capacity": "", "show_participants": "organiser",
                "access": site.settings.get("default_access", "public"), "container": ""}
    start, end = to_local(event.start, event.tz), to_local(event.end, event.tz)
    if event.all_day:
        end = end - dt.timedelta(days=1)
    parts = dict(p.split("=", 1) for p in event.rrule.split(";")) if event.rrule else {}
    until = parts.get("UNTIL", "")
    return {"title": entity.title, "description": event.description, "start_date": start.date().isoformat(),
            "start_time": start.strftime("%H:%M"), "end_date": end.date().isoformat(), "end_time": end.strftime("%H:%M"),
            "tz": event.tz, "all_day": event.all_day, "repeat": parts.get("FREQ", "").lower(),
            "until": f"{until[:4]}-{until[4:6]}-{until[6:8]}" if until else "", "count": parts.get("COUNT", ""),
            "exdates": "\n".join(d[:10] for d in event.exdates or []), "place_name": event.place_name,
            "address": event.address, "commune": event.commune, "postcode": event.postcode,
            "lat": "" if event.lat is None else event.lat, "lon": "" if event.lon is None else event.lon,
            "online_url": event.online_url, "categories": list(event.categories or []),
            "capacity": "" if event.capacity is None else event.capacity,
            "show_participants": event.show_participants, "access": entity.access, "container": ""}


def _date(value: str) -> dt.date | None:
    try:
        return inputs.date(value)
    except inputs.InvalidInput:
        return None


def _time(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        return None


def parse(site, data) -> tuple[dict, dict]:
    """Read an event form; return (values, errors). ``values["clean"]`` holds typed values."""
    text = {k: (data.get(k) or "").strip() for k in (
        "title", "description", "start_date", "start_time", "end_date", "end_time", "tz", "repeat", "until", "count",
        "exdates", "place_name", "address", "commune", "postcode", "lat", "lon", "online_url", "capacity",
        "show_participants", "access", "container")}
    values = dict(text, all_day=data.get("all_day") == "1", categories=data.getlist("categories")
                  if hasattr(data, "getlist") else list(data.get("categories") or []))
    errors: dict = {}
    clean: dict = {}
    if not values["title"] or len(values["title"]) > 200:
        errors["title"] = _("Give a title of 1 to 200 characters.")
    if len(values["description"]) > 100_000:
        errors["description"] = _("The text is too long.")
    tz = values["tz"] or "Europe/Paris"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        errors["tz"] = _("Choose a time zone.")
        tz = "UTC"
    values["tz"] = tz
    start_date, end_date = _date(values["start_date"]), _date(values["end_date"]) or _date(values["start_date"])
    start_time, end_time = _time(values["start_time"]), _time(values["end_time"])
    if start_date is None:
        errors["start_date"] = _("Give the date of the event (YYYY-MM-DD).")
    elif values["all_day"]:
        clean["start"] = to_utc(dt.datetime.combine(start_date, dt.time()), tz)
        clean["end"] = to_utc(dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time()), tz)
    elif start_time is None:
        errors["start_time"] = _("Give the starting time, or tick “all day”.")
    else:
        clean["start"] = to_utc(dt.datetime.combine(start_date, start_time), tz)
        if end_time is None:
            clean["end"] = clean["start"] + dt.timedelta(hours=2)
        else:
            clean["end"] = to_utc(dt.datetime.combine(end_date, end_time), tz)
    if "start" in clean and clean["end"] <= clean["start"]:
        errors["end_time"] = _("The end must come after the start.")
    elif "start" in clean and clean["end"] - clean["start"] > MAX_LENGTH:
        errors["end_date"] = _("An event lasts two months at most; make a repeating event instead.")
    if values["repeat"] not in REPEATS:
        errors["repeat"] = _("Choose how the event repeats.")
    until = _date(values["until"])
    if values["until"] and until is None:
        errors["until"] = _("Give a date (YYYY-MM-DD).")
    try:
        count = inputs.integer(values["count"], minimum=1, maximum=500)
    except inputs.InvalidInput:
        count = None
        errors["count"] = _("Give a number from 1 to 500.")
    clean["rrule"] = build_rrule(values["repeat"], until, count) if values["repeat"] in REPEATS else ""
    exdates = []
    for line in values["exdates"].replace(",", "\n").splitlines():
        if not line.strip():
            continue
        day = _date(line)
        if day is None:
            errors["exdates"] = _("One date per line (YYYY-MM-DD).")
            break
        exdates.append(day.isoformat())
    clean["exdates"] = exdates
    try:
        clean["lat"], clean["lon"] = inputs.coordinates(values["lat"], values["lon"])
    except inputs.InvalidInput as exc:
        errors["lat"] = str(exc)
        clean["lat"] = clean["lon"] = None
    try:
        values["online_url"] = inputs.url(values["online_url"], maximum=500)
    except inputs.InvalidInput as exc:
        errors["online_url"] = str(exc)
    try:
        clean["capacity"] = inputs.integer(values["capacity"], minimum=1, maximum=MAX_CAPACITY)
    except inputs.InvalidInput:
        errors["capacity"] = _("Give a number of seats from 1 to %(max)s, or leave empty for no limit.") % {
            "max": MAX_CAPACITY}
        clean["capacity"] = None
    for name, limit in (("place_name", 200), ("address", 300), ("commune", 120), ("postcode", 10)):
        if len(values[name]) > limit:
            errors[name] = _("%(max)s characters at most.") % {"max": limit}
    if values["show_participants"] not in ("organiser", "participants", "everyone"):
        values["show_participants"] = "organiser"
    known = {cid for cid, _label in categories_of(site)}
    if any(c not in known for c in values["categories"]):
        errors["categories"] = _("Choose categories from the list.")
    values["categories"] = [c for c in values["categories"] if c in known][:10]
    if values["access"] not in ACCESS_LEVELS:
        errors["access"] = _("Choose who may see it.")
    values["clean"] = clean
    return values, errors


# --- places -------------------------------------------------------------------------------------


def gazetteer_lookup(text: str):
    """The first place of the offline gazetteer matching a commune name or a postal code, if any."""
    try:
        from core import gazetteer
    except ImportError:
        return None
    try:
        places = gazetteer.lookup(text)
    except Exception:  # noqa: BLE001 (a broken gazetteer must not lose the form)
        return None
    return places[0] if places else None


def geocode(site, address: str, timeout: float = 5.0) -> tuple[float, float] | None:
    """Coordinates of an address from the site's geocoding service (server side, only when configured)."""
    settings = site.plugin_settings("agenda")
    service, base = settings.get("geocoder", "none"), (settings.get("geocoder_url") or "").rstrip("/")
    if service == "none" or not base or not address:
        return None
    if service == "nominatim":
        query = urllib.parse.urlencode({"q": address, "format": "json", "limit": 1})
        target = f"{base}/search?{query}"
    else:  # the French national address API (api-adresse.data.gouv.fr / data.geopf.fr)
        target = f"{base}/search/?{urllib.parse.urlencode({'q': address, 'limit': 1})}"
    request = urllib.request.Request(target, headers={"User-Agent": "maillage-agenda/1.0"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured by the admin)
            data = json.loads(response.read(1_000_000))
    except (OSError, ValueError):
        return None
    try:
        if service == "nominatim":
            return (float(data[0]["lat"]), float(data[0]["lon"])) if data else None
        features = data.get("features") or []
        if not features:
            return None
        lon, lat = features[0]["geometry"]["coordinates"][:2]
        return float(lat), float(lon)
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def locate(site, values: dict) -> None:
    """Fill missing coordinates: the geocoding service for an address, else the gazetteer for the commune."""
    clean = values["clean"]
    if clean.get("lat") is not None and clean.get("lon") is not None:
        return
    if values["address"]:
        found = geocode(site, ", ".join(v for v in (values["address"], values["postcode"], values["commune"]) if v))
        if found:
            clean["lat"], clean["lon"] = found
            return
    for text in (values["postcode"], values["commune"]):
        place = gazetteer_lookup(text) if text else None
        if place is not None:
            clean["lat"], clean["lon"] = place.lat, place.lon
            if not values["commune"]:
                values["commune"] = getattr(place, "name", "")
            return


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def bbox(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    dlat = km / 111.2
    dlon = km / (111.2 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


# --- saving -------------------------------------------------------------------------------------

SIGNIFICANT = ("start", "end", "tz", "all_day", "rrule", "exdates", "place_name", "address", "commune", "online_url",
               "cancelled")


def save(site, user: Account, actor: Entity, values: dict, entity: Entity | None = None,
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
    if created:
        activity.record(site, actor=actor, verb="published", entity=entity, container=container)
        followers = [r.subject_id for r in Relationship.select(Relationship.subject).where(
            Relationship.object == actor.guid, Relationship.verb == "follows")]
        notifications.notify(site, "agenda.new_event", followers, actor=actor, entity=entity, text=values["title"])
    forget_months(site)
    return entity


def set_cancelled(site, entity: Entity, cancelled: bool) -> None:
    """Cancel (or restore) an event: kept, shown as cancelled, SEQUENCE up; participants told."""
    from plugins.agenda.models import Participation

    event = Event.get_by_id(entity.guid)
    if event.cancelled == cancelled:
        return
    Event.update(cancelled=cancelled, sequence=Event.sequence + 1).where(Event.entity == entity.guid).execute()
    entities.update(site, entity)
    forget_months(site)
    if cancelled:
        going = [p.member_id for p in Participation.select().where(Participation.event == entity.guid)]
        notifications.notify(site, "agenda.cancelled", going, actor=entity.owner, entity=entity, text=entity.title)


# --- listings -----------------------------------------------------------------------------------


CELL_COLUMNS = (Event.start, Event.end, Event.tz, Event.all_day, Event.cancelled, Event.lat, Event.lon,
                Entity.guid, Entity.kind, Entity.title)


def _base(site, viewer, columns=None):
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


def window(site, viewer, start: dt.datetime, end: dt.datetime, limit: int = 2000, **filters) -> list[Occurrence]:
    """Every occurrence overlapping [start, end) the viewer may see, in time order (map, feeds)."""
    single = _filtered(_base(site, viewer), filters).where(Event.rrule == "", Event.start < end, Event.end > start,
                                                           Event.start > start - MAX_LENGTH)
    single = single.order_by(Event.start, Event.entity).limit(limit)
    result = [Occurrence(e, e.start, e.end) for e in single] + _recurring_between(site, viewer, start, end, filters)
    result = [o for o in result if _near_ok(o, filters)]
    result.sort(key=lambda o: o.key)
    return result[:limit]


def _recurring_between(site, viewer, start: dt.datetime, end: dt.datetime, filters: dict) -> list[Occurrence]:
    """The occurrences of the (few) recurring events over [start, end)."""
    rec = _filtered(_base(site, viewer), filters).where(Event.entity.in_(_recurring()), Event.start < end,
                                                        Event.last_end.is_null() | (Event.last_end > start))
    return [occ for event in rec for occ in occurrences(event, start, end)]


MONTHS = "agenda.months"  # site.remember namespace of the visitors' month calendars
MONTH_SECONDS = 60


def forget_months(site) -> None:
    """Drop this worker's visitor calendars of ``site`` (after an event changes here)."""
    site.forget(MONTHS)


def month_days(site, viewer, first_day: dt.date, last_day: dt.date, per_day: int, tz: str = "Europe/Paris",
               limit: int = 10_000, **filters) -> tuple[dict, dict]:
    """The calendar from ``first_day`` to ``last_day`` (wall-clock days of ``tz``):
    ``({day: first occurrences, at most per_day}, {day: how many})``, each event placed on the days
    of its own time zone, an event spanning several days counted on each.

    A region's month holds a thousand events, but a calendar shows a few per day: every event is
    read as raw columns to place and count it (days found by bisecting each zone's midnights),
    and only the events shown are read in full. What visitors see is the same for all of them:
    it is kept :data:`MONTH_SECONDS` per worker, per month and filters (members' calendars,
    which depend on their groups and connections, are always computed)."""
    if viewer is None and "guids" not in filters:
        key = (first_day, last_day, per_day, tz, limit, tuple(sorted(filters.items())))
        return site.remember(MONTHS, key, lambda: _month_days(site, None, first_day, last_day, per_day, tz, limit,
                                                              filters), seconds=MONTH_SECONDS)
    return _month_days(site, viewer, first_day, last_day, per_day, tz, limit, filters)


def _month_days(site, viewer, first_day: dt.date, last_day: dt.date, per_day: int, tz: str, limit: int,
                filters: dict) -> tuple[dict, dict]:
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    start, end = to_utc(dt.datetime.combine(first_day, dt.time()), tz), to_utc(
        dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()), tz)
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
    midnights: dict[str, list[dt.datetime]] = {}  # per zone: each day's local midnight in naive UTC
    near = filters.get("near")
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
    wanted = {entry[1] for cell in shown for entry in cell if entry[4] is None}
    details = {}
    if wanted:  # already checked for access by the first query: read by primary key
        rows = (Event.select(*CELL_COLUMNS).join(Entity, on=(Event.entity == Entity.guid))
                .where(in_ids(Event.entity, sorted(wanted))).tuples())
        for s, e, zone_name, all_day, cancelled, lat, lon, guid, kind, title in rows:
            entity = SimpleNamespace(guid=guid, kind=kind, title=title)
            details[guid] = SimpleNamespace(entity=entity, start=s, end=e, tz=zone_name, all_day=all_day,
                                            cancelled=cancelled, lat=lat, lon=lon)
    by_day = {day: [entry[4] or Occurrence(details[entry[1]], entry[0], entry[2]) for entry in cell
                    if entry[4] is not None or entry[1] in details]  # an event deleted meanwhile is left out
              for day, cell in zip(days, shown, strict=True) if cell}
    return by_day, {day: count for day, count in zip(days, counts, strict=True) if count}


def listing(site, viewer, after: tuple | None = None, past: bool = False, limit: int = PAGE,
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
    if past:
        span_lo = rows[-1].start if len(rows) == limit else lo
        span_hi = after[0] + dt.timedelta(seconds=1) if after else hi
    else:
        span_lo = after[0] if after else lo
        span_hi = rows[-1].start + dt.timedelta(seconds=1) if len(rows) == limit else min(hi, moment + dt.timedelta(
            days=730) if hi == FAR else hi)
    rec = _filtered(_base(site, viewer), filters).where(
        Event.entity.in_(_recurring()), Event.start < span_hi, Event.last_end.is_null() | (Event.last_end > span_lo))
    for event in rec:
        for occ in occurrences(event, span_lo, span_hi):
            if past and occ.end > moment:
                continue
            if after and ((occ.key >= after) if past else (occ.key <= after)):
                continue
            rows.append(occ)
    rows = [o for o in rows if _near_ok(o, filters)]
    rows.sort(key=lambda o: o.key, reverse=past)
    return rows[:limit]


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
