"""Featured items: what an animator pins to the home page (and digests), in order, until a date."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from peewee import fn

from core import access
from core.db import database, now
from core.i18n import gettext as _
from core.models import Entity
from plugins.animation.models import Featured

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

MAX_ITEMS = 12


class FeatureError(ValueError):
    """Why an item cannot be featured."""


def add(site: SiteRuntime, entity: Entity, until: dt.date | None) -> Featured:
    """Pin ``entity`` last (or move its end date if it is pinned already)."""
    if entity.access != "public" or entity.deleted_at is not None or entity.hidden:
        raise FeatureError(_("Only public items can be featured on the home page."))
    if until is not None and until < now().date():
        raise FeatureError(_("The end date is already past."))
    existing = Featured.get_or_none(Featured.site == site.id, Featured.entity == entity.guid)
    if existing:
        Featured.update(until=until).where(Featured.id == existing.id).execute()
        return existing
    if Featured.select().where(Featured.site == site.id).count() >= MAX_ITEMS:
        raise FeatureError(_("At most %(n)s items can be featured: remove one first.") % {"n": MAX_ITEMS})
    last = Featured.select(fn.MAX(Featured.position)).where(Featured.site == site.id).scalar() or 0
    return Featured.create(site=site.id, entity=entity.guid, position=last + 1, until=until, created=now())


def move(site: SiteRuntime, featured_id: int, step: int) -> None:
    """Swap an item with its neighbour above (``-1``) or below (``1``)."""
    rows = list(Featured.select().where(Featured.site == site.id).order_by(Featured.position, Featured.id))
    index = next((i for i, row in enumerate(rows) if row.id == featured_id), None)
    if index is None or not 0 <= index + step < len(rows):
        return
    rows[index], rows[index + step] = rows[index + step], rows[index]
    with database.atomic():
        for position, row in enumerate(rows, start=1):
            Featured.update(position=position).where(Featured.id == row.id).execute()


def remove(site: SiteRuntime, featured_id: int) -> None:
    """Unpin an item."""
    Featured.delete().where(Featured.site == site.id, Featured.id == featured_id).execute()


def all_items(site: SiteRuntime) -> list[Featured]:
    """Every pinned item of the site, in order, with its entity (for the animator's page)."""
    return list(Featured.select(Featured, Entity).join(Entity, on=(Featured.entity == Entity.guid))
                .where(Featured.site == site.id).order_by(Featured.position, Featured.id))


def shown(site: SiteRuntime, viewer) -> list[Entity]:
    """The pinned items of the home page: not expired, not trashed, visible to ``viewer`` (in SQL)."""
    today = now().date()
    return list(Entity.select().join(Featured, on=(Featured.entity == Entity.guid))
                .where(Featured.site == site.id, (Featured.until.is_null()) | (Featured.until >= today),
                       Entity.deleted_at.is_null(), access.visible(viewer, site))
                .order_by(Featured.position, Featured.id).limit(MAX_ITEMS))
