"""The pages of managing a card: inviting co-managers, removing one, cancelling an invitation,
answering one, and the administrators' claims queue (the rules are in :mod:`managing`)."""

from __future__ import annotations

from urllib.parse import quote

from core import entities, inputs, web
from core.i18n import gettext as _
from core.models import Entity
from plugins.directory import cards, views
from plugins.directory.managing import (
    CLAIMS_PAGE,
    INVITATION_DAYS,
    Invitation,
    ManagingError,
    accept,
    answer_claim,
    decline,
    find_invitation,
    invite,
    may_manage,
    pending_claims,
    remove_manager,
)


def _card(request, user):
    return views.visible_card(web.site_of(request), user, request.path_params["guid"])


def _managed_card(request, user):
    """The card of the path and its row, when ``user`` may manage it (403 otherwise)."""
    card, org = _card(request, user)
    if not may_manage(user, card):
        raise web.forbidden()
    return card, org


def invite_view(request):
    """POST: a manager (or an administrator) invites an e-mail address to co-manage the card."""
    user = web.require_user(request)
    site = web.site_of(request)
    card, org = _managed_card(request, user)
    address = (web.form(request).get("email") or "").strip()
    try:
        invitation = invite(site, request, card, user, address)
    except ManagingError as exc:
        return views.render_card(request, card, org, {"invite_error": str(exc), "invite_email": address},
                           status_code=400)
    if invitation.invitee_id:
        web.flash(request, _("%(email)s is invited: they manage the card once they accept.")
                  % {"email": invitation.email})
    else:
        web.flash(request, _("%(email)s is not a member yet: a link valid %(days)s days is mailed to them; "
                             "they manage the card once they accept.")
                  % {"email": invitation.email, "days": INVITATION_DAYS})
    return web.redirect(request, web.url_for(request, "directory-card", guid=card.guid) + "#managers")


def remove_view(request):
    """POST: remove a co-manager, or stop managing the card oneself."""
    user = web.require_user(request)
    site = web.site_of(request)
    card, _org = _managed_card(request, user)
    member = request.path_params["uid"]
    try:
        remove_manager(site, card, member, user)
    except ManagingError as exc:
        web.flash(request, str(exc), "error")
        return web.redirect(request, web.url_for(request, "directory-card", guid=card.guid) + "#managers")
    if member == user.guid:
        web.flash(request, _("You no longer manage this card."))
        if not user.is_admin:
            return web.redirect(request, web.url_for(request, "directory-card", guid=card.guid))
    else:
        web.flash(request, _("The member no longer manages the card."))
    return web.redirect(request, web.url_for(request, "directory-card", guid=card.guid) + "#managers")


def cancel_view(request):
    """POST: a manager cancels a pending invitation (its mailed link stops working)."""
    user = web.require_user(request)
    card, _org = _managed_card(request, user)
    Invitation.delete().where(Invitation.id == request.path_params["id"], Invitation.card == card.guid).execute()
    web.flash(request, _("The invitation is cancelled."))
    return web.redirect(request, web.url_for(request, "directory-card", guid=card.guid) + "#managers")


def invitation_view(request):
    """The invited person's page: accept or decline (signed in); visitors with a mailed link are asked to sign in."""
    site = web.site_of(request)
    user = web.current_user(request)
    token = request.query_params.get("token", "") or (web.form(request).get("token") or "")
    path = web.url_for(request, "directory-invitation", guid=request.path_params["guid"])
    if user is None:
        if not token:
            raise web.SignInRequired()
        card = Entity.get_or_none(Entity.guid == request.path_params["guid"], Entity.kind == cards.KIND,
                                  Entity.site == site.id, Entity.deleted_at.is_null())
        if card is None:
            raise web.not_found()
        try:
            invitation = find_invitation(site, card, None, token)
        except ManagingError as exc:
            return web.render(request, "directory/invitation.html", {"card": card, "error": str(exc)},
                              status_code=404)
        return web.render(request, "directory/invitation.html", {
            "card": card, "invitation": invitation, "inviter": _inviter(invitation),
            "signin_url": "/signin?next=" + quote(f"{path}?token={token}", safe="")})
    card, _org = _card(request, user)
    try:
        invitation = find_invitation(site, card, user, token)
    except ManagingError as exc:
        return web.render(request, "directory/invitation.html", {"card": card, "error": str(exc)}, status_code=404)
    if entities.manages(user, card):
        if invitation is not None:
            invitation.delete_instance()
        web.flash(request, _("You already manage this card."))
        return web.redirect(request, web.url_for(request, "directory-card", guid=card.guid))
    if invitation is None:
        return web.render(request, "directory/invitation.html",
                          {"card": card, "error": _("You have no invitation to co-manage this card.")},
                          status_code=404)
    if request.method == "POST":
        if web.form(request).get("answer") == "accept":
            accept(site, invitation, user)
            web.flash(request, _("You manage %(card)s now: you may act in its name (see the identity switch).")
                      % {"card": card.title})
        else:
            decline(site, invitation, user)
            web.flash(request, _("You declined the invitation."))
        return web.redirect(request, web.url_for(request, "directory-card", guid=card.guid))
    return web.render(request, "directory/invitation.html", {
        "card": card, "invitation": invitation, "inviter": _inviter(invitation), "token": token})


def _inviter(invitation: Invitation) -> Entity | None:
    return Entity.get_or_none(Entity.guid == invitation.inviter_id) if invitation.inviter_id else None


def claims_view(request):
    """Administrators: pending claims, approve or refuse each."""
    admin = web.require_admin(request)
    site = web.site_of(request)
    if request.method == "POST":
        data = web.form(request)
        card_guid, claimant = inputs.id_or_none(data.get("card")), inputs.id_or_none(data.get("claimant"))
        if not card_guid or not claimant:
            raise web.not_found()
        card = Entity.get_or_none(Entity.guid == card_guid, Entity.kind == cards.KIND, Entity.site == site.id)
        if card is None:
            raise web.not_found()
        approve = data.get("answer") == "approve"
        try:
            answer_claim(site, card, claimant, admin, approve)
        except ManagingError as exc:
            web.flash(request, str(exc), "error")
        else:
            web.flash(request, _("Claim approved: the member manages %(card)s.") % {"card": card.title} if approve
                      else _("Claim refused; the member is told."))
        return web.redirect(request, web.url_for(request, "directory-claims"))
    rows = pending_claims(site, inputs.query_id(request, "after") or 0)
    return web.render(request, "directory/claims.html", {
        "claims": rows, "next_after": rows[-1].id if len(rows) == CLAIMS_PAGE else None})

