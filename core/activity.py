"""The activity stream ("river"): recording what happened, reading it with keyset pagination.

Plugins record an item when something worth telling happens::

    activity.record(site, actor=actor, verb="published", entity=entity)

Feeds apply :func:`core.access.visible` to the item's entity inside the SQL.
"""

from __future__ import annotations

from core import access
from core.db import now
from core.models import Account, Activity, Entity


def record(site, actor: Entity | int, verb: str, entity: Entity, container: Entity | int | None = None) -> Activity:
    """Add one item to the river: ``actor`` did ``verb`` to ``entity``."""
    if container is None:
        container = entity.container_id
    return Activity.create(site=site.id, actor=actor, verb=verb, entity=entity, container=container,
                           kind=entity.kind, access=entity.access, created=now())


def site_feed(site, viewer: Account | None, before: int | None = None, limit: int = 20, kinds=None):
    """The site-wide feed visible to ``viewer``, newest first, items older than id ``before``."""
    query = (Activity.select(Activity, Entity).join(Entity, on=(Activity.entity == Entity.guid))
             .where(Activity.site == site.id,
                    access.visible(viewer, site.id, membership_verbs=site.membership_verbs or ("member_of",)))
             .order_by(Activity.id.desc()).limit(limit))
    if before:
        query = query.where(Activity.id < before)
    if kinds:
        query = query.where(Activity.kind.in_(list(kinds)))
    return list(query)
