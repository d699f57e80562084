"""Demo forums: a few topics at small scale; at region scale topics and replies in a share of the groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.db import database, now
from core.models import Activity, Entity, Relationship
from plugins.forums.models import Reply, Topic

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

TITLES = ["Prochaine réunion", "Qui a du matériel à prêter ?", "Compte rendu de samedi", "Idées pour la fête",
          "Covoiturage", "Bienvenue aux nouveaux"]
LINES = ["Bonne idée, je suis partant.", "Je peux apporter des chaises.", "Merci pour le compte rendu !",
         "Rendez-vous à 9 h devant la mairie.", "Quelqu'un a le numéro du fournisseur ?"]


def generate(site: SiteRuntime, scale: str, rng) -> None:
    if Entity.select().where(Entity.site == site.id, Entity.kind == "forums.topic").exists():
        return
    groups = list(Entity.select(Entity.guid).where(Entity.site == site.id, Entity.kind == "groups.group")
                  .order_by(Entity.guid))
    if not groups:
        return
    topics_per_group, max_replies = (2, 6) if scale == "small" else (3, 40)
    chosen = groups if scale == "small" else groups[: len(groups) // 2]
    for start in range(0, len(chosen), 200):
        with database.atomic():
            stamp = now()
            batch = chosen[start:start + 200]
            members = {}
            for r in Relationship.select(Relationship.subject, Relationship.object).where(
                    Relationship.object.in_([g.guid for g in batch]), Relationship.verb == "member_of").order_by(Relationship.id):
                members.setdefault(r.object_id, []).append(r.subject_id)
            last = Entity.select(Entity.guid).order_by(Entity.guid.desc()).limit(1).scalar() or 0
            rows = [{"site": site.id, "kind": "forums.topic", "owner": rng.choice(members.get(g.guid) or [None]),
                     "container": g.guid, "access": "container", "title": rng.choice(TITLES),
                     "created": stamp, "updated": stamp}
                    for g in batch for _ in range(topics_per_group) if members.get(g.guid)]
            if not rows:
                continue
            Entity.insert_many(rows).execute()
            created = list(Entity.select(Entity.guid, Entity.owner, Entity.container).where(
                Entity.site == site.id, Entity.kind == "forums.topic", Entity.guid > last))
            counts = {e.guid: rng.randint(0, max_replies) for e in created}
            Topic.insert_many([{"entity": e.guid, "body": rng.choice(LINES), "last_activity": stamp,
                                "reply_count": counts[e.guid]} for e in created]).execute()
            replies, acts = [], []
            for e in created:
                n = counts[e.guid]
                for number in range(1, n + 1):
                    replies.append({"topic": e.guid, "number": number, "created": stamp, "body": rng.choice(LINES),
                                    "author": rng.choice(members[e.container_id])})
                acts.append({"site": site.id, "actor": e.owner_id, "verb": "posted", "entity": e.guid,
                             "container": e.container_id, "kind": "forums.topic",
                             "created": stamp})
            for i in range(0, len(replies), 2000):
                Reply.insert_many(replies[i:i + 2000]).execute()
            Activity.insert_many(acts).execute()
