"""Creating and finding member accounts."""

from __future__ import annotations

import re
import secrets

from core.auth import hash_password
from core.db import database, now
from core.i18n import gettext_lazy
from core.models import Account, Entity

# What pages show for an account's state and role, never the stored value
STATE_LABELS = {
    "pending": gettext_lazy("waiting for e-mail validation"),
    "awaiting_approval": gettext_lazy("waiting for approval"),
    "active": gettext_lazy("active"),
    "invited": gettext_lazy("invited, not signed up yet"),
    "banned": gettext_lazy("banned"),
}
ROLE_LABELS = {
    "member": gettext_lazy("Member"),
    "moderator": gettext_lazy("Moderator (community animator)"),
    "admin": gettext_lazy("Administrator"),
}


def state_label(state: str) -> str:
    """The account state ``state`` in the reader's language."""
    return str(STATE_LABELS.get(state, state))


def role_label(role: str) -> str:
    """The role ``role`` in the reader's language."""
    return str(ROLE_LABELS.get(role, role))


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why."""


def normalise_email(email: str) -> str:
    """Lower-case and trim an address; raise AccountError if it is not one."""
    email = (email or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"{email or '(empty)'} is not a valid e-mail address")
    return email


def unique_username(site_id: str, wanted: str) -> str:
    """A username free on the site, derived from ``wanted`` ("Marie Curie" -> "marie-curie")."""
    from core.text import slugify

    base = slugify(wanted, limit=40).replace("-", "_") or "member"
    candidate, n = base, 1
    while Account.select().where(Account.site == site_id, Account.username == candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def create_account(site_id: str, email: str, name: str, password: str | None = None,
                   role: str = "member", state: str = "active", language: str = "") -> Account:
    """Create a member (entity of kind "user" plus account row); raise AccountError on a duplicate."""
    email = normalise_email(email)
    name = (name or "").strip() or email.split("@")[0]
    if Account.select().where(Account.site == site_id, Account.email == email).exists():
        raise AccountError(f"an account with the address {email} already exists on site {site_id}")
    with database.atomic():
        entity = Entity.create(site=site_id, kind="user", access="public", title=name,
                               created=now(), updated=now())
        entity.owner = entity
        entity.save(only=[Entity.owner])
        account = Account.create(
            entity=entity, site=site_id, email=email, username=unique_username(site_id, name),
            password_hash=hash_password(password) if password else "", role=role, state=state,
            language=language,
        )
    return account


def generate_password() -> str:
    """A strong random password to print once (for a new administrator)."""
    return secrets.token_urlsafe(12)
