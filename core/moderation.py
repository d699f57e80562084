"""Reports, the moderation queue and the trash.

- Any member reports an entity or a comment with a reason; moderators see the queue,
  hide the content (``Entity.hidden``: then only its author and moderators see it) or
  restore it, or dismiss the report; the reporter is told.
- Deleting moves content to the trash (``Entity.deleted_at``): invisible everywhere,
  restorable by its owner or an administrator for ``trash_days`` (site setting);
  ``maillage purge`` removes what is older, after plugins freed their files
  (``maillage_entity_deleted``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import peewee as pw

from core import entities, notifications
from core.db import BaseModel, database, now
from core.models import Account, Entity

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


class Report(BaseModel):
    """A member's report about an entity, and what moderators decided."""

    site = pw.CharField(max_length=64)
    reporter = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    entity = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    reason = pw.TextField()
    created = pw.DateTimeField(default=now)
    resolved = pw.DateTimeField(null=True)
    resolution = pw.CharField(max_length=20, default="")
    moderator = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        indexes = ((("site", "resolved"), False),)


def report(site: SiteRuntime, reporter: Account, entity: Entity, reason: str) -> Report:
    """Record a report (one open report per member and entity)."""
    existing = Report.get_or_none(Report.reporter == reporter.guid, Report.entity == entity.guid,
                                  Report.resolved.is_null())
    return existing or Report.create(site=site.id, reporter=reporter.guid, entity=entity.guid,
                                     reason=reason.strip()[:2000], created=now())


def queue(site: SiteRuntime, limit: int = 100) -> list[Report]:
    """Open reports, oldest first."""
    return list(Report.select(Report, Entity).join(Entity, on=(Report.entity == Entity.guid))
                .where(Report.site == site.id, Report.resolved.is_null()).order_by(Report.id).limit(limit))


def resolve(site: SiteRuntime, moderator: Account, entity: Entity, decision: str) -> int:
    """Hide, restore or dismiss: close every open report on ``entity`` and tell the reporters."""
    assert decision in ("hide", "restore", "dismiss")
    with database.atomic():
        if decision in ("hide", "restore"):
            Entity.update(hidden=decision == "hide").where(Entity.guid == entity.guid).execute()
            entities.announce(site, entity, "update")  # who may see it changed: listeners (a map's grid) follow
        reports = list(Report.select().where(Report.entity == entity.guid, Report.resolved.is_null()))
        Report.update(resolved=now(), resolution=decision, moderator=moderator.guid).where(
            Report.id.in_([r.id for r in reports])).execute()
    from core.i18n import gettext as _

    texts = {"hide": _("The content you reported is now hidden."),
             "restore": _("The content you reported was reviewed and stays visible."),
             "dismiss": _("The content you reported was reviewed and stays visible.")}
    for r in reports:
        notifications.notify(site, "core.report_resolved", [r.reporter_id], actor=None, entity=None,
                             text=f"{entity.title}: {texts[decision]}")
    return len(reports)


def trash_items(site: SiteRuntime, user: Account, before: int | None = None, limit: int = 50) -> list[Entity]:
    """What ``user`` may restore (their own; everything for administrators), newest deletion first:
    entities of the enabled kinds declared ``restorable``."""
    restorable = [k.name for k in site.entity_kinds.values() if k.restorable]
    query = (Entity.select().where(Entity.site == site.id, Entity.deleted_at.is_null(False),
                                   Entity.kind.in_(restorable))
             .order_by(Entity.guid.desc()).limit(limit))
    if not user.is_admin:
        query = query.where(Entity.owner == user.guid)
    if before:
        query = query.where(Entity.guid < before)
    return list(query)


def purge(site: SiteRuntime, days: int | None = None) -> int:
    """Remove for good what has been in the trash longer than the site's delay; return how many."""
    days = days if days is not None else int(site.settings.get("trash_days", 30))
    cutoff = now() - dt.timedelta(days=days)
    doomed = list(Entity.select().where(Entity.site == site.id, Entity.deleted_at.is_null(False),
                                        Entity.deleted_at < cutoff))
    for entity in doomed:
        entities.delete(site, entity)
    return len(doomed)
