"""Organisations by département and by commune: cards, cards active over a period (updated, or
acting or hosting an activity), silent cards (neither for a year).

Computed by the daily aggregation from the directory's cards (their postcode, commune and
coordinates) and the activity of the period; the dashboard reads the stored rows.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from typing import TYPE_CHECKING

from core import gazetteer
from core.db import database, now
from core.models import Activity, Entity
from plugins.animation.models import AreaFigure
from plugins.directory.api import KIND, SILENT_DAYS, Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def departement(postcode: str) -> str:
    """The département code of a French postcode ("80", "2A" for Corsica, "974" overseas)."""
    code = (postcode or "").strip()
    if len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]


@functools.cache
def departement_names() -> dict[str, str]:
    """Each département code with its most populous commune, from the offline gazetteer ("80 · Amiens")."""
    best: dict[str, tuple[int, str]] = {}
    for place in gazetteer.places():
        if place.department and place.population > best.get(place.department, (-1, ""))[0]:
            best[place.department] = (place.population, place.name)
    return {code: f"{code} · {name}" for code, (_pop, name) in best.items()}


def _active_guids(site: SiteRuntime, start: dt.datetime) -> set[int]:
    """Entities that acted, or in which something happened, since ``start``."""
    actors = Activity.select(Activity.actor).where(Activity.site == site.id, Activity.created >= start)
    containers = (Activity.select(Activity.container).where(Activity.site == site.id, Activity.created >= start,
                                                            Activity.container.is_null(False)))
    return {guid for (guid,) in actors.union(containers).tuples()}


def compute(site: SiteRuntime, last: dt.date, period: int) -> dict[str, list[dict]]:
    """``{"departement": rows, "commune": rows}`` for the ``period`` days ending ``last``."""
    end = dt.datetime(last.year, last.month, last.day) + dt.timedelta(days=1)
    active = _active_guids(site, end - dt.timedelta(days=period))
    recent = active if period >= SILENT_DAYS else _active_guids(site, now() - dt.timedelta(days=SILENT_DAYS))
    silent_before = now() - dt.timedelta(days=SILENT_DAYS)
    cards = (Organisation.select(Entity.guid, Entity.updated, Organisation.postcode, Organisation.commune,
                                 Organisation.lat, Organisation.lon)
             .join(Entity, on=(Organisation.entity == Entity.guid))
             .where(Entity.site == site.id, Entity.kind == KIND, Entity.deleted_at.is_null()).tuples())
    areas: dict[str, dict] = {}
    for guid, updated, postcode, commune, lat, lon in cards:
        dep = departement(postcode)
        keys = (("departement", dep, departement_names().get(dep, dep or "?")),
                ("commune", f"{postcode} {commune}".strip(), commune or postcode or "?"))
        for level, code, label in keys:
            area = areas.setdefault((level, code), {"level": level, "code": code or "?", "label": label,
                                                    "cards": 0, "active": 0, "silent": 0, "_lat": [], "_lon": []})
            area["cards"] += 1
            area["active"] += guid in active or updated >= end - dt.timedelta(days=period)
            area["silent"] += updated < silent_before and guid not in recent
            if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
                area["_lat"].append(lat)
                area["_lon"].append(lon)
    result: dict[str, list[dict]] = defaultdict(list)
    for area in areas.values():
        lats, lons = area.pop("_lat"), area.pop("_lon")
        area["lat"] = sum(lats) / len(lats) if lats else None
        area["lon"] = sum(lons) / len(lons) if lons else None
        result[area["level"]].append(area)
    return result


def record(site: SiteRuntime, last: dt.date, period: int) -> None:
    """Replace the stored areas of ``period`` by those ending ``last``."""
    AreaFigure.delete().where(AreaFigure.site == site.id, AreaFigure.period == period).execute()
    names = ("level", "code", "label", "cards", "active", "silent", "lat", "lon")
    rows = [(site.id, last, period, *(area[n] for n in names))
            for level_rows in compute(site, last, period).values() for area in level_rows]
    # thousands of communes: one prepared statement (peewee would build the SQL of every value)
    columns = ", ".join(("site", "day", "period") + names)
    marks = ", ".join([database.param] * (3 + len(names)))
    cursor = database.cursor()
    cursor.executemany(f"INSERT INTO {AreaFigure._meta.table_name} ({columns}) VALUES ({marks})", rows)


def read(site: SiteRuntime, period: int, level: str, order: str = "silent", limit: int | None = None) -> list:
    """The stored areas of one level, the most silent (or the biggest) first, as named tuples (code,
    label, cards, active, silent, lat, lon): a region's 2,000 communes as model rows cost more than
    the rest of the page."""
    column = {"silent": AreaFigure.silent, "cards": AreaFigure.cards, "active": AreaFigure.active}[order]
    query = (AreaFigure.select(AreaFigure.code, AreaFigure.label, AreaFigure.cards, AreaFigure.active,
                               AreaFigure.silent, AreaFigure.lat, AreaFigure.lon)
             .where(*_of_level(site, period, level)).order_by(column.desc(), AreaFigure.code))
    return list(query.limit(limit).namedtuples() if limit else query.namedtuples())


def count(site: SiteRuntime, period: int, level: str) -> int:
    """How many areas of one level are stored."""
    return AreaFigure.select().where(*_of_level(site, period, level)).count()


def _of_level(site: SiteRuntime, period: int, level: str) -> tuple:
    return AreaFigure.site == site.id, AreaFigure.period == period, AreaFigure.level == level
