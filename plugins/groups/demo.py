"""Demo groups: a handful at small scale, 2,000 at region scale (bulk inserts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.db import database, now
from core.models import Account, Activity, Entity, Relationship
from plugins.groups.models import Group

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

NAMES = ["Jardins partagés", "Club photo", "Randonneurs du plateau", "Parents d'élèves", "Chorale",
         "Repair café", "Bénévoles de la brocante", "Échecs", "Théâtre amateur", "Vélo au quotidien"]
BATCH = 500


def generate(site: SiteRuntime, scale: str, rng) -> None:
    if Entity.select().where(Entity.site == site.id, Entity.kind == "groups.group").exists():
        return
    members = [guid for (guid,) in Account.select(Account.entity).where(
        Account.site == site.id, Account.email.startswith("member")).order_by(Account.entity).tuples()]
    if not members:
        return
    total = 5 if scale == "small" else 2_000
    per_group = 8 if scale == "small" else 25
    done = 0
    while done < total:
        n = min(BATCH, total - done)
        with database.atomic():
            stamp = now()
            last = Entity.select(Entity.guid).order_by(Entity.guid.desc()).limit(1).scalar() or 0
            rows = []
            for i in range(n):
                k = done + i
                name = NAMES[k % len(NAMES)] + ("" if k < len(NAMES) else f" {k // len(NAMES) + 1}")
                rows.append({"site": site.id, "kind": "groups.group", "owner": rng.choice(members),
                             "access": rng.choice(("public", "public", "members", "container")),
                             "title": name, "created": stamp, "updated": stamp})
            Entity.insert_many(rows).execute()
            created = list(Entity.select(Entity.guid, Entity.owner, Entity.access).where(
                Entity.site == site.id, Entity.kind == "groups.group", Entity.guid > last).order_by(Entity.guid))
            Entity.update(container=Entity.guid).where(Entity.guid.in_([e.guid for e in created])).execute()
            Group.insert_many([{"entity": e.guid, "description": "Un groupe de démonstration.",
                                "membership": rng.choice(("open", "open", "request", "invitation")),
                                "themes": [], "disabled_tools": []} for e in created]).execute()
            rels, acts = [], []
            for k, e in enumerate(created, start=done):
                chosen = set(rng.sample(members, min(per_group, len(members)))) | {e.owner_id}
                if k % 50 == 0:  # the demo members one signs in as (member1...member12) see group content
                    chosen |= set(members[:12])
                rels.append({"site": site.id, "subject": e.owner_id, "verb": "manages", "object": e.guid,
                             "created": stamp})
                rels += [{"site": site.id, "subject": m, "verb": "member_of", "object": e.guid, "created": stamp}
                         for m in chosen]
                acts.append({"site": site.id, "actor": e.owner_id, "verb": "created", "entity": e.guid,
                             "container": e.guid, "kind": "groups.group", "created": stamp})
            for start in range(0, len(rels), 2000):
                Relationship.insert_many(rels[start:start + 2000]).execute()
            Activity.insert_many(acts).execute()
        done += n
