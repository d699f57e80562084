"""Status text: escaped, links made clickable, @mentions turned into links to members."""

from __future__ import annotations

import re

import bleach
from markupsafe import Markup, escape

from core.models import Account

MENTION = re.compile(r"(?<![\w@])@([a-z0-9_]{2,64})", re.IGNORECASE)


def mentioned(site_id: str, body: str) -> list[Account]:
    """The members of the site whose @username appears in ``body``."""
    names = {m.lower() for m in MENTION.findall(body or "")}
    if not names:
        return []
    return list(Account.select().where(Account.site == site_id, Account.username.in_(list(names)),
                                       Account.state == "active"))


def render(site_id: str, body: str) -> Markup:
    """HTML of a status: nothing but text, links and mentions."""
    html = bleach.linkify(str(escape(body)), callbacks=[_nofollow])
    people = {a.username.lower(): a for a in mentioned(site_id, body)}

    def link(match):
        account = people.get(match.group(1).lower())
        if account is None:
            return match.group(0)
        return f'<a href="/members/{account.guid}" class="mention">@{escape(account.username)}</a>'

    return Markup(MENTION.sub(link, html))


def _nofollow(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs
