"""Who may join a site, and how: registration modes, sign-up codes, invitations, validation.

Modes (site file ``registration``, changeable in *Site settings*):

- ``open``: anyone signs up, then validates their e-mail address;
- ``code``: a sign-up code is needed (codes have an expiry and a number of uses);
- ``invitation``: only people invited by e-mail by a member or an administrator;
- ``approval``: anyone signs up, an administrator approves the account;
- ``closed``: nobody signs up (administrators create accounts or import members).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from typing import TYPE_CHECKING

import altcha
import peewee as pw

from core import mail, ratelimit, tokens, urls
from core.db import BaseModel, database, now
from core.i18n import gettext as _
from core.models import Account, Entity

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

VALIDATION_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 2 * 3600
EMAIL_CHANGE_MAX_AGE = 24 * 3600
POW_MAX_NUMBER = 60_000
POW_LIFETIME = 30 * 60  # seconds a challenge may be solved and used (once)


class SignupCode(BaseModel):
    """A code handed out (by a federation, at an event) that lets people sign up."""

    site = pw.CharField(max_length=64)
    code = pw.CharField(max_length=64)
    label = pw.CharField(max_length=200, default="")
    expires = pw.DateTimeField(null=True)
    max_uses = pw.IntegerField(default=0)
    uses = pw.IntegerField(default=0)
    created = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("site", "code"), True),)

    @property
    def usable(self) -> bool:
        return (self.expires is None or self.expires > now()) and (not self.max_uses or self.uses < self.max_uses)


class Invitation(BaseModel):
    """An invitation sent by e-mail; its token opens the sign-up form in invitation mode."""

    site = pw.CharField(max_length=64)
    email = pw.CharField(max_length=254)
    inviter = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    token = pw.CharField(max_length=64, unique=True)
    role = pw.CharField(max_length=16, default="member")
    created = pw.DateTimeField(default=now)
    accepted = pw.DateTimeField(null=True)
    mailed_at = pw.DateTimeField(null=True)  # when its mail was put in the outbox

    class Meta:
        indexes = ((("site", "email"), False), (("site", "inviter"), False))


class RegistrationError(ValueError):
    """Joining is not possible as asked; the message is shown to the visitor."""


def mode(site: SiteRuntime) -> str:
    """The registration mode of ``site``."""
    return site.settings.get("registration") or site.config.registration


# --- codes and invitations ----------------------------------------------------------------


def find_code(site: SiteRuntime, code: str) -> SignupCode:
    """The usable sign-up code ``code`` of the site, or RegistrationError."""
    row = SignupCode.get_or_none(SignupCode.site == site.id, SignupCode.code == (code or "").strip())
    if row is None or not row.usable:
        raise RegistrationError(_("This sign-up code is not valid or no longer usable."))
    return row


def create_code(site: SiteRuntime, label: str = "", days: int | None = 30, max_uses: int = 0) -> SignupCode:
    """A new random sign-up code."""
    expires = now() + dt.timedelta(days=days) if days else None
    return SignupCode.create(site=site.id, code=secrets.token_urlsafe(6).replace("-", "x").replace("_", "y"),
                             label=label, expires=expires, max_uses=max_uses)


def invitations_left(site: SiteRuntime, inviter: Account) -> int | None:
    """How many more invitations ``inviter`` may send (None: no limit, for administrators)."""
    if inviter.is_admin:
        return None
    limit = int(site.settings.get("invitations_per_member", 20))
    sent = Invitation.select().where(Invitation.site == site.id, Invitation.inviter == inviter.guid).count()
    return max(0, limit - sent)


def invite(site: SiteRuntime, request, inviter: Account | None, email: str, role: str = "member") -> Invitation:
    """Invite ``email`` to join; send the mail; raise RegistrationError past the member's limit."""
    from core.accounts import normalise_email

    email = normalise_email(email)
    if inviter is not None and invitations_left(site, inviter) == 0:
        raise RegistrationError(_("You have used all your invitations."))
    with database.atomic():  # the invitation and its mail are committed together
        existing = Invitation.get_or_none(Invitation.site == site.id, Invitation.email == email,
                                          Invitation.accepted.is_null())
        invitation = existing or Invitation.create(
            site=site.id, email=email, inviter=inviter.guid if inviter else None,
            token=secrets.token_urlsafe(24), role=role, created=now())
        inviter_name = inviter.name if inviter else site.name
        link = urls.absolute(site, _web().url_for(site, "signup") + f"?invitation={invitation.token}", request)
        mail_invitation(site, invitation, _("%(name)s invites you to join %(site)s") % {
            "name": inviter_name, "site": site.name},
            _("Hello,\n\n%(name)s invites you to join %(site)s.\n\nTo create your account, open this link:\n"
              "%(link)s\n\nIf you do not want to join, ignore this message.")
            % {"name": inviter_name, "site": site.name, "link": link})
    return invitation


