"""Sending mail: through the site's SMTP server, or into the outbox folder when none is set.

With no SMTP host configured (the embedded default) every message is written as an
``.eml`` file to ``MAILLAGE_HOME/outbox/<site>/`` and listed in *Administration >
Outbox*, so a newcomer can still validate accounts before setting up mail.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from core.db import now

log = logging.getLogger("maillage.mail")

# Header lines up to RFC 5322's limit of 998 characters: a long URL (List-Unsubscribe) stays a plain
# <https://...> instead of being cut into encoded words that mail clients do not read as a link.
POLICY = policy.default.clone(max_line_length=998)


class MailError(Exception):
    """The message could not be handed to the SMTP server; the message says why."""


def sender(site) -> str:
    """The From address of the site's mail."""
    address = site.settings.get("mail_from") or f"noreply@{site.config.hosts[0].split(':')[0]}"
    return formataddr((site.name, address))


def build(site, to: str, subject: str, text: str, html: str | None = None,
          headers: dict | None = None) -> EmailMessage:
    """The message as it will be sent: text, optional HTML alternative, extra headers."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = sender(site)
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now().replace(tzinfo=__import__("datetime").UTC))
    msg["Message-ID"] = make_msgid(domain=site.config.hosts[0].split(":")[0])
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send(site, to: str, subject: str, text: str, html: str | None = None, headers: dict | None = None) -> None:
    """Send one message to ``to`` (raise MailError if the SMTP server refuses it)."""
    msg = build(site, to, subject, text, html, headers)
    host = site.settings.get("smtp_host")
    if not host:
        path = outbox_dir(site) / f"{now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(msg))
        log.info("mail written to the outbox", extra={"site": site.id, "subject": subject})
        return
    port = int(site.settings.get("smtp_port") or 587)
    try:
        if port == 465:
            client = smtplib.SMTP_SSL(host, port, timeout=20, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=20)
        with client:
            if port != 465 and site.settings.get("smtp_tls"):
                client.starttls(context=ssl.create_default_context())
            if site.settings.get("smtp_user"):
                client.login(site.settings["smtp_user"], site.settings.get("smtp_password", ""))
            client.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail not sent", extra={"site": site.id, "error": str(exc)})
        raise MailError(f"the mail server {host}:{port} refused the message: {exc}") from exc


def outbox_dir(site) -> Path:
    """The folder where this site's unsent mail is written."""
    return site.instance.outbox_dir / site.id


def outbox(site, limit: int = 200) -> list[Path]:
    """The messages in the outbox, newest first."""
    folder = outbox_dir(site)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.eml"), reverse=True)[:limit]
