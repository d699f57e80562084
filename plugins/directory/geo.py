"""Spatial queries: cards near a point (bounding box in SQL, exact haversine in Python), the
map's GeoJSON (clusters from the grid table, or the cards themselves when few) and the theme counts.

The map's clusters come from the grid table that ``grid`` keeps up to date on write, one layer per
audience: the public cards (a visitor's map) and the members-only cards (read with them for a signed-in
member): reading a box is an indexed range, as fast the first time as the next. What depends on the member
(cards shared with their connections or groups, private ones, their own hidden ones; everything hidden for
moderators) is added live by a query that only touches those few cards, skipped when the site has none. Points (zoom 12 and more, when few enough) and
"near me" lists are always live. Theme counts of public cards are kept :data:`AGGREGATE_SECONDS` per
worker (``cards.forget_aggregates`` drops them when a card changes).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import peewee as pw

from core import access, gazetteer, request_cache, web
from core.db import database, in_ids
from core.models import Entity
from plugins.directory import cards, grid
from plugins.directory.models import Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

KIND = "directory.organisation"
POINTS_FROM_ZOOM = 12  # from this zoom the cards themselves, when the box holds few enough
MAX_POINTS = 400  # cards in one answer at most (else clusters): about 25 KB compressed
BOX_ROWS = 2000  # cards of any site and access level a box's points are chosen from at most (see _points)
MAX_CLUSTERS = 1200  # clusters in one answer at most (else coarser cells)
SPANNED_CELLS = 4000  # a box spanning more grid cells than this at its zoom is drawn at a coarser one
COARSE_CELLS = 64  # cells of the first look at how many cards a box holds (see _few_cards)
MAP_NAME_CHARS = 80
AGGREGATE_SECONDS = 60
NON_PUBLIC = ("members", "connections", "container", "private")
PUBLIC = ("public",)

def valid_point():
    """Rows whose coordinates are a real point: both present and within range (the database refuses others
    since migration 0006; rows from before it are skipped, never shown as ``[null, 91]``)."""
    return Organisation.lat.between(-90, 90) & Organisation.lon.between(-180, 180)


def _visible(site: SiteRuntime, viewer):
    return (Entity.kind == KIND) & access.visible(viewer, site)


def _shown_to_everyone(site: SiteRuntime):
    """The cards any visitor sees: public, not hidden, not trashed."""
    return access.visible(None, site) & (Entity.kind == KIND)


def _reading(site: SiteRuntime, viewer) -> tuple[tuple[str, ...], tuple[bool, bool] | None]:
    """(the grid's audiences ``viewer`` reads, what :func:`_beyond_public` needs to know or None).

    The audiences (``grid.AUDIENCES``): "public" for a visitor; "public" and "members" for a member, unless the
    owner of a members-only card blocks them (a blocked member sees only the owner's public content: then
    their members-only cards go through the full access rule, see :func:`_beyond_public`). For a member
    (neither moderator nor administrator), that and whether the site has cards of the other levels and
    whether the member has hidden cards are asked in one query (one round trip on PostgreSQL)."""
    if viewer is None:
        return PUBLIC, None
    if viewer.is_admin or viewer.is_moderator:
        return grid.AUDIENCES, None
    blocked, personal, hidden = grid.read(MEMBER_FACTS, (viewer.guid, site.id, KIND, site.id, KIND, viewer.guid,
                                                         KIND, True))[0]
    if blocked:  # the blocker's members-only cards exist: the other levels hold some
        return PUBLIC, (True, bool(hidden))
    return grid.AUDIENCES, (bool(personal), bool(hidden))


def _beyond_public(site: SiteRuntime, viewer, shared: tuple[str, ...] = PUBLIC,
                   known: tuple[bool, bool] | None = None) -> list:
    """Conditions for the cards ``viewer`` sees besides those of ``shared`` (:func:`_read_beyond_public`),
    read once per page: the directory's list and its theme counts both ask."""
    return request_cache.remember("directory.beyond_public", (site.id, viewer.guid, shared, known),
                                  lambda: _read_beyond_public(site, viewer, shared, known))


def _read_beyond_public(site: SiteRuntime, viewer, shared: tuple[str, ...], known: tuple[bool, bool] | None) -> list:
    """Conditions for the cards ``viewer`` sees besides those of the access levels ``shared`` (the grid's
    audiences they read: see :func:`audiences`): the cards of the other levels and those of ``shared`` hidden
    by moderation (the viewer's own; all of them for moderators and administrators). The three sets (shared
    and shown, other levels, shared and hidden) never overlap.

    The guids of those the viewer may see are read first, under the full access condition, from the
    entity table alone (its (site, kind, access) and (owner, kind) indexes: a few rows), then given to the
    map's query as a literal list: the database never weighs the access condition against every card of
    the box (on PostgreSQL that plan read the whole box: 0.1 s). A cheap existence check first spares
    compiling the access condition on sites without such cards; ``known`` (whether there are cards of the
    other levels, whether there are hidden ones of the viewer: :func:`_reading`) answers it beforehand."""
    few = Entity.alias()
    sets = []
    others = [level for level in NON_PUBLIC if level not in shared]
    if known[0] if known is not None else grid.read(_levels(ANY_OF_LEVELS, others), (site.id, KIND)):
        sets.append(few.select(few.guid).where(few.site == site.id, few.kind == KIND, few.access.in_(others)))
    privileged = viewer.is_admin or viewer.is_moderator
    # a member's own: through the (owner, kind) index; moderators' and administrators': the site's
    if known[1] if known is not None else grid.read(_levels(ANY_HIDDEN_OF_SITE if privileged else ANY_HIDDEN_OF_OWNER,
                                                            shared), (site.id if privileged else viewer.guid, KIND,
                                                                      True)):
        hidden = few.select(few.guid).where(few.kind == KIND, few.hidden == True, few.access.in_(shared))  # noqa: E712
        sets.append(hidden.where(few.site == site.id) if privileged else hidden.where(few.owner == viewer.guid))
    found: list[int] = []
    for ids in sets:  # the candidates drive the query (IN), the access condition only filters them
        found += [guid for (guid,) in Entity.select(Entity.guid).where(Entity.guid.in_(ids), _visible(site, viewer))
                  .tuples()]
    return [in_ids(Organisation.entity, found)] if found else []


def _extra_cards(site: SiteRuntime, viewer, bbox, theme: str, shared: tuple[str, ...] = PUBLIC,
                 known: tuple[bool, bool] | None = None) -> list[tuple]:
    """[(guid, title, lat, lon, logo)] of the cards ``viewer`` sees beyond those of ``shared``, in ``bbox`` and of
    ``theme`` (with its sub-themes): read by their guids (primary key), the box and theme checked here, so
    the database never walks the box's cards for them."""
    if viewer is None:
        return []
    conditions = _beyond_public(site, viewer, shared, known)
    if not conditions:
        return []
    west, south, east, north = bbox
    family = set(theme_family(site, theme)) if theme else None
    query = (Organisation.select(Entity.guid, Entity.title, Organisation.lat, Organisation.lon, Organisation.logo,
                                 Organisation.themes)
             .join(Entity, on=(Organisation.entity == Entity.guid)).where(conditions[0]))
    return [(guid, title, lat, lon, logo) for guid, title, lat, lon, logo, themes in database.execute(query).fetchall()
            if lat is not None and lon is not None and south <= lat <= north and west <= lon <= east
            and (family is None or family & set(themes.split("|")))]


# whether such cards exist at all (most sites: none), written by hand: asked at every map request of a member
ANY_OF_LEVELS = "SELECT 1 FROM entity WHERE site = ? AND kind = ? AND access IN ({}) LIMIT 1"
ANY_HIDDEN_OF_SITE = "SELECT 1 FROM entity WHERE site = ? AND kind = ? AND hidden = ? AND access IN ({}) LIMIT 1"
ANY_HIDDEN_OF_OWNER = "SELECT 1 FROM entity WHERE owner_id = ? AND kind = ? AND hidden = ? AND access IN ({}) LIMIT 1"
# whether the owner of a members-only card blocks the member: from the member's blockers (the relationship's
# (object, verb, subject) index: most members have none), then their cards
BLOCKED_BY_A_MEMBERS_CARD_OWNER = (
    "SELECT 1 FROM relationship r WHERE r.object_id = ? AND r.verb = 'blocks' AND EXISTS (SELECT 1 FROM entity e"
    " WHERE e.owner_id = r.subject_id AND e.site = ? AND e.kind = ? AND e.access = 'members') LIMIT 1")


def _levels(sql: str, levels) -> str:
    """``sql`` with the access levels ``levels`` (names of :data:`NON_PUBLIC` and "public" only) written in."""
    if not levels:
        return sql.format("NULL")  # IN (NULL): nothing
    if not set(levels) <= {*NON_PUBLIC, *PUBLIC}:
        raise ValueError(f"unknown access level in {levels!r}")
    return sql.format(", ".join(f"'{level}'" for level in levels))


# a member's three questions in one: blocked by the owner of a members-only card? cards of the levels the grid
# does not hold on the site? hidden cards of their own among those it holds?
MEMBER_FACTS = ("SELECT EXISTS (" + BLOCKED_BY_A_MEMBERS_CARD_OWNER + "), EXISTS ("
                + _levels(ANY_OF_LEVELS, [level for level in NON_PUBLIC if level not in grid.AUDIENCES])
                + "), EXISTS (" + _levels(ANY_HIDDEN_OF_OWNER, grid.AUDIENCES) + ")")


def _cached(site: SiteRuntime, key, compute):
    return site.remember(cards.AGGREGATES, key, compute, seconds=AGGREGATE_SECONDS)


def near(site: SiteRuntime, viewer, lat: float, lon: float, km: float, limit: int = 50, theme: str = ""):
    """[(distance_km, guid, title, commune, postcode, lat, lon, logo)] within ``km``, nearest first
    (``logo``: the card's logo key, "" when it has none).

    The bounding box uses the indexed lat/lon columns; the database orders by an equirectangular
    approximation (plain arithmetic, the same on SQLite and PostgreSQL) and returns a few more rows
    than asked; the exact haversine distance then filters and orders them.

    A member pays for what is theirs only: the cards shown to everyone are read with the visitors'
    query, then the few beyond them (:func:`_beyond_public`, under the full access condition) apart,
    and the two merged by distance (one query with the member's whole access condition cost them
    about 1.3 times a visitor's page).
    """
    found = _near_shown(site, lat, lon, km, limit, theme)
    for where in _beyond_public(site, viewer) if viewer is not None else ():
        found = sorted(found + _near(site, where, lat, lon, km, limit, theme))
    return found[:limit]


def _by_distance(site: SiteRuntime, query, lat: float, lon: float, km: float, theme: str):
    """``query`` (on Organisation) limited to the box around the point and to ``theme``, nearest first by an
    equirectangular approximation (plain arithmetic, the same on SQLite and PostgreSQL)."""
    min_lat, min_lon, max_lat, max_lon = gazetteer.bbox_around(lat, lon, km)
    kx = math.cos(math.radians(lat))
    dx = (Organisation.lon - lon) * kx
    dy = Organisation.lat - lat
    query = query.where(_in_box((min_lon, min_lat, max_lon, max_lat))).order_by(dx * dx + dy * dy)
    return query.where(theme_filter(site, theme)) if theme else query


def _in_box(bbox):
    """The condition "the card's point lies in ``bbox``" (west, south, east, north), the box cut to real
    coordinates. It is the only condition on lat and lon a query needs: beside valid_point()'s -90..90, SQLite
    read the whole lat/lon index instead of the box's latitudes."""
    west, south, east, north = bbox
    return (Organisation.lat.between(max(south, -90), min(north, 90))
            & Organisation.lon.between(max(west, -180), min(east, 180)))


def _titled(rows: list[tuple], shown) -> list[tuple]:
    """``rows`` (a card's guid, then any of its columns) whose entity matches ``shown``, as (guid, title, *columns),
    in their order. The entities are read by primary key, the access condition in the query: reading the cards
    of a box or of a radius first, then their entities, spares PostgreSQL's planner a join it hashed over the
    whole entity table (14 to 20 ms at 34,000 cards, against 2 to 3.5 ms). Cards of every site and access level
    are read in the first step; only those matching ``shown`` come out."""
    titles = dict(database.execute(Entity.select(Entity.guid, Entity.title)
                                   .where(in_ids(Entity.guid, [row[0] for row in rows]), shown)).fetchall())
    return [(guid, titles[guid], *columns) for guid, *columns in rows if guid in titles]


def _near_shown(site: SiteRuntime, lat: float, lon: float, km: float, limit: int, theme: str) -> list[tuple]:
    """The cards every visitor sees within ``km`` of the point, nearest first (see :func:`near`): the nearest
    cards of the box by their point, then those shown (:func:`_titled`), and more of the box only when too few
    were shown (trashed, hidden, private cards in the way)."""
    wanted = limit + 10
    asked = 2 * wanted
    columns = (Organisation.entity, Organisation.commune, Organisation.postcode, Organisation.lat, Organisation.lon,
               Organisation.logo)
    while True:
        nearest = database.execute(_by_distance(site, Organisation.select(*columns), lat, lon, km, theme)
                                   .limit(asked)).fetchall()
        shown = _titled(nearest, _shown_to_everyone(site))
        if len(shown) >= wanted or len(nearest) < asked:  # enough, or the whole box was read
            return _within(lat, lon, km, limit, shown[:wanted])
        asked *= 4


def _near(site: SiteRuntime, where, lat: float, lon: float, km: float, limit: int, theme: str) -> list[tuple]:
    """The cards matching ``where`` within ``km`` of the point, nearest first (see :func:`near`)."""
    query = Organisation.select(Entity.guid, Entity.title, Organisation.commune, Organisation.postcode,
                                Organisation.lat, Organisation.lon, Organisation.logo).join(
        Entity, on=(Organisation.entity == Entity.guid)).where(where)
    return _within(lat, lon, km, limit, _by_distance(site, query, lat, lon, km, theme).limit(limit + 10).tuples())


def _within(lat: float, lon: float, km: float, limit: int, rows) -> list[tuple]:
    """The ``limit`` nearest of ``rows`` (guid, title, commune, postcode, lat, lon, logo) within ``km`` of the
    point by the exact (haversine) distance, as :func:`near` returns them."""
    found = []
    for guid, title, commune, postcode, plat, plon, logo in rows:
        d = gazetteer.distance_km(lat, lon, plat, plon)
        if d <= km:
            found.append((d, guid, title, commune, postcode, plat, plon, logo))
    found.sort()
    return found[:limit]


def theme_family(site: SiteRuntime, theme: str) -> list[str]:
    """``theme`` and the keys of its sub-themes: a parent theme holds the cards of its descendants."""

    for node in cards.taxonomy(site):
        if node["key"] == theme:
            return [theme] + [child["key"] for child in node["children"]]
    return [theme]


def theme_filter(site: SiteRuntime, theme: str):
    """The SQL condition "the card carries ``theme`` or one of its sub-themes" (True without a theme)."""
    if not theme:
        return True
    condition = None
    for key in theme_family(site, theme):
        one = Organisation.themes.contains(f"|{key}|")
        condition = one if condition is None else (condition | one)
    return condition


def _parents(site: SiteRuntime) -> dict[str, str]:
    """{sub-theme key: parent key} of the site's theme tree."""

    return {child["key"]: node["key"] for node in cards.taxonomy(site) for child in node["children"]}


def _spanned(bbox, zoom: int) -> int:
    """How many grid cells of ``zoom`` ``bbox`` spans: the cells the grid may hold for it, empty or not."""
    west, south, east, north = bbox
    (low_row, low_col), (high_row, high_col) = grid.cell_of(south, west, zoom), grid.cell_of(north, east, zoom)
    return (high_row - low_row + 1) * (high_col - low_col + 1)


def _spanned_zoom(bbox, zoom: int, most: int = SPANNED_CELLS) -> int:
    """``zoom`` (at most the grid's last), or coarser until ``bbox`` spans at most ``most`` cells."""
    zoom = min(zoom, grid.MAX_ZOOM)
    while zoom > 0 and _spanned(bbox, zoom) > most:
        zoom -= 1
    return zoom


def _few_cards(site: SiteRuntime, shared: tuple[str, ...], theme: str, bbox) -> bool:
    """Whether ``bbox`` holds at most :data:`MAX_POINTS` cards of the grid's audiences ``shared``, told by the
    grid before any card is read. First from a few coarse cells (:data:`COARSE_CELLS`): all the cards of
    those meeting the box are a bound above, those of the cells wholly inside it a bound below, which
    settle most boxes (a wide view is many cards, a village few); else the finest cells that meet the box."""
    west, south, east, north = bbox
    zoom = _spanned_zoom(bbox, grid.MAX_ZOOM, COARSE_CELLS)
    size = grid.cell_size(zoom)
    margin = size / 1000
    above = below = 0
    for (row, col), (count, *_sums) in grid.cells(site, shared, theme, zoom, bbox).items():
        above += count
        if (south + margin <= row * size - 90 and (row + 1) * size - 90 + margin <= north
                and west + margin <= col * size - 180 and (col + 1) * size - 180 + margin <= east):
            below += count
    if above <= MAX_POINTS or below > MAX_POINTS:
        return above <= MAX_POINTS
    return grid.cards_within(site, shared, theme, _spanned_zoom(bbox, grid.MAX_ZOOM), bbox) <= MAX_POINTS


def _cluster_zoom(site: SiteRuntime, shared: tuple[str, ...], bbox, zoom: int, theme: str) -> int:
    """The zoom whose grid cells are drawn for ``bbox`` asked at ``zoom``: that zoom (at most the grid's
    last), or a coarser one when the box holds more than :data:`MAX_CLUSTERS` cells (a wide view at a high
    zoom): first by the number of cells the box spans, then by those the grid really holds."""
    zoom = _spanned_zoom(bbox, zoom)
    # a box spanning at most MAX_CLUSTERS cells holds no more: the grid is asked only beyond (a screen never)
    while zoom > 0 and _spanned(bbox, zoom) > MAX_CLUSTERS \
            and grid.count_cells(site, shared, theme, zoom, bbox, MAX_CLUSTERS) > MAX_CLUSTERS:
        zoom -= 1
    return zoom


def _clusters(site: SiteRuntime, viewer, shared: tuple[str, ...], known, bbox, zoom: int,
              theme: str) -> tuple[int, list[dict]]:
    """(the zoom of the cells, the features): the grid's cells of ``shared`` (the audiences ``viewer`` reads) in
    ``bbox``, plus the cards ``viewer`` sees beyond them (added live, see :func:`_beyond_public`)."""
    west, south, east, north = bbox
    zoom = _cluster_zoom(site, shared, bbox, zoom, theme)
    extra = _extra_cards(site, viewer, bbox, theme, shared, known)
    while True:
        cells = grid.cells(site, shared, theme, zoom, bbox)
        for guid, _title, lat, lon, _logo in extra:
            key = grid.cell_of(lat, lon, zoom)
            cell = cells.get(key)
            cells[key] = [1, lat, lon, guid] if cell is None else [cell[0] + 1, cell[1] + lat, cell[2] + lon, None]
        shown = [cell for cell in cells.values()
                 if south <= cell[1] / cell[0] <= north and west <= cell[2] / cell[0] <= east]
        if len(shown) <= MAX_CLUSTERS or zoom == 0:  # a member's extra cards may fill more cells
            break
        zoom -= 1
    singles = [guid for count, _lat, _lon, guid in shown if count == 1]
    names = dict(database.execute_sql(f"SELECT guid, title FROM entity WHERE guid {_ids(singles)}").fetchall()) \
        if singles else {}
    link = _card_link(site)
    features = []
    for count, slat, slon, guid in shown:
        props = {"count": count}
        if count == 1:  # a lone card is shown as itself, with its name
            props.update(guid=guid, name=_short(names.get(guid, "")), url=link(guid))
        features.append(_feature(slon / count, slat / count, props))
    return zoom, features


def _ids(guids: list[int]) -> str:
    """``IN (1,2,3)``: integers only (each through ``int()``), written into the SQL."""
    return "IN (" + ",".join(str(int(g)) for g in guids) + ")"


def _card_link(site: SiteRuntime):
    """guid -> the card's address: the route built once, not once per feature."""
    marker = 987654321
    template = web.url_for(site, "directory-card", guid=marker).replace(str(marker), "{}")
    return template.format


def _feature(lon: float, lat: float, props: dict) -> dict:
    """A GeoJSON point; coordinates to 5 decimals (a metre), which keeps the answer small: the nearest
    hundred-thousandth by plain arithmetic (``round(x, 5)`` took a third of a wide view's time), a number
    whose shortest form has at most 5 decimals."""
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [
        math.floor(lon * 100000 + 0.5) / 100000, math.floor(lat * 100000 + 0.5) / 100000]}, "properties": props}


