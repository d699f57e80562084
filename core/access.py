"""Who may see what: one function builds the SQL condition every listing uses.

Access levels of an entity:

- ``public``: everyone, visitors included;
- ``members``: signed-in members of the site;
- ``connections``: the owner's mutual connections (a connected organisation's or group's
  managers among them);
- ``container``: members of the entity's container (a group, an organisation);
- ``private``: the owner and those who manage the owner or the entity.

The owner always sees their entity; administrators see everything; moderators
see everything but ``private``. A member the owner blocks sees only the
owner's ``public`` content. Trashed entities are invisible; hidden ones
(moderation) are seen only by their owner and moderators.

Never filter rows after fetching them: add :func:`visible` to the query, so
counts and pagination never reveal hidden rows::

    query = (Post.select(Post, Entity).join(Entity)
             .where(access.visible(viewer, site)))

Plugins extend the rule with SQL of their own: each ``maillage_visibility_sql`` answer is a
condition every visible entity must also meet, so a plugin's own access rule filters lists
and counts inside the query as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import SQL, ColumnBase, Expression, fn

from core import request_cache
from core.db import database, in_ids, prepared
from core.models import Account, Entity, Relationship

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

CORE_MEMBERSHIP_VERBS = ("manages",)


def _edge(subject, verb, obj) -> Expression:
    """EXISTS a relationship ``subject --verb--> obj`` (each side a column or a value; ``obj`` may
    also be a tuple of values)."""
    rel = Relationship.alias("visible_edge")  # named: the condition is compiled apart, then placed in queries
    verbs = [verb] if isinstance(verb, str) else list(verb)
    to = rel.object.in_(list(obj)) if isinstance(obj, tuple) else rel.object == obj
    return fn.EXISTS(rel.select(SQL("1")).where(rel.subject == subject, rel.verb.in_(verbs), to))


LIST_LIMIT = 500  # above this many ties of one sort, keep the subquery instead of a literal list


def _ties(me: int, verbs: tuple) -> dict[str, set[int]]:
    """The relationships a member's access depends on, read once per page: the containers they
    belong to, what they manage, who is connected to them or to an entity they manage (an
    organisation's connections share with its managers), and who blocks them."""
    return request_cache.remember("access.ties", (me, verbs), lambda: _read_ties(me, verbs))


def _read_ties(me: int, verbs: tuple) -> dict[str, set[int]]:
    rel = Relationship
    ties: dict[str, set[int]] = {"containers": set(), "managed": set(), "connected": set(), "blockers": set()}
    for subject, verb, obj in _direct_ties(me, verbs=verbs):
        if subject == me and verb in verbs:
            ties["containers"].add(obj)
            if verb == "manages":
                ties["managed"].add(obj)
        if obj == me and verb == "connected":
            ties["connected"].add(subject)
        elif obj == me and verb == "blocks":
            ties["blockers"].add(subject)
    if ties["managed"]:
        ties["connected"].update(subject for (subject,) in rel.select(rel.subject).where(
            in_ids(rel.object, sorted(ties["managed"])), rel.verb == "connected").tuples())
    return ties


@prepared
def _direct_ties(me: int, *, verbs: tuple):
    """The relationships from ``me`` by ``verbs`` and the connections and blocks to ``me``."""
    rel = Relationship
    return rel.select(rel.subject, rel.verb, rel.object).where(
        ((rel.subject == me) & rel.verb.in_(verbs))
        | ((rel.object == me) & rel.verb.in_(("connected", "blocks")))).tuples()


def containers(site: SiteRuntime, guid: int) -> set[int]:
    """The guids of the containers ``guid`` belongs to or manages (groups, organisations: the site's
    membership verbs and ``manages``), read once per page with the rest of its ties."""
    verbs = tuple(dict.fromkeys((*site.membership_verbs, *CORE_MEMBERSHIP_VERBS)))
    return _ties(guid, verbs)["containers"]


def managed(viewer: Account, site: SiteRuntime) -> set[int]:
    """The guids of the entities ``viewer`` manages (read with the rest of their ties, once per page)."""
    verbs = tuple(dict.fromkeys((*site.membership_verbs, *CORE_MEMBERSHIP_VERBS)))
    return _ties(viewer.guid, verbs)["managed"]


def _among(column, ids: set[int], edge: tuple) -> Expression:
    """``column IN (ids)`` as a literal list (cheap to build and to plan); when the list is long,
    the EXISTS subquery on ``edge`` (subject, verb, object) instead."""
    if len(ids) > LIST_LIMIT:
        return _edge(*edge)
    return in_ids(column, sorted(ids))


def visible(viewer: Account | None, site: SiteRuntime, entity=Entity) -> Expression:
    """The condition selecting the entities of ``site`` that ``viewer`` may see.

    ``site`` is the :class:`core.runtime.SiteRuntime` (its container membership verbs and its
    plugins' ``maillage_visibility_sql`` conditions take part); ``entity`` is the Entity model
    (or an alias of it) used in the query.

    A member's relationships (containers, managed entities, connections, blocks) are read
    first and written into the condition as short literal lists: the same rules as
    correlated subqueries, but a fraction of the time to build, plan and run. Within a page the
    condition is built once per viewer (:mod:`core.request_cache`).
    """
    if isinstance(site, str):
        raise TypeError("access.visible takes the site runtime (SiteRuntime), not the site's id")
    if entity is not Entity:
        return _with_plugins(viewer, site, entity)
    key = (viewer.guid if viewer else None, viewer.role if viewer else None, site.id, site.revision)
    return request_cache.remember("access.visible", key, lambda: _with_plugins(viewer, site, entity))


def _with_plugins(viewer: Account | None, site: SiteRuntime, entity) -> Expression:
    if entity is Entity:
        condition = _compiled(viewer, site.id, site.membership_verbs)
    else:
        condition = _visible(viewer, site.id, entity, site.membership_verbs)
    for extra in site.call("maillage_visibility_sql", site=site, viewer=viewer, entity=entity):
        condition = condition & extra
    return condition


def visible_sql(viewer: Account | None, site: SiteRuntime, aliases: dict) -> tuple[str, list]:
    """:func:`visible` as SQL text and its parameters, for a query written by hand (the feeds,
    :func:`core.entities.get_visible`): ``aliases`` names the tables of that query the condition
    refers to, ``{Entity: "t1"}``."""
    context = database.get_sql_context()
    for model, alias in aliases.items():
        context.alias_manager[model._meta.table] = alias
    context.alias_manager._counter = 100  # a plugin's subqueries get aliases of their own (t101...)
    return context.sql(visible(viewer, site)).query()


class _CompiledCondition(ColumnBase):
    """SQL compiled once, written about the entity table ``"__visible__"``: placed in a query, that name
    becomes the alias the query gave ``Entity`` (``t1``, ``t2``...)."""

    def __init__(self, sql: str, params: list):
        super().__init__()
        self.sql, self.params = sql, params

    def __sql__(self, ctx):
        alias = ctx.alias_manager.get(Entity._meta.table, any_depth=True)
        ctx.literal(self.sql.replace(_PLACEHOLDER, f'"{alias}"'))
        for param in self.params:
            ctx.value(param, False, add_param=False)
        return ctx


_PLACEHOLDER = '"__visible__"'
_COMPILED: dict[tuple, _CompiledCondition] = {}
COMPILED_KEPT = 4096  # viewers' conditions kept per worker (a few kilobytes each)


def _compiled(viewer: Account | None, site_id: str, membership_verbs) -> _CompiledCondition:
    """The core's condition for ``viewer``, compiled to SQL once per worker for the same ties.

    peewee took about 1.5 ms to compile it on every query of every page; what it depends on (the
    site, the viewer's guid and role, their ties read on this page, the database's dialect) is the
    key, so a changed tie is a new key and the next page compiles anew."""
    verbs = tuple(dict.fromkeys((*membership_verbs, *CORE_MEMBERSHIP_VERBS)))
    ties = _ties(viewer.guid, verbs) if viewer is not None and not viewer.is_admin else {}
    key = (type(database.obj), site_id, verbs, viewer.guid if viewer else None, viewer.role if viewer else None,
           *(tuple(sorted(ties[name])) for name in sorted(ties)))
    found = _COMPILED.get(key)
    if found is None:
        condition = _visible(viewer, site_id, Entity.alias("__visible__"), membership_verbs)
        sql, params = database.get_sql_context().sql(condition).query()
        if len(_COMPILED) >= COMPILED_KEPT:
            _COMPILED.clear()
        found = _COMPILED[key] = _CompiledCondition(sql, params)
    return found


def _visible(viewer: Account | None, site_id: str, entity, membership_verbs) -> Expression:
    live = (entity.site == site_id) & entity.deleted_at.is_null()
    if viewer is None:
        return live & (entity.access == "public") & (entity.hidden == False)  # noqa: E712
    if viewer.is_admin:
        return live
    me = viewer.guid
    verbs = tuple(dict.fromkeys((*membership_verbs, *CORE_MEMBERSHIP_VERBS)))
    ties = _ties(me, verbs)
    manages_owner = _among(entity.owner, ties["managed"], (me, "manages", entity.owner))
    if viewer.is_moderator:
        return live & ((entity.access != "private") | (entity.owner == me) | manages_owner)
    not_hidden = (entity.hidden == False) | (entity.owner == me)  # noqa: E712
    container = Entity.alias("visible_container")
    in_container = (
        _among(entity.container, ties["containers"], (me, verbs, entity.container))
        | fn.EXISTS(container.select(SQL("1")).where(container.guid == entity.container, container.owner == me))
    )
    restricted = (
        (entity.access == "members")
        | ((entity.access == "connections")
           & _among(entity.owner, ties["connected"], (entity.owner, "connected", (me, *sorted(ties["managed"])))))
        | ((entity.access == "container") & in_container)
        | manages_owner
        | _among(entity.guid, ties["managed"], (me, "manages", entity.guid))
    )
    if ties["blockers"]:
        restricted = restricted & ~_among(entity.owner, ties["blockers"], (entity.owner, "blocks", me))
    allowed = (entity.access == "public") | (entity.owner == me) | restricted
    return live & not_hidden & allowed


def can_see(viewer: Account | None, site: SiteRuntime, entity: Entity) -> bool:
    """True when ``viewer`` may see ``entity`` (one query, using the same rules as listings)."""
    condition, params = visible_sql(viewer, site, {Entity: "t1"})
    sql = f'SELECT 1 FROM "entity" AS "t1" WHERE "t1"."guid" = {int(entity.guid)} AND {condition} LIMIT 1'
    return database.execute_sql(sql, params).fetchone() is not None


def blocked(blocker_guid: int, blocked_guid: int) -> bool:
    """True when ``blocker_guid`` blocks ``blocked_guid``."""
    return Relationship.select().where(
        Relationship.subject == blocker_guid, Relationship.verb == "blocks", Relationship.object == blocked_guid
    ).exists()
