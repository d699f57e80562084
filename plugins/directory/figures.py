"""What the directory adds to adoption dashboards: cards, claims and cards gone silent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core import access
from core.db import now
from core.i18n import gettext_lazy as _l
from core.kinds import Figure
from core.models import Activity, Entity, Relationship
from plugins.directory.managing import CLAIMS
from plugins.directory.models import Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

KIND = "directory.organisation"
SILENT_DAYS = 365


def _cards(site: SiteRuntime):
    return (Organisation.select().join(Entity, on=(Organisation.entity == Entity.guid))
            .where(Entity.site == site.id, Entity.kind == KIND, Entity.deleted_at.is_null()))


def silent_condition(site: SiteRuntime, since: dt.datetime):
    """Cards neither updated nor active (as actor or container of an activity) since ``since``.

    The site's active actors and containers are read once, each a set the cards are checked
    against: correlated EXISTS per card let SQLite's planner, once ``ANALYZE`` saw mostly empty
    containers, scan the whole activity table for each card (46 minutes at region scale)."""
    recent = (Activity.site == site.id) & (Activity.created >= since)
    actors = Activity.select(Activity.actor).where(recent)
    containers = Activity.select(Activity.container).where(recent, Activity.container.is_null(False))
    return (Entity.updated < since) & Entity.guid.not_in(actors) & Entity.guid.not_in(containers)


def _silent_since():
    return now() - dt.timedelta(days=SILENT_DAYS)


def count_cards(site: SiteRuntime, start, end):
    return _cards(site).count()


def count_unclaimed(site: SiteRuntime, start, end):
    return _cards(site).where(Organisation.claimed == False).count()  # noqa: E712


def count_claimed_imported(site: SiteRuntime, start, end):
    """Cards an import created (nobody owns them) that a member has since claimed."""
    return _cards(site).where(Organisation.claimed == True, Entity.owner.is_null()).count()  # noqa: E712


def count_pending_claims(site: SiteRuntime, start, end):
    return Relationship.select().where(Relationship.site == site.id, Relationship.verb == CLAIMS).count()


def count_silent(site: SiteRuntime, start, end):
    return _cards(site).where(silent_condition(site, _silent_since())).count()


def silent_cards(site: SiteRuntime, viewer, limit=50):
    """The silent cards ``viewer`` may see, longest silent first."""
    return list(Entity.select().join(Organisation, on=(Organisation.entity == Entity.guid))
                .where(Entity.site == site.id, Entity.kind == KIND, Entity.deleted_at.is_null(),
                       silent_condition(site, _silent_since()), access.visible(viewer, site))
                .order_by(Entity.updated).limit(limit))


FIGURES = (
    Figure("directory.cards", _l("Organisations with a card"), count_cards, mode="level"),
    Figure("directory.unclaimed", _l("Imported cards nobody manages yet"), count_unclaimed, mode="level",
           good="down"),
    Figure("directory.claimed_imported", _l("Imported cards claimed by their organisation"),
           count_claimed_imported, mode="level"),
    Figure("directory.pending_claims", _l("Claims waiting for an administrator"), count_pending_claims,
           mode="level", good="down"),
    Figure("directory.silent", _l("Cards not updated for a year"), count_silent, mode="level", good="down",
           names=silent_cards),
)
