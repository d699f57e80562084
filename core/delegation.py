"""Delegation: administrators give a member rights over part of the site.

A delegation names a *scope*: a plugin or area (``"agenda"``, ``"blog"``,
``"moderation"``), optionally limited to one entity (a group, an organisation). The core
answers the ``maillage_permission`` hook with it: a member holding scope ``agenda`` may
do every ``agenda.*`` action (and edit agenda content), one holding ``groups`` on one
group may manage that group only. Plugins need nothing more than naming their actions
``<plugin>.<action>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee as pw

from core import request_cache
from core.db import BaseModel, now, prepared
from core.models import Account, Entity

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


class Delegation(BaseModel):
    """Rights of ``user`` over ``scope`` (and only over ``target`` when it is set)."""

    site = pw.CharField(max_length=64)
    user = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    scope = pw.CharField(max_length=100)
    target = pw.ForeignKeyField(Entity, null=True, on_delete="CASCADE", backref="+")
    created = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("user", "scope"), False),)


def scopes(site: SiteRuntime) -> list[tuple[str, str]]:
    """What can be delegated on ``site``, as ``(scope, label in the reader's language)``: moderation,
    then each enabled plugin by its label."""
    from core.i18n import current_language
    from core.i18n import gettext as _

    lang = current_language()
    found = [("moderation", _("Moderation (reports, hidden content)"))]
    found += sorted(((info.name, info.manifest_text(lang)[0]) for info in site.enabled), key=lambda s: s[1].lower())
    return found


def grant(site: SiteRuntime, user: Account, scope: str, target: Entity | int | None = None) -> Delegation:
    """Give ``user`` the rights of ``scope`` (on ``target`` only, if given)."""
    existing = Delegation.get_or_none(Delegation.site == site.id, Delegation.user == user.guid,
                                      Delegation.scope == scope, Delegation.target == target)
    request_cache.forget("delegation")
    return existing or Delegation.create(site=site.id, user=user.guid, scope=scope, target=target, created=now())


def revoke(delegation_id: int) -> None:
    """Take a delegation back."""
    Delegation.delete().where(Delegation.id == delegation_id).execute()
    request_cache.forget("delegation")


def of(site: SiteRuntime, user: Account) -> list[Delegation]:
    """The delegations ``user`` holds on ``site``."""
    return list(Delegation.select().where(Delegation.site == site.id, Delegation.user == user.guid))


def allows(site: SiteRuntime, user: Account, action: str, entity: Entity | None) -> bool:
    """True when a delegation of ``user`` covers ``action`` on ``entity``."""
    scope = action.split(".", 1)[0] if "." in action else None
    if scope is None and entity is not None:
        scope = entity.kind.split(".", 1)[0]
    if not scope:
        return False
    targets = {None} if entity is None else {None, entity.guid, entity.container_id}
    return any(held == scope and target in targets for held, target in _held(site.id, user.guid))


def any_held(user_column, site_id) -> pw.Node:
    """SQL for a query that reads members: does the member of ``user_column`` hold a delegation on
    ``site_id``? (``core.auth`` reads it with the session.)"""
    return pw.fn.EXISTS(Delegation.select(pw.SQL("1")).where(Delegation.user == user_column,
                                                             Delegation.site == site_id))


def none_held(site_id: str, user_guid: int) -> None:
    """Tell the request that the member holds no delegation on the site (read with their session):
    the permission checks of the page do not ask again."""
    request_cache.keep("delegation", (site_id, user_guid), [])


def _held(site_id: str, user_guid: int) -> list[tuple[str, int | None]]:
    """(scope, target) of every delegation the member holds, read once per page (most hold none)."""
    return request_cache.remember("delegation", (site_id, user_guid), lambda: _delegations(site_id, user_guid))


@prepared
def _delegations(site_id: str, user_guid: int):
    return Delegation.select(Delegation.scope, Delegation.target).where(
        Delegation.site == site_id, Delegation.user == user_guid).tuples()
