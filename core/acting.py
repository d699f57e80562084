"""Acting as: a member who manages an entity (an organisation, a group) acts under its name.

The core counts every entity the member ``manages``; plugins add identities through
``maillage_acting_identities(site, user)``. The chosen identity is kept in the session
and checked on every request (``core.auth.session_actor``); what the member then does
(follow, connect, post, comment) has that entity as its actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import access
from core.db import in_ids
from core.models import Account, Entity

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def identities(site: SiteRuntime, user: Account) -> list[Entity]:
    """The entities ``user`` may act as, besides themselves (no query for a member who manages
    nothing once the page has read their ties)."""
    managed = access.managed(user, site)
    found = {e.guid: e for e in Entity.select().where(
        in_ids(Entity.guid, sorted(managed)), Entity.deleted_at.is_null(), Entity.site == site.id)} if managed else {}
    for entity in site.call("maillage_acting_identities", site=site, user=user):
        found.setdefault(entity.guid, entity)
    found.pop(user.guid, None)
    return sorted(found.values(), key=lambda e: e.title.lower())


def can_act_as(site: SiteRuntime, user: Account, guid: int) -> bool:
    """True when ``user`` may act as entity ``guid``."""
    return guid in access.managed(user, site) or any(
        e.guid == guid for e in site.call("maillage_acting_identities", site=site, user=user))
