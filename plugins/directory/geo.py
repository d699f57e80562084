"""Spatial queries: cards near a point (bounding box in SQL, exact haversine in Python), the
map's GeoJSON (grid clusters at low zoom, points at high zoom) and the theme counts.

Clusters and counts of a whole territory are aggregates over tens of thousands of cards, the
same for every visitor: the part made of public cards is computed once per site, zoom and
theme and kept :data:`AGGREGATE_SECONDS` in the worker (the map's JSON already tells browsers
to keep it that long). A signed-in member's own extra cards (members-only, private, in a
group...) are added live by a query that only touches those cards. Points (zoom 12 and more)
and "near me" lists are always live.
"""

from __future__ import annotations

import math

import peewee as pw

from core import access, gazetteer, web
from core.models import Entity
from plugins.directory import cards
from plugins.directory.models import Organisation

KIND = "directory.organisation"
POINTS_FROM_ZOOM = 12
MAX_POINTS = 5000
AGGREGATE_SECONDS = 60
NON_PUBLIC = ("members", "connections", "container", "private")

def valid_point():
    """Rows whose coordinates are a real point: both present and within range (the database refuses others
    since migration 0006; rows from before it are skipped, never shown as ``[null, 91]``)."""
    return Organisation.lat.between(-90, 90) & Organisation.lon.between(-180, 180)


def _visible(site, viewer):
    return (Entity.kind == KIND) & access.visible(viewer, site)


def _shown_to_everyone(site):
    """The cards any visitor sees: public, not hidden, not trashed."""
    return access.visible(None, site) & (Entity.kind == KIND)


def _beyond_public(site, viewer) -> list:
    """Conditions for the cards ``viewer`` sees besides the public ones: the non-public cards
    (sought through the entity's (site, kind, access) index, not the map's bounding box) and
    the viewer's own cards hidden by moderation. Each is queried apart (an OR would make the
    database read the whole bounding box again), and only when such cards exist: a cheap
    existence check spares compiling the full access condition on most sites."""
    few = Entity.alias()
    non_public = few.select(few.guid).where(few.site == site.id, few.kind == KIND, few.access.in_(NON_PUBLIC))
    own_hidden = few.select(few.guid).where(few.owner == viewer.guid, few.kind == KIND, few.hidden == True,  # noqa: E712
                                            few.access == "public")
    return [_visible(site, viewer) & Organisation.entity.in_(ids) for ids in (non_public, own_hidden)
            if ids.exists()]


def _cached(site, key, compute):
    return site.remember(cards.AGGREGATES, key, compute, seconds=AGGREGATE_SECONDS)


def near(site, viewer, lat: float, lon: float, km: float, limit: int = 50, theme: str = ""):
    """[(distance_km, guid, title, commune, postcode, lat, lon, logo)] within ``km``, nearest first
    (``logo``: the card's logo key, "" when it has none).

    The bounding box uses the indexed lat/lon columns; the database orders by an equirectangular
    approximation (plain arithmetic, the same on SQLite and PostgreSQL) and returns a few more rows
    than asked; the exact haversine distance then filters and orders them.
    """
    min_lat, min_lon, max_lat, max_lon = gazetteer.bbox_around(lat, lon, km)
    kx = math.cos(math.radians(lat))
    dx = (Organisation.lon - lon) * kx
    dy = Organisation.lat - lat
    query = (Organisation.select(Entity.guid, Entity.title, Organisation.commune, Organisation.postcode,
                                 Organisation.lat, Organisation.lon, Organisation.logo)
             .join(Entity, on=(Organisation.entity == Entity.guid))
             .where(Organisation.lat.between(min_lat, max_lat), Organisation.lon.between(min_lon, max_lon),
                    valid_point(), _visible(site, viewer))
             .order_by(dx * dx + dy * dy).limit(limit + 10))
    if theme:
        query = query.where(theme_filter(site, theme))
    found = []
    for guid, title, commune, postcode, plat, plon, logo in query.tuples():
        d = gazetteer.distance_km(lat, lon, plat, plon)
        if d <= km:
            found.append((d, guid, title, commune, postcode, plat, plon, logo))
    found.sort()
    return found[:limit]


def _cell(zoom: int) -> float:
    """Grid cell size in degrees: about 60 pixels of a 256-pixel tile at that zoom."""
    return 360.0 / (2 ** max(zoom, 0)) / 4


def _grid(where, zoom: int) -> dict[tuple[int, int], list]:
    """{(row, column): [count, sum of lat, sum of lon, smallest guid]} of the cards matching ``where``."""
    size = _cell(zoom)
    gx = pw.Cast((Organisation.lat + 90) / size, "INTEGER")  # shifted: cells never straddle 0
    gy = pw.Cast((Organisation.lon + 180) / size, "INTEGER")
    query = (Organisation.select(gx, gy, pw.fn.COUNT(Entity.guid), pw.fn.SUM(Organisation.lat),
                                 pw.fn.SUM(Organisation.lon), pw.fn.MIN(Entity.guid))
             .join(Entity, on=(Organisation.entity == Entity.guid))
             .where(where, valid_point())
             .group_by(pw.SQL("1"), pw.SQL("2")))  # by position: PostgreSQL sees each parameter apart
    return {(x, y): [count, slat, slon, guid] for x, y, count, slat, slon, guid in query.tuples()}


