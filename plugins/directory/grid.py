"""The map's grid: clusters of the cards everyone sees, kept in the database and updated on write.

For every audience (:data:`AUDIENCES`: "public", the cards every visitor sees; "members", the cards every
signed-in member sees besides), every zoom from 0 to :data:`MAX_ZOOM` (where single cards fit: a cell is about
60 pixels, 600 m at zoom 14) and every theme key (and "" for all cards), ``directory_map_cell`` holds the cells
that contain such cards: how many, the sums of their coordinates (a cluster is drawn at their mean) and
the card's guid when the cell holds one card only. A map request reads the cells of its box: an
indexed range, the same cost the first time as the hundredth, in every worker.

``directory_map_point`` keeps each counted card as the grid counts it (audience, point, theme keys with the
parents of its sub-themes). :func:`sync` compares a card with that row and applies the difference
(subtract the old point, add the new one): called after each change of a card (created, moved,
re-themed, access changed, hidden or shown by moderation, trashed, restored, deleted: the plugin's
``maillage_entity_changed``), it is idempotent, so a change announced twice counts once.

``directory_map_grid`` holds, per site, a fingerprint of the theme tree the grid was built with. A
sub-theme counts for its parent, so a new tree means a new grid: :func:`ensure` rebuilds it when the
fingerprint differs (after the migration, after the tree is edited) and :func:`rebuild` does it at
once (bulk imports, demo data, ``maillage directory-map-grid``). Each write first updates that row, so
writers of one site wait their turn on PostgreSQL as on SQLite.

Only cards shown alike to every visitor (``public``) or to every member (``members``) are in the grid: a
visitor reads the first audience, a member both at once. What depends on the member (cards shared with their
connections or groups, private ones, their own hidden ones) is added to the cells by a live query, see ``geo``.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import peewee as pw

from core.db import database, is_postgres
from core.models import Entity
from plugins.directory import cards
from plugins.directory.models import MapCell, MapGrid, MapPoint, Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

AUDIENCES = ("public", "members")  # the access levels whose cards are the same for every visitor / member
MAX_ZOOM = 14
ZOOMS = range(0, MAX_ZOOM + 1)
BULK_CHANGES = 200  # an import of more rows rebuilds the grid once instead of following each card
BATCH = 1000  # counted cards per INSERT when the grid is rebuilt


def cell_size(zoom: int) -> float:
    """A cell's side in degrees: about 60 pixels of a 256-pixel tile at ``zoom``."""
    return 360.0 / (2 ** max(zoom, 0)) / 4


