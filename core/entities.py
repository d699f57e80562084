"""Creating, changing, finding and checking permissions on entities.

Plugins create their entities here, then their own row keyed by the guid, in one
transaction::

    with database.atomic():
        entity = entities.create(site, "blog.post", owner=actor, title=title, access_level=access)
        Post.create(entity=entity, body=body)

Every change goes through this module (:func:`create`, :func:`update`, :func:`trash`,
:func:`restore`, :func:`delete`), which indexes it for search inside the transaction, right
before it commits (an entity is never committed without its search document), and announces it
with ``maillage_entity_changed`` right after the transaction commits (at once when no transaction
is open): listeners then read the entity and the plugin's row as they were saved. A change the
caller makes by other means (a bulk update) is announced with :func:`announce`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from peewee import JOIN

from core import access, relationships, search
from core.db import before_commit, database, now, read_as, selection
from core.models import ACCESS_LEVELS, Account, Activity, Entity

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

CHANGES = ("create", "update", "access", "trash", "restore", "delete")


@dataclass(frozen=True)
class Change:
    """What happened to an entity: ``action`` is one of :data:`CHANGES`; ``old_access`` is the
    access level before an ``"access"`` change (an update that changed the access level)."""

    action: str
    old_access: str | None = None


def announce(site: SiteRuntime, entity: Entity, action: str, old_access: str | None = None) -> Change:
    """Keep the search index up to date inside the current transaction, right before it commits
    (:func:`core.search.keep_up`: if indexing fails, nothing of the transaction is kept), then call
    ``maillage_entity_changed`` for ``entity`` once it has committed (both at once outside a
    transaction; neither when it rolls back)."""
    if action not in CHANGES:
        raise ValueError(f"unknown entity change {action!r}")
    change = Change(action, old_access)
    before_commit(lambda: search.keep_up(site, entity, change))
    database.after_commit(lambda: site.call("maillage_entity_changed", site=site, entity=entity, change=change))
    return change


class AccessLevelError(ValueError):
    """An unknown access level was given."""


def create(site: SiteRuntime, kind: str, owner: Entity | int | None, title: str = "",
           access_level: str | None = None, container: Entity | int | None = None) -> Entity:
    """Create an entity on ``site``; the access defaults to the site's default access.

    Announced as ``"create"`` after the transaction commits: create your own row in the same
    ``database.atomic()`` block, so listeners find it."""
    level = access_level or site.settings.get("default_access", "public")
    if level not in ACCESS_LEVELS:
        raise AccessLevelError(level)
    stamp = now()
    entity = Entity.create(site=site.id, kind=kind, owner=owner, container=container, access=level,
                           title=title[:300], created=stamp, updated=stamp)
    announce(site, entity, "create")
    return entity


def update(site: SiteRuntime, entity: Entity, **fields) -> Change:
    """Save ``fields`` of ``entity`` (``title``, ``access``, ``container``, ``owner``...), mark it
    modified now and announce it: ``"access"`` (with the old level) when the access level
    changed, else ``"update"``. Call it with no field after changing only your own row."""
    if "access" in fields and fields["access"] not in ACCESS_LEVELS:
        raise AccessLevelError(fields["access"])
    if "title" in fields:
        fields["title"] = (fields["title"] or "")[:300]
    old_access = entity.access
    for name, value in fields.items():
        setattr(entity, name, value)
    entity.touch()
    entity.save(only=[Entity.updated, *(getattr(Entity, name) for name in fields)])
    if entity.access != old_access:
        return announce(site, entity, "access", old_access)
    return announce(site, entity, "update")


def get_visible(site: SiteRuntime, viewer: Account | None, guid: int, kind: str | None = None) -> Entity | None:
    """The entity ``guid`` of ``site`` if ``viewer`` may see it (and it is of ``kind``), else None; its
    ``owner`` is read with it."""
    if not isinstance(guid, int) or not 0 < guid < 2**63:
        return None
    prefix, shape = selection(_entities)  # written by hand around the viewer's compiled access condition
    condition, params = access.visible_sql(viewer, site, {Entity: "t1"})
    sql = f'{prefix} WHERE "t1"."guid" = {guid} AND {condition}'
    if kind is not None:
        sql += f' AND "t1"."kind" = {database.param}'
        params = [*params, kind]
    rows = read_as(shape, sql + " LIMIT 1", params)
    return rows[0] if rows else None


def _entities():
    """An entity with its owner (the page shows the owner's name and picture), read in one query."""
    owner = Entity.alias()
    return Entity.select(Entity, owner).join(owner, JOIN.LEFT_OUTER, on=(Entity.owner == owner.guid))


def manages(user: Account | None, entity: Entity | int | None) -> bool:
    """True when ``user`` manages ``entity`` (has a ``manages`` relationship to it)."""
    if user is None or entity is None:
        return False
    guid = entity if isinstance(entity, int) else entity.guid
    return relationships.has(user.guid, "manages", guid)


def can(site: SiteRuntime, user: Account | None, action: str, entity: Entity | None = None) -> bool:
    """May ``user`` perform ``action`` on ``entity``? Plugins decide first (``maillage_permission``).

    A plugin's ``False`` denies, a ``True`` allows; with no opinion the core
    allows administrators, the entity's owner and whoever manages the entity
    or its owner (acting as an organisation), and refuses everyone else.
    """
    if user is None:
        return False
    votes = site.call("maillage_permission", site=site, user=user, action=action, entity=entity)
    if False in votes:
        return False
    if True in votes:
        return True
    if user.is_admin:
        return True
    if action == "moderate":
        return user.is_moderator
    if entity is None:
        return False
    if entity.owner_id == user.guid:
        return True
    return manages(user, entity) or (entity.owner_id is not None and manages(user, entity.owner_id))


def trash(site: SiteRuntime, entity: Entity) -> None:
    """Move ``entity`` to the trash (invisible everywhere, restorable for the site's trash period)."""
    entity.deleted_at = now()
    entity.save(only=[Entity.deleted_at])
    announce(site, entity, "trash")


def restore(site: SiteRuntime, entity: Entity) -> None:
    """Bring ``entity`` back from the trash."""
    entity.deleted_at = None
    entity.save(only=[Entity.deleted_at])
    announce(site, entity, "restore")


def delete(site: SiteRuntime, entity: Entity) -> None:
    """Remove ``entity`` for good with its comments and activity.

    Plugins free their files and rows first (``maillage_entity_deleted``, the rows still there);
    ``maillage_entity_changed`` then gets ``"delete"`` after the commit, with the entity as it was."""
    site.call("maillage_entity_deleted", site=site, entity=entity)
    with database.atomic():
        children = [e.guid for e in Entity.select(Entity.guid).where(Entity.container == entity.guid,
                                                                     Entity.kind == "comment")]
        for guid in children + [entity.guid]:
            Activity.delete().where(Activity.entity == guid).execute()
            Entity.delete().where(Entity.guid == guid).execute()
        announce(site, entity, "delete")


# --- whose name a reader may see (issue 19, point 4) ------------------------------------------------


def shown_ids(site: SiteRuntime, viewer: Account | None, found) -> set[int]:
    """Of the entities ``found`` (a group, an organisation: where an item was published, or who published
    it), the guids whose name and link ``viewer`` may see: members' names always, any other entity when the
    viewer may see it (one query for them all, kept for the request)."""
    from core import request_cache
    from core.db import in_ids

    others = sorted({e.guid for e in found if e is not None and e.kind != "user"})
    shown = {e.guid for e in found if e is not None and e.kind == "user"}
    if not others:
        return shown
    key = (viewer.guid if viewer is not None else None, tuple(others))
    visible = request_cache.remember("entities.shown", key, lambda: {guid for (guid,) in Entity.select(Entity.guid).where(
        in_ids(Entity.guid, others), Entity.site == site.id, access.visible(viewer, site)).tuples()})
    return shown | visible


def shown(site: SiteRuntime, viewer: Account | None, entity: Entity | None) -> Entity | None:
    """``entity`` if ``viewer`` may see its name and link, else None: THE check every surface (pages,
    feeds, calendars, exports, activity items, mails) makes before naming a container, an owner or an
    actor. A public post published in a hidden group, or by a hidden group's administrator acting as the
    group, must not give the group's name to visitors and non-members."""
    if entity is None:
        return None
    return entity if entity.guid in shown_ids(site, viewer, [entity]) else None


def as_seen_by(site: SiteRuntime, viewer: Account | None, entity: Entity | None) -> Entity | None:
    """``entity`` as ``viewer`` may name it: itself when :func:`shown`, else an unsaved stand-in titled with
    its kind's label ("Group") and linking nowhere, so templates render ``owner.title`` unchanged."""
    if entity is None or shown(site, viewer, entity) is not None:
        return entity
    kind = site.entity_kinds.get(entity.kind)
    return Entity(guid=None, site=site.id, kind="", title=str(kind.label) if kind else "—", access="public")
