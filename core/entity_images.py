"""The picture of an entity in lists: a member's avatar, an organisation's logo, a group's image.

One way to ask: :func:`urls` (many entities) or :func:`url` (one). The plugin owning each kind
answers through the ``maillage_entity_images`` hook with one query for a whole list, and the answers
are kept for the rest of the request (``core.request_cache``), so a feed of twenty items by twenty
organisations costs one query per plugin, not one per item. ``core/ui.html``'s ``avatar`` macro
(:func:`avatar`) asks :func:`url` and shows the initials of the entity's name when there is no picture; code that lists
entities calls :func:`prime` with them first (``core.activity.items`` does for the actors).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from types import SimpleNamespace
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from core import request_cache

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

NAMESPACE = "core.entity_images"


def urls(site: SiteRuntime, entities: Iterable, size: int = 48) -> dict[int, str | None]:
    """``{guid: address of the picture or None}`` for ``entities`` (Entity rows), asked once per request."""
    wanted = {e.guid: e if hasattr(e, "kind") else SimpleNamespace(guid=e.guid, kind="user")  # an Account
              for e in entities if e is not None and getattr(e, "guid", None)}

    def compute(keys: list) -> dict:
        todo = [wanted[guid] for guid, _size in keys]
        found: dict = {}
        for answer in site.call("maillage_entity_images", site=site, entities=todo, size=size):
            if isinstance(answer, dict):
                found.update({guid: value for guid, value in answer.items() if value and guid not in found})
        return {(guid, size): found.get(guid) for guid, _size in keys}

    kept = request_cache.remember_many(NAMESPACE, [(guid, size) for guid in wanted], compute)
    return {guid: value for (guid, _size), value in kept.items()}


def url(site: SiteRuntime, entity, size: int = 48) -> str | None:
    """The address of ``entity``'s picture, or None (then show its initials)."""
    if entity is None or not getattr(entity, "guid", None):
        return None
    # the slot :func:`urls` fills: a list primed beforehand costs each picture one lookup
    return request_cache.remember(NAMESPACE, (entity.guid, size), lambda: urls(site, [entity], size).get(entity.guid))


def prime(site: SiteRuntime, entities: Iterable, size: int = 48) -> None:
    """Ask the pictures of a list at once, before its template asks them one by one."""
    urls(site, entities, size)


SMALL_WORDS = frozenset(("de", "du", "des", "la", "le", "les", "l", "d", "et", "à", "au", "aux", "en", "pour", "sur",
                         "the", "of", "and", "for", "a", "an"))


@functools.lru_cache(maxsize=4096)
def initials(name: str | None, size: int = 48, square: bool = False) -> Markup:
    """The initials of ``name`` in a coloured disc (a square for organisations and groups), the
    markup of ``ui.initials``: the first letters of its first two words that are not small words."""
    words = [w for w in (name or "?").lower().replace("'", " ").replace("’", " ").split() if w not in SMALL_WORDS] or ["?"]
    letters = words[0][0] + (words[1][0] if len(words) > 1 and words[1][0].isalnum() else "")
    shape = " square" if square else ""
    return Markup('<span class="initials s{} c{}{}" aria-hidden="true">{}</span>').format(
        size, len(name or "?") % 6, Markup(shape), letters.upper())


def avatar(site: SiteRuntime, entity, size: int = 48, src: str | None = None, square: bool | None = None,
           alt: str = "") -> Markup:
    """The markup of ``ui.avatar``: the entity's picture (:func:`url`), else its initials; people are
    round, organisations and groups square. Written in Python: a feed shows twenty, and the macro's
    template work was a fifth of the page."""
    field = entity.get if isinstance(entity, dict) else lambda name: getattr(entity, name, None)
    kind = field("kind") or "user"
    name = field("title") or field("name")
    square = (kind != "user") if square is None else square
    src = src or url(site, entity, size)
    if not src:
        return initials(name, size, square)
    return Markup(f'<img class="avatar{" square" if square else ""}" src="{escape(src)}" alt="{escape(alt)}"'
                  f' width="{escape(size)}" height="{escape(size)}" loading="lazy">')  # not Markup.format: 3 x slower
