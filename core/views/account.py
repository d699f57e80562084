"""Joining and managing one's account: sign-up, validation, password reset, e-mail and password changes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from core import accounts, auth, mail, ratelimit, registration, sessions, tokens, urls, web
from core.db import database, now
from core.i18n import gettext as _
from core.models import Account, Entity

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

SIGNUP_PER_HOUR = 10
SIGNUP_WITHOUT_POW_PER_HOUR = 3
RESET_PER_HOUR = 5


def _too_many():
    return _("Too many attempts from your address. Wait a while and try again.")


def signup(request):
    """The sign-up form, following the site's registration mode."""
    site = web.site_of(request)
    if web.current_user(request):
        return web.redirect(request, "/")
    how = registration.mode(site)
    params = request.query_params
    values = {"name": "", "email": "", "code": params.get("code", ""), "invitation": params.get("invitation", "")}
    errors: dict[str, str] = {}
    if how == "closed":
        return web.render(request, "core/signup_closed.html", status_code=403)
    invitation, refused = _invitation(site, how, values)
    if refused:
        return web.render(request, "core/signup_closed.html", {"error": refused}, status_code=403)
    if request.method == "POST":
        data = web.form(request)
        if data.get("website"):  # the honeypot: people never see this field
            return web.render(request, "core/signup_done.html", {"email": (data.get("email") or "").strip()})
        password, code = _read_signup(request, site, how, data, values, invitation, errors)
        if not errors:
            return _join(request, site, values, password, invitation, code)
    return web.render(request, "core/signup.html", {
        "values": values, "errors": errors, "mode": how, "invitation": invitation,
        "challenge": json.dumps(registration.challenge(site)),
    }, status_code=400 if errors else 200)


def _invitation(site: SiteRuntime, how: str, values: dict):
    """The invitation the sign-up follows (None without one) and, when the site is by invitation
    only and it is not valid, why the form is refused."""
    if how != "invitation" and not values["invitation"]:
        return None, ""
    try:
        invitation = registration.find_invitation(site, values["invitation"])
    except registration.RegistrationError as exc:
        if how == "invitation":
            return None, str(exc)
        values["invitation"] = ""
        return None, ""
    values["email"] = invitation.email
    return invitation, ""


def _read_signup(request, site: SiteRuntime, how: str, data, values: dict, invitation, errors: dict):
    """Read the form into ``values`` and ``errors`` (limits per address, name, e-mail, password,
    sign-up code); return the password and the sign-up code row."""
    for key in ("name", "email", "code"):
        values[key] = (data.get(key) or "").strip()
    if invitation is not None:
        values["email"] = invitation.email
    password = data.get("password") or ""
    address = ratelimit.client_address(request)
    solved = registration.pow_solved(site, data.get("altcha"))
    allowed = ratelimit.hit(f"signup:ip:{address}", SIGNUP_PER_HOUR, 3600)
    if allowed and not solved and invitation is None:
        allowed = ratelimit.hit(f"signup-nopow:ip:{address}", SIGNUP_WITHOUT_POW_PER_HOUR, 3600)
    if not allowed:
        errors["form"] = _too_many()
    if not values["name"]:
        errors["name"] = _("Tell us your name.")
    elif len(values["name"]) > 100:
        errors["name"] = _("100 characters at most.")
    try:
        values["email"] = accounts.normalise_email(values["email"])
    except accounts.AccountError:
        errors["email"] = _("Enter a valid e-mail address.")
    if len(password) < auth.MIN_PASSWORD_LENGTH:
        errors["password"] = _("Choose a password of at least %(n)s characters.") % {"n": auth.MIN_PASSWORD_LENGTH}
    code = None
    if how == "code" and invitation is None:
        try:
            code = registration.find_code(site, values["code"])
        except registration.RegistrationError as exc:
            errors["code"] = str(exc)
    return password, code


def _join(request, site: SiteRuntime, values: dict, password: str, invitation, code):
    """Create the account (or activate an invited one); an address that has one gets a mail instead."""
    existing = Account.get_or_none(Account.site == site.id, Account.email == values["email"])
    if existing is not None and existing.state == "invited" and invitation is not None:
        with database.atomic():
            existing.password_hash = auth.hash_password(password)
            existing.state, existing.email_validated = "active", now()
            existing.save()
            Entity.update(title=values["name"]).where(Entity.guid == existing.guid).execute()
            invitation.accepted = now()
            invitation.save()
        return _welcome(request, existing)
    if existing is not None:
        # the same work as a new account (a password hash, a mail), so the answer's time does not tell
        # whether the address has an account (issue 19, point 5)
        auth.hash_password(password)
        mail.send(site, existing.email, _("Someone tried to sign up with your address"),
                  _("Hello,\n\nSomeone tried to create an account on %(site)s with this address, which "
                    "already has one. If it was you, sign in, or choose a new password here:\n%(link)s\n")
                  % {"site": site.name, "link": urls.absolute(site, "/reset", request)})
        return web.render(request, "core/signup_done.html", {"email": values["email"]})
    with database.atomic():
        state = "active" if invitation is not None else "pending"
        account = accounts.create_account(site.id, values["email"], values["name"], password,
                                          state=state, language=getattr(request.state, "lang", ""),
                                          role=invitation.role if invitation else "member")
        if invitation is not None:
            invitation.accepted = now()
            invitation.save()
            account.email_validated = now()
            account.save()
        if code is not None:
            type(code).update(uses=type(code).uses + 1).where(type(code).id == code.id).execute()
        if invitation is None:  # the account and its validation mail are committed together
            registration.send_validation(site, request, account)
    if invitation is not None:
        return _welcome(request, account)
    return web.render(request, "core/signup_done.html", {"email": values["email"]})


