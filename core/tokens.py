"""Signed, expiring tokens for links sent by mail (validation, reset, unsubscribe...).

A token is signed with the instance secret and a purpose ("validate", "reset"...), so a
token made for one purpose is worthless for another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


class TokenError(ValueError):
    """The token is invalid or expired; ``expired`` tells which."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def make(site: SiteRuntime, purpose: str, data) -> str:
    """A URL-safe token carrying ``data`` for ``purpose`` on ``site``."""
    return URLSafeTimedSerializer(site.instance.secret, salt=f"{site.id}:{purpose}").dumps(data)


def read(site: SiteRuntime, purpose: str, token: str, max_age: int):
    """The data of a token made by :func:`make` at most ``max_age`` seconds ago, or TokenError."""
    try:
        return URLSafeTimedSerializer(site.instance.secret, salt=f"{site.id}:{purpose}").loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(expired=True) from None
    except BadSignature:
        raise TokenError(expired=False) from None
