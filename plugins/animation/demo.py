"""Demo data: the demo's members, content and activity spread over the past year (a demo is made
in minutes, a territory's history is not), a few introductions and featured items, then the daily
aggregation, so the dashboard's charts have a history to show."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.db import database, now
from core.models import Account, Activity, Entity
from plugins.animation.aggregate import aggregate
from plugins.animation.models import Featured, Introduction

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

YEAR = dt.timedelta(days=365)


def _spread(model, key, date_columns, where, start: dt.datetime, days: int, rng) -> None:
    """Give the rows of ``model`` increasing dates over ``days`` days from ``start``, in ``key`` order:
    one UPDATE per day (a region's 300,000 activities take a few hundred statements)."""
    ids = [row[0] for row in model.select(key).where(where).order_by(key).tuples()]
    if not ids:
        return
    per_day = max(1, -(-len(ids) // days))
    with database.atomic():
        for day, first in enumerate(range(0, len(ids), per_day)):
            chunk = ids[first:first + per_day]
            stamp = start + dt.timedelta(days=day * days / max(1, -(-len(ids) // per_day)),
                                         seconds=rng.randrange(8 * 3600, 20 * 3600))
            model.update({column: stamp for column in date_columns}).where(
                where, key >= chunk[0], key <= chunk[-1]).execute()


def generate(site: SiteRuntime, scale: str, rng) -> None:
    """Date the demo over a year, introduce and feature a few things, aggregate the figures."""
    if Introduction.select().where(Introduction.site == site.id).exists():
        return
    start = now() - YEAR
    fresh = now() - dt.timedelta(days=2)
    _spread(Account, Account.entity, [Account.created], (Account.site == site.id) & (Account.created >= fresh),
            start, YEAR.days, rng)
    # content over 500 days, so the cards of the first months are silent for a year
    kinds = [kind for (kind,) in Entity.select(Entity.kind).where(Entity.site == site.id).distinct().tuples()]
    for kind in kinds:
        if kind != "user":
            _spread(Entity, Entity.guid, [Entity.created, Entity.updated],
                    (Entity.site == site.id) & (Entity.kind == kind) & (Entity.created >= fresh),
                    now() - dt.timedelta(days=500), 499, rng)
    _spread(Activity, Activity.id, [Activity.created], (Activity.site == site.id) & (Activity.created >= fresh),
            start, YEAR.days, rng)
    cards = list(Entity.select().where(Entity.site == site.id, Entity.kind == "directory.organisation",
                                       Entity.access == "public", Entity.deleted_at.is_null())
                 .order_by(Entity.guid).limit(6))
    admin = Account.select().where(Account.site == site.id, Account.role == "admin").first()
    if len(cards) >= 4:
        Introduction.create(site=site.id, animator=admin.guid if admin else None, first=cards[0].guid,
                            second=cards[1].guid, created=now() - dt.timedelta(days=20),
                            message="Vous organisez tous deux des sorties nature : mutualisez le transport ?")
        Introduction.create(site=site.id, animator=admin.guid if admin else None, first=cards[2].guid,
                            second=cards[3].guid, created=now() - dt.timedelta(days=5),
                            message="Une salle à partager le mercredi soir.")
        for position, card in enumerate(cards[4:6], start=1):
            Featured.create(site=site.id, entity=card.guid, position=position, created=now())
    aggregate(site)
