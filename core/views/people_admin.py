"""Administration of people: list and filters, validation, bans, roles, delegations, codes, data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from starlette.responses import Response

from core import auth, delegation, inputs, personal_data, registration, sessions, web
from core.db import now
from core.i18n import gettext as _
from core.models import Account, Entity

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 50
STATES = ("pending", "awaiting_approval", "active", "invited", "banned")
ROLES = ("member", "moderator", "admin")


def index(request):
    """Members with search (name, e-mail) and filters (state, role, joined since)."""
    web.require_admin(request)
    site = web.site_of(request)
    p = request.query_params
    q, state, role, joined = (p.get("q") or "").strip(), p.get("state", ""), p.get("role", ""), p.get("joined", "")
    query = (Account.select(Account, Entity).join(Entity).where(Account.site == site.id)
             .order_by(Account.entity.desc()).limit(PAGE + 1))
    if q:
        query = query.where(Entity.title.contains(q) | Account.email.contains(q.lower()))
    if state in STATES:
        query = query.where(Account.state == state)
    if role in ROLES:
        query = query.where(Account.role == role)
    days = inputs.query_int(request, "joined", minimum=0, maximum=100_000)
    if days is not None:
        query = query.where(Account.created >= now() - dt.timedelta(days=days))
    if inputs.query_id(request, "before"):
        query = query.where(Account.entity < inputs.query_id(request, "before"))
    rows = list(query)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    filters = {"q": q, "state": state, "role": role, "joined": joined}
    return web.render(request, "core/admin/people.html", {
        "people": rows, "filters": filters, "states": STATES, "roles": ROLES,
        "next_before": rows[-1].guid if more else None,
    })


def _account(request) -> Account:
    site = web.site_of(request)
    account = Account.select(Account, Entity).join(Entity).where(
        Account.entity == request.path_params["guid"], Account.site == site.id).first()
    if account is None:
        raise web.not_found()
    return account


def show(request):
    """One member: state, role, delegations, invitations; the actions on them."""
    admin = web.require_admin(request)
    site = web.site_of(request)
    account = _account(request)
    error = None
    if request.method == "POST":
        data = web.form(request)
        act = ACTIONS.get(data.get("action"))
        error = act(request, site, admin, account, data) if act else None
        if error is None:
            return web.redirect(request, web.url_for(request, "admin-person", guid=account.guid))
    invitations = (registration.Invitation.select()
                   .where(registration.Invitation.site == site.id, registration.Invitation.inviter == account.guid)
                   .order_by(registration.Invitation.id.desc()))
    return web.render(request, "core/admin/person.html", {
        "person": account, "delegations": delegation.of(site, account), "invitations": invitations,
        "roles": ROLES, "error": error, "scopes": delegation.scopes(site)}, status_code=400 if error else 200)


# The actions of the member's page: each does its change (or nothing when it does not apply) and
# returns None, or the message shown above the page when it is refused.


def _validate(request, site: SiteRuntime, admin, account, data) -> str | None:
    if account.state in ("pending", "awaiting_approval"):
        account.state, account.email_validated = "active", account.email_validated or now()
        account.save()
        web.flash(request, _("The account is active."))
    return None


def _ban(request, site: SiteRuntime, admin, account, data) -> str | None:
    reason = (data.get("reason") or "").strip()
    if not reason:
        return _("Give the reason of the ban; it is kept with the account.")
    if account.guid == admin.guid:
        return _("You cannot ban yourself.")
    account.state, account.ban_reason = "banned", reason[:500]
    account.save()
    sessions.end_all(account.guid)
    web.flash(request, _("The member is banned and signed out."))
    return None


def _unban(request, site: SiteRuntime, admin, account, data) -> str | None:
    if account.state == "banned":
        account.state, account.ban_reason = "active", ""
        account.save()
        web.flash(request, _("The ban is lifted."))
    return None


def _resend(request, site: SiteRuntime, admin, account, data) -> str | None:
    if account.state == "pending":
        registration.send_validation(site, request, account)
        web.flash(request, _("The validation link was sent again."))
    return None


def _role(request, site: SiteRuntime, admin, account, data) -> str | None:
    if data.get("role") not in ROLES:
        return None
    if account.guid == admin.guid and data["role"] != "admin":
        return _("You cannot remove your own administrator role.")
    account.role = data["role"]
    account.save()
    web.flash(request, _("Role changed."))
    return None


def _delegate(request, site: SiteRuntime, admin, account, data) -> str | None:
    scope = (data.get("scope") or "").strip().lower()
    if scope not in dict(delegation.scopes(site)):
        return _("Choose the part of the site in the list.")
    delegation.grant(site, account, scope, inputs.id_or_none(data.get("target", "")))
    web.flash(request, _("Rights given."))
    return None


def _revoke(request, site: SiteRuntime, admin, account, data) -> str | None:
    if inputs.id_or_none(data.get("delegation")):
        delegation.revoke(inputs.id_or_none(data.get("delegation")))
        web.flash(request, _("Rights taken back."))
    return None


ACTIONS = {"validate": _validate, "ban": _ban, "unban": _unban, "resend": _resend, "role": _role,
           "delegate": _delegate, "revoke": _revoke}


def export(request):
    """Download the archive of a member's personal data (on their request)."""
    web.require_admin(request)
    account = _account(request)
    return _zip(web.site_of(request), account)


