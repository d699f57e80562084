"""Creating, finding and checking permissions on entities.

Plugins create their entities here, then their own row keyed by the guid::

    entity = entities.create(site, "blog.post", owner=actor, title=title, access=access)
    Post.create(entity=entity, body=body)
"""

from __future__ import annotations

from core import access, relationships
from core.db import now
from core.models import ACCESS_LEVELS, Account, Entity


class AccessLevelError(ValueError):
    """An unknown access level was given."""


def create(site, kind: str, owner: Entity | int | None, title: str = "", access_level: str | None = None,
           container: Entity | int | None = None) -> Entity:
    """Create an entity on ``site``; the access defaults to the site's default access."""
    level = access_level or site.settings.get("default_access", "public")
    if level not in ACCESS_LEVELS:
        raise AccessLevelError(level)
    stamp = now()
    return Entity.create(site=site.id, kind=kind, owner=owner, container=container, access=level,
                         title=title[:300], created=stamp, updated=stamp)


def get_visible(site, viewer: Account | None, guid: int, kind: str | None = None) -> Entity | None:
    """The entity ``guid`` of ``site`` if ``viewer`` may see it (and it is of ``kind``), else None."""
    query = Entity.select().where(
        Entity.guid == guid,
        access.visible(viewer, site),
    )
    if kind is not None:
        query = query.where(Entity.kind == kind)
    return query.first()


def manages(user: Account | None, entity: Entity | int | None) -> bool:
    """True when ``user`` manages ``entity`` (has a ``manages`` relationship to it)."""
    if user is None or entity is None:
        return False
    guid = entity if isinstance(entity, int) else entity.guid
    return relationships.has(user.guid, "manages", guid)


def can(site, user: Account | None, action: str, entity: Entity | None = None) -> bool:
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


def trash(entity: Entity) -> None:
    """Move ``entity`` to the trash (invisible everywhere, restorable for the site's trash period)."""
    entity.deleted_at = now()
    entity.save(only=[Entity.deleted_at])


def restore(entity: Entity) -> None:
    """Bring ``entity`` back from the trash."""
    entity.deleted_at = None
    entity.save(only=[Entity.deleted_at])
