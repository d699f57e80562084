"""Letters: an organisation or a group writes to its members and/or followers.

A letter is composed and previewed (a draft), then sent now or scheduled. Sending writes
one :class:`Delivery` row per recipient once, then mails them in batches: each mail is sent
and its row marked in one transaction, so a run stopped halfway (or ``maillage
send-letters`` from cron, which also sends scheduled letters) resumes with the recipients
not yet served and never mails anyone twice when the mail queue is in the database. Every
mail carries a one-click unsubscribe link for that sender (RFC 8058); the letter is also in
each recipient's inbox (*Messages > Letters*). A letter the sender chose to archive is
public on its page (a "Letters" tab).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from core import entities, mail, ratelimit, text, tokens, urls, web
from core.db import database, in_ids, now
from core.i18n import gettext as _
from core.models import Account, Entity
from core.notifications import in_language
from plugins.messages import rules
from plugins.messages.models import LETTER, Delivery, Letter, OptOut

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

log = logging.getLogger("maillage.messages")

AUDIENCES = ("members", "followers", "both")
BATCH = 200
IN_REQUEST = 500  # mails sent while the member waits after "Send now"; cron sends the rest
UNSUBSCRIBE_MAX_AGE = 5 * 365 * 24 * 3600


class Refused(ValueError):
    """The letter cannot be saved or sent; the text says why."""


def has_archive(sender_guid: int) -> bool:
    return (Letter.select().join(Entity, on=(Letter.entity == Entity.guid))
            .where(Letter.sender == sender_guid, Letter.archived == True, Letter.status == "sent",  # noqa: E712
                   Entity.deleted_at.is_null()).exists())


def audience(site: SiteRuntime, letter: Letter) -> list[int]:
    """Who receives ``letter``: the sender's members and/or followers, minus its author and those who opted
    out or block the sender."""
    guids: set[int] = set()
    if letter.audience in ("members", "both"):
        guids.update(rules.members_of(site, letter.sender_id))
    if letter.audience in ("followers", "both"):
        guids.update(rules.followers_of(letter.sender_id))
    guids.discard(letter.author_id)  # who writes it does not get it by mail
    if not guids:
        return []
    out = {o.member_id for o in OptOut.select(OptOut.member).where(OptOut.sender == letter.sender_id)}
    return sorted(g for g in guids - out if not rules.blocked_between(g, letter.sender_id))


def save(site: SiteRuntime, user: Account, sender: Entity, letter_entity: Entity | None, title: str, body: str,
         audience_choice: str, archived: bool, stored=None) -> Entity:
    """Create or update a draft letter."""
    title, body = (title or "").strip()[:200], (body or "").strip()
    if not title or not body:
        raise Refused(_("A letter needs a title and a text."))
    if audience_choice not in AUDIENCES:
        raise Refused(_("Choose who receives the letter."))
    with database.atomic():
        if letter_entity is None:
            letter_entity = entities.create(site, LETTER, owner=sender, title=title, access_level="private",
                                            container=sender)
            Letter.create(entity=letter_entity, sender=sender.guid, author=user.guid, body=body,
                          audience=audience_choice, archived=archived)
        else:
            entities.update(site, letter_entity, title=title)
            Letter.update(body=body, audience=audience_choice, archived=archived, author=user.guid).where(
                Letter.entity == letter_entity.guid).execute()
        if stored is not None:
            Letter.update(attachment=stored.key, attachment_name=stored.filename, attachment_mime=stored.mime,
                          attachment_size=stored.size).where(Letter.entity == letter_entity.guid).execute()
    return letter_entity


def schedule(site: SiteRuntime, letter: Letter, when: dt.datetime | None) -> None:
    """Send at ``when`` (None: now). A sender may send ``letters_per_day`` letters a day."""
    if letter.status not in ("draft", "scheduled"):
        raise Refused(_("This letter was already sent."))
    per_day = int(rules.settings(site).get("letters_per_day") or 2)
    if not ratelimit.hit(f"messages.letters:{letter.sender_id}", per_day, 86400):
        raise Refused(_("%(max)s letters a day at most: send this one tomorrow.") % {"max": per_day})
    Letter.update(status="scheduled", send_at=when or now()).where(Letter.entity == letter.entity_id).execute()


def deliver_due(site: SiteRuntime, batch: int = BATCH, limit: int | None = None, only: int | None = None) -> int:
    """Send the letters whose time has come (or only letter ``only``), at most ``limit`` mails;
    returns how many mails were sent. Resumable: the next call goes on where this one stopped."""
    sent = 0
    due = Letter.select().join(Entity, on=(Letter.entity == Entity.guid)).where(
        Entity.site == site.id, Entity.deleted_at.is_null(), Letter.status.in_(("scheduled", "sending")),
        Letter.send_at <= now())
    due = list(due.where(Letter.entity == only) if only is not None else due)
    for letter in due:
        if letter.status == "scheduled":
            _start(site, letter)
        sent += _mail_batches(site, letter, batch, None if limit is None else limit - sent)
        if limit is not None and sent >= limit:
            break
    return sent


def _start(site: SiteRuntime, letter: Letter) -> None:
    """Write the recipients once (a second call adds nobody) and mark the letter as being sent."""
    recipients = audience(site, letter)
    with database.atomic():
        for start in range(0, len(recipients), 500):
            Delivery.insert_many([{"letter": letter.entity_id, "recipient": g}
                                  for g in recipients[start:start + 500]]).on_conflict_ignore().execute()
        Letter.update(status="sending").where(Letter.entity == letter.entity_id).execute()
        if letter.archived:  # announced as an access change (maillage_entity_changed)
            entities.update(site, Entity.get_by_id(letter.entity_id), access="public")
    letter.status = "sending"


def _mail_batches(site: SiteRuntime, letter: Letter, batch: int, limit: int | None) -> int:
    sent = 0
    entity = Entity.get_by_id(letter.entity_id)
    sender = Entity.get_by_id(letter.sender_id)
    while limit is None or sent < limit:
        rows = list(Delivery.select().where(Delivery.letter == letter.entity_id, Delivery.mailed_at.is_null())
                    .order_by(Delivery.id).limit(batch if limit is None else min(batch, limit - sent)))
        if not rows:
            Letter.update(status="sent", sent_at=now()).where(Letter.entity == letter.entity_id).execute()
            break
        for row in rows:
            account = Account.get_or_none(Account.entity == row.recipient_id)
            with database.atomic():  # the letter's mail goes to the outbox with the mark of its delivery
                if account is not None and account.state == "active" and not OptOut.select().where(
                        OptOut.member == account.guid, OptOut.sender == sender.guid).exists():
                    _mail(site, account, sender, entity, letter)
                    sent += 1
                Delivery.update(mailed_at=now()).where(Delivery.id == row.id).execute()
    return sent


def unsubscribe_url(site: SiteRuntime, member_guid: int, sender_guid: int) -> str:
    token = tokens.make(site, "messages.letters", {"uid": member_guid, "sender": sender_guid})
    return urls.absolute(site, web.url_for(site, "messages-letters-unsubscribe", token=token))


def read_token(site: SiteRuntime, token: str) -> dict:
    return tokens.read(site, "messages.letters", token, UNSUBSCRIBE_MAX_AGE)


def opt_out(member_guid: int, sender_guid: int) -> None:
    OptOut.insert(member=member_guid, sender=sender_guid, created=now()).on_conflict_ignore().execute()


def _mail(site: SiteRuntime, account: Account, sender: Entity, entity: Entity, letter: Letter) -> None:
    stop = unsubscribe_url(site, account.guid, sender.guid)
    with in_language(site, account):
        body = _("%(text)s\n\n--\nRead it on the site: %(link)s\nTo receive no more letters from %(sender)s: "
                 "%(stop)s") % {"text": letter.body, "link": urls.absolute(site, web.url_for(site, "messages-letter", guid=entity.guid)),
                                "sender": sender.title, "stop": stop}
        html = text.render_markdown(letter.body)
        mail.send(site, account.email, f"[{sender.title}] {entity.title}", body, html=str(html),
                  headers={"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def readable(site: SiteRuntime, user: Account | None, guid: int) -> tuple[Entity, Letter] | None:
    """A letter the viewer may read: a recipient, someone who may send for its sender, or anyone
    for an archived (public) letter once sent."""
    row = (Letter.select(Letter, Entity).join(Entity, on=(Letter.entity == Entity.guid))
           .where(Letter.entity == guid, Entity.site == site.id, Entity.deleted_at.is_null()).first())
    if row is None:
        return None
    entity = row.entity
    if row.archived and row.status == "sent" and not entity.hidden:
        return entity, row
    if user is None:
        return None
    if Delivery.select().where(Delivery.letter == guid, Delivery.recipient == user.guid).exists():
        return entity, row
    sender = Entity.get_by_id(row.sender_id)
    if rules.may_write_members(site, user, sender):
        return entity, row
    return None


def received(user: Account, before: int | None = None, limit: int = 30):
    query = (Delivery.select(Delivery, Entity).join(Entity, on=(Delivery.letter == Entity.guid))
             .where(Delivery.recipient == user.guid, Delivery.mailed_at.is_null(False), Entity.deleted_at.is_null())
             .order_by(Delivery.id.desc()).limit(limit))
    if before:
        query = query.where(Delivery.id < before)
    return list(query)


def archive(sender_guid: int, before: int | None = None, limit: int = 30) -> list[Entity]:
    query = (Entity.select().join(Letter, on=(Letter.entity == Entity.guid))
             .where(Letter.sender == sender_guid, Letter.archived == True, Letter.status == "sent",  # noqa: E712
                    Entity.deleted_at.is_null(), Entity.hidden == False)  # noqa: E712
             .order_by(Entity.guid.desc()).limit(limit))
    if before:
        query = query.where(Entity.guid < before)
    return list(query)


def drafts(sender_guids: list[int]) -> list[Entity]:
    if not sender_guids:
        return []
    return list(Entity.select(Entity, Letter.status.alias("status"), Letter.send_at.alias("send_at"))
                .join(Letter, on=(Letter.entity == Entity.guid))
                .where(in_ids(Letter.sender, sender_guids), Entity.deleted_at.is_null())
                .order_by(Entity.guid.desc()).limit(50))


