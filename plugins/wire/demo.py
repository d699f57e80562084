"""Demo statuses: a few at small scale; at region scale enough to reach the river's volume."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.db import database, now
from core.models import Account, Activity, Entity
from plugins.wire.models import Status

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

LINES = [
    "Réunion du bureau jeudi à 18 h, salle des fêtes.",
    "Merci à tous les bénévoles de la brocante !",
    "Nous cherchons des bras pour le jardin partagé samedi matin.",
    "Les inscriptions au tournoi sont ouvertes : https://example.org/tournoi",
    "Belle soirée hier au concert de la chorale.",
    "Le compte rendu de l'assemblée générale est en ligne.",
]
REGION_STATUSES = 150_000
BATCH = 5_000


def generate(site: SiteRuntime, scale: str, rng, demo) -> None:
    """Create demo statuses (idempotent: does nothing when the site already has some)."""
    if Entity.select().where(Entity.site == site.id, Entity.kind == "wire.status").exists():
        return
    members = [guid for (guid,) in Account.select(Account.entity).where(
        Account.site == site.id, Account.email.startswith("member")).order_by(Account.entity).tuples()]
    if not members:
        return
    total = 12 if scale == "small" else REGION_STATUSES
    done = 0
    while done < total:
        n = min(BATCH, total - done)
        with database.atomic():
            stamp = now()
            last = Entity.select(Entity.guid).order_by(Entity.guid.desc()).limit(1).scalar() or 0
            rows = [{"site": site.id, "kind": "wire.status", "owner": rng.choice(members),
                     "access": rng.choice(("public", "public", "public", "members", "connections")),
                     "title": rng.choice(LINES)[:80], "created": stamp, "updated": stamp} for _ in range(n)]
            Entity.insert_many(rows).execute()
            created = list(Entity.select(Entity.guid, Entity.owner, Entity.access, Entity.title)
                           .where(Entity.guid > last, Entity.kind == "wire.status").order_by(Entity.guid).tuples())
            Status.insert_many([{"entity": g, "body": t} for g, _o, _a, t in created]).execute()
            Activity.insert_many([{"site": site.id, "actor": o, "verb": "posted", "entity": g, "kind": "wire.status",
                                   "created": stamp} for g, o, a, _t in created]).execute()
        done += n