def _zip(site: SiteRuntime, account) -> Response:
    data = personal_data.archive(site, account)
    name = f"{site.id}-{account.username}-{now():%Y%m%d}.zip"
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def delete(request):
    """Delete a member's account on their request, deleting or anonymising their content."""
    admin = web.require_admin(request)
    site = web.site_of(request)
    account = _account(request)
    error = None
    if request.method == "POST":
        mode = web.form(request).get("mode")
        if account.guid == admin.guid:
            error = _("Delete your own account from your account page.")
        elif mode not in personal_data.MODES:
            error = _("Choose what happens to the member's content.")
        else:
            personal_data.delete_account(site, account, mode)
            web.flash(request, _("The account is deleted."))
            return web.redirect(request, web.url_for(request, "admin-people"))
    return web.render(request, "core/delete_account.html", {"person": account, "error": error, "admin": True},
                      status_code=400 if error else 200)


def my_data(request):
    """The member's own data: download it, or delete the account."""
    user = web.require_user(request)
    if request.query_params.get("download"):
        return _zip(web.site_of(request), user)
    return web.render(request, "core/my_data.html", {})


def delete_mine(request):
    """Delete one's own account after confirming the password."""
    user = web.require_user(request)
    site = web.site_of(request)
    error = None
    if request.method == "POST":
        data = web.form(request)
        if not auth.verify_password(user, data.get("password") or ""):
            error = _("Your password is wrong.")
        elif data.get("mode") not in personal_data.MODES:
            error = _("Choose what happens to your content.")
        else:
            personal_data.delete_account(site, user, data["mode"])
            auth.logout(request)
            web.flash(request, _("Your account is deleted. Goodbye."))
            return web.redirect(request, "/")
    return web.render(request, "core/delete_account.html", {"person": user, "error": error, "admin": False},
                      status_code=400 if error else 200)


def signup_codes(request):
    """Sign-up codes: create (label, validity, number of uses) and withdraw."""
    web.require_admin(request)
    site = web.site_of(request)
    error = None
    Code = registration.SignupCode
    if request.method == "POST":
        data = web.form(request)
        if data.get("action") == "delete" and inputs.id_or_none(data.get("id")):
            Code.delete().where(Code.id == inputs.id_or_none(data.get("id")), Code.site == site.id).execute()
            return web.redirect(request, web.url_for(request, "admin-signup-codes"))
        days, uses = data.get("days", "30"), data.get("max_uses", "0")
        try:
            days = inputs.integer(days, minimum=0, maximum=36_500, default=0)
            uses = inputs.integer(uses, minimum=0, maximum=1_000_000, default=0)
        except inputs.InvalidInput:
            error = _("Enter whole numbers for the validity and the number of uses.")
        else:
            code = registration.create_code(site, (data.get("label") or "")[:200], days or None, uses)
            web.flash(request, _("New code: %(code)s") % {"code": code.code})
            return web.redirect(request, web.url_for(request, "admin-signup-codes"))
    codes = Code.select().where(Code.site == site.id).order_by(Code.id.desc())
    return web.render(request, "core/admin/signup_codes.html", {
        "codes": codes, "error": error, "mode": registration.mode(site)}, status_code=400 if error else 200)