def theme_family(site, theme: str) -> list[str]:
    """``theme`` and the keys of its sub-themes: a parent theme holds the cards of its descendants."""

    for node in cards.taxonomy(site):
        if node["key"] == theme:
            return [theme] + [child["key"] for child in node["children"]]
    return [theme]


def theme_filter(site, theme: str):
    """The SQL condition "the card carries ``theme`` or one of its sub-themes" (True without a theme)."""
    if not theme:
        return True
    condition = None
    for key in theme_family(site, theme):
        one = Organisation.themes.contains(f"|{key}|")
        condition = one if condition is None else (condition | one)
    return condition


def _parents(site) -> dict[str, str]:
    """{sub-theme key: parent key} of the site's theme tree."""

    return {child["key"]: node["key"] for node in cards.taxonomy(site) for child in node["children"]}


def _clusters(site, viewer, bbox, zoom: int, theme: str) -> list[dict]:
    west, south, east, north = bbox
    if viewer is not None and (viewer.is_admin or viewer.is_moderator):  # they see hidden cards: all live
        cells = _grid(_visible(site, viewer) & theme_filter(site, theme) & Organisation.lat.between(south, north)
                      & Organisation.lon.between(west, east), zoom)
    else:
        public = _cached(site, ("grid", zoom, theme),
                         lambda: _grid(_shown_to_everyone(site) & theme_filter(site, theme), zoom))
        cells = {key: list(cell) for key, cell in public.items()}
        for where in _beyond_public(site, viewer) if viewer is not None else ():
            extra = _grid(where & theme_filter(site, theme) & Organisation.lat.between(south, north)
                          & Organisation.lon.between(west, east), zoom)
            for key, (count, slat, slon, guid) in extra.items():
                cell = cells.setdefault(key, [0, 0.0, 0.0, guid])
                cell[0] += count
                cell[1] += slat
                cell[2] += slon
                cell[3] = min(cell[3], guid)
    shown = [cell for cell in cells.values() if south <= cell[1] / cell[0] <= north and west <= cell[2] / cell[0] <= east]
    singles = [guid for count, _lat, _lon, guid in shown if count == 1]
    names = dict(Entity.select(Entity.guid, Entity.title).where(Entity.guid.in_(singles)).tuples()) if singles else {}
    features = []
    for count, slat, slon, guid in shown:
        lat, lon = slat / count, slon / count
        props = {"count": count}
        if count == 1:  # a lone card is shown as itself, with its name
            props.update(guid=guid, name=names.get(guid, ""), url=web.url_for(site, "directory-card", guid=guid))
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": props})
    return features


def geojson(site, viewer, bbox: tuple[float, float, float, float], zoom: int, theme: str = "") -> dict:
    """A FeatureCollection for the map: clusters (``count`` > 1) below zoom 12, points from there (with
    ``logo``, the logo's address, when the card has one: read from the same row, it costs nothing)."""
    west, south, east, north = bbox
    if zoom < POINTS_FROM_ZOOM:
        return {"type": "FeatureCollection", "features": _clusters(site, viewer, bbox, zoom, theme)}
    query = (Organisation.select(Entity.guid, Entity.title, Organisation.lat, Organisation.lon, Organisation.logo)
             .join(Entity, on=(Organisation.entity == Entity.guid))
             .where(Organisation.lat.between(south, north), Organisation.lon.between(west, east), valid_point(),
                    _visible(site, viewer), theme_filter(site, theme))
             .limit(MAX_POINTS))

    features = []
    for guid, title, plat, plon, logo in query.tuples():
        props = {"guid": guid, "name": title, "count": 1, "url": web.url_for(site, "directory-card", guid=guid)}
        if logo:
            props["logo"] = cards.logo_url(site, guid, logo)
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [plon, plat]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _count_themes(where, parents: dict[str, str]) -> dict[str, int]:
    """How many cards matching ``where`` carry each theme key (grouped by the cards' theme sets); a card
    with a sub-theme counts once for its parent theme too."""
    counts: dict[str, int] = {}
    query = (Organisation.select(Organisation.themes, pw.fn.COUNT(Entity.guid))
             .join(Entity, on=(Organisation.entity == Entity.guid))
             .where(where, Organisation.themes != "").group_by(Organisation.themes))
    for themes, count in query.tuples():
        keys = set(filter(None, themes.split("|")))
        keys |= {parents[key] for key in keys if key in parents}
        for key in keys:
            counts[key] = counts.get(key, 0) + count
    return counts


def theme_counts(site, viewer) -> dict[str, int]:
    """How many cards ``viewer`` may see carry each theme key (public part cached, see module doc)."""
    parents = _parents(site)
    if viewer is not None and (viewer.is_admin or viewer.is_moderator):
        return _count_themes(_visible(site, viewer), parents)
    counts = dict(_cached(site, "themes", lambda: _count_themes(_shown_to_everyone(site), parents)))
    for where in _beyond_public(site, viewer) if viewer is not None else ():
        for key, count in _count_themes(where, parents).items():
            counts[key] = counts.get(key, 0) + count
    return counts
