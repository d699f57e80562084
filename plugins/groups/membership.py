"""Group membership and roles, kept as relationships so core.access counts them.

``member_of`` makes a member (access "container"), ``manages`` a group administrator
(who may also act as the group), ``groups.requested`` a pending request,
``groups.invited`` an invitation, ``groups.banned`` a ban.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import relationships, request_cache
from core.db import prepared
from core.models import Account, Entity, Relationship
from plugins.groups.models import Group

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

MEMBER, ADMIN, REQUESTED, INVITED, BANNED = "member_of", "manages", "groups.requested", "groups.invited", "groups.banned"
PAGE = 50


has = relationships.has  # a member's relationship to a group (member_of, requested, invited, banned, manages)
add = relationships.add
remove = relationships.remove  # one verb or several: remove(user_guid, (REQUESTED, INVITED), group_guid)


def verbs(user_guid: int, group_guid: int) -> frozenset[str]:
    """Every relationship a member has to a group, read once per page (the checks below share it)."""
    return frozenset(verb for subject, verb, _object in relationships.between(user_guid, group_guid)
                     if subject == user_guid)


def _runs_owner(user: Account, group: Entity) -> bool:
    """True when the group belongs to an entity ``user`` manages (a group created acting as an organisation)."""
    return bool(group.owner_id) and group.owner_id != user.guid and ADMIN in verbs(user.guid, group.owner_id)


def is_member(user: Account | None, group: Entity) -> bool:
    return user is not None and (group.owner_id == user.guid or MEMBER in verbs(user.guid, group.guid)
                                 or _runs_owner(user, group))


def is_admin(user: Account | None, group: Entity) -> bool:
    """Owner (or a manager of the owning organisation), group administrators (``manages``) and site
    administrators."""
    if user is None:
        return False
    return (user.is_admin or group.owner_id == user.guid or ADMIN in verbs(user.guid, group.guid)
            or _runs_owner(user, group))


def state(user: Account | None, group: Entity) -> str:
    """``admin``, ``member``, ``requested``, ``invited``, ``banned`` or ``none``."""
    if user is None:
        return "none"
    verbs_ = verbs(user.guid, group.guid)
    if BANNED in verbs_:
        return "banned"
    if group.owner_id == user.guid or ADMIN in verbs_ or _runs_owner(user, group):
        return "admin"
    for verb, name in ((MEMBER, "member"), (REQUESTED, "requested"), (INVITED, "invited")):
        if verb in verbs_:
            return name
    return "none"


def join(site: SiteRuntime, user: Account, group: Entity, mode: str) -> str:
    """Join an open group, accept an invitation, or ask to join; return the new state."""
    current = state(user, group)
    if current in ("banned", "admin", "member"):
        return current
    if mode == "open" or current == "invited":
        remove(user.guid, (REQUESTED, INVITED), group.guid)
        add(site, user.guid, MEMBER, group.guid)
        return "member"
    if mode == "request":
        add(site, user.guid, REQUESTED, group.guid)
        return "requested"
    return "none"  # invitation only


def approve(site: SiteRuntime, user_guid: int, group: Entity) -> None:
    remove(user_guid, REQUESTED, group.guid)
    add(site, user_guid, MEMBER, group.guid)


def leave(user_guid: int, group: Entity) -> None:
    remove(user_guid, (MEMBER, ADMIN, REQUESTED, INVITED), group.guid)


def ban(site: SiteRuntime, user_guid: int, group: Entity) -> None:
    leave(user_guid, group)
    add(site, user_guid, BANNED, group.guid)


def members(group_guid: int, verb: str = MEMBER, after: str | None = None, limit: int = PAGE) -> list[Entity]:
    """Members (or requests, invitations, bans) of a group, by name."""
    query = (Entity.select().join(Relationship, on=(Relationship.subject == Entity.guid))
             .where(Relationship.object == group_guid, Relationship.verb == verb, Entity.deleted_at.is_null())
             .order_by(Entity.title, Entity.guid).limit(limit))
    return list(query)


def member_guids(group: Entity) -> list[int]:
    rows = Relationship.select(Relationship.subject).where(Relationship.object == group.guid,
                                                          Relationship.verb.in_([MEMBER, ADMIN]))
    guids = {r.subject_id for r in rows}
    if group.owner_id:
        guids.add(group.owner_id)
    return sorted(guids)


def count(group_guid: int, verb: str = MEMBER) -> int:
    return Relationship.select().where(Relationship.object == group_guid, Relationship.verb == verb).count()


def my_groups(site: SiteRuntime, user_guid: int, verbs=(MEMBER, ADMIN)) -> list[Entity]:
    """The groups of a member (or, with ``verbs=[INVITED]``, those they are invited to)."""
    return list(Entity.select().join(Relationship, on=(Relationship.object == Entity.guid))
                .where(Relationship.subject == user_guid, Relationship.verb.in_(list(verbs)),
                       Entity.kind == "groups.group", Entity.site == site.id, Entity.deleted_at.is_null())
                .order_by(Entity.title).distinct())


def can_create(site: SiteRuntime, user: Account | None) -> bool:
    if user is None:
        return False
    who = site.plugin_settings("groups").get("who_can_create", "everyone")
    return user.is_admin or who == "everyone" or (who == "moderators" and user.is_moderator)


def tools(site: SiteRuntime, group: Entity, disabled=()) -> list:
    """The content tabs the site's plugins offer in this group: [(MenuItem, enabled)]."""
    items = sorted(site.call("maillage_container_tools", site=site, container=group),
                   key=lambda m: (m.order, str(m.label)))
    return [(item, item.name not in disabled) for item in items]


def row(group_guid: int):
    """The group's own row (description, membership mode, tools), read once per page; None if missing."""
    return request_cache.remember("groups.row", group_guid, lambda: _row.first(group_guid))


@prepared
def _row(group_guid: int):
    return Group.select().where(Group.entity == group_guid).limit(1)


def tool_enabled(group_guid: int, plugin: str) -> bool:
    found = row(group_guid)
    return found is not None and plugin not in (found.disabled_tools or [])


