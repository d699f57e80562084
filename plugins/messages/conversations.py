"""Conversations: starting one, posting, reading state, the inbox, search.

Only participants read a conversation. Every list and count here selects through
:class:`Participant` rows of the reader's identities (the member and the entities they
manage), inside the SQL query: a former participant who left, an administrator or any other
member finds nothing (administrators read a message only when it is reported, see
:mod:`plugins.messages.views`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from peewee import JOIN, SQL, fn

from core import access, entities, entity_images, inputs, notifications, ratelimit, request_cache, text
from core.db import database, in_ids, now, prepared
from core.i18n import gettext as _
from core.models import Account, Entity
from plugins.messages import rules
from plugins.messages.models import CONVERSATION, MESSAGE, Conversation, Message, Participant

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 30
INBOX_PAGE = 25
MAIL_EVERY = dt.timedelta(hours=1)
MAX_BODY = 20_000


class Refused(ValueError):
    """The message cannot be sent; the text says why and is shown to the member."""


def my_ids(site: SiteRuntime, user: Account) -> list[int]:
    """The identities whose conversations ``user`` reads: themselves and what they manage."""
    return sorted({user.guid, *access.managed(user, site)})


def _mine(site: SiteRuntime, user: Account):
    """Participant rows of ``user``'s identities that are still in their conversation."""
    return in_ids(Participant.member, my_ids(site, user)) & Participant.left_at.is_null()


def conversation(site: SiteRuntime, user: Account | None, guid: int) -> tuple[Entity, list[Participant]] | None:
    """The conversation ``guid`` and the reader's participant rows in it, if they may read it."""
    if user is None:
        return None
    rows = list(Participant.select(Participant, Entity)
                .join(Entity, on=(Participant.conversation == Entity.guid))
                .where(Participant.conversation == guid, _mine(site, user), Entity.site == site.id,
                       Entity.kind == CONVERSATION, Entity.deleted_at.is_null()))
    if not rows:
        return None
    return rows[0].conversation, rows


def unread_count(site: SiteRuntime, user: Account) -> int:
    """How many conversations have unread messages for the member (muted ones left out): one query
    compiled once per number of identities, kept for the page (the menu asks twice)."""
    ids = my_ids(site, user)
    return request_cache.remember("messages.unread", tuple(ids), lambda: _unread.first(*ids)[0])


@prepared
def _unread(*identities: int):
    return (Participant.select(fn.COUNT(SQL("*"))).where(
        Participant.member.in_(identities), Participant.left_at.is_null(), Participant.unread > 0,
        Participant.muted == False).tuples())  # noqa: E712


@dataclass(slots=True)
class InboxRow:
    """One line of the inbox: a conversation as one of the reader's identities (``member``) sees it."""

    id: int
    member_id: int
    conversation_id: int
    last_message: int
    unread: int
    muted: bool
    title: str
    member_title: str = ""
    others: list = field(default_factory=list)
    excerpt: str = ""
    last_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """A participant as the inbox shows it: enough for its name and its picture."""

    guid: int
    kind: str
    title: str


def inbox(site: SiteRuntime, user: Account, archived: bool = False, before: str | None = None,
          limit: int = INBOX_PAGE) -> tuple[list[InboxRow], str | None]:
    """A page of the member's conversations, latest activity first; keyset ``before`` is
    ``"<last message>-<row id>"``. Returns (rows, next keyset or None).

    One query per identity the member reads for (themselves, each organisation they manage),
    each an ordered read of the (member, archived, last message) index, merged here: one query
    over all of them would sort every conversation of every identity for each page. The rows are
    read as tuples of the few columns the page shows (building whole model rows cost ten times
    the SQL)."""
    last, row_id = _keyset(before)
    rows = []
    for member in my_ids(site, user):
        query = (Participant.select(Participant.id, Participant.member, Participant.conversation,
                                    Participant.last_message, Participant.unread, Participant.muted, Entity.title)
                 .join(Entity, on=(Participant.conversation == Entity.guid))
                 .where(Participant.member == member, Participant.archived == archived,
                        Participant.left_at.is_null(), Entity.site == site.id, Entity.deleted_at.is_null())
                 .order_by(Participant.last_message.desc(), Participant.id.desc()).limit(limit + 1))
        if before:
            query = query.where((Participant.last_message < last)
                                | ((Participant.last_message == last) & (Participant.id < row_id)))
        rows.extend(InboxRow(*values) for values in query.tuples())
    rows.sort(key=lambda r: (r.last_message, r.id), reverse=True)
    more = len(rows) > limit
    rows = rows[:limit]
    _decorate(rows)
    entity_images.prime(site, [r.others[0] for r in rows if r.others])  # the cards' pictures, in one go
    return rows, (f"{rows[-1].last_message}-{rows[-1].id}" if more else None)


