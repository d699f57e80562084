"""A member's veille data: their notes, "useful" votes and subscriptions (export and deletion)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.models import Entity
from plugins.veille.models import Delivery, Link, Note, Subscription, Vote

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def export(site: SiteRuntime, user) -> dict:
    notes = (Note.select(Note, Link, Entity).join(Link).join(Entity, on=(Link.entity == Entity.guid))
             .where(Note.author == user.guid))
    return {
        "veille/notes.json": [{"link": n.link.url, "title": n.link.entity.title, "note": n.body, "rating": n.rating,
                               "created": n.created} for n in notes],
        "veille/useful_votes.json": [{"link": v.link_id, "created": v.created}
                                     for v in Vote.select().where(Vote.voter == user.guid)],
        "veille/subscriptions.json": [{"scope": s.scope, "key": s.key, "created": s.created}
                                      for s in Subscription.select().where(Subscription.member == user.guid)],
    }


def delete(site: SiteRuntime, user, mode: str) -> None:
    """Votes, subscriptions and the record of syntheses mailed go; notes on links others shared go too
    (``delete``) or stay unsigned (``anonymise``)."""
    voted = [v.link_id for v in Vote.select(Vote.link).where(Vote.voter == user.guid)]
    Vote.delete().where(Vote.voter == user.guid).execute()
    for guid in voted:
        Link.update(useful=Vote.select().where(Vote.link == guid).count()).where(Link.entity == guid).execute()
    Subscription.delete().where(Subscription.member == user.guid).execute()
    Delivery.delete().where(Delivery.member == user.guid).execute()
    if mode == "delete":
        Note.delete().where(Note.author == user.guid).execute()
    else:
        Note.update(author=None).where(Note.author == user.guid).execute()