def _welcome(request, account: Account):
    auth.login(request, account)
    web.flash(request, _("Welcome! Your account is ready; complete your profile."))
    return web.redirect(request, web.url_for(request, "member-edit", guid=account.guid))


def validate(request):
    """Open the validation link: the account becomes active (or waits for approval)."""
    site = web.site_of(request)
    try:
        account = registration.validate(site, request.path_params["token"])
    except registration.RegistrationError as exc:
        return web.render(request, "core/validate.html", {"error": str(exc)}, status_code=400)
    if account.state == "active":
        auth.login(request, account)
        web.flash(request, _("Your address is validated. Welcome! Complete your profile."))
        return web.redirect(request, web.url_for(request, "member-edit", guid=account.guid))
    return web.render(request, "core/validate.html", {"awaiting": True})


def resend(request):
    """Send the validation link again (the same answer whether the address is known or not)."""
    site = web.site_of(request)
    sent = False
    if request.method == "POST":
        email = (web.form(request).get("email") or "").strip().lower()
        if ratelimit.hit(f"resend:ip:{ratelimit.client_address(request)}", RESET_PER_HOUR, 3600):
            account = Account.select(Account, Entity).join(Entity).where(
                Account.site == site.id, Account.email == email, Account.state == "pending").first()
            if account is not None:
                registration.send_validation(site, request, account)
        sent = True
    return web.render(request, "core/resend.html", {"sent": sent})


def reset_request(request):
    """Ask for a password-reset link (the same answer whether the address is known or not)."""
    site = web.site_of(request)
    sent, email, error = False, "", None
    if request.method == "POST":
        email = (web.form(request).get("email") or "").strip().lower()
        if not ratelimit.hit(f"reset:ip:{ratelimit.client_address(request)}", RESET_PER_HOUR, 3600):
            error = _too_many()
        else:
            account = Account.select(Account, Entity).join(Entity).where(
                Account.site == site.id, Account.email == email).first()
            if account is not None and account.state != "banned":
                token = tokens.make(site, "reset", {"uid": account.guid, "hash": account.password_hash[-12:]})
                link = urls.absolute(site, web.url_for(request, "reset-confirm", token=token), request)
                mail.send(site, account.email, _("Choose a new password for %(site)s") % {"site": site.name},
                          _("Hello %(name)s,\n\nTo choose a new password, open this link within two hours:\n"
                            "%(link)s\n\nIf you did not ask for it, ignore this message: your password stays "
                            "the same.") % {"name": account.name, "link": link})
            sent = True
    return web.render(request, "core/reset_request.html", {"sent": sent, "email": email, "error": error},
                      status_code=429 if error else 200)


def reset_confirm(request):
    """Choose a new password from a reset link; every other session ends."""
    site = web.site_of(request)
    token = request.path_params["token"]
    try:
        data = tokens.read(site, "reset", token, registration.RESET_MAX_AGE)
    except tokens.TokenError as exc:
        message = _("This link has expired: ask for a new one.") if exc.expired else _("This link is not valid.")
        return web.render(request, "core/reset_confirm.html", {"invalid": message}, status_code=400)
    account = Account.get_or_none(Account.entity == data["uid"], Account.site == site.id)
    if account is None or account.password_hash[-12:] != data["hash"]:
        return web.render(request, "core/reset_confirm.html", {"invalid": _("This link was already used.")},
                          status_code=400)
    error = None
    if request.method == "POST":
        password = web.form(request).get("password") or ""
        if len(password) < auth.MIN_PASSWORD_LENGTH:
            error = _("Choose a password of at least %(n)s characters.") % {"n": auth.MIN_PASSWORD_LENGTH}
        else:
            account.password_hash = auth.hash_password(password)
            if account.state == "pending":
                account.state = "active"
                account.email_validated = now()
            account.save()
            sessions.end_all(account.guid)
            auth.login(request, account)
            web.flash(request, _("Your new password is saved."))
            return web.redirect(request, "/")
    return web.render(request, "core/reset_confirm.html", {"error": error}, status_code=400 if error else 200)


