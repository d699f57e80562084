"""Translations (gettext catalogs per component) and locale-aware formatting with babel.

Each component (the core and every plugin) keeps ``locale/<lang>/LC_MESSAGES/messages.po``
beside its code. The catalogs of a site's enabled components are merged per
language. The language of a request is the member's choice, then the site's
default, then the browser's Accept-Language. Code marks strings with
``gettext``/``_`` (or ``gettext_lazy`` at import time); templates with
``{{ _("...") }}`` or ``{% trans %}``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import gettext as _gettext
import re
from functools import lru_cache
from pathlib import Path

from babel import Locale, dates, numbers
from babel.messages.pofile import read_po
from babel.support import LazyProxy

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

_current = contextvars.ContextVar("maillage_translations", default=None)
_current_lang = contextvars.ContextVar("maillage_language", default=DEFAULT_LANGUAGE)


@lru_cache(maxsize=256)
def _load_po(path: str, mtime: float) -> _gettext.GNUTranslations:
    """Compile a .po file in memory (no build step: .po files are the source of truth)."""
    import io

    from babel.messages.mofile import write_mo

    with open(path, "rb") as fh:
        catalog = read_po(fh)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def load_catalog(folders: tuple[Path, ...], lang: str) -> _gettext.NullTranslations:
    """Merge the catalogs of ``folders`` (each a component's ``locale`` folder) for ``lang``."""
    merged: _gettext.NullTranslations | None = None
    for folder in folders:
        po = Path(folder) / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        trans = _load_po(str(po), po.stat().st_mtime)
        if merged is None:
            merged = _gettext.GNUTranslations()
            merged._catalog = dict(trans._catalog)  # type: ignore[attr-defined]
            merged.plural = trans.plural  # type: ignore[attr-defined]
        else:
            for key, value in trans._catalog.items():  # type: ignore[attr-defined]
                merged._catalog.setdefault(key, value)  # type: ignore[attr-defined]
    return merged or _gettext.NullTranslations()


def activate(translations: _gettext.NullTranslations, lang: str) -> None:
    """Make ``translations`` the catalog of the current request or command."""
    _current.set(translations)
    _current_lang.set(lang)


def current_language() -> str:
    """Return the language code active for this request."""
    return _current_lang.get()


def gettext(message: str) -> str:
    """Translate ``message`` into the current language."""
    trans = _current.get()
    return trans.gettext(message) if trans else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form chosen by ``n``."""
    trans = _current.get()
    if trans:
        return trans.ngettext(singular, plural, n)
    return singular if n == 1 else plural


def gettext_lazy(message: str) -> LazyProxy:
    """Mark ``message`` for translation when it is displayed (for module-level strings)."""
    return LazyProxy(gettext, message, enable_cache=False)


_ = gettext


def negotiate(accept_language: str, available=LANGUAGES) -> str | None:
    """Pick the best of ``available`` for an Accept-Language header, or None."""
    if not accept_language:
        return None
    prefs = []
    for part in accept_language.split(","):
        piece = part.strip().split(";q=")
        try:
            q = float(piece[1]) if len(piece) > 1 else 1.0
        except ValueError:
            q = 0.0
        prefs.append((q, piece[0].strip().lower()))
    for _q, tag in sorted(prefs, key=lambda p: -p[0]):
        base = tag.split("-")[0]
        if base in available:
            return base
    return None


# --- formatting ---------------------------------------------------------------


def format_datetime(value: dt.datetime | None, format: str = "medium", tz: str | None = None) -> str:
    """A date and its time for people, in the current language: the date in ``format`` (``short``,
    ``medium``, ``long``, ``full``) then hours and minutes, never seconds nor a time-zone name
    ("samedi 12 décembre 2026 à 14:00"). A naive value is UTC (as stored); it is shown in ``tz``
    (an IANA name) when given, else in its own zone."""
    if value is None:
        return ""
    return _formatted_datetime(value, format, tz, current_language())


@lru_cache(maxsize=4096)
def _formatted_datetime(value: dt.datetime, format: str, tz: str | None, lang: str) -> str:
    """A page of replies or of activity formats the same twenty times on every view."""
    local = _local(value, tz)
    date_format = format if format in ("short", "medium", "long", "full") else "medium"
    pattern = str(dates.get_datetime_format(date_format, locale=lang)).replace("'", "")
    return (pattern.replace("{1}", _formatted_date(local.date(), date_format, lang))
            .replace("{0}", _formatted_time(local.time().replace(second=0, microsecond=0), "short", lang)))


def _local(value: dt.datetime, tz: str | None) -> dt.datetime:
    if tz:
        from zoneinfo import ZoneInfo

        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(ZoneInfo(tz))
    return value


HOUR_PATTERNS = {"fr": ("H 'h'", "H 'h' mm"), "en": ("h a", "h:mm a")}  # a round hour, another time


@lru_cache(maxsize=1024)
def _formatted_day(value: dt.date, lang: str, this_year: bool) -> str:
    """The weekday, day and month, and the year unless it is this year's ("samedi 12 décembre")."""
    pattern = str(dates.get_date_format("full", locale=lang).pattern)
    if this_year:
        pattern = re.sub(r"[,.]?\s*y+[.]?", "", pattern).strip(" ,")
    return dates.format_date(value, pattern, locale=lang)


def format_when(start: dt.datetime | None, end: dt.datetime | None = None, all_day: bool = False,
                tz: str | None = None) -> str:
    """When something happens, the way people say it: "samedi 12 décembre, 14 h – 17 h",
    "Saturday, December 12, 2 – 5 PM" (the year only when it is not this year's; the end's date
    only when it ends another day; all-day events without hours)."""
    if start is None:
        return ""
    return _formatted_when(start, end, all_day, tz, current_language(), dt.date.today().year)


@lru_cache(maxsize=4096)
def _formatted_when(start, end, all_day: bool, tz, lang: str, this_year: int) -> str:
    start = _local(start, tz)
    end = _local(end, tz) if end is not None else None

    def day(value):
        value = value.date() if isinstance(value, dt.datetime) else value
        return _formatted_day(value, lang, value.year == this_year)

    if all_day:
        last = (end - dt.timedelta(seconds=1)).date() if end is not None and end > start else start.date()
        return day(start) if last <= start.date() else f"{day(start)} – {day(last)}"
    patterns = HOUR_PATTERNS.get(lang, ("HH:mm", "HH:mm"))

    def hour(value):
        return dates.format_time(value.replace(tzinfo=None).time(), patterns[0 if value.minute == 0 else 1],
                                 locale=lang)

    if end is None or end <= start:
        return f"{day(start)}, {hour(start)}"
    if end.date() == start.date():
        return f"{day(start)}, {hour(start)} – {hour(end)}"
    return f"{day(start)}, {hour(start)} – {day(end)}, {hour(end)}"


def format_date(value: dt.date | None, format: str = "long") -> str:
    """Format a date for the current language."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return _formatted_date(value, format, current_language())


def format_time(value, format: str = "short") -> str:
    """Format a time of day for the current language (an aware datetime: its own wall-clock time)."""
    if not value:
        return ""
    if format in ("short", "medium"):  # no zone name in these patterns: the wall-clock time decides
        wall = value.time() if isinstance(value, dt.datetime) else value
        return _formatted_time(wall.replace(tzinfo=None, microsecond=0), format, current_language())
    return dates.format_time(value, format=format, locale=current_language())


@lru_cache(maxsize=4096)
def _formatted_date(value: dt.date, format: str, lang: str) -> str:
    """Babel's formatting is slow (a calendar of a month formats hundreds of dates and times of
    a handful of distinct values): each distinct one is formatted once per process."""
    return dates.format_date(value, format=format, locale=lang)


@lru_cache(maxsize=4096)
def _formatted_time(value: dt.time, format: str, lang: str) -> str:
    return dates.format_time(value, format=format, locale=lang)


def format_timedelta(value: dt.timedelta, add_direction: bool = True) -> str:
    """Say how long ago (or in how long), as in "3 days ago"; under a minute, "just now"."""
    seconds = round(value.total_seconds())
    if abs(seconds) < 60:  # not "in 0 seconds" for what was published this instant
        return gettext("just now")
    if abs(seconds) >= 3600:  # said in hours or more: the same text all minute long, formatted once
        seconds = seconds // 60 * 60
    return _formatted_timedelta(seconds, add_direction, current_language())


@lru_cache(maxsize=4096)
def _formatted_timedelta(seconds: int, add_direction: bool, lang: str) -> str:
    """A feed page says how old twenty items are on every view (babel takes ~50 µs each)."""
    return dates.format_timedelta(dt.timedelta(seconds=seconds), add_direction=add_direction, locale=lang,
                                  threshold=1.1)


def format_number(value) -> str:
    """Format a number with the separators of the current language."""
    return _formatted_number(value, current_language())


@lru_cache(maxsize=4096)
def _formatted_number(value, lang: str) -> str:
    """A dashboard formats hundreds of numbers per view, most of them seen before (babel: ~0.25 ms each)."""
    return numbers.format_decimal(value, locale=lang)


@lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """The name of a language in that language ("français", "English"); every page's language switch asks
    (babel parses the locale each time: 0.2 ms a page)."""
    return Locale.parse(code).get_display_name(code).capitalize()
