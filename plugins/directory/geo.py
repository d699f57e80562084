"""Spatial queries: cards near a point (bounding box in SQL, exact haversine in Python) and the
map's GeoJSON (grid clusters computed by the database at low zoom, points at high zoom)."""

from __future__ import annotations

import math

import peewee as pw

from core import access, gazetteer
from core.models import Entity
from plugins.directory.models import Organisation

KIND = "directory.organisation"
POINTS_FROM_ZOOM = 12
MAX_POINTS = 5000


def _visible(site, viewer):
    return (Entity.kind == KIND) & access.visible(viewer, site.id, membership_verbs=site.membership_verbs)


def near(site, viewer, lat: float, lon: float, km: float, limit: int = 50, theme: str = ""):
    """[(distance_km, guid, title, commune, postcode, lat, lon)] within ``km``, nearest first.

    The bounding box uses the indexed lat/lon columns; the database orders by an equirectangular
    approximation (plain arithmetic, the same on SQLite and PostgreSQL) and returns a few more rows
    than asked; the exact haversine distance then filters and orders them.
    """
    min_lat, min_lon, max_lat, max_lon = gazetteer.bbox_around(lat, lon, km)
    kx = math.cos(math.radians(lat))
    dx = (Organisation.lon - lon) * kx
    dy = Organisation.lat - lat
    query = (Organisation.select(Entity.guid, Entity.title, Organisation.commune, Organisation.postcode,
                                 Organisation.lat, Organisation.lon)
             .join(Entity, on=(Organisation.entity == Entity.guid))
             .where(Organisation.lat.between(min_lat, max_lat), Organisation.lon.between(min_lon, max_lon),
                    _visible(site, viewer))
             .order_by(dx * dx + dy * dy).limit(limit + 10))
    if theme:
        query = query.where(Organisation.themes.contains(f"|{theme}|"))
    found = []
    for guid, title, commune, postcode, plat, plon in query.tuples():
        d = gazetteer.distance_km(lat, lon, plat, plon)
        if d <= km:
            found.append((d, guid, title, commune, postcode, plat, plon))
    found.sort()
    return found[:limit]


def _cell(zoom: int) -> float:
    """Grid cell size in degrees: about 60 pixels of a 256-pixel tile at that zoom."""
    return 360.0 / (2 ** max(zoom, 0)) / 4


def geojson(site, viewer, bbox: tuple[float, float, float, float], zoom: int, theme: str = "") -> dict:
    """A FeatureCollection for the map: clusters (``count`` > 1) below zoom 12, points from there."""
    west, south, east, north = bbox
    where = [Organisation.lat.between(south, north), Organisation.lon.between(west, east), _visible(site, viewer)]
    if theme:
        where.append(Organisation.themes.contains(f"|{theme}|"))
    base = Organisation.select().join(Entity, on=(Organisation.entity == Entity.guid))
    features = []
    if zoom < POINTS_FROM_ZOOM:
        size = _cell(zoom)
        gx = pw.Cast(Organisation.lat / size, "INTEGER")
        gy = pw.Cast(Organisation.lon / size, "INTEGER")
        query = (base.select(pw.fn.COUNT(Entity.guid), pw.fn.AVG(Organisation.lat), pw.fn.AVG(Organisation.lon),
                             pw.fn.MIN(Entity.guid))
                 .where(*where).group_by(gx, gy))
        for count, alat, alon, guid in query.tuples():
            props = {"count": count}
            if count == 1:
                props.update(guid=guid, url=f"/directory/{guid}")
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [alon, alat]},
                             "properties": props})
    else:
        query = (base.select(Entity.guid, Entity.title, Organisation.lat, Organisation.lon)
                 .where(*where).limit(MAX_POINTS))
        for guid, title, plat, plon in query.tuples():
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [plon, plat]},
                             "properties": {"guid": guid, "name": title, "count": 1,
                                            "url": f"/directory/{guid}"}})
    return {"type": "FeatureCollection", "features": features}


def theme_counts(site, viewer) -> dict[str, int]:
    """How many visible cards carry each theme key (access applied in the query)."""
    counts: dict[str, int] = {}
    query = (Organisation.select(Organisation.themes).join(Entity, on=(Organisation.entity == Entity.guid))
             .where(_visible(site, viewer), Organisation.themes != ""))
    for (themes,) in query.tuples().iterator():
        for key in filter(None, themes.split("|")):
            counts[key] = counts.get(key, 0) + 1
    return counts