def _short(name: str) -> str:
    """A card's name as the map shows it (the popup's link): :data:`MAP_NAME_CHARS` at most."""
    return name if len(name) <= MAP_NAME_CHARS else name[:MAP_NAME_CHARS - 1] + "…"


def geojson(site: SiteRuntime, viewer, bbox: tuple[float, float, float, float], zoom: int, theme: str = "") -> dict:
    """A FeatureCollection for the map: the cards themselves (``count`` 1, with ``name``, ``url`` and
    ``logo`` when the card has one) from zoom :data:`POINTS_FROM_ZOOM` when the box holds at most
    :data:`MAX_POINTS` of them; else clusters from the grid (``count``: the cards each stands for; a lone
    card's cell has its ``name`` and ``url`` too), at most :data:`MAX_CLUSTERS`. Nothing is ever cut
    off: a view with too many cards gets clusters, a view with too many cells coarser ones. ``zoom``
    (top level) tells which zoom the clusters come from, or None for points."""
    grid.ensure(site)
    shared, known = _reading(site, viewer)
    if zoom >= POINTS_FROM_ZOOM and _few_cards(site, shared, theme, bbox):
        rows = _points(site, shared, bbox, theme)
        if rows is not None:
            rows += _extra_cards(site, viewer, bbox, theme, shared, known)
        if rows is not None and len(rows) <= MAX_POINTS:  # a member's extra cards may tip the balance: clusters
            link = _card_link(site)
            features = []
            for guid, title, plat, plon, logo in rows:
                props = {"guid": guid, "name": _short(title), "count": 1, "url": link(guid)}
                if logo:
                    props["logo"] = cards.logo_url(site, guid, logo)
                features.append(_feature(plon, plat, props))
            return {"type": "FeatureCollection", "zoom": None, "features": features}
    cluster_zoom, features = _clusters(site, viewer, shared, known, bbox, zoom, theme)
    return {"type": "FeatureCollection", "zoom": cluster_zoom, "features": features}


