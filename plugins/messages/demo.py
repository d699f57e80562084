"""Demo conversations between the demo members (and the organisations they run), a public group's
conversation with its members and its archived letter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import entities
from core.db import now
from core.models import Account, Entity, Relationship
from plugins.messages import conversations, rules
from plugins.messages.models import CONVERSATION, LETTER, Delivery, Letter

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

LETTER_TEXT = ("Bonjour à toutes et à tous,\n\nLa **réunion de rentrée** aura lieu le premier samedi du mois. "
               "Venez nombreux !\n\n- accueil à 10 h\n- pique-nique partagé à midi")

TOPICS = [
    ("Prêt de tables pour la fête", "Bonjour, pourriez-vous nous prêter **six tables** samedi ?",
     "Oui, bien sûr : passez les prendre vendredi soir."),
    ("Réunion de rentrée", "Nous préparons la réunion de rentrée. Êtes-vous disponibles le 12 ?",
     "Le 12 nous convient. À bientôt !"),
    ("Atelier commun", "Et si nous organisions un atelier ensemble au printemps ?",
     "Excellente idée, parlons-en à la prochaine permanence."),
    ("Covoiturage", "Quelqu'un va au forum des associations dimanche ?", "Moi ! Il me reste deux places."),
]


def generate(site: SiteRuntime, scale: str, rng) -> None:
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
    _groups(site, members, scale)


def _groups(site: SiteRuntime, members: list[int], scale: str) -> None:
    """A public group's administrators write to its members, and send them an archived letter."""
    groups = list(Entity.select().where(Entity.site == site.id, Entity.kind == "groups.group",
                                        Entity.access == "public", Entity.owner.in_(members))
                  .order_by(Entity.guid).limit(2 if scale == "small" else 20))
    for group in groups:
        readers = [g for g in rules.members_of(site, group.guid) if g != group.owner_id]
        if not readers:
            continue
        conv, _m = conversations.create(site, group.guid, group.owner_id, readers, "Réunion du mois",
                                        "La réunion du mois est avancée à **jeudi 18 h**. Qui peut venir ?",
                                        about=group)
        conversations.add(site, conv, readers[0], readers[0], "Je serai là !")
        letter = entities.create(site, LETTER, owner=group.guid, title=f"Lettre de rentrée — {group.title}",
                                 access_level="public", container=group.guid)
        Letter.create(entity=letter, sender=group.guid, author=group.owner_id, body=LETTER_TEXT, audience="members",
                      archived=True, status="sent", send_at=now(), sent_at=now())
        # demo data: the letter is in the members' inboxes as if it had been mailed (nothing is sent)
        Delivery.insert_many([{"letter": letter.guid, "recipient": g, "mailed_at": now()} for g in readers]).execute()
