"""The event form: its values for a new or an existing event, and reading it back into typed
values and errors (one small reader per part of the form)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core import inputs
from core.i18n import gettext as _
from core.models import ACCESS_LEVELS, Entity
from plugins.agenda.events import MAX_LENGTH, REPEATS, build_rrule, to_local, to_utc
from plugins.agenda.models import Event

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

MAX_CAPACITY = 1_000_000  # seats of one event


def categories_of(site: SiteRuntime) -> list[tuple[str, str]]:
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


def form_values(event: Event | None, entity: Entity | None, site: SiteRuntime) -> dict:
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


def parse(site: SiteRuntime, data) -> tuple[dict, dict]:
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
    for read in (_read_times, _read_repeat, _read_place, _read_seats):
        read(values, clean, errors)
    known = {cid for cid, _label in categories_of(site)}
    if any(c not in known for c in values["categories"]):
        errors["categories"] = _("Choose categories from the list.")
    values["categories"] = [c for c in values["categories"] if c in known][:10]
    if values["access"] not in ACCESS_LEVELS:
        errors["access"] = _("Choose who may see it.")
    values["clean"] = clean
    return values, errors


def _read_times(values: dict, clean: dict, errors: dict) -> None:
    """The time zone, the start and the end (naive UTC in ``clean``)."""
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
        return
    if values["all_day"]:
        clean["start"] = to_utc(dt.datetime.combine(start_date, dt.time()), tz)
        clean["end"] = to_utc(dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time()), tz)
    elif start_time is None:
        errors["start_time"] = _("Give the starting time, or tick “all day”.")
        return
    else:
        clean["start"] = to_utc(dt.datetime.combine(start_date, start_time), tz)
        clean["end"] = (clean["start"] + dt.timedelta(hours=2) if end_time is None
                        else to_utc(dt.datetime.combine(end_date, end_time), tz))
    if clean["end"] <= clean["start"]:
        errors["end_time"] = _("The end must come after the start.")
    elif clean["end"] - clean["start"] > MAX_LENGTH:
        errors["end_date"] = _("An event lasts two months at most; make a repeating event instead.")


def _read_repeat(values: dict, clean: dict, errors: dict) -> None:
    """The repetition (an RRULE) and the dates it skips."""
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
    clean["exdates"] = []
    for line in values["exdates"].replace(",", "\n").splitlines():
        if not line.strip():
            continue
        day = _date(line)
        if day is None:
            errors["exdates"] = _("One date per line (YYYY-MM-DD).")
            break
        clean["exdates"].append(day.isoformat())


def _read_place(values: dict, clean: dict, errors: dict) -> None:
    """Coordinates (optional, within their ranges), the online address and the place's texts."""
    try:
        clean["lat"], clean["lon"] = inputs.coordinates(values["lat"], values["lon"])
    except inputs.InvalidInput as exc:
        errors["lat"] = str(exc)
        clean["lat"] = clean["lon"] = None
    try:
        values["online_url"] = inputs.url(values["online_url"], maximum=500)
    except inputs.InvalidInput as exc:
        errors["online_url"] = str(exc)
    for name, limit in (("place_name", 200), ("address", 300), ("commune", 120), ("postcode", 10)):
        if len(values[name]) > limit:
            errors[name] = _("%(max)s characters at most.") % {"max": limit}


def _read_seats(values: dict, clean: dict, errors: dict) -> None:
    """The number of seats (empty: no limit) and who sees the participants."""
    try:
        clean["capacity"] = inputs.integer(values["capacity"], minimum=1, maximum=MAX_CAPACITY)
    except inputs.InvalidInput:
        errors["capacity"] = _("Give a number of seats from 1 to %(max)s, or leave empty for no limit.") % {
            "max": MAX_CAPACITY}
        clean["capacity"] = None
    if values["show_participants"] not in ("organiser", "participants", "everyone"):
        values["show_participants"] = "organiser"
