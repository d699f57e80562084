"""Server-side sessions: what signing out, a change of password and "end my other sessions" revoke.

The session cookie (signed by itsdangerous through Starlette's SessionMiddleware) carries a random
token; the ``session`` table keeps only its SHA-256 (``id``), the account, when it was opened and
last used, a short summary of the browser and the network address. A request finds its member in
one indexed query (:func:`core.auth.session_user`, once per request); ``last_seen`` is written at
most every :data:`TOUCH_SECONDS`, not on every request. Deleting a row ends that session at once,
even for a copied cookie. Sessions unused for :data:`MAX_AGE_SECONDS` are expired, and purged by the
``core.purge`` job and ``maillage purge``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

import peewee as pw

from core import visits
from core.db import BaseModel, now
from core.models import Entity

MAX_AGE_SECONDS = 60 * 60 * 24 * 30  # the cookie's life too: a session unused for 30 days ends
TOUCH_SECONDS = 5 * 60  # last_seen is written at most this often


class Session(BaseModel):
    """One signed-in browser of a member."""

    id = pw.CharField(max_length=64, primary_key=True)  # SHA-256 of the cookie's token, in hex
    site = pw.CharField(max_length=64)
    # the member's sessions are found through (account, last_seen): no index of its own
    account = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+", index=False)
    created = pw.DateTimeField(default=now)
    last_seen = pw.DateTimeField(default=now)
    user_agent = pw.CharField(max_length=100, default="")
    address = pw.CharField(max_length=64, default="")

    class Meta:
        table_name = "session"
        indexes = ((("account", "last_seen"), False), (("last_seen",), False))


def digest(token: str) -> str:
    """The stored id of a session token (the token itself is only in the member's cookie)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def oldest_alive() -> dt.datetime:
    """Sessions last seen before this moment are over."""
    return now() - dt.timedelta(seconds=MAX_AGE_SECONDS)


def open_session(site_id: str, account_guid: int, user_agent: str, address: str) -> str:
    """Record a new session of ``account_guid``; return the token to put in the cookie."""
    token = secrets.token_urlsafe(32)
    Session.create(id=digest(token), site=site_id, account=account_guid,
                   user_agent=describe_browser(user_agent), address=(address or "")[:64])
    visits.record(site_id, account_guid)
    return token


def touch(session: Session) -> None:
    """Note that the session was used now, if that was not noted in the last few minutes; the first
    use of a day records the member's visit (:mod:`core.visits`)."""
    stamp = now()
    if stamp - session.last_seen >= dt.timedelta(seconds=TOUCH_SECONDS):
        Session.update(last_seen=stamp).where(Session.id == session.id).execute()
        if session.last_seen.date() != stamp.date():
            visits.record(session.site, session.account_id, stamp.date())
        session.last_seen = stamp


def end(session_id: str, account_guid: int | None = None) -> int:
    """End one session (only if it belongs to ``account_guid``, when given); return how many ended."""
    query = Session.delete().where(Session.id == session_id)
    if account_guid is not None:
        query = query.where(Session.account == account_guid)
    return query.execute()


def end_all(account_guid: int, keep: str | None = None) -> int:
    """End every session of an account, except the one whose id is ``keep``; return how many ended."""
    query = Session.delete().where(Session.account == account_guid)
    if keep:
        query = query.where(Session.id != keep)
    return query.execute()


def of_account(account_guid: int) -> list[Session]:
    """The account's sessions still alive, the most recently used first."""
    return list(Session.select().where(Session.account == account_guid, Session.last_seen >= oldest_alive())
                .order_by(Session.last_seen.desc(), Session.created.desc()))


def purge() -> int:
    """Delete the expired sessions; return how many went."""
    return Session.delete().where(Session.last_seen < oldest_alive()).execute()


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe_browser(user_agent: str) -> str:
    """A short summary of a User-Agent header ("Firefox, Linux"), enough for a member to recognise a
    device; what is not recognised keeps its first words."""
    user_agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser or system:
        return ", ".join(part for part in (browser, system) if part)
    return re.sub(r"[^\w ./()-]", "", user_agent)[:60]
