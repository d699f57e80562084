"""Reminders: participants going to an occurrence starting soon are told once (``agenda.reminder``).

Run by ``maillage agenda-reminders`` (hourly from cron or a systemd timer, beside send-digests).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core import notifications
from core.db import now
from core.models import Entity
from plugins.agenda.events import occurrences
from plugins.agenda.models import Event, Participation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def send_reminders(site: SiteRuntime, hours: int = 24) -> int:
    """Notify the participants of every occurrence starting within ``hours``; returns how many were told."""
    moment = now()
    horizon = moment + dt.timedelta(hours=hours)
    candidates = (Event.select(Event, Entity).join(Entity, on=(Event.entity == Entity.guid))
                  .where(Entity.site == site.id, Entity.deleted_at.is_null(), Event.cancelled == False,  # noqa: E712
                         Event.start < horizon,
                         ((Event.rrule == "") & (Event.start >= moment))
                         | ((Event.rrule != "") & (Event.last_end.is_null() | (Event.last_end > moment)))))
    told = 0
    for event in candidates:
        for occ in occurrences(event, moment, horizon, limit=5):
            if occ.start < moment or (event.reminded_until and occ.start <= event.reminded_until):
                continue
            going = [p.member_id for p in Participation.select().where(Participation.event == event.entity_id,
                                                                         Participation.status == "going")]
            updated = Event.update(reminded_until=occ.start).where(
                Event.entity == event.entity_id,
                Event.reminded_until.is_null() | (Event.reminded_until < occ.start)).execute()
            if updated and going:
                notifications.notify(site, "agenda.reminder", going, actor=event.entity.owner, entity=event.entity,
                                     text=event.entity.title)
                told += len(going)
    return told
