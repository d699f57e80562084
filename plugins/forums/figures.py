"""What the forums add to adoption dashboards: topics nobody answered within 48 hours."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core import access
from core.db import now
from core.i18n import gettext_lazy as _l
from core.kinds import Figure
from core.models import Entity
from plugins.forums.models import Topic

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

WAIT = dt.timedelta(hours=48)


def _unanswered(site: SiteRuntime, viewer=None, restrict=False):
    query = (Entity.select().join(Topic, on=(Topic.entity == Entity.guid))
             .where(Entity.site == site.id, Entity.kind == "forums.topic", Entity.deleted_at.is_null(),
                    Entity.created < now() - WAIT, Topic.reply_count == 0))
    return query.where(access.visible(viewer, site)) if restrict else query


def count_unanswered(site: SiteRuntime, start, end):
    return _unanswered(site).count()


def unanswered_topics(site: SiteRuntime, viewer, limit=50):
    """Topics older than 48 hours with no reply that ``viewer`` may see, oldest first."""
    return list(_unanswered(site, viewer, restrict=True).order_by(Entity.created).limit(limit))


FIGURES = (
    Figure("forums.unanswered", _l("Forum topics with no reply after 48 hours"), count_unanswered, mode="level",
           good="down", names=unanswered_topics),
)
