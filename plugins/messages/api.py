"""What other plugins may use of the messages plugin (its only public module).

Another plugin offers "write to" links and opens conversations through these functions and
nothing else of this package; check ``"messages" in site.enabled_names`` before calling them.
Example: the offers plugin answers an ad with a conversation about it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from core import web
from plugins.messages.conversations import Refused, start
from plugins.messages.rules import may_write

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

__all__ = ["Refused", "may_write", "start", "write_url"]


def write_url(site: SiteRuntime, to: int, subject: str = "") -> str:
    """The address of the "new conversation" form addressed to ``to`` (a member or an organisation)."""
    query = {"to": int(to)} | ({"subject": subject[:200]} if subject else {})
    return web.url_for(site, "messages-new") + "?" + urlencode(query)
