"""The activity stream ("river"): recording what happened, reading it with keyset pagination.

Plugins record an item when something worth telling happens::

    activity.record(site, actor=actor, verb="published", entity=entity)

Every feed joins the item's entity and applies :func:`core.access.visible` inside the
SQL, so a feed never shows (nor counts) what the viewer may not see, and keeps the kinds of
the site's enabled plugins in the same query (:func:`enabled_kinds`). Pages are read
newest first, ``before`` an item id (keyset pagination on indexed columns).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import PostgresqlDatabase, Select

from core import access
from core.db import database, now, prepared, read_as, selection
from core.models import Account, Activity, Entity, Relationship

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 20
FEW_SOURCES = 300  # below this many followed sources, the network feed reads per source


def record(site: SiteRuntime, actor: Entity | int, verb: str, entity: Entity,
           container: Entity | int | None = None) -> Activity:
    """Add one item to the river: ``actor`` did ``verb`` to ``entity``."""
    if container is None:
        container = entity.container_id
    return Activity.create(site=site.id, actor=actor, verb=verb, entity=entity, container=container,
                           kind=entity.kind, created=now())


def _read(site: SiteRuntime, viewer: Account | None, where: str, params: list, before: int | None, limit: int,
          kinds=None) -> list[Activity]:
    """Visible items matching ``where`` (SQL about ``t1``, the activity table, and ``t2``, its entity),
    newest first, as Activity rows with their ``entity``.

    The query is written by hand around the viewer's access condition (:func:`core.access.visible`,
    compiled once per worker for the same ties): peewee took longer to build and compile a feed's
    query than SQLite took to run it.
    """
    prefix, shape = selection(_items_and_entities)
    condition, condition_params = access.visible_sql(viewer, site, {Activity: "t1", Entity: "t2"})
    sql = [prefix, " WHERE ", condition, " AND (", where, ")"]
    if before:
        sql.append(f' AND "t1"."id" < {int(before)}')
    if kinds:  # a filter: one or a few kinds, sought through the (site, kind, id) index
        sql.append(' AND "t1"."kind" ' + _names_sql(enabled_kinds(site, kinds)))
    else:  # every enabled kind, checked on the joined entity: a long IN list on activity.kind would
        # lead the planner to the (site, kind, id) index and a sort of the whole river
        sql.append(' AND "t2"."kind" ' + _names_sql(enabled_kinds(site)))
    sql.append(f' ORDER BY "t1"."id" DESC LIMIT {int(limit)}')
    return read_as(shape, "".join(sql), [*condition_params, *params])


def _items_and_entities() -> Select:
    """``SELECT <item and entity columns> FROM activity t1 JOIN entity t2`` (see :func:`core.db.selection`)."""
    return Activity.select(Activity, Entity).join(Entity, on=(Activity.entity == Entity.guid))


def _ids_sql(column: str, ids) -> str:
    """``"t1"."<column>" IN (1, 2)`` with the integers inlined (``IN (NULL)``, nothing, when there are none)."""
    return f'"t1"."{column}" IN ({_numbers(ids)})'


def _numbers(ids) -> str:
    """``1,2,3`` for an SQL ``IN``: every id through ``int()``, so nothing but digits reaches the SQL;
    ``NULL`` (which matches nothing) for none."""
    return ",".join(str(int(i)) for i in ids) or "NULL"


def _names_sql(names: list[str]) -> str:
    """``IN ('a', 'b')`` with the kind names written into the SQL as quoted literals."""
    quoted = ",".join(_quoted(name) for name in names)
    return f"IN ({quoted})" if quoted else "IN (NULL)"


def _quoted(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _candidates(candidates: str) -> str:
    """The condition "the item is one of ``candidates``" (hand-written SQL of ids, joined by UNION).

    On SQLite one ``IN`` over the ``UNION`` (each id then sought by primary key); on PostgreSQL the
    ids are read first and given as a literal list, because its planner merged the subquery with a
    backward walk of the whole river (370 ms for a member following five sources)."""
    if isinstance(database.obj, PostgresqlDatabase):
        return _ids_sql("id", sorted({row[0] for row in database.execute_sql(candidates)}, reverse=True))
    return f'"t1"."id" IN ({candidates})'


def _newest_ids(column: str, ids, before: int | None, limit: int) -> str:
    """SQL of the ids of the newest ``limit`` items whose ``column`` (actor_id, container_id) is one of
    ``ids``, through that column's (column, id) index, written by hand with the integers inlined."""
    numbers = _numbers(ids)
    older = f" AND id < {int(before)}" if before else ""
    return (f"SELECT id FROM (SELECT id FROM activity WHERE {column} IN ({numbers}){older} "
            f"ORDER BY id DESC LIMIT {int(limit)}) AS newest_{column}")


