"""The pages of letters: compose and preview, send now or at a time, read, the archive, unsubscribe."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core import inputs, tokens, web
from core.db import now
from core.i18n import gettext as _
from core.models import Entity
from plugins.documents import api as documents
from plugins.messages import letters, rules
from plugins.messages.models import Delivery, Letter

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def _int(value) -> int | None:
    return inputs.id_or_none(value)


def _when(site: SiteRuntime, raw: str) -> dt.datetime | None:
    """A date and time typed in the site's time zone (``YYYY-MM-DDTHH:MM``), as naive UTC."""
    try:
        local = inputs.moment(raw)
        zone = ZoneInfo(site.settings.get("timezone") or "Europe/Paris")
    except (TypeError, ValueError, ZoneInfoNotFoundError):  # inputs.InvalidInput is a ValueError
        return None
    if local is None:
        return None
    return local.replace(tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None)


def compose(request):
    """Write a letter as an organisation or a group (``?sender=<guid>``), preview it, send or schedule it."""
    user = web.require_user(request)
    site = web.site_of(request)
    data = web.form(request) if request.method == "POST" else request.query_params
    letter_entity, letter = None, None
    if "guid" in request.path_params:
        found = letters.readable(site, user, request.path_params["guid"])
        if found is None:
            raise web.not_found()
        letter_entity, letter = found
        sender = Entity.get_by_id(letter.sender_id)
    else:
        sender = Entity.get_or_none(Entity.guid == _int(data.get("sender")), Entity.site == site.id,
                                    Entity.deleted_at.is_null())
    if sender is None or not rules.may_write_members(site, user, sender):
        raise web.not_found()
    if letter is not None and letter.status not in ("draft", "scheduled"):
        return web.redirect(request, web.url_for(request, "messages-letter", guid=letter_entity.guid))
    values = {"title": letter_entity.title if letter_entity else "", "body": letter.body if letter else "",
              "audience": letter.audience if letter else "both", "archived": letter.archived if letter else False,
              "send_at": ""}
    error, preview = None, None
    if request.method == "POST":
        values.update(title=data.get("title", ""), body=data.get("body", ""), audience=data.get("audience", "both"),
                      archived=data.get("archived") == "1", send_at=data.get("send_at", ""))
        action = data.get("action", "preview")
        try:
            stored = documents.store_file(site, sender.guid, data.get("attachment"))
            letter_entity = letters.save(site, user, sender, letter_entity, values["title"], values["body"],
                                         values["audience"], values["archived"], stored)
            letter = Letter.get_by_id(letter_entity.guid)
            if action == "send":
                letters.schedule(site, letter, None)
                # the first mails at once; a long list is finished by `maillage send-letters` (cron)
                count = letters.deliver_due(site, limit=letters.IN_REQUEST, only=letter_entity.guid)
                if Letter.get_by_id(letter_entity.guid).status == "sent":
                    web.flash(request, _("The letter is sent (%(num)s e-mails).") % {"num": count})
                else:
                    web.flash(request, _("The letter is being sent: %(num)s e-mails so far, the others in a few "
                                         "minutes.") % {"num": count})
                return web.redirect(request, web.url_for(request, "messages-letter", guid=letter_entity.guid))
            if action == "schedule":
                when = _when(site, values["send_at"])
                if when is None:
                    raise letters.Refused(_("Give the date and time of sending."))
                letters.schedule(site, letter, when)
                web.flash(request, _("The letter will be sent at the chosen time."))
                return web.redirect(request, web.url_for(request, "messages-letter", guid=letter_entity.guid))
            preview = letter_entity
        except (letters.Refused, documents.Refused) as exc:
            error = str(exc)
    count = len(letters.audience(site, Letter(sender=sender.guid, author=user.guid, audience=values["audience"])))
    return web.render(request, "messages/letter_compose.html", {
        "sender": sender, "letter_entity": letter_entity, "letter": letter, "values": values, "error": error,
        "preview": preview, "count": count, "attachments_on": documents.enabled(site)},
        status_code=400 if error else 200)


def show(request):
    user = web.current_user(request)
    site = web.site_of(request)
    found = letters.readable(site, user, request.path_params["guid"])
    if found is None:
        raise web.not_found()
    entity, letter = found
    if user is not None:
        Delivery.update(read_at=now()).where(Delivery.letter == entity.guid, Delivery.recipient == user.guid,
                                                      Delivery.read_at.is_null()).execute()
    sender = Entity.get_by_id(letter.sender_id)
    can_send = rules.may_write_members(site, user, sender) if user else False
    sent = Delivery.select().where(Delivery.letter == entity.guid, Delivery.mailed_at.is_null(False)).count() \
        if can_send else 0
    return web.render(request, "messages/letter.html", {"entity": entity, "letter": letter, "sender": sender,
                                                         "can_send": can_send, "sent": sent})


def attachment(request):
    site = web.site_of(request)
    found = letters.readable(site, web.current_user(request), request.path_params["guid"])
    if found is None or not found[1].attachment:
        raise web.not_found()
    letter = found[1]
    return documents.serve_file(request, letter.attachment, letter.attachment_mime, letter.attachment_name)


def received(request):
    user = web.require_user(request)
    rows = letters.received(user, before=_int(request.query_params.get("before")))
    return web.render(request, "messages/letters.html", {"rows": rows,
                                                         "drafts": letters.drafts([e.guid for e in _runs(request, user)])})


def _runs(request, user) -> list[Entity]:
    from core import acting

    site = web.site_of(request)
    return [e for e in acting.identities(site, user) if rules.may_write_members(site, user, e)]


def archive(request):
    """The letters a sender chose to archive, public on its page."""
    site = web.site_of(request)
    sender = Entity.get_or_none(Entity.guid == request.path_params["guid"], Entity.site == site.id,
                                Entity.deleted_at.is_null())
    if sender is None:
        raise web.not_found()
    rows = letters.archive(sender.guid, before=_int(request.query_params.get("before")))
    return web.render(request, "messages/letter_archive.html", {"sender": sender, "rows": rows})


@web.csrf_exempt
def unsubscribe(request):
    """One-click unsubscribe from one sender's letters (RFC 8058: a POST from the mail client, no session)."""
    site = web.site_of(request)
    try:
        data = letters.read_token(site, request.path_params["token"])
    except tokens.TokenError:
        return web.render(request, "messages/unsubscribe.html", {"invalid": True}, status_code=400)
    sender = Entity.get_or_none(Entity.guid == data["sender"])
    if request.method == "POST":
        letters.opt_out(data["uid"], data["sender"])
        return web.render(request, "messages/unsubscribe.html", {"done": True, "sender": sender})
    return web.render(request, "messages/unsubscribe.html", {"sender": sender})