def cell_of(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    """(row, column) of a point at ``zoom``; shifted so that cells never straddle 0 (the live SQL in
    :func:`cell_index` is the same in SQL)."""
    size = cell_size(zoom)
    return int((lat + 90) / size), int((lon + 180) / size)


def parents_of(tree: list[dict]) -> dict[str, str]:
    """{sub-theme key: parent key} of a theme tree (``cards.taxonomy``)."""
    return {child["key"]: node["key"] for node in tree for child in node["children"]}


def fingerprint(parents: dict[str, str]) -> str:
    """What of the theme tree the grid depends on: which key counts for which parent."""
    return hashlib.sha1(json.dumps(sorted(parents.items())).encode()).hexdigest()[:16]


def theme_keys(themes: str, parents: dict[str, str]) -> list[str]:
    """The keys a card's ``|a|b|`` themes count for: its own and their parents, once each."""
    own = [key for key in themes.split("|") if key]
    return sorted(set(own) | {parents[key] for key in own if key in parents})


def shown(site: SiteRuntime, audiences: tuple[str, ...] = AUDIENCES, point: bool = True):
    """The cards of ``site`` of the access levels ``audiences`` that everyone of them sees: not hidden, not
    trashed, with a real point, and meeting the plugins' visibility rules for visitors (``public`` alone
    is exactly what a visitor sees). ``point=False`` leaves the point to the caller's own range on lat and
    lon (a second range on lat, -90 to 90, made SQLite walk the whole lat index instead of the box's part)."""
    condition = ((Entity.site == site.id) & Entity.deleted_at.is_null() & (Entity.hidden == False)  # noqa: E712
                 & (Entity.access == audiences[0] if len(audiences) == 1 else Entity.access.in_(audiences))
                 & (Entity.kind == cards.KIND))
    if point:
        condition = condition & Organisation.lat.between(-90, 90) & Organisation.lon.between(-180, 180)
    for extra in site.call("maillage_visibility_sql", site=site, viewer=None, entity=Entity):
        condition = condition & extra
    return condition


def _lock(site: SiteRuntime) -> str:
    """Start a grid write: update the site's row (created if missing), which holds other writers of the site
    until this transaction ends; return the fingerprint the grid was built with ("" when never built)."""
    if not MapGrid.update(writes=MapGrid.writes + 1).where(MapGrid.site == site.id).execute():
        MapGrid.insert(site=site.id, fingerprint="", writes=0).on_conflict_ignore().execute()
        MapGrid.update(writes=MapGrid.writes + 1).where(MapGrid.site == site.id).execute()
    return MapGrid.select(MapGrid.fingerprint).where(MapGrid.site == site.id).scalar()


def ensure(site: SiteRuntime) -> None:
    """Build the grid of ``site`` if it was never built or the theme tree changed since."""
    parents = parents_of(cards.taxonomy(site))
    if read(BUILT_SQL, (site.id,)) != [(fingerprint(parents),)]:
        rebuild(site, parents, only_if_stale=True)


def invalidate(site: SiteRuntime) -> None:
    """Mark the grid of ``site`` as to be rebuilt (before a bulk write: :func:`sync` then does nothing
    until :func:`rebuild` or the next map request rebuilds it)."""
    with database.atomic():
        _lock(site)
        MapGrid.update(fingerprint="").where(MapGrid.site == site.id).execute()


def rebuild(site: SiteRuntime, parents: dict[str, str] | None = None, only_if_stale: bool = False) -> int:
    """Compute the grid of ``site`` again from its cards; return the number of cards counted.

    The counted cards are read once and written to ``directory_map_point`` in batches (their theme keys
    worked out in Python); then each zoom and theme key is one ``INSERT ... SELECT ... GROUP BY`` of the
    database, so memory stays flat whatever the number of cards."""
    parents = parents_of(cards.taxonomy(site)) if parents is None else parents
    wanted = fingerprint(parents)
    if is_postgres():  # a rebuild follows bulk writes: without fresh statistics PostgreSQL planned the cards'
        for table in ("entity", "directory_organisation"):  # join as nested loops over "empty" tables (minutes)
            database.execute_sql(f"ANALYZE {table}")
    with database.atomic():
        if _lock(site) == wanted and only_if_stale:  # another worker built it while this one waited
            return -1
        MapCell.delete().where(MapCell.site == site.id).execute()
        MapPoint.delete().where(MapPoint.site == site.id).execute()
        rows = (Organisation.select(Organisation.entity, Entity.access, Organisation.lat, Organisation.lon,
                                    Organisation.themes)
                .join(Entity, on=(Organisation.entity == Entity.guid)).where(shown(site)).tuples())
        seen: dict[str, set[str]] = {}
        batch, counted = [], 0
        for guid, audience, lat, lon, themes in rows.iterator():
            keys = theme_keys(themes, parents)
            seen.setdefault(audience, set()).update(keys)
            batch.append((guid, site.id, audience, lat, lon, "".join(f"|{k}|" for k in keys)))
            if len(batch) == BATCH:
                counted += _insert_points(batch)
                batch = []
        counted += _insert_points(batch)
        for audience, keys in sorted(seen.items()):
            for zoom in ZOOMS:
                for theme in ("", *sorted(keys)):
                    _fill(site, audience, theme, zoom)
        MapGrid.update(fingerprint=wanted).where(MapGrid.site == site.id).execute()
    return counted


def _insert_points(rows: list[tuple]) -> int:
    if rows:
        MapPoint.insert_many(rows, fields=[MapPoint.guid, MapPoint.site, MapPoint.audience, MapPoint.lat,
                                           MapPoint.lon, MapPoint.themes]).execute()
    return len(rows)


def cell_index(value, zoom: int):
    """SQL for ``int(value / cell_size(zoom))`` of a non-negative ``value``, as :func:`cell_of` computes it:
    SQLite's CAST truncates, PostgreSQL's rounds (so FLOOR first there). The size is written as a literal
    (an exact binary fraction), so that an expression grouped by reads the same each time."""
    scaled = value / pw.SQL(repr(cell_size(zoom)))
    return pw.Cast(pw.fn.FLOOR(scaled), "INTEGER") if is_postgres() else pw.Cast(scaled, "INTEGER")


def _fill(site: SiteRuntime, audience: str, theme: str, zoom: int) -> None:
    """Write the cells of ``audience`` and ``theme`` at ``zoom`` from the counted cards, in the database."""
    count = pw.fn.COUNT(pw.SQL("*"))
    query = (MapPoint.select(pw.Cast(site.id, "VARCHAR"), pw.Cast(audience, "VARCHAR"), pw.Cast(theme, "VARCHAR"),
                             pw.SQL(str(int(zoom))), cell_index(MapPoint.lat + 90, zoom),
                             cell_index(MapPoint.lon + 180, zoom), count, pw.fn.SUM(MapPoint.lat),
                             pw.fn.SUM(MapPoint.lon), pw.Case(None, [(count == 1, pw.fn.MIN(MapPoint.guid))], None))
             .where(MapPoint.site == site.id, MapPoint.audience == audience)
             .group_by(pw.SQL("5"), pw.SQL("6")))  # by position: the same expressions, whatever the parameters
    if theme:
        query = query.where(MapPoint.themes.contains(f"|{theme}|"))
    MapCell.insert_from(query, CELL_FIELDS).execute()


CELL_FIELDS = [MapCell.site, MapCell.audience, MapCell.theme, MapCell.zoom, MapCell.row, MapCell.col, MapCell.count, MapCell.sum_lat,
               MapCell.sum_lon, MapCell.guid]


def sync(site: SiteRuntime, guid: int) -> None:
    """Bring the grid in line with card ``guid`` as it is now (counted in its audience if it is shown to every
    visitor or every member, with a point; else not)."""
    parents = parents_of(cards.taxonomy(site))
    with database.atomic():
        if _lock(site) != fingerprint(parents):
            return  # to be rebuilt as a whole: nothing to keep up to date
        now = (Organisation.select(Entity.access, Organisation.lat, Organisation.lon, Organisation.themes)
               .join(Entity, on=(Organisation.entity == Entity.guid))
               .where(Organisation.entity == guid, shown(site)).tuples().first())
        new = None
        if now is not None:
            audience, lat, lon, themes = now
            new = (audience, lat, lon, "".join(f"|{k}|" for k in theme_keys(themes, parents)))
        old = MapPoint.get_or_none(MapPoint.guid == guid)
        if old is not None and old.site != site.id:
            return  # another site's card (a guid is unique across sites: cannot happen)
        if old is not None and new == (old.audience, old.lat, old.lon, old.themes):
            return
        if old is not None:
            MapPoint.delete().where(MapPoint.guid == guid).execute()  # before: never named as a cell's lone card
            _add(site, old.audience, guid, old.lat, old.lon, old.themes, -1)
        if new is not None:
            _add(site, new[0], guid, *new[1:], +1)
            MapPoint.insert(guid=guid, site=site.id, audience=new[0], lat=new[1], lon=new[2], themes=new[3]).execute()


def _keys(themes: str) -> list[str]:
    return ["", *(key for key in themes.split("|") if key)]


def _add(site: SiteRuntime, audience: str, guid: int, lat: float, lon: float, themes: str, sign: int) -> None:
    """Add (``sign`` 1) or subtract (-1) one card to its cell of ``audience`` at every zoom and theme key, in one
    upsert; then drop the cells left empty and name the card of those left with one."""
    rows = [(site.id, audience, theme, zoom, *cell_of(lat, lon, zoom), sign, sign * lat, sign * lon, guid)
            for zoom in ZOOMS for theme in _keys(themes)]
    excluded = pw.EXCLUDED
    (MapCell.insert_many(rows, fields=CELL_FIELDS)
     .on_conflict(conflict_target=[MapCell.site, MapCell.theme, MapCell.zoom, MapCell.audience, MapCell.row,
                                   MapCell.col],
                  update={MapCell.count: MapCell.count + excluded.count,
                          MapCell.sum_lat: MapCell.sum_lat + excluded.sum_lat,
                          MapCell.sum_lon: MapCell.sum_lon + excluded.sum_lon,
                          MapCell.guid: None})
     .execute())
    if sign > 0:
        return
    for theme in _keys(themes):
        cells = _cells_of(site, audience, theme, lat, lon)
        MapCell.delete().where(cells, MapCell.count <= 0).execute()
        lone = MapCell.select(MapCell.zoom).where(cells, MapCell.count == 1).tuples()
        for (zoom,) in list(lone):
            _name_the_lone_card(site, audience, theme, zoom, *cell_of(lat, lon, zoom))


def _cells_of(site: SiteRuntime, audience: str, theme: str, lat: float, lon: float):
    """The condition "the cell of ``audience`` and ``theme`` holding (lat, lon)" at every zoom: each term the
    whole primary key, so that both databases read it as a few index lookups."""
    condition = None
    for zoom in ZOOMS:
        row, col = cell_of(lat, lon, zoom)
        one = ((MapCell.site == site.id) & (MapCell.theme == theme) & (MapCell.zoom == zoom)
               & (MapCell.audience == audience) & (MapCell.row == row) & (MapCell.col == col))
        condition = one if condition is None else (condition | one)
    return condition


def _name_the_lone_card(site: SiteRuntime, audience: str, theme: str, zoom: int, row: int, col: int) -> None:
    """A cell down to one card: find that card among the counted ones and write its guid and exact point."""
    size = cell_size(zoom)
    south, west = row * size - 90, col * size - 180
    margin = size / 1000
    query = MapPoint.select(MapPoint.guid, MapPoint.lat, MapPoint.lon).where(
        MapPoint.site == site.id, MapPoint.audience == audience, MapPoint.lat.between(south - margin, south + size + margin),
        MapPoint.lon.between(west - margin, west + size + margin))
    if theme:
        query = query.where(MapPoint.themes.contains(f"|{theme}|"))
    for guid, lat, lon in query.tuples():
        if cell_of(lat, lon, zoom) == (row, col):
            MapCell.update(guid=guid, sum_lat=lat, sum_lon=lon).where(
                MapCell.site == site.id, MapCell.theme == theme, MapCell.zoom == zoom, MapCell.audience == audience,
                MapCell.row == row, MapCell.col == col).execute()
            return


BUILT_SQL = "SELECT fingerprint FROM directory_map_grid WHERE site = ?"
_BOX = " WHERE site = ? AND theme = ? AND zoom = ? AND audience {} AND row BETWEEN ? AND ? AND col BETWEEN ? AND ?"
# several audiences (a member) are read together and a cell of both added up here: cheaper than the database's
# GROUP BY, which sorts the rows again
CELLS_SQL = "SELECT row, col, count, sum_lat, sum_lon, guid FROM directory_map_cell" + _BOX
CARDS_SQL = "SELECT COALESCE(SUM(count), 0) FROM directory_map_cell" + _BOX
COUNT_SQL = "SELECT COUNT(*) FROM (SELECT 1 FROM directory_map_cell" + _BOX + " LIMIT ?) AS cells"
COUNT_OF_SQL = "SELECT COUNT(*) FROM (SELECT 1 FROM directory_map_cell" + _BOX + " GROUP BY row, col) AS cells"


def read(sql: str, params: tuple) -> list[tuple]:
    """Rows of one of the map's hot queries, written by hand (a constant: nothing for peewee to compile per
    request, rows as the driver gives them) with the database's placeholder."""
    return database.execute_sql(sql.replace("?", database.param), params).fetchall()


def _box(sql: str, audiences: tuple[str, ...]) -> str:
    """``sql`` for ``audiences`` (names of :data:`AUDIENCES` only, written into it)."""
    if not set(audiences) <= set(AUDIENCES):
        raise ValueError(f"unknown audience in {audiences!r}")
    return sql.format("IN (" + ", ".join(f"'{a}'" for a in audiences) + ")")


def _range(site: SiteRuntime, theme: str, zoom: int, bbox) -> tuple:
    west, south, east, north = bbox
    (low_row, low_col), (high_row, high_col) = cell_of(south, west, zoom), cell_of(north, east, zoom)
    return (site.id, theme, zoom, low_row, high_row, low_col, high_col)


def cells(site: SiteRuntime, audiences: tuple[str, ...], theme: str, zoom: int,
          bbox: tuple[float, float, float, float]) -> dict[tuple[int, int], list]:
    """{(row, col): [count, sum of lat, sum of lon, guid or None]} of the grid's cells of ``audiences`` meeting
    ``bbox``; a cell in several audiences is added up (its lone card named only when the sum is one)."""
    rows = read(_box(CELLS_SQL, audiences), _range(site, theme, zoom, bbox))
    if len(audiences) == 1:
        return {(row, col): [count, slat, slon, guid] for row, col, count, slat, slon, guid in rows}
    found: dict[tuple[int, int], list] = {}
    for row, col, count, slat, slon, guid in rows:
        cell = found.get((row, col))
        if cell is None:
            found[(row, col)] = [count, slat, slon, guid]
        else:
            found[(row, col)] = [cell[0] + count, cell[1] + slat, cell[2] + slon, None]
    return found


def count_cells(site: SiteRuntime, audiences: tuple[str, ...], theme: str, zoom: int,
                bbox: tuple[float, float, float, float], above: int) -> int:
    """How many cells :func:`cells` would return, exactly when at most ``above``, else a number above it: what
    the map needs to know. Counted on the index, nothing read, and never more than ``above`` + 1 cells of an
    audience (a wide box at a fine zoom holds thousands: counting them all took 6 ms on PostgreSQL). For
    several audiences the cells of each are counted, and those of all of them together (a cell in two
    audiences is one) only when the two counts do not tell."""
    params = _range(site, theme, zoom, bbox)
    if len(audiences) == 1:
        return read(_box(COUNT_SQL, audiences), (*params, above + 1))[0][0]
    sql = "SELECT " + ", ".join(f"({_box(COUNT_SQL, (audience,))})" for audience in audiences)  # one round trip
    each = read(sql, tuple(value for _ in audiences for value in (*params, above + 1)))[0]
    if sum(each) <= above or max(each) > above:
        return sum(each)
    return read(_box(COUNT_OF_SQL, audiences), params)[0][0]


def cards_within(site: SiteRuntime, audiences: tuple[str, ...], theme: str, zoom: int,
                 bbox: tuple[float, float, float, float]) -> int:
    """How many cards of ``audiences`` lie in ``bbox``, or a few more: those of the cells at ``zoom`` that meet
    it. Read from the grid, it tells whether the cards themselves may be sent before reading them."""
    return read(_box(CARDS_SQL, audiences), _range(site, theme, zoom, bbox))[0][0]
