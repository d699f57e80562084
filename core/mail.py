"""Sending mail through the outbox: a table written in the caller's transaction, delivered later.

:func:`send` is the one way to send mail. It writes the message to the ``mail_outbox``
table and returns at once; it never talks to a mail server. Called inside
``database.atomic()``, the message is committed with what caused it, or not at all.

The delivery loop (:func:`deliver_due`, run by :mod:`core.worker` inside ``maillage run``
or as ``maillage worker``) claims due messages for a lease, hands them to the site's SMTP
server, and records the attempts, the last error and the time sent. A refused or failed
message is tried again after 1, 2, 4, 8... minutes (``MAILLAGE_MAIL_RETRY`` seconds doubled
each time, at most 6 hours apart), and marked ``failed`` after :data:`MAX_ATTEMPTS` tries or
at once when the server refuses it for good (a 5xx answer). A message is sent once in normal
operation; if a worker dies between the server's acceptance and the record of it, the lease
ends and the message is sent again (at least once). On PostgreSQL several workers on several
servers share the queue (``FOR UPDATE SKIP LOCKED``).

With no SMTP host configured (the embedded default) messages are ``kept``: they stay in the
table, listed in *Administration > Outbox*, so a newcomer can still validate accounts by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import smtplib
import ssl
import threading
from email import policy
from email.message import EmailMessage
from email.parser import Parser
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import TYPE_CHECKING

import peewee as pw

from core import queue
from core.db import BaseModel, database, now

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

log = logging.getLogger("maillage.mail")

STATES = ("pending", "sent", "failed", "kept")
MAX_ATTEMPTS = 10
MAX_DELAY = 6 * 3600
KEEP_SENT_DAYS = 30

# Header lines up to RFC 5322's limit of 998 characters: a long URL (List-Unsubscribe) stays a plain
# <https://...> instead of being cut into encoded words that mail clients do not read as a link.
POLICY = policy.default.clone(max_line_length=998)

# Set by send(): the delivery loop of this process wakes up at once instead of at its next poll.
wakeup = threading.Event()


class MailError(Exception):
    """A message could not be handed to the SMTP server; the message says why."""


class Mail(BaseModel):
    """One message of the outbox and what happened to it."""

    site = pw.CharField(max_length=64)
    recipient = pw.CharField(max_length=254)
    subject = pw.CharField(max_length=300)
    message = pw.TextField()  # the whole RFC 5322 message, as it is sent
    state = pw.CharField(max_length=10, default="pending")
    created = pw.DateTimeField(default=now)
    next_attempt = pw.DateTimeField(default=now)
    claimed_until = pw.DateTimeField(null=True)
    attempts = pw.IntegerField(default=0)
    last_error = pw.TextField(default="")
    sent_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "mail_outbox"
        indexes = ((("state", "next_attempt"), False), (("site", "created"), False))

    def parsed(self) -> EmailMessage:
        """The message as an :class:`email.message.EmailMessage`."""
        return Parser(policy=POLICY).parsestr(self.message)

    def text(self) -> str:
        """The plain-text body."""
        body = self.parsed().get_body(preferencelist=("plain",))
        return body.get_content() if body else ""


def sender(site: SiteRuntime) -> str:
    """The From address of the site's mail."""
    address = site.settings.get("mail_from") or f"noreply@{site.config.hosts[0].split(':')[0]}"
    return formataddr((site.name, address))