def _keyset(before: str | None) -> tuple[int, int]:
    """The inbox keyset ``"<last message>-<row id>"``; anything else (hostile, out of range) reads as
    ``(0, 0)``: an empty page, never an error."""
    try:
        last, row_id = (inputs.integer(x, minimum=0) for x in (before or "").split("-", 1))
    except ValueError:  # inputs.InvalidInput is one
        return 0, 0
    return last or 0, row_id or 0


def _decorate(rows: list[InboxRow]) -> None:
    """Add the participants' names and the last message's excerpt (two queries for the page)."""
    convs = sorted({r.conversation_id for r in rows})
    if not convs:
        return
    who: dict[int, list[Identity]] = {}
    for conversation, guid, kind, title in (
            Participant.select(Participant.conversation, Entity.guid, Entity.kind, Entity.title)
            .join(Entity, on=(Participant.member == Entity.guid))
            .where(in_ids(Participant.conversation, convs), Participant.left_at.is_null())
            .order_by(Participant.id).tuples()):
        who.setdefault(conversation, []).append(Identity(guid, kind, title))
    lasts = {guid: (body, created) for guid, body, created in Message.select(
        Message.entity, Message.body, Message.created).where(
        in_ids(Message.entity, sorted({r.last_message for r in rows if r.last_message}))).tuples()}
    for r in rows:
        present = who.get(r.conversation_id, [])
        r.others = [e for e in present if e.guid != r.member_id]
        r.member_title = next((e.title for e in present if e.guid == r.member_id), "")
        body, created = lasts.get(r.last_message, (None, None))
        r.excerpt = text.plain_text(body, 140) if body is not None else ""
        r.last_at = created


def participants(guid: int, current: bool = True) -> list[Entity]:
    query = (Entity.select(Entity, Participant.left_at.alias("left_at"))
             .join(Participant, on=(Participant.member == Entity.guid))
             .where(Participant.conversation == guid).order_by(Participant.id))
    if current:
        query = query.where(Participant.left_at.is_null())
    return list(query)


def page(guid: int, before: int | None = None, limit: int = PAGE):
    """Messages of the conversation, oldest first, ending before message ``before`` (keyset on the
    message guid). Returns (messages, keyset of the older page or None)."""
    sender, author = Entity.alias(), Entity.alias()
    query = (Message.select(Message.entity, Message.conversation, Message.sender, Message.author, Message.body,
                            Message.event, Message.attachment, Message.attachment_name, Message.created,
                            Entity.guid, Entity.hidden, sender.guid, sender.kind, sender.title,
                            author.guid, author.kind, author.title)  # what a message shows, no more
             .join(Entity, on=(Message.entity == Entity.guid))
             .switch(Message).join(sender, JOIN.LEFT_OUTER, on=(Message.sender == sender.guid))
             .switch(Message).join(author, JOIN.LEFT_OUTER, on=(Message.author == author.guid))
             .where(Message.conversation == guid, Entity.deleted_at.is_null())
             .order_by(Message.entity.desc()).limit(limit + 1))
    if before:
        query = query.where(Message.entity < before)
    rows = list(query)
    older = rows[limit - 1].entity_id if len(rows) > limit else None
    rows = rows[:limit]
    rows.reverse()
    return rows, older


def signature(message: Message) -> str:
    """"Ada", "Ada for Les Amis du Jardin", or "former member"."""
    author = message.author.title if message.author_id else _("former member")
    if message.sender_id and message.sender_id != message.author_id:
        return _("%(person)s for %(entity)s") % {"person": author, "entity": message.sender.title}
    return author


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Refused(_("Write a message."))
    if len(body) > MAX_BODY:
        raise Refused(_("The message is too long (%(max)s characters at most).") % {"max": MAX_BODY})
    return body


