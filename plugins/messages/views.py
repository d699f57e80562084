"""The pages of conversations: inbox, new conversation, a conversation, search, settings, reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import access, acting, entity_images, inputs, moderation, web
from core.i18n import gettext as _
from core.models import Entity
from plugins.documents import api as documents
from plugins.messages import conversations, rules
from plugins.messages.conversations import Refused
from plugins.messages.models import CONVERSATION, Message

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def _int(value) -> int | None:
    return inputs.id_or_none(value)


def _identities(request, user) -> list[Entity]:
    """The identities the member may write as: themselves first, then what they manage."""
    site = web.site_of(request)
    return [user.entity, *acting.identities(site, user)]


def _default_sender(request, user) -> int:
    actor = getattr(request.state, "actor", None)
    return actor.guid if actor is not None else user.guid


def inbox(request):
    user = web.require_user(request)
    site = web.site_of(request)
    archived = request.query_params.get("archived") == "1"
    rows, next_before = conversations.inbox(site, user, archived=archived, before=request.query_params.get("before"))
    return web.render(request, "messages/inbox.html", {
        "rows": rows, "next_before": next_before, "archived": archived, "user_guid": user.guid,
        "letters": _letters_count(user)})


def _letters_count(user) -> int:
    from plugins.messages.models import Delivery

    return Delivery.select().where(Delivery.recipient == user.guid, Delivery.read_at.is_null(),
                                   Delivery.mailed_at.is_null(False)).count()


def new(request):
    """Open a conversation: ``?to=<guid>`` (repeatable) or ``?members_of=<group or organisation>``."""
    user = web.require_user(request)
    site = web.site_of(request)
    source = web.form(request) if request.method == "POST" else request.query_params
    to = [g for g in (_int(v) for v in source.getlist("to")) if g]
    about = None
    members_of = _int(source.get("members_of"))
    if members_of:
        about = Entity.get_or_none(Entity.guid == members_of, Entity.site == site.id, Entity.deleted_at.is_null())
        if about is None or not rules.may_write_members(site, user, about):
            raise web.not_found()
    # only what the member may see: a guid typed in the address reveals no hidden name
    recipients = list(Entity.select().where(Entity.guid.in_(to[:50]), access.visible(user, site))) if to else []
    identities = _identities(request, user)
    sender = about.guid if about is not None else _int(source.get("sender")) or _default_sender(request, user)
    if sender not in {e.guid for e in identities}:
        sender = user.guid
    values = {"subject": source.get("subject", ""), "body": source.get("body", ""), "also": source.get("also", "")}
    error = None
    if about is None and request.method == "GET" and recipients \
            and not any(rules.may_write(site, user, sender, r) for r in recipients):
        error = _("You cannot write to %(name)s.") % {"name": recipients[0].title}
    if request.method == "POST":
        guids = [r.guid for r in recipients] + _by_username(site, values["also"])
        if about is not None:
            guids = rules.members_of(site, about.guid)
        try:
            conv = conversations.start(site, user, sender, guids, values["subject"], values["body"], about=about)
        except Refused as exc:
            error = str(exc)
        else:
            web.flash(request, _("Message sent."))
            return web.redirect(request, web.url_for(request, "messages-conversation", guid=conv.guid))
    members = len(rules.members_of(site, about.guid)) if about is not None else 0
    return web.render(request, "messages/new.html", {
        "recipients": recipients, "about": about, "members": members, "write_as": identities,
        "sender": sender, "values": values, "error": error}, status_code=400 if error and request.method == "POST" else 200)


def _by_username(site: SiteRuntime, raw: str) -> list[int]:
    from core.models import Account

    names = [n.strip().lstrip("@") for n in (raw or "").replace(";", ",").split(",") if n.strip()][:50]
    if not names:
        return []
    return [a.entity_id for a in Account.select(Account.entity).where(Account.site == site.id,
                                                                       Account.username.in_(names))]


def show(request):
    """A conversation: the latest messages (older ones by keyset), the reply form; reading marks it read.
    Anyone but a participant, visitors included, gets 404: the address reveals nothing."""
    user = web.current_user(request)
    site = web.site_of(request)
    found = conversations.conversation(site, user, request.path_params["guid"])
    if found is None:
        raise web.not_found()
    conv, mine = found
    error, body = None, ""
    if request.method == "POST":
        data = web.form(request)
        body = data.get("body", "")
        row = next((r for r in mine if r.member_id == _int(data.get("sender"))), mine[0])
        try:
            stored = documents.store_file(site, row.member_id, data.get("attachment"))
            conversations.reply(site, user, conv, row.member_id, body, attachment=stored)
        except (Refused, documents.Refused) as exc:
            error = str(exc)
        else:
            return web.redirect(request, web.url_for(request, "messages-conversation", guid=conv.guid) + "#last")
    before = _int(request.query_params.get("before"))
    messages, older = conversations.page(conv.guid, before=before)
    entity_images.prime(site, [m.sender for m in messages if m.sender_id], 32)  # the senders' pictures, at once
    if not before and request.method == "GET" and any(r.unread for r in mine):
        conversations.mark_read(conv, mine)
    actor = _default_sender(request, user)
    reply_as = next((r.member_id for r in mine if r.member_id == actor), mine[0].member_id)
    return web.render(request, "messages/conversation.html", {
        "conv": conv, "mine": mine, "messages": messages, "older": older,
        "people": conversations.participants(conv.guid, current=False), "reply_as": reply_as,
        "signature": conversations.signature, "error": error, "body": body,
        "archived": all(r.archived for r in mine), "muted": all(r.muted for r in mine),
        "attachments_on": documents.enabled(site)}, status_code=400 if error else 200)


ACTIONS = ("read", "unread", "archive", "unarchive", "mute", "unmute", "leave")


def act(request):
    user = web.require_user(request)
    site = web.site_of(request)
    action = request.path_params["action"]
    found = conversations.conversation(site, user, request.path_params["guid"])
    if found is None or action not in ACTIONS:
        raise web.not_found()
    conv, mine = found
    target = web.url_for(request, "messages-conversation", guid=conv.guid)
    if action == "read":
        conversations.mark_read(conv, mine)
    elif action == "unread":
        conversations.mark_unread(conv, mine)
        target = web.url_for(request, "messages")
        web.flash(request, _("Marked as unread."))
    elif action in ("archive", "unarchive"):
        conversations.set_flag(mine, "archived", action == "archive")
        target = web.url_for(request, "messages")
        web.flash(request, _("Archived.") if action == "archive" else _("Back in the inbox."))
    elif action in ("mute", "unmute"):
        conversations.set_flag(mine, "muted", action == "mute")
        web.flash(request, _("You will no longer be told about new messages here.") if action == "mute"
                  else _("You will be told about new messages here again."))
    elif action == "leave":
        who = _int(web.form(request).get("as"))
        rows = [r for r in mine if r.member_id == who] or mine[:1]
        conversations.leave(site, user, conv, rows[0])
        web.flash(request, _("You left the conversation."))
        target = web.url_for(request, "messages")
    return web.redirect(request, target)


def message(request):
    """A message's own address: participants go to it in its conversation; moderators read a
    reported message with the messages just before it (its context); everyone else gets 404."""
    user = web.current_user(request)
    if user is None:
        raise web.not_found()
    site = web.site_of(request)
    row = Message.get_or_none(Message.entity == request.path_params["guid"])
    if row is None:
        raise web.not_found()
    conv = Entity.get_or_none(Entity.guid == row.conversation_id, Entity.site == site.id, Entity.kind == CONVERSATION)
    if conv is None:
        raise web.not_found()
    if conversations.conversation(site, user, conv.guid) is not None:
        return web.redirect(request, web.url_for(request, "messages-conversation", guid=conv.guid)
                            + f"?before={row.entity_id + 1}#m{row.entity_id}")
    if not (user.is_moderator and conversations.reported(row.entity_id)):
        raise web.not_found()
    context, _older = conversations.page(conv.guid, before=row.entity_id + 1, limit=6)
    return web.render(request, "messages/reported.html", {
        "conv": conv, "messages": context, "reported": row.entity_id, "signature": conversations.signature})


def report(request):
    """A participant reports a message to the moderators."""
    user = web.require_user(request)
    site = web.site_of(request)
    row = Message.get_or_none(Message.entity == request.path_params["guid"])
    if row is None or conversations.conversation(site, user, row.conversation_id) is None:
        raise web.not_found()
    entity = Entity.get_by_id(row.entity_id)
    error, reason = None, ""
    if request.method == "POST":
        reason = web.form(request).get("reason", "").strip()
        if not reason:
            error = _("Say in a few words what is wrong.")
        else:
            moderation.report(site, user, entity, reason)
            web.flash(request, _("Thank you: the moderators will look at it."))
            return web.redirect(request, web.url_for(request, "messages-conversation", guid=row.conversation_id))
    return web.render(request, "messages/report.html", {"entity": entity, "message": row, "error": error,
                                                        "reason": reason, "signature": conversations.signature},
                      status_code=400 if error else 200)


def attachment(request):
    """An attachment, for the participants only (and moderators of a reported message)."""
    user = web.require_user(request)
    site = web.site_of(request)
    row = Message.get_or_none(Message.entity == request.path_params["guid"])
    if row is None or not row.attachment:
        raise web.not_found()
    if conversations.conversation(site, user, row.conversation_id) is None and not (
            user.is_moderator and conversations.reported(row.entity_id)):
        raise web.not_found()
    return documents.serve_file(request, row.attachment, row.attachment_mime, row.attachment_name)


def search(request):
    user = web.require_user(request)
    site = web.site_of(request)
    q = request.query_params.get("q", "").strip()[:200]
    found = conversations.search(site, user, q) if q else []
    return web.render(request, "messages/search.html", {"q": q, "found": found})


def preferences(request):
    """Who may write to me (and to each entity I manage), narrower than the site's rule."""
    user = web.require_user(request)
    site = web.site_of(request)
    identities = _identities(request, user)
    site_level = rules.RULES.index(rules.site_rule(site))
    choices = [(r, rules.RULE_LABELS[r]) for r in rules.RULES[site_level:]]
    if request.method == "POST":
        data = web.form(request)
        for entity in identities:
            value = data.get(f"who-{entity.guid}")
            if value in rules.RULES and rules.RULES.index(value) >= site_level:
                rules.set_rule(entity.guid, value)
        web.flash(request, _("Saved."))
        return web.redirect(request, web.url_for(request, "messages-settings"))
    current = {e.guid: rules.rule_for(site, e.guid) for e in identities}
    return web.render(request, "messages/settings.html", {"write_as": identities, "choices": choices,
                                                          "current": current, "user_guid": user.guid})

