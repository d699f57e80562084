"""Who may write to whom.

The site chooses the widest rule (setting ``who_may_write``):

- ``anyone``: every member may write to every member, organisation and group;
- ``connections``: only to those who are connected to the sender, or whom the sender follows
  (the recipient's connections and followers);
- ``admins``: nobody but the administrators.

Each member (and each organisation or group, through its managers) may narrow it for
themselves (:class:`plugins.messages.models.Policy`), never widen it. Administrators may
always write. Blocks are respected both ways: between the sender identity, the person
behind it and the recipient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import access, entities, relationships
from core.db import prepared
from core.i18n import gettext_lazy as _l
from core.models import Account, Entity, Relationship
from plugins.messages.models import Policy

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

RULES = ("anyone", "connections", "admins")
RULE_LABELS = {
    "anyone": _l("Every member"),
    "connections": _l("Only my connections and my followers"),
    "admins": _l("Nobody but the administrators"),
}


def settings(site: SiteRuntime) -> dict:
    return site.plugin_settings("messages")


def site_rule(site: SiteRuntime) -> str:
    rule = settings(site).get("who_may_write") or "anyone"
    return rule if rule in RULES else "anyone"


def rule_for(site: SiteRuntime, guid: int) -> str:
    """The rule that applies to writing to ``guid``: the narrower of the site's and the recipient's."""
    mine = _policy.first(guid)
    site_level = RULES.index(site_rule(site))
    own = RULES.index(mine[0]) if mine is not None and mine[0] in RULES else 0
    return RULES[max(site_level, own)]


def set_rule(guid: int, who: str) -> None:
    assert who in RULES
    Policy.insert(member=guid, who=who).on_conflict(conflict_target=[Policy.member],
                                                    update={Policy.who: who}).execute()


@prepared
def _policy(guid: int):
    return Policy.select(Policy.who).where(Policy.member == guid).limit(1).tuples()


def has_readers(entity: Entity) -> bool:
    """A member, or an entity someone manages (an organisation, a group): someone can read what it gets."""
    if entity.kind == "user":
        return bool(_active_account(entity.guid))
    return bool(_managers(entity.guid))


@prepared
def _active_account(guid: int):
    return Account.select(Account.entity).where(Account.entity == guid, Account.state == "active").limit(1).tuples()


@prepared
def _managers(guid: int):
    return Relationship.select(Relationship.subject).where(
        Relationship.object == guid, Relationship.verb == "manages").limit(1).tuples()


def blocked_between(a: int, b: int) -> bool:
    """Does ``a`` block ``b`` or ``b`` block ``a``?"""
    return relationships.is_blocked(a, b) or relationships.is_blocked(b, a)


def may_send_as(site: SiteRuntime, user: Account, sender: int) -> bool:
    """The member may write as themselves or as an entity they manage (act as)."""
    from core import acting

    return sender == user.guid or acting.can_act_as(site, user, sender)


def may_write(site: SiteRuntime, user: Account | None, sender: int, recipient: Entity) -> bool:
    """May ``user``, writing as ``sender``, open a conversation with ``recipient``?"""
    if user is None or recipient.guid in (sender, user.guid) or recipient.deleted_at is not None:
        return False
    if recipient.site != site.id or not may_send_as(site, user, sender):
        return False
    if recipient.guid in access.managed(user, site):  # one's own organisation or group: nobody to write to
        return False
    if not access.can_see(user, site, recipient) or not has_readers(recipient):
        return False
    if blocked_between(sender, recipient.guid) or blocked_between(user.guid, recipient.guid):
        return False
    if user.is_admin:
        return True
    rule = rule_for(site, recipient.guid)
    if rule == "admins":
        return False
    if rule == "connections":
        return (relationships.has(recipient.guid, "connected", sender)
                or relationships.has(sender, "follows", recipient.guid))
    return True


def may_write_members(site: SiteRuntime, user: Account | None, sender: Entity) -> bool:
    """May ``user`` open a conversation with the members of ``sender`` (a group or organisation they run)?"""
    if user is None or sender.kind == "user" or sender.site != site.id:
        return False
    return entities.can(site, user, "messages.write_members", sender) and may_send_as(site, user, sender.guid)


def members_of(site: SiteRuntime, entity_guid: int) -> list[int]:
    """The members of a group or an organisation (relationships with the site's membership verbs)."""
    verbs = [v for v in site.membership_verbs if v != "manages"] or ["member_of"]
    rows = (Relationship.select(Relationship.subject).join(Account, on=(Account.entity == Relationship.subject))
            .where(Relationship.object == entity_guid, Relationship.verb.in_(verbs), Account.state == "active")
            .tuples())
    return sorted({guid for (guid,) in rows})


def followers_of(entity_guid: int) -> list[int]:
    rows = (Relationship.select(Relationship.subject).join(Account, on=(Account.entity == Relationship.subject))
            .where(Relationship.object == entity_guid, Relationship.verb == "follows", Account.state == "active")
            .tuples())
    return sorted({guid for (guid,) in rows})