def _rate(site: SiteRuntime, user: Account) -> None:
    per_hour = int(rules.settings(site).get("messages_per_hour") or 60)
    if not user.is_admin and not ratelimit.hit(f"messages.send:{user.guid}", per_hour, 3600):
        raise Refused(_("You sent many messages in the last hour: wait a little before the next one."))


def _new_account_limit(site: SiteRuntime, user: Account) -> None:
    conf = rules.settings(site)
    days = int(conf.get("new_account_days") or 0)
    if user.is_moderator or not days or user.created < now() - dt.timedelta(days=days):
        return
    if not ratelimit.hit(f"messages.start:{user.guid}", int(conf.get("new_account_conversations") or 3), 86400):
        raise Refused(_("A new account may start only a few conversations a day: try again tomorrow."))


def start(site: SiteRuntime, user: Account, sender: int, recipients: list[int], subject: str, body: str,
          about: Entity | None = None) -> Entity:
    """Open a conversation from ``sender`` (the member or an entity they manage) with ``recipients``.

    ``about``, a group or organisation ``sender`` is, marks a conversation with its members:
    the recipients were chosen by membership, so the site's writing rule is not asked again
    (blocks still are) and the recipient limit does not apply.
    """
    body = _check_body(body)
    subject = (subject or "").strip()[:200] or text.plain_text(body, 60)
    recipients = [g for g in dict.fromkeys(recipients) if g != sender]
    if not recipients:
        raise Refused(_("Choose at least one recipient."))
    limit = int(rules.settings(site).get("max_recipients") or 20)
    if about is None and len(recipients) > limit and not user.is_admin:
        raise Refused(_("A conversation may have %(max)s recipients at most.") % {"max": limit})
    found = {e.guid: e for e in Entity.select().where(in_ids(Entity.guid, sorted(recipients)))}
    if about is None:
        for guid in recipients:
            entity = found.get(guid)
            if entity is None or not rules.may_write(site, user, sender, entity):
                seen = entity is not None and access.can_see(user, site, entity)
                raise Refused(_("You cannot write to %(name)s.") % {"name": entity.title if seen else guid})
    else:
        recipients = [g for g in recipients if g in found and not rules.blocked_between(sender, g)
                      and not rules.blocked_between(user.guid, g)]
        if not recipients:
            raise Refused(_("Choose at least one recipient."))
    _new_account_limit(site, user)
    _rate(site, user)
    conv, message = create(site, sender, user.guid, recipients, subject, body, about)
    _notify(site, conv, message)
    return conv


def create(site: SiteRuntime, sender: int, author: int, recipients: list[int], subject: str, body: str,
           about: Entity | None = None) -> tuple[Entity, Entity]:
    """Write a new conversation and its first message, without any check or notification (the
    checks are :func:`start`'s; demo data and imports call this). Returns (conversation, message)."""
    with database.atomic():
        conv = entities.create(site, CONVERSATION, owner=sender, title=subject, access_level="private")
        Conversation.create(entity=conv, about=about.guid if about is not None else None)
        stamp = now()
        Participant.insert_many([{"conversation": conv.guid, "member": g, "joined": stamp}
                                 for g in dict.fromkeys([sender, *recipients])]).execute()
        message = _add(site, conv, sender, author, body)
    return conv, message


def add(site: SiteRuntime, conv: Entity, sender: int, author: int, body: str) -> Entity:
    """Add a message without checks or notification (demo data, imports)."""
    with database.atomic():
        return _add(site, conv, sender, author, body)


def reply(site: SiteRuntime, user: Account, conv: Entity, sender: int, body: str, attachment=None) -> Entity:
    """Post a message in ``conv`` as ``sender`` (a participant identity of ``user``)."""
    body = _check_body(body)
    others = [p.guid for p in participants(conv.guid) if p.guid != sender]
    if len(others) == 1 and (rules.blocked_between(sender, others[0]) or rules.blocked_between(user.guid, others[0])):
        raise Refused(_("This is not possible between you."))
    _rate(site, user)
    with database.atomic():
        message = _add(site, conv, sender, user.guid, body, attachment)
    _notify(site, conv, message)
    return message


