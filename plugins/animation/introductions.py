"""Introductions: an animator tells two members or organisations why they should meet.

Both are told ("X vous présente Y"), each sees the other's card or profile from the
introduction's page and connects in one click; the dashboard counts introductions and how
many became connections.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from peewee import JOIN

from core import access, notifications, relationships
from core.db import database, now
from core.i18n import gettext as _
from core.models import Entity, Relationship
from plugins.animation.models import Introduction

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PARTIES = ("user", "directory.organisation")


class IntroductionError(ValueError):
    """A reason, for the animator, why the introduction cannot be made."""


def guid_in(text: str) -> int | None:
    """The entity number in a page address ("https://…/directory/12", "/members/3") or a bare number."""
    text = (text or "").strip()
    if text.isdigit():
        return int(text) if len(text) < 12 else None
    if "/" not in text:
        return None
    found = re.search(r"/(\d{1,11})(?:\D|$)", urlsplit(text).path)
    return int(found.group(1)) if found else None


def resolve(site: SiteRuntime, viewer, text: str) -> Entity:
    """The member or organisation ``text`` names: a page address, a number, or an exact name."""
    text = (text or "").strip()
    if not text:
        raise IntroductionError(_("Name both members or organisations."))
    query = Entity.select().where(Entity.site == site.id, Entity.kind.in_(PARTIES), Entity.deleted_at.is_null(),
                                  access.visible(viewer, site))
    guid = guid_in(text)
    if guid is not None:
        found = list(query.where(Entity.guid == guid).limit(1))
    elif text.isdigit() or "/" in text:
        found = []
    else:
        found = list(query.where(Entity.title ** text).limit(2))
    if len(found) != 1:
        raise IntroductionError(_("“%(text)s” names no member or organisation you can see, or several: paste the "
                                  "address of their page.") % {"text": text[:80]})
    return found[0]


def introduce(site: SiteRuntime, animator, first: Entity, second: Entity, message: str) -> Introduction:
    """Record the introduction and tell both sides (an organisation's managers for an organisation)."""
    if first.guid == second.guid:
        raise IntroductionError(_("Choose two different members or organisations."))
    if relationships.is_blocked(first.guid, second.guid) or relationships.is_blocked(second.guid, first.guid):
        raise IntroductionError(_("One of them blocks the other: they cannot be introduced."))
    message = message.strip()[:2000]
    with database.atomic():
        row = Introduction.create(site=site.id, animator=animator.guid, first=first.guid, second=second.guid,
                                  message=message, created=now())
    for recipient, other in ((first, second), (second, first)):
        text = _("%(animator)s introduces you to %(other)s: %(message)s") % {
            "animator": animator.name, "other": other.title, "message": message}
        notifications.notify(site, "animation.introduction", [recipient.guid], actor=animator.entity,
                             entity=other, text=text)
    return row


def visible_to(site: SiteRuntime, viewer, introduction_id: int, animator: bool = False) -> Introduction | None:
    """The introduction if ``viewer`` made it, is one side of it or manages one side, or is an
    ``animator`` (who sees every introduction of the site)."""
    row = Introduction.get_or_none(Introduction.id == introduction_id, Introduction.site == site.id)
    if row is None or viewer is None:
        return None
    mine = {viewer.guid} | access.managed(viewer, site)
    if animator or row.animator_id == viewer.guid or row.first_id in mine or row.second_id in mine:
        return row
    return None


def my_side(site: SiteRuntime, viewer, row: Introduction) -> tuple[Entity, Entity] | None:
    """``(the side the viewer is or manages, the other side)``, or None for the animator alone."""
    mine = {viewer.guid} | access.managed(viewer, site)
    if row.first_id in mine:
        return row.first, row.second
    if row.second_id in mine:
        return row.second, row.first
    return None


def connect(site: SiteRuntime, viewer, row: Introduction) -> str:
    """Ask the other side to connect (or accept their request): one click from the introduction."""
    side = my_side(site, viewer, row)
    if side is None:
        raise IntroductionError(_("Only the members introduced can connect from here."))
    mine, other = side
    state = relationships.request_connection(site, mine.guid, other.guid)
    if state == "connected":
        Introduction.update(connected=now()).where(Introduction.id == row.id,
                                                   Introduction.connected.is_null()).execute()
    return state


def summary(site: SiteRuntime, start, end) -> dict:
    """Introductions made in ``[start, end)`` and how many of them are connected now."""
    link = Relationship.alias()
    rows = (Introduction.select(Introduction.id, link.id)
            .join(link, JOIN.LEFT_OUTER, on=((link.subject == Introduction.first) & (link.verb == "connected")
                                              & (link.object == Introduction.second)))
            .where(Introduction.site == site.id, Introduction.created >= start, Introduction.created < end)
            .tuples())
    made = connected = 0
    for _id, link_id in rows:
        made += 1
        connected += link_id is not None
    return {"made": made, "connected": connected}


def recent(site: SiteRuntime, limit: int = 20) -> list[Introduction]:
    """The latest introductions of the site, newest first."""
    return list(Introduction.select().where(Introduction.site == site.id)
                .order_by(Introduction.id.desc()).limit(limit))