def build(site: SiteRuntime, to: str, subject: str, text: str, html: str | None = None,
          headers: dict | None = None) -> EmailMessage:
    """The message as it will be sent: text, optional HTML alternative, extra headers."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = sender(site)
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now().replace(tzinfo=dt.UTC))
    msg["Message-ID"] = make_msgid(domain=site.config.hosts[0].split(":")[0])
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send(site: SiteRuntime, to: str, subject: str, text: str, html: str | None = None, headers: dict | None = None) -> Mail:
    """Put one message to ``to`` in the outbox; return its row. Never waits on a mail server.

    Call it inside the ``database.atomic()`` block that makes the change the message tells
    about: both are committed together.
    """
    msg = build(site, to, subject, text, html, headers)
    state = "pending" if site.settings.get("smtp_host") else "kept"
    row = Mail.create(site=site.id, recipient=to, subject=subject[:300], message=bytes(msg).decode("utf-8"),
                      state=state)
    log.info("mail queued", extra={"site": site.id, "mail_id": row.id, "state": state})
    if state == "pending":
        wakeup.set()
    return row


def outbox(site: SiteRuntime, limit: int = 200) -> list[Mail]:
    """The site's messages, newest first, whatever their state."""
    return list(Mail.select().where(Mail.site == site.id).order_by(Mail.id.desc()).limit(limit))


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failure: ``MAILLAGE_MAIL_RETRY`` (60) doubled each time."""
    base = float(os.environ.get("MAILLAGE_MAIL_RETRY") or 60)
    return int(min(base * 2 ** max(attempts - 1, 0), MAX_DELAY))


def deliver_due(settings_for, limit: int = 20) -> int:
    """Claim up to ``limit`` due messages and hand each to its site's SMTP server; return how many
    were handled. ``settings_for(site_id)`` gives a site's settings (SMTP host, port...).

    Messages are claimed for a lease in a short transaction, sent with no transaction open,
    then recorded: the database is never locked while a mail server answers."""
    rows = queue.claim(Mail, Mail.state == "pending", Mail.next_attempt, limit)
    for row in rows:
        try:
            settings = settings_for(row.site)
        except Exception as exc:  # a site removed from the configuration, a broken site file
            _record_failure(row, f"site {row.site} cannot be loaded: {exc}", permanent=False)
            continue
        if not settings.get("smtp_host"):
            Mail.update(state="kept", claimed_until=None).where(Mail.id == row.id).execute()
            continue
        try:
            _smtp_send(settings, row)
        except MailError as exc:
            _record_failure(row, str(exc), permanent=getattr(exc, "permanent", False))
            continue
        except Exception as exc:  # a bug must not leave the message claimed nor stop the loop
            log.exception("mail delivery failed")
            _record_failure(row, f"{type(exc).__name__}: {exc}", permanent=False)
            continue
        Mail.update(state="sent", sent_at=now(), claimed_until=None, last_error="").where(Mail.id == row.id).execute()
        log.info("mail sent", extra={"site": row.site, "mail_id": row.id, "attempts": row.attempts})
    return len(rows)


def _record_failure(row: Mail, error: str, permanent: bool) -> None:
    give_up = permanent or row.attempts >= MAX_ATTEMPTS
    changes = {"last_error": error[:2000], "claimed_until": None}
    if give_up:
        changes["state"] = "failed"
    else:
        changes["next_attempt"] = now() + dt.timedelta(seconds=retry_delay(row.attempts))
    Mail.update(**changes).where(Mail.id == row.id).execute()
    log.warning("mail not sent", extra={"site": row.site, "mail_id": row.id, "attempts": row.attempts,
                                        "error": error[:500], "gave_up": give_up})


def smtp_timeout() -> float:
    """Seconds the delivery loop waits for each answer of the mail server (``MAILLAGE_SMTP_TIMEOUT``)."""
    return float(os.environ.get("MAILLAGE_SMTP_TIMEOUT") or 20)


def _smtp_send(settings: dict, row: Mail) -> None:
    host = settings["smtp_host"]
    port = int(settings.get("smtp_port") or 587)
    msg = row.parsed()
    from_addr = parseaddr(str(msg["From"]))[1]
    try:
        if port == 465:
            client = smtplib.SMTP_SSL(host, port, timeout=smtp_timeout(), context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=smtp_timeout())
        with client:
            if port != 465 and settings.get("smtp_tls"):
                client.starttls(context=ssl.create_default_context())
            if settings.get("smtp_user"):
                client.login(settings["smtp_user"], settings.get("smtp_password", ""))
            client.sendmail(from_addr, [row.recipient], re.sub(rb"\r?\n", b"\r\n", row.message.encode("utf-8")))
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _text in exc.recipients.values()]
        error = MailError(f"{host}:{port} refused the recipient: {exc.recipients}")
        error.permanent = all(500 <= c < 600 for c in codes)
        raise error from exc
    except smtplib.SMTPResponseException as exc:
        error = MailError(f"{host}:{port} answered {exc.smtp_code} {exc.smtp_error!r}")
        error.permanent = 500 <= exc.smtp_code < 600 and not isinstance(exc, smtplib.SMTPAuthenticationError)
        raise error from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{host}:{port}: {type(exc).__name__}: {exc}") from exc


def purge(days: int = KEEP_SENT_DAYS) -> int:
    """Delete messages sent (or given up) more than ``days`` ago; run by ``maillage purge``."""
    cutoff = now() - dt.timedelta(days=days)
    return Mail.delete().where((Mail.state.in_(("sent", "failed", "kept"))) & (Mail.created < cutoff)).execute()


def retry(mail_id: int) -> None:
    """Send a failed message again at once (Administration > Outbox)."""
    with database.atomic():
        Mail.update(state="pending", next_attempt=now(), claimed_until=None).where(
            (Mail.id == mail_id) & (Mail.state == "failed")).execute()
    wakeup.set()