def _add(site: SiteRuntime, conv: Entity, sender: int, author: int | None, body: str, attachment=None, event: str = "") -> Entity:
    """Write the message and move everyone's reading state (inside the caller's transaction)."""
    entity = entities.create(site, MESSAGE, owner=sender, title=text.plain_text(body, 80) if body else "",
                             access_level="private", container=conv)
    extra = {}
    if attachment is not None:
        extra = {"attachment": attachment.key, "attachment_name": attachment.filename,
                 "attachment_mime": attachment.mime, "attachment_size": attachment.size}
    Message.create(entity=entity, conversation=conv.guid, sender=sender, author=author, body=body, event=event,
                   created=entity.created, **extra)
    Conversation.update(last_message=entity.guid, last_at=entity.created).where(
        Conversation.entity == conv.guid).execute()
    live = (Participant.conversation == conv.guid) & Participant.left_at.is_null()
    if event:
        Participant.update(last_message=entity.guid).where(live).execute()
    else:
        Participant.update(last_message=entity.guid, archived=False, unread=Participant.unread + 1).where(
            live, Participant.member != sender).execute()
        Participant.update(last_message=entity.guid, last_read=entity.guid, unread=0).where(
            live, Participant.member == sender).execute()
    return entity


def _notify(site: SiteRuntime, conv: Entity, message: Entity) -> None:
    """Tell the other participants, by their notification choice; at most one mail per conversation
    and hour while they have not read it (the first unread message always tells)."""
    row = Message.get_by_id(message.guid)
    cutoff = now() - MAIL_EVERY
    due = list(Participant.select().where(
        Participant.conversation == conv.guid, Participant.left_at.is_null(), Participant.muted == False,  # noqa: E712
        Participant.member != row.sender_id, Participant.unread > 0,
        (Participant.unread == 1) | Participant.mailed_at.is_null() | (Participant.mailed_at < cutoff)))
    if not due:
        return
    Participant.update(mailed_at=now()).where(in_ids(Participant.id, [p.id for p in due])).execute()
    sender = Entity.get_or_none(Entity.guid == row.sender_id) if row.sender_id else None
    who = signature(row)
    notifications.notify(site, "messages.new", [p.member_id for p in due], actor=sender, entity=conv,
                         text=f"{who}: {text.plain_text(row.body, 900)}", private=True)


def mark_read(conv: Entity, rows: list[Participant]) -> None:
    Participant.update(unread=0, last_read=Participant.last_message).where(
        in_ids(Participant.id, [r.id for r in rows])).execute()


def mark_unread(conv: Entity, rows: list[Participant]) -> None:
    Participant.update(unread=1).where(
        in_ids(Participant.id, [r.id for r in rows]), Participant.unread == 0).execute()


def set_flag(rows: list[Participant], flag: str, value: bool) -> None:
    assert flag in ("archived", "muted")
    Participant.update({getattr(Participant, flag): value}).where(in_ids(Participant.id, [r.id for r in rows])).execute()


def leave(site: SiteRuntime, user: Account, conv: Entity, row: Participant) -> None:
    """``row``'s identity leaves: a note is left for the others, and the conversation is no longer readable."""
    with database.atomic():
        _add(site, conv, row.member_id, user.guid, "", event="left")
        Participant.update(left_at=now(), unread=0).where(Participant.id == row.id).execute()


def search(site: SiteRuntime, user: Account, words: str, limit: int = 50) -> list[Message]:
    """Messages of the member's own conversations containing ``words`` (every word), newest first."""
    terms = [w for w in (words or "").split() if len(w) >= 2][:6]
    if not terms:
        return []
    conv = Entity.alias()
    query = (Message.select(Message, conv)
             .join(Participant, on=(Participant.conversation == Message.conversation))
             .switch(Message).join(conv, on=(Message.conversation == conv.guid))
             .join(Entity, on=(Message.entity == Entity.guid), src=Message)
             .where(_mine(site, user), conv.site == site.id, conv.deleted_at.is_null(), Entity.deleted_at.is_null(),
                    Entity.hidden == False, Message.event == "")  # noqa: E712
             .order_by(Message.entity.desc()).limit(limit))
    for term in terms:
        query = query.where(Message.body.contains(term))
    seen, found = set(), []
    for m in query:
        if m.entity_id not in seen:
            seen.add(m.entity_id)
            m.excerpt = text.plain_text(m.body, 200)
            found.append(m)
    return found


def reported(message_guid: int) -> bool:
    """Has this message been reported (the only way a moderator reads it)?"""
    from core.moderation import Report

    return Report.select().where(Report.entity == message_guid).exists()

