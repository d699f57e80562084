"""Passwords, sessions and who is acting: the minimum every request needs.

Passwords are hashed with argon2. The session cookie (signed by itsdangerous
through Starlette's SessionMiddleware) holds a random token whose hash names a
row of the ``session`` table (:mod:`core.sessions`): signing out, a change of
password, a ban or "end my other sessions" delete rows, and a cookie whose row
is gone is signed out, even a copy of it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from peewee import JOIN, fn
from starlette.requests import Request

from core import delegation, profiles, sessions
from core.db import now, prepared
from core.models import Account, Entity
from core.notifications import NotificationCount

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

log = logging.getLogger("maillage.auth")

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(account: Account, password: str) -> bool:
    """Check ``password`` against the account's hash, rehashing it if the parameters changed."""
    if not account.password_hash:
        _hasher.hash("timing-equaliser")
        return False
    try:
        _hasher.verify(account.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
        account.save(only=[Account.password_hash])
    return True


def dummy_verify() -> None:
    """Spend the time of a password check, so unknown addresses answer as slowly as known ones."""
    try:
        _hasher.verify(_DUMMY, "not-the-password")
    except VerificationError:
        pass


_DUMMY = _hasher.hash("dummy-password-for-timing")


def login(request: Request, account: Account) -> None:
    """Open a session for ``account`` (the cookie is renewed, keeping only the language)."""
    from core import ratelimit

    lang = request.session.get("lang")
    previous = request.session.get("sid")
    if previous:
        sessions.end(sessions.digest(str(previous)))
    request.session.clear()
    token = sessions.open_session(account.site, account.guid, request.headers.get("user-agent", ""),
                                  ratelimit.client_address(request))
    request.session["sid"] = token
    if lang:
        request.session["lang"] = lang
    account.last_login = now()
    account.save(only=[Account.last_login])


def current_session_id(request: Request) -> str | None:
    """The stored id of this request's session (None for a visitor)."""
    token = request.session.get("sid")
    return sessions.digest(str(token)) if token else None


def logout(request: Request) -> None:
    """End the current session, on the server and in the browser."""
    session_id = current_session_id(request)
    if session_id:
        sessions.end(session_id)
    request.session.clear()


def end_other_sessions(request: Request, account: Account) -> int:
    """End every session of ``account`` except the current one; return how many ended."""
    return sessions.end_all(account.guid, keep=current_session_id(request))


def session_user(request: Request, site: SiteRuntime) -> Account | None:
    """The account of the current session, if the session is still open and valid for this site.

    One indexed query (session by its id, joined to the account, its entity, its unread-notification
    count, ``account.unread_notifications``, its avatar's key for the header and whether it holds
    delegations), compiled once (:func:`core.db.prepared`); the result is kept on the request
    (``request.state.user``) by :func:`core.web._prepare`, so a request asks once."""
    session_id = current_session_id(request)
    if not session_id:
        if "uid" in request.session:  # a cookie of before server-side sessions: signed out
            request.session.pop("uid", None)
            request.session.pop("epoch", None)
            request.session.pop("actor", None)
        return None
    account = _session_account.first(session_id, site.id, sessions.oldest_alive())
    if account is None or account.state != "active":
        request.session.pop("sid", None)
        request.session.pop("actor", None)
        return None
    sessions.touch(account.session_row)
    profiles.keep_avatar_key(account.guid, account.avatar_key)  # the header shows it: not read again
    if not account.holds_delegations:  # most members hold none: the page's checks need not ask
        delegation.none_held(site.id, account.guid)
    return account


@prepared
def _session_account(session_id: str, site_id: str, oldest: dt.datetime):
    """The account of an open session with its entity, session row, unread-notification count, avatar's
    key and whether it holds delegations."""
    Session, Count, Profile = sessions.Session, NotificationCount, profiles.Profile
    return (Account.select(Account, Entity, Session, fn.COALESCE(Count.unread, 0).alias("unread_notifications"),
                           fn.COALESCE(Profile.avatar, "").alias("avatar_key"),
                           delegation.any_held(Account.entity, site_id).alias("holds_delegations"))
            .join(Entity)
            .switch(Account).join(Session, on=(Session.account == Account.entity), attr="session_row")
            .switch(Account).join(Count, JOIN.LEFT_OUTER, on=(Count.recipient == Account.entity))
            .switch(Account).join(Profile, JOIN.LEFT_OUTER, on=(Profile.entity == Account.entity))
            .where(Session.id == session_id, Session.site == site_id, Account.site == site_id,
                   Session.last_seen >= oldest)
            .limit(1))


def session_actor(request: Request, site: SiteRuntime, user: Account | None) -> Entity | None:
    """The entity the member acts as: themselves, or one they manage (chosen in the switch)."""
    if user is None:
        return None
    guid = request.session.get("actor")
    if guid and guid != user.guid:
        from core import acting

        if acting.can_act_as(site, user, guid):
            entity = Entity.get_or_none(Entity.guid == guid, Entity.site == site.id)
            if entity is not None:
                return entity
        request.session.pop("actor", None)
    return user.entity