def _points(site: SiteRuntime, shared: tuple[str, ...], bbox, theme: str) -> list[tuple] | None:
    """[(guid, title, lat, lon, logo)] of the cards of the grid's audiences ``shared`` in ``bbox`` and of ``theme``,
    or None when the box holds more than :data:`MAX_POINTS` of them, or more than :data:`BOX_ROWS` cards of any
    site or access level (then the map draws clusters, which never miss a card): the box's cards by their
    point, then those shown (:func:`_titled`)."""
    in_box = (Organisation.select(Organisation.entity, Organisation.lat, Organisation.lon, Organisation.logo)
              .where(_in_box(bbox), theme_filter(site, theme)).limit(BOX_ROWS + 1))
    cards_in_box = database.execute(in_box).fetchall()
    if len(cards_in_box) > BOX_ROWS:
        return None
    rows = _titled(cards_in_box, grid.shown(site, shared, point=False))
    return rows if len(rows) <= MAX_POINTS else None


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


def theme_counts(site: SiteRuntime, viewer) -> dict[str, int]:
    """How many cards ``viewer`` may see carry each theme key (public part cached, see module doc)."""
    parents = _parents(site)
    if viewer is not None and (viewer.is_admin or viewer.is_moderator):
        return _count_themes(_visible(site, viewer), parents)
    counts = dict(_cached(site, "themes", lambda: _count_themes(_shown_to_everyone(site), parents)))
    for where in _beyond_public(site, viewer) if viewer is not None else ():
        for key, count in _count_themes(where, parents).items():
            counts[key] = counts.get(key, 0) + count
    return counts
