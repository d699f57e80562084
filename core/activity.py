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

from peewee import SQL, NodeList, PostgresqlDatabase, Select

from core import access
from core.db import database, in_ids, now
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


def _base(site: SiteRuntime, viewer: Account | None, before: int | None, limit: int, kinds=None, ids=None):
    """Visible items, newest first; ``ids`` (subqueries of candidate ids) restrict them to a short list.

    With candidates, the query starts from their ids instead of walking the site's river: on
    SQLite one ``IN`` over a ``UNION`` of the subqueries (each id then sought by primary key);
    on PostgreSQL the ids are read first and given as a literal list, because its planner
    merged the subquery with a backward walk of the whole river (370 ms for a member
    following five sources).
    """
    query = (Activity.select(Activity, Entity).join(Entity, on=(Activity.entity == Entity.guid))
             .where(access.visible(viewer, site))
             .order_by(Activity.id.desc()).limit(limit))
    parts = ids if isinstance(ids, tuple) else (ids,)
    if ids is None:
        query = query.where(Activity.site == site.id)
    elif isinstance(ids, str):  # candidates written by hand (_newest_ids, joined by UNION)
        if isinstance(database.obj, PostgresqlDatabase):
            query = query.where(in_ids(Activity.id, sorted({row[0] for row in database.execute_sql(ids)}, reverse=True)))
        else:
            query = query.where(NodeList((Activity.id, SQL(f"IN ({ids})"))))
    elif isinstance(database.obj, PostgresqlDatabase):
        candidates = sorted({row[0] for part in parts for row in part.tuples()}, reverse=True)
        query = query.where(Activity.id.in_(candidates))
    else:
        candidates = None
        for n, part in enumerate(parts):
            sub = part.alias(f"candidates{n}")
            wrapped = Select([sub], [sub.c.id])
            candidates = wrapped if candidates is None else candidates | wrapped
        query = query.where(Activity.id.in_(candidates))
    if before:
        query = query.where(Activity.id < before)
    if kinds:  # a filter: one or a few kinds, sought through the (site, kind, id) index
        return query.where(_among_names(Activity.kind, enabled_kinds(site, kinds)))
    # every enabled kind, checked on the joined entity: a long IN list on activity.kind would
    # lead the planner to the (site, kind, id) index and a sort of the whole river
    return query.where(_among_names(Entity.kind, enabled_kinds(site)))


def _among_names(column, names: list[str]):
    """``column IN ('a', 'b')`` with the kind names written into the SQL as quoted literals: a bound
    parameter per name cost the feed's compilation about 5 µs apiece, twenty-odd on every page."""
    quoted = ",".join(_quoted(name) for name in names)
    return NodeList((column, SQL(f"IN ({quoted})"))) if quoted else SQL("0 = 1")


