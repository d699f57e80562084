"""Passwords, sessions and who is acting: the minimum every request needs.

Passwords are hashed with argon2. The session cookie (signed by itsdangerous
through Starlette's SessionMiddleware) holds the member's guid and the
``session_epoch`` it was opened with; raising the account's epoch ends every
other session (after a change of password, a ban).
"""

from __future__ import annotations

import logging

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.requests import Request

from core.db import now
from core.models import Account, Entity

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
    """Open a session for ``account`` (the session is renewed, keeping only the language)."""
    lang = request.session.get("lang")
    request.session.clear()
    request.session.update({"uid": account.guid, "epoch": account.session_epoch})
    if lang:
        request.session["lang"] = lang
    account.last_login = now()
    account.save(only=[Account.last_login])


def logout(request: Request) -> None:
    """End the current session."""
    request.session.clear()


def end_other_sessions(request: Request, account: Account) -> None:
    """Invalidate every session of ``account`` except the current one."""
    account.session_epoch += 1
    account.save(only=[Account.session_epoch])
    if request.session.get("uid") == account.guid:
        request.session["epoch"] = account.session_epoch


def session_user(request: Request, site) -> Account | None:
    """The account of the current session, if it is still valid for this site."""
    uid = request.session.get("uid")
    if not uid:
        return None
    account = (Account.select(Account, Entity).join(Entity)
               .where(Account.entity == uid, Account.site == site.id).first())
    if account is None or account.state != "active" or account.session_epoch != request.session.get("epoch"):
        request.session.pop("uid", None)
        request.session.pop("actor", None)
        return None
    return account


def session_actor(request: Request, site, user: Account | None) -> Entity | None:
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
