"""Animator messages: write to a selection of organisations from the dashboard (the cards silent for
a year in a département, say) through the messages plugin, when the site enabled it.

Each organisation gets a conversation of its own (its managers read it; no organisation sees the
others), so the messages plugin's mail, notification choices and unsubscribe links apply; the
selection is what the animator may see, capped at :data:`MAX_CARDS` per sending.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core import access
from core.db import now
from core.i18n import gettext as _
from core.models import Entity
from plugins.animation.territory import departement
from plugins.directory.api import KIND, SILENT_DAYS, Organisation, silent_condition

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

MAX_CARDS = 200
SELECTIONS = ("silent", "all")


def enabled(site: SiteRuntime) -> bool:
    """True when the messages plugin is on: animator messages go through it."""
    return "messages" in site.enabled_names


def selection(site: SiteRuntime, viewer, which: str, dep: str, limit: int = MAX_CARDS + 1) -> list[Entity]:
    """The cards of département ``dep`` (all of them, or the ``silent`` ones) that ``viewer`` may see."""
    query = (Entity.select(Entity, Organisation.postcode).join(Organisation, on=(Organisation.entity == Entity.guid), attr="org")
             .where(Entity.site == site.id, Entity.kind == KIND, Entity.deleted_at.is_null(),
                    Organisation.postcode.startswith(dep[:2] if dep not in ("2A", "2B") else "20"),
                    access.visible(viewer, site)))
    if which == "silent":
        query = query.where(silent_condition(site, now() - dt.timedelta(days=SILENT_DAYS)))
    return [card for card in query.order_by(Entity.guid).limit(limit * 2)
            if departement(card.org.postcode) == dep][:limit]


def send(site: SiteRuntime, user, cards: list[Entity], subject: str, body: str) -> tuple[int, list[str]]:
    """Open one conversation with each card; returns (how many were sent, the refusals' reasons)."""
    from plugins.messages import api as messages

    if not subject.strip() or not body.strip():
        raise ValueError(_("Give the message a subject and a text."))
    sent, refused = 0, []
    for card in cards[:MAX_CARDS]:
        try:
            messages.start(site, user, user.guid, [card.guid], subject, body)
        except messages.Refused as exc:
            refused.append(f"{card.title}: {exc}")
        else:
            sent += 1
    return sent, refused
