"""Markdown rendering and HTML cleaning: what members write is shown safely."""

from __future__ import annotations

import re
from functools import lru_cache

import bleach
import markdown as md
from bleach.css_sanitizer import CSSSanitizer
from markupsafe import Markup

ALLOWED_TAGS = [
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "hr",
    "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
]
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height"],
    "td": ["align"],
    "th": ["align"],
}
ALLOWED_PROTOCOLS = ["http", "https", "mailto", "tel"]

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    css_sanitizer=CSSSanitizer(allowed_css_properties=[]),
    filters=[lambda source: bleach.linkifier.LinkifyFilter(source, callbacks=[_nofollow])],
)


def _nofollow(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


CACHED_TEXT = 20_000  # texts up to this length keep their rendering in the process (1,024 of them at most)


def render_markdown(text: str | None) -> Markup:
    """Render member-written markdown to cleaned HTML (links made clickable, no scripts).

    Rendering and cleaning take a millisecond or more; the same texts (a topic's opening post,
    a card's description) are shown again and again, so the result is kept per text."""
    if not text:
        return Markup("")
    return _rendered(text) if len(text) <= CACHED_TEXT else _render(text)


def _render(text: str) -> Markup:
    html = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return Markup(_cleaner.clean(html))


_rendered = lru_cache(maxsize=1024)(_render)


def clean_html(html: str) -> Markup:
    """Clean an HTML fragment with the same rules as rendered markdown."""
    return Markup(_cleaner.clean(html or ""))


def plain_text(text: str | None, limit: int | None = None) -> str:
    """Strip markup from ``text`` (markdown or HTML), optionally cut at ``limit`` characters."""
    text = text or ""
    return _plain(text, limit) if len(text) <= CACHED_TEXT else _strip(text, limit)


def _strip(text: str, limit: int | None) -> str:
    html = md.markdown(text, extensions=["extra"])
    out = bleach.clean(html, tags=[], strip=True)
    out = re.sub(r"\s+", " ", out).strip()
    if limit and len(out) > limit:
        out = out[: limit - 1].rsplit(" ", 1)[0] + "…"
    return out


_plain = lru_cache(maxsize=1024)(_strip)


def slugify(value: str, limit: int = 80) -> str:
    """An ASCII, lowercase, dash-separated slug for URLs ("Fête du village" -> "fete-du-village")."""
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug[:limit].strip("-") or "item"
