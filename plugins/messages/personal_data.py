"""A member's conversations in their archive; what stays for the others when they leave the site."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.models import Entity
from plugins.messages import conversations
from plugins.messages.models import CONVERSATION, MESSAGE, Delivery, Message, OptOut, Participant, Policy

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def export(site: SiteRuntime, user) -> dict:
    """Every conversation the member took part in as themselves, with its messages; letters received."""
    out = []
    rows = (Participant.select(Participant, Entity).join(Entity, on=(Participant.conversation == Entity.guid))
            .where(Participant.member == user.guid, Entity.site == site.id).order_by(Participant.id))
    for row in rows:
        before, items = None, []
        while True:
            page, before = conversations.page(row.conversation_id, before=before, limit=200)
            items = page + items
            if before is None:
                break
        if row.left_at is not None:  # what was written after the member left is not theirs to take
            items = [m for m in items if m.created <= row.left_at]
        out.append({
            "conversation": row.conversation_id, "subject": row.conversation.title,
            "participants": [e.title for e in conversations.participants(row.conversation_id, current=False)],
            "left": row.left_at,
            "messages": [{"id": m.entity_id, "date": m.created, "from": conversations.signature(m),
                          "mine": m.author_id == user.guid, "text": m.body, "event": m.event,
                          "attachment": m.attachment_name} for m in items],
        })
    received = [{"letter": d.letter_id, "title": d.letter.title, "read": d.read_at}
                for d in Delivery.select(Delivery, Entity).join(Entity, on=(Delivery.letter == Entity.guid))
                .where(Delivery.recipient == user.guid)]
    return {"messages/conversations.json": out, "messages/letters.json": received}


def delete(site: SiteRuntime, user, mode: str) -> None:
    """The member's messages stay in the others' conversations, signed "former member"; their own
    places in conversations, letters received and preferences go."""
    guid = user.guid
    Message.update(author=None).where(Message.author == guid).execute()
    Message.update(sender=None).where(Message.sender == guid).execute()
    # kept for the other participants: the core deletes what the member owns, so they own nothing here
    Entity.update(owner=None).where(Entity.owner == guid, Entity.kind.in_((CONVERSATION, MESSAGE))).execute()
    Participant.delete().where(Participant.member == guid).execute()
    Delivery.delete().where(Delivery.recipient == guid).execute()
    OptOut.delete().where(OptOut.member == guid).execute()
    Policy.delete().where(Policy.member == guid).execute()