def enabled_kinds(site: SiteRuntime, kinds=None, capability: str = "in_activity") -> list[str]:
    """The kinds of the site's enabled plugins (and the core's) declaring ``capability``
    (``in_activity`` for feeds, ``searchable`` for search), among ``kinds`` when given.

    Feeds and search put this list in their SQL: a disabled plugin's items vanish from a page
    without being fetched, so a page of 20 still shows 20 items."""
    enabled = sorted(name for name, kind in site.entity_kinds.items() if getattr(kind, capability))
    return enabled if not kinds else [k for k in enabled if k in set(kinds)] or ["__none__"]


def site_feed(site: SiteRuntime, viewer: Account | None, before: int | None = None, limit: int = PAGE,
              kinds=None) -> list:
    """Everything visible to ``viewer`` on the site, newest first.

    The walk down the river stops after its newest ``limit * 25`` items: when they do not fill the
    page (a disabled plugin's items, or ones the viewer may not see, came last), the rest is taken
    from the newest older items of each shown kind, through the (site, kind, id) index. Without
    that bound a page of a river whose newest 100,000 items are hidden read all of them.
    """
    on_site = f'"t1"."site" = {database.param}'
    if kinds:  # a filter: walks the (site, kind, id) index of those kinds
        return _read(site, viewer, on_site, [site.id], before, limit, kinds)
    window = limit * 25
    older = f" AND id < {int(before)}" if before else ""
    bound = database.execute_sql(  # the oldest item of the window; None for a shorter river
        f"SELECT id FROM activity WHERE site = {database.param}{older} ORDER BY id DESC LIMIT 1 OFFSET {window - 1}",
        (site.id,)).fetchone()
    if bound is None:
        return _read(site, viewer, on_site, [site.id], before, limit)
    rows = _read(site, viewer, f'{on_site} AND "t1"."id" >= {int(bound[0])}', [site.id], before, limit)
    if len(rows) == limit:
        return rows
    candidates = " UNION ".join(
        f"SELECT id FROM (SELECT id FROM activity WHERE site = {_quoted(site.id)} AND kind = {_quoted(kind)}"
        f" AND id < {int(bound[0])} ORDER BY id DESC LIMIT {window}) AS newest{n}"
        for n, kind in enumerate(enabled_kinds(site)))
    # (no "before": the candidates are older than the bound, and "id < bound" beside them led SQLite
    # to walk the primary key down from the bound instead of seeking each candidate)
    return rows + _read(site, viewer, _candidates(candidates), [], None, limit - len(rows)) if candidates else rows


