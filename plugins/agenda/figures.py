"""What the agenda adds to adoption dashboards: upcoming events nobody has answered yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import fn

from core import access
from core.db import now
from core.i18n import gettext_lazy as _l
from core.kinds import Figure
from core.models import Entity
from plugins.agenda.models import Event, Participation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def _lonely(site: SiteRuntime, viewer=None, restrict=False):
    query = (Entity.select().join(Event, on=(Event.entity == Entity.guid))
             .where(Entity.site == site.id, Entity.kind == "agenda.event", Entity.deleted_at.is_null(),
                    Event.start >= now(),
                    ~fn.EXISTS(Participation.select(Participation.id).where(Participation.event == Event.entity))))
    return query.where(access.visible(viewer, site)) if restrict else query


def count_without_participant(site: SiteRuntime, start, end):
    return _lonely(site).count()


def events_without_participant(site: SiteRuntime, viewer, limit=50):
    """Upcoming events with no participant that ``viewer`` may see, soonest first."""
    return list(_lonely(site, viewer, restrict=True).order_by(Event.start).limit(limit))


FIGURES = (
    Figure("agenda.without_participant", _l("Upcoming events with no participant yet"), count_without_participant,
           mode="level", good="down", names=events_without_participant),
)
