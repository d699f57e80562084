"""Answering an ad: a conversation through the messages plugin when the site has it, otherwise a
contact form whose message is mailed to the ad's owner (its managers, for an organisation), with
the answerer's address to reply to. Each answer is counted on the ad; the owner closes it when done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import entities, inputs, mail, notifications, ratelimit, urls, web
from core.db import database
from core.i18n import gettext as _
from core.models import Account, Entity
from plugins.offers import ads
from plugins.offers.models import Ad, Answer

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PER_HOUR = 20


class Refused(ValueError):
    """The answer cannot be sent; the message says why."""


def through_messages(site: SiteRuntime) -> bool:
    return "messages" in site.enabled_names


def may_answer(site: SiteRuntime, user: Account | None, sender: Entity | None, ad: Ad) -> bool:
    """A signed-in member, neither the ad's owner nor one of its managers, on an open ad."""
    if user is None or not ads.is_open(ad):
        return False
    owner = ad.entity.owner_id
    if owner in (user.guid, sender.guid if sender is not None else user.guid):
        return False
    return not entities.manages(user, owner)


def send(site: SiteRuntime, user: Account, sender: Entity, ad: Ad, body_raw) -> str | None:
    """Send the answer; return the address of the conversation it opened (None for a mail).
    Raises :class:`Refused` (empty text, limit reached, the messages plugin's refusal)."""
    try:
        body = inputs.text(body_raw, maximum=5000, required=True)
    except inputs.InvalidInput as exc:
        raise Refused(str(exc)) from None
    if not ratelimit.hit(f"offers.answer:{user.guid}", PER_HOUR, 3600):
        raise Refused(_("You sent many answers in the last hour: try again later."))
    entity = ad.entity
    link = urls.absolute(site, ads.url(site, entity))
    subject = _("About: %(title)s") % {"title": entity.title}
    if through_messages(site):
        from plugins.messages import api as messages

        try:
            conversation = messages.start(site, user, sender.guid, [entity.owner_id], subject,
                                          f"{body}\n\n{_('About the ad:')} {link}")
        except messages.Refused as exc:
            raise Refused(str(exc)) from None
        Answer.create(ad=ad.entity_id, author=sender.guid, via="messages")
        return web.entity_url(site, conversation)
    recipients = ads.readers(site, entity.owner)
    if not recipients:
        raise Refused(_("Nobody can receive answers to this ad at the moment."))
    with database.atomic():
        for account in recipients:
            with notifications.in_language(site, account):
                mail.send(site, account.email, _("An answer to your ad: %(title)s") % {"title": entity.title},
                          _("%(name)s answered your ad \"%(title)s\":\n\n%(body)s\n\n"
                            "Reply to this mail to write to them (%(email)s).\nThe ad: %(url)s\n") % {
                              "name": sender.title, "title": entity.title, "body": body, "email": user.email,
                              "url": link},
                          headers={"Reply-To": user.email})
        Answer.create(ad=ad.entity_id, author=sender.guid, via="mail")
    return None


def count(ad: Ad) -> int:
    return Answer.select().where(Answer.ad == ad.entity_id).count()