def network_feed(site: SiteRuntime, viewer: Account, actor_guid: int | None = None, before: int | None = None,
                 limit: int = PAGE, kinds=None, groups_only: bool = False) -> list:
    """What ``actor_guid`` (the viewer or who they act as) follows or is connected to, and their groups.

    Written as a filter on indexed columns (``activity.actor`` and ``activity.container``
    against the relationship index), so a member following thousands stays fast.
    """
    me = actor_guid or viewer.guid
    groups = sorted(access.containers(site, me))  # read once per page with the rest of the ties
    if groups_only:
        return _read(site, viewer, _ids_sql("container_id", groups), [], before, limit, kinds)
    sources = [guid for (guid,) in _sources(me, FEW_SOURCES + 1)]  # enough to choose the way
    if len(sources) > FEW_SOURCES:
        # many sources: walk the river from the newest item, most rows match quickly. "+ 0"
        # keeps the planner on the (site, id) index: with statistics, SQLite would otherwise
        # gather every item of thousands of sources through the actor index, then sort them.
        numbers = _numbers(groups)
        where = (f'"t1"."actor_id" + 0 IN (SELECT "object_id" FROM "relationship" WHERE "subject_id" = {int(me)} '
                 f"AND \"verb\" IN ('follows', 'connected')) OR \"t1\".\"container_id\" + 0 IN ({numbers}) "
                 f'OR "t1"."actor_id" + 0 = {int(me)}')
        return _read(site, viewer, where, [], before, limit, kinds)
    # few sources: take the newest items of each source through the (actor, id) and
    # (container, id) indexes, then apply access and the page limit to that short list
    # (one OR over both columns made SQLite scan the whole river: each side has its own subquery).
    candidates = _newest_ids("actor_id", [*sources, me], before, limit * 25)
    if groups:  # a literal list: SQLite seeks the index for each
        candidates += " UNION " + _newest_ids("container_id", groups, before, limit * 25)
    return _read(site, viewer, _candidates(candidates), [], before, limit, kinds)


@prepared
def _sources(me: int, limit: int):
    """The guids ``me`` follows or is connected to (at most ``limit``)."""
    return (Relationship.select(Relationship.object)
            .where(Relationship.subject == me, Relationship.verb.in_(["follows", "connected"])).limit(limit).tuples())


@prepared
def _entities(*guids: int):
    """The entities ``guids`` (compiled once per number of guids)."""
    return Entity.select().where(Entity.guid.in_(guids))


def entity_feed(site: SiteRuntime, viewer: Account | None, guid: int, before: int | None = None, limit: int = PAGE,
                kinds=None) -> list:
    """What one member or organisation did, and what happened inside one container (group, card)."""
    # the newest ids through each index, so a quiet member costs as little as a busy one
    candidates = (_newest_ids("actor_id", [guid], before, limit * 25) + " UNION "
                  + _newest_ids("container_id", [guid], before, limit * 25))
    return _read(site, viewer, _candidates(candidates), [], before, limit, kinds)


def items(site: SiteRuntime, rows: list, viewer: Account | None = None) -> list[dict]:
    """The context each activity template gets: the item, its entity, the entity's URL and kind.

    The items' actors are read in one query (templates show ``item.actor``; one query per item
    cost a feed page twenty round trips). An actor ``viewer`` may not see (a hidden group whose
    administrator acted as the group) is replaced by an unnamed stand-in
    (:func:`core.entities.as_seen_by`); ``viewer`` None reads as a visitor."""
    from core import entities

    actor_ids = {row.actor_id for row in rows}
    actors = {e.guid: e for e in _entities(*actor_ids)} if actor_ids else {}
    named = entities.shown_ids(site, viewer, actors.values())
    if actors:
        from core import entity_images

        # the feed's pictures in one query per plugin (none for an actor the viewer may not see)
        entity_images.prime(site, [a for a in actors.values() if a.guid in named], 40)
    result = []
    for row in rows:
        if row.actor_id in actors:
            actor = actors[row.actor_id]
            row.actor = actor if actor.guid in named else entities.as_seen_by(site, viewer, actor)
        kind = site.entity_kinds[row.kind]  # the query kept the enabled kinds only
        try:
            url = kind.url(row.entity)
        except Exception:
            url = "/"
        result.append({"item": row, "entity": row.entity, "url": url, "kind": kind,
                       "template": kind.activity_template})
    return result


def filters(site: SiteRuntime) -> list[tuple[str, str]]:
    """The feed filters offered: everything, posts only, my groups, then one per kind with a feed filter."""
    from core.i18n import gettext as _

    result = [("", _("Everything")), ("posts", _("Posts only")), ("groups", _("My groups"))]
    result += [(k.name, str(k.plural or k.label)) for k in site.entity_kinds.values() if k.feed_filter]
    return result


def kinds_for(site: SiteRuntime, choice: str) -> list[str] | None:
    """The kinds a filter keeps (None: all)."""
    if choice == "posts":
        return [k.name for k in site.entity_kinds.values() if k.feed_filter == "post"] or ["__none__"]
    if choice in site.entity_kinds:
        return [choice]
    return None