def _quoted(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _newest_ids(column: str, ids, before: int | None, limit: int) -> str:
    """SQL of the ids of the newest ``limit`` items whose ``column`` (actor_id, container_id) is one of
    ``ids``, through that column's (column, id) index, written by hand with the integers inlined."""
    numbers = ",".join(str(int(i)) for i in ids) or "NULL"
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
    if kinds:  # a filter: walks the (site, kind, id) index of those kinds
        return list(_base(site, viewer, before, limit, kinds))
    window = limit * 25
    older = f" AND id < {int(before)}" if before else ""
    bound = database.execute_sql(  # the oldest item of the window; None for a shorter river
        f"SELECT id FROM activity WHERE site = {database.param}{older} ORDER BY id DESC LIMIT 1 OFFSET {window - 1}",
        (site.id,)).fetchone()
    if bound is None:
        return list(_base(site, viewer, before, limit))
    rows = list(_base(site, viewer, before, limit).where(Activity.id >= bound[0]))
    if len(rows) == limit:
        return rows
    candidates = " UNION ".join(
        f"SELECT id FROM (SELECT id FROM activity WHERE site = {_quoted(site.id)} AND kind = {_quoted(kind)}"
        f" AND id < {int(bound[0])} ORDER BY id DESC LIMIT {window}) AS newest{n}"
        for n, kind in enumerate(enabled_kinds(site)))
    # (no "before": the candidates are older than the bound, and "id < bound" beside them led SQLite
    # to walk the primary key down from the bound instead of seeking each candidate)
    return rows + list(_base(site, viewer, None, limit - len(rows), ids=candidates)) if candidates else rows


def network_feed(site: SiteRuntime, viewer: Account, actor_guid: int | None = None, before: int | None = None,
                 limit: int = PAGE, kinds=None, groups_only: bool = False) -> list:
    """What ``actor_guid`` (the viewer or who they act as) follows or is connected to, and their groups.

    Written as a filter on indexed columns (``activity.actor`` and ``activity.container``
    against the relationship index), so a member following thousands stays fast.
    """
    me = actor_guid or viewer.guid
    groups = sorted(access.containers(site, me))  # read once per page with the rest of the ties
    query = _base(site, viewer, before, limit, kinds)
    if groups_only:
        return list(query.where(in_ids(Activity.container, groups)))
    followed = Relationship.select(Relationship.object).where(
        Relationship.subject == me, Relationship.verb.in_(["follows", "connected"]))
    sources = [guid for (guid,) in followed.limit(FEW_SOURCES + 1).tuples()]  # enough to choose the way
    if len(sources) > FEW_SOURCES:
        # many sources: walk the river from the newest item, most rows match quickly. "+ 0"
        # keeps the planner on the (site, id) index: with statistics, SQLite would otherwise
        # gather every item of thousands of sources through the actor index, then sort them.
        actor, container = Activity.actor + 0, Activity.container + 0
        return list(query.where(actor.in_(followed) | in_ids(container, groups) | (actor == me)))
    # few sources: take the newest items of each source through the (actor, id) and
    # (container, id) indexes, then apply access and the page limit to that short list
    # (one OR over both columns made SQLite scan the whole river: each side has its own subquery).
    # The candidates are written by hand, their ids inlined: peewee compiled them anew on each page.
    candidates = _newest_ids("actor_id", [*sources, me], before, limit * 25)
    if groups:  # a literal list: SQLite seeks the index for each
        candidates += " UNION " + _newest_ids("container_id", groups, before, limit * 25)
    return list(_base(site, viewer, before, limit, kinds, ids=candidates))


def entity_feed(site: SiteRuntime, viewer: Account | None, guid: int, before: int | None = None, limit: int = PAGE,
                kinds=None) -> list:
    """What one member or organisation did, and what happened inside one container (group, card)."""
    # the newest ids through each index, so a quiet member costs as little as a busy one
    by_actor, inside = Activity.alias(), Activity.alias()
    mine = by_actor.select(by_actor.id).where(by_actor.actor == guid).order_by(by_actor.id.desc()).limit(limit * 25)
    within = inside.select(inside.id).where(inside.container == guid).order_by(inside.id.desc()).limit(limit * 25)
    if before:
        mine, within = mine.where(by_actor.id < before), within.where(inside.id < before)
    return list(_base(site, viewer, before, limit, kinds, ids=(mine, within)))


def items(site: SiteRuntime, rows: list, viewer: Account | None = None) -> list[dict]:
    """The context each activity template gets: the item, its entity, the entity's URL and kind.

    The items' actors are read in one query (templates show ``item.actor``; one query per item
    cost a feed page twenty round trips). An actor ``viewer`` may not see (a hidden group whose
    administrator acted as the group) is replaced by an unnamed stand-in
    (:func:`core.entities.as_seen_by`); ``viewer`` None reads as a visitor."""
    from core import entities

    actor_ids = {row.actor_id for row in rows}
    actors = {e.guid: e for e in Entity.select().where(Entity.guid.in_(actor_ids))} if actor_ids else {}
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