def settings_page(request):
    """The member's account: language, e-mail address, password."""
    user = web.require_user(request)
    site = web.site_of(request)
    errors: dict[str, str] = {}
    values = {"email": user.email, "language": user.language}
    if request.method == "POST":
        data = web.form(request)
        action = data.get("action")
        if action == "language":
            lang = data.get("language", "")
            if lang in ("", "fr", "en"):
                user.language = lang
                user.save(only=[Account.language])
                request.session["lang"] = lang or None
                web.flash(request, _("Saved."))
                return web.redirect(request, "/account")
        elif action == "email":
            new = (data.get("email") or "").strip().lower()
            values["email"] = new
            if not auth.verify_password(user, data.get("current_password") or ""):
                errors["email_password"] = _("Your current password is wrong.")
            else:
                try:
                    new = accounts.normalise_email(new)
                except accounts.AccountError:
                    errors["email"] = _("Enter a valid e-mail address.")
            if not errors:
                if not Account.select().where(Account.site == site.id, Account.email == new).exists():
                    token = tokens.make(site, "email", {"uid": user.guid, "email": new})
                    link = urls.absolute(site, web.url_for(request, "account-email", token=token), request)
                    mail.send(site, new, _("Confirm your new address on %(site)s") % {"site": site.name},
                              _("Hello %(name)s,\n\nTo use this address on %(site)s, open this link within a day:\n"
                                "%(link)s\n") % {"name": user.name, "site": site.name, "link": link})
                web.flash(request, _("We sent a link to %(email)s: your address changes when you open it.")
                          % {"email": new}, "info")
                return web.redirect(request, "/account")
        elif action == "password":
            password = data.get("new_password") or ""
            if not auth.verify_password(user, data.get("current_password") or ""):
                errors["password_current"] = _("Your current password is wrong.")
            elif len(password) < auth.MIN_PASSWORD_LENGTH:
                errors["new_password"] = _("Choose a password of at least %(n)s characters.") % {
                    "n": auth.MIN_PASSWORD_LENGTH}
            else:
                user.password_hash = auth.hash_password(password)
                user.save(only=[Account.password_hash])
                auth.end_other_sessions(request, user)
                web.flash(request, _("Your password is changed; your other sessions are closed."))
                return web.redirect(request, "/account")
    return web.render(request, "core/account.html", {"values": values, "errors": errors},
                      status_code=400 if errors else 200)


def confirm_email(request):
    """Open the link sent to a new address: the account's address changes."""
    site = web.site_of(request)
    try:
        data = tokens.read(site, "email", request.path_params["token"], registration.EMAIL_CHANGE_MAX_AGE)
    except tokens.TokenError:
        return web.render(request, "core/validate.html", {"error": _("This link is not valid or has expired.")},
                          status_code=400)
    account = Account.get_or_none(Account.entity == data["uid"], Account.site == site.id)
    taken = Account.select().where(Account.site == site.id, Account.email == data["email"]).exists()
    if account is None or taken:
        return web.render(request, "core/validate.html", {"error": _("This address cannot be used.")},
                          status_code=400)
    account.email = data["email"]
    account.email_validated = now()
    account.save()
    web.flash(request, _("Your e-mail address is now %(email)s.") % {"email": account.email})
    return web.redirect(request, "/account" if web.current_user(request) else "/signin")


def invite(request):
    """Members (and administrators) invite people by e-mail, within the site's limit."""
    user = web.require_user(request)
    site = web.site_of(request)
    error, email = None, ""
    if request.method == "POST":
        email = (web.form(request).get("email") or "").strip()
        try:
            registration.invite(site, request, user, email)
            web.flash(request, _("Invitation sent to %(email)s.") % {"email": email})
            return web.redirect(request, "/invite")
        except (registration.RegistrationError, accounts.AccountError) as exc:
            error = str(exc) if isinstance(exc, registration.RegistrationError) else _("Enter a valid e-mail address.")
    sent = (registration.Invitation.select().where(registration.Invitation.site == site.id,
                                                   registration.Invitation.inviter == user.guid)
            .order_by(registration.Invitation.id.desc()).limit(100))
    return web.render(request, "core/invite.html", {
        "error": error, "email": email, "sent": sent, "left": registration.invitations_left(site, user)},
        status_code=400 if error else 200)


def sessions_page(request):
    """The member's open sessions (browser, address, last use; this one marked), each with a button to
    end it, and one to end all the others."""
    user = web.require_user(request)
    current = auth.current_session_id(request)
    if request.method == "POST":
        data = web.form(request)
        if data.get("action") == "end_others":
            count = auth.end_other_sessions(request, user)
            web.flash(request, _("Your other sessions are ended (%(n)s).") % {"n": count})
        elif data.get("action") == "end":
            chosen = str(data.get("session") or "")
            if chosen and chosen == current:
                auth.logout(request)
                web.flash(request, _("You are signed out."), "info")
                return web.redirect(request, "/")
            if chosen and sessions.end(chosen, user.guid):
                web.flash(request, _("The session is ended."))
        return web.redirect(request, web.url_for(request, "account-sessions"))
    return web.render(request, "core/account_sessions.html",
                      {"sessions": sessions.of_account(user.guid), "current": current})