def mail_invitation(site: SiteRuntime, invitation: Invitation, subject: str, text: str) -> None:
    """Put the invitation's mail in the outbox and record when (``mailed_at``), in one transaction."""
    with database.atomic():
        mail.send(site, invitation.email, subject, text)
        invitation.mailed_at = now()
        Invitation.update(mailed_at=invitation.mailed_at).where(Invitation.id == invitation.id).execute()


def find_invitation(site: SiteRuntime, token: str) -> Invitation:
    """The pending invitation of ``token``, or RegistrationError."""
    row = Invitation.get_or_none(Invitation.site == site.id, Invitation.token == (token or ""),
                                 Invitation.accepted.is_null())
    if row is None:
        raise RegistrationError(_("This invitation is not valid or was already used."))
    return row


# --- proof of work (altcha) --------------------------------------------------------------------


def challenge(site: SiteRuntime) -> dict:
    """A fresh proof-of-work challenge for the sign-up form (solved by core/static/core/pow.js)."""
    ch = altcha.create_challenge_v1(altcha.ChallengeOptionsV1(
        hmac_key=site.instance.secret, max_number=POW_MAX_NUMBER,
        expires=dt.datetime.now() + dt.timedelta(seconds=POW_LIFETIME)))
    return {"algorithm": ch.algorithm, "challenge": ch.challenge, "salt": ch.salt,
            "signature": ch.signature, "maxnumber": ch.max_number}


def pow_solved(site: SiteRuntime, payload: str | None) -> bool:
    """True when the form carries a valid, unexpired solution of one of our challenges, used once.

    A solution is remembered (in the shared rate-limit table, for as long as a challenge lives)
    so a bot cannot solve one challenge and replay it for every sign-up.
    """
    if not payload:
        return False
    try:
        ok, _error = altcha.verify_solution_v1(payload, site.instance.secret, check_expires=True)
        signature = json.loads(base64.b64decode(payload))["signature"] if ok else ""
    except Exception:
        return False
    return bool(ok) and ratelimit.hit(f"pow:{site.id}:{signature[:64]}", 1, POW_LIFETIME)


# --- validation -------------------------------------------------------------------------------


def send_validation(site: SiteRuntime, request, account: Account) -> None:
    """Mail the signed, expiring link that validates the account's e-mail address."""
    token = tokens.make(site, "validate", {"uid": account.guid, "email": account.email})
    link = urls.absolute(site, _web().url_for(site, "validate", token=token), request)
    mail.send(site, account.email, _("Validate your account on %(site)s") % {"site": site.name},
              _("Hello %(name)s,\n\nTo validate your account on %(site)s, open this link within three days:\n"
                "%(link)s\n\nIf you did not sign up, ignore this message.")
              % {"name": account.name, "site": site.name, "link": link})


def validate(site: SiteRuntime, token: str) -> Account:
    """Mark the account of a validation token as validated; return it (RegistrationError if invalid)."""
    try:
        data = tokens.read(site, "validate", token, VALIDATION_MAX_AGE)
    except tokens.TokenError as exc:
        raise RegistrationError(
            _("This link has expired: ask for a new one below.") if exc.expired
            else _("This link is not valid.")) from None
    account = Account.get_or_none(Account.entity == data["uid"], Account.site == site.id)
    if account is None or account.email != data["email"]:
        raise RegistrationError(_("This link is not valid."))
    if account.state == "pending":
        account.state = "awaiting_approval" if mode(site) == "approval" else "active"
        account.email_validated = now()
        account.save()
    return account


def _web():
    from core import web  # core.web reads this module's settings: imported when a link is made

    return web
