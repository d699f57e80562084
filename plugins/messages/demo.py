"""Demo conversations between the demo members (and the organisations they run)."""

from __future__ import annotations

from core.models import Account, Entity, Relationship
from plugins.messages import conversations
from plugins.messages.models import CONVERSATION

TOPICS = [
    ("Prêt de tables pour la fête", "Bonjour, pourriez-vous nous prêter **six tables** samedi ?",
     "Oui, bien sûr : passez les prendre vendredi soir."),
    ("Réunion de rentrée", "Nous préparons la réunion de rentrée. Êtes-vous disponibles le 12 ?",
     "Le 12 nous convient. À bientôt !"),
    ("Atelier commun", "Et si nous organisions un atelier ensemble au printemps ?",
     "Excellente idée, parlons-en à la prochaine permanence."),
    ("Covoiturage", "Quelqu'un va au forum des associations dimanche ?", "Moi ! Il me reste deux places."),
]


def generate(site, scale: str, rng) -> None:
    if Entity.select().where(Entity.site == site.id, Entity.kind == CONVERSATION).exists():
        return
    members = [guid for (guid,) in Account.select(Account.entity).where(
        Account.site == site.id, Account.email.startswith("member")).order_by(Account.entity).tuples()]
    if len(members) < 2:
        return
    managed = list(Relationship.select(Relationship.subject, Relationship.object)
                   .join(Entity, on=(Relationship.object == Entity.guid))
                   .where(Relationship.verb == "manages", Relationship.subject.in_(members),
                          Entity.kind != "groups.group", Entity.site == site.id).limit(20).tuples())
    count = 8 if scale == "small" else 200
    for i in range(count):
        subject, first, answer = TOPICS[i % len(TOPICS)]
        if managed and i % 2 == 0 and len(managed) > 1:
            (a_person, a_org), (b_person, b_org) = rng.sample(managed, 2)
            if a_org == b_org:
                continue
            conv, _m = conversations.create(site, a_org, a_person, [b_org], subject, first)
            conversations.add(site, conv, b_org, b_person, answer)
        else:
            a, b = rng.sample(members, 2)
            conv, _m = conversations.create(site, a, a, [b], subject, first)
            conversations.add(site, conv, b, b, answer)
