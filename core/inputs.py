"""Typed parsing of what visitors and members send: text, numbers, dates, coordinates, addresses.

Every value that comes from a request goes through one of these functions before it reaches
the database, so a hostile or mistyped value answers 400 (a query or path parameter) or shows
the form again with a message (a form field), never an error 500.

- Form fields: the parser raises :class:`InvalidInput`, whose message is for the member::

      from core import inputs

      try:
          capacity = inputs.integer(data.get("capacity"), minimum=1, maximum=100_000)
      except inputs.InvalidInput as exc:
          errors["capacity"] = str(exc)

- Query parameters: :func:`query_int`, :func:`query_float`, :func:`query_date` read one
  parameter of the request and raise ``HTTPException(400)`` when it is not of its type; a missing
  or empty parameter gives ``default``.
- Tags: :func:`tags` reads a comma-separated list (blog posts, shared links).
- Text: the core strips NUL and the other control characters (tab and newline kept, ``\\r\\n``
  becomes ``\\n``) from every form field, query parameter and path parameter before the
  endpoint runs (:func:`clean_text`); an endpoint never sees them.
- Path parameters declared ``{guid:int}`` beyond a 64-bit integer answer 404 (the core checks).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

from core.i18n import gettext as _

MAX_INT = 2**63 - 1  # the largest integer both databases store (BIGINT)
MIN_INT = -(2**63)
MIN_DATE = dt.date(1000, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)  # far enough; date arithmetic near year 9999 overflows
WEB_SCHEMES = ("http", "https")
CONTACT_SCHEMES = ("http", "https", "mailto", "tel")
MAX_URL = 2000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_EMAIL = re.compile(r"^[^@\s<>\"',;()\[\]\\]+@[^@\s<>\"',;()\[\]\\]+\.[^@\s<>\"',;()\[\]\\]+$")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]{3,40}$")


class InvalidInput(ValueError):
    """A value is not of its type or out of its range; the message is for the member."""


# --- text ------------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """``value`` without NUL and the other control characters; tab and newline kept, CRLF -> LF."""
    if not value:
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value) if _CONTROL.search(value) else value


def text(raw, *, maximum: int | None = None, required: bool = False) -> str:
    """A trimmed string of at most ``maximum`` characters ("" when empty and not ``required``)."""
    value = clean_text(str(raw or "")).strip()
    if required and not value:
        raise InvalidInput(_("This field is required."))
    if maximum is not None and len(value) > maximum:
        raise InvalidInput(_("%(max)s characters at most.") % {"max": maximum})
    return value


def tags(raw, *, most: int, length: int = 40) -> list[str]:
    """Comma-separated tags: each with its spaces folded, in lower case, cut to ``length`` characters,
    without repeats; more than ``most`` of them is refused."""
    found: list[str] = []
    for tag in str(raw or "").split(","):
        tag = " ".join(clean_text(tag).split()).lower()[:length]
        if tag and tag not in found:
            found.append(tag)
    if len(found) > most:
        raise InvalidInput(_("%(max)s tags at most.") % {"max": most})
    return found


# --- numbers and dates -------------------------------------------------------------------------


def integer(raw, *, minimum: int = MIN_INT, maximum: int = MAX_INT, default: int | None = None) -> int | None:
    """A whole number between ``minimum`` and ``maximum``; ``default`` when ``raw`` is empty."""
    value = str(raw if raw is not None else "").strip()
    if not value:
        return default
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", value):
        raise InvalidInput(_("Enter a whole number."))
    number = int(value)
    if number < minimum:
        raise InvalidInput(_("Enter a number of at least %(min)s.") % {"min": minimum})
    if number > maximum:
        raise InvalidInput(_("Enter a number of at most %(max)s.") % {"max": maximum})
    return number


def number(raw, *, minimum: float = -1e15, maximum: float = 1e15, default: float | None = None) -> float | None:
    """A finite decimal number (a comma is read as the decimal point); no inf, no NaN."""
    value = str(raw if raw is not None else "").strip().replace(",", ".")
    if not value:
        return default
    if len(value) > 40 or not re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", value):
        raise InvalidInput(_("Enter a decimal number."))
    result = float(value)
    if not math.isfinite(result) or result < minimum or result > maximum:
        raise InvalidInput(_("Enter a number between %(min)s and %(max)s.") % {"min": minimum, "max": maximum})
    return result


def date(raw, *, minimum: dt.date = MIN_DATE, maximum: dt.date = MAX_DATE,
         default: dt.date | None = None) -> dt.date | None:
    """A date written 2024-03-31, between ``minimum`` and ``maximum``."""
    value = str(raw if raw is not None else "").strip()
    if not value:
        return default
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError(value)
        result = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("The date must look like 2024-03-31.")) from None
    if not minimum <= result <= maximum:
        raise InvalidInput(_("Choose a date between %(min)s and %(max)s.") % {
            "min": minimum.isoformat(), "max": maximum.isoformat()})
    return result


def month(raw, *, default: dt.date | None = None) -> dt.date | None:
    """A month written 2024-03, as the date of its first day (within :data:`MIN_DATE`..:data:`MAX_DATE`)."""
    value = str(raw if raw is not None else "").strip()
    if not value:
        return default
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", value):
        raise InvalidInput(_("The month must look like 2024-03."))
    return date(value + "-01")


def moment(raw, *, default: dt.datetime | None = None) -> dt.datetime | None:
    """A date and time written 2024-03-31T18:30 (seconds optional), within the years of :func:`date`."""
    value = str(raw if raw is not None else "").strip()
    if not value:
        return default
    try:
        if len(value) > 40:
            raise ValueError(value)
        result = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("The date and time must look like 2024-03-31T18:30.")) from None
    date(result.date().isoformat())
    return result


def coordinates(lat_raw, lon_raw) -> tuple[float | None, float | None]:
    """A point in decimal degrees, both values or neither: ``(lat, lon)`` or ``(None, None)``."""
    try:
        lat = number(lat_raw, minimum=-90, maximum=90) if _given(lat_raw) else None
    except InvalidInput:
        raise InvalidInput(_("The latitude is a decimal number between -90 and 90.")) from None
    try:
        lon = number(lon_raw, minimum=-180, maximum=180) if _given(lon_raw) else None
    except InvalidInput:
        raise InvalidInput(_("The longitude is a decimal number between -180 and 180.")) from None
    if (lat is None) != (lon is None):
        raise InvalidInput(_("Give both the latitude and the longitude, or neither."))
    return lat, lon


def valid_point(lat, lon) -> bool:
    """True when ``(lat, lon)`` is a finite point within range (a row read back from the database)."""
    return (isinstance(lat, int | float) and isinstance(lon, int | float)
            and math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180)


def _given(raw) -> bool:
    return raw is not None and str(raw).strip() != ""


# --- addresses ----------------------------------------------------------------------------------


def url(raw, *, schemes: tuple[str, ...] = WEB_SCHEMES, maximum: int = MAX_URL, required: bool = False) -> str:
    """A link members may click: ``http(s)://host...`` (or ``mailto:``/``tel:`` when ``schemes``
    allows them); "" when empty. ``javascript:``, ``data:`` and the like are refused."""
    value = text(raw)
    message = (_("Enter an address starting with http:// or https://.") if schemes == WEB_SCHEMES
               else _("Enter an address starting with https://, or a mailto: or tel: link."))
    if not value:
        if required:
            raise InvalidInput(message)
        return ""
    if len(value) > maximum or any(c.isspace() for c in value):
        raise InvalidInput(message)
    try:
        parts = urlsplit(value)
    except ValueError:
        raise InvalidInput(message) from None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise InvalidInput(message)
    if scheme in ("http", "https"):
        if not value.lower().startswith(scheme + "://") or not parts.hostname:
            raise InvalidInput(message)
    elif scheme == "mailto":
        email(value[len("mailto:"):].split("?", 1)[0])
    elif scheme == "tel" and not _PHONE.match(value[len("tel:"):]):
        raise InvalidInput(message)
    return value


def link_or_empty(value, schemes: tuple[str, ...] = CONTACT_SCHEMES) -> str:
    """``value`` when it is a link :func:`url` accepts, else "": the ``safe_url`` template filter, which
    keeps a value stored before the check (``javascript:...``) out of an ``href``."""
    try:
        return url(value, schemes=schemes)
    except InvalidInput:
        return ""


def email(raw, *, maximum: int = 254) -> str:
    """An e-mail address (trimmed, as written), "" when empty."""
    value = text(raw)
    if value and (len(value) > maximum or not _EMAIL.match(value)):
        raise InvalidInput(_("Enter a valid e-mail address."))
    return value


def postcode(raw, *, maximum: int = 10) -> str:
    """A postal code: letters, digits, spaces and dashes, ``maximum`` characters at most."""
    value = text(raw)
    if value and (len(value) > maximum or not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z \-]*", value)):
        raise InvalidInput(_("Enter a postal code (%(max)s letters or digits at most).") % {"max": maximum})
    return value


# --- query parameters ------------------------------------------------------------------------------


def query_int(request, name: str, default: int | None = None, *, minimum: int = MIN_INT,
              maximum: int = MAX_INT) -> int | None:
    """The integer query parameter ``name``; 400 when it is not one or out of range."""
    return _query(request, name, integer, default=default, minimum=minimum, maximum=maximum)


def query_float(request, name: str, default: float | None = None, *, minimum: float = -1e15,
                maximum: float = 1e15) -> float | None:
    """The decimal query parameter ``name`` (finite); 400 when it is not one or out of range."""
    return _query(request, name, number, default=default, minimum=minimum, maximum=maximum)


def query_date(request, name: str, default: dt.date | None = None) -> dt.date | None:
    """The date query parameter ``name`` (2024-03-31); 400 when it is not one."""
    return _query(request, name, date, default=default)


def query_month(request, name: str, default: dt.date | None = None) -> dt.date | None:
    """The month query parameter ``name`` (2024-03) as its first day; 400 when it is not one."""
    return _query(request, name, month, default=default)


def query_moment(request, name: str, default: dt.datetime | None = None) -> dt.datetime | None:
    """The date-and-time query parameter ``name`` (ISO 8601); 400 when it is not one."""
    return _query(request, name, moment, default=default)


def _query(request, name, parser, **kwargs):
    try:
        return parser(request.query_params.get(name), **kwargs)
    except InvalidInput as exc:
        raise HTTPException(400, detail=str(exc)) from None


def id_or_none(raw) -> int | None:
    """A positive 64-bit id (a guid, a row id) from a form or query value, or None when ``raw`` is not one:
    for fields where anything else simply means "none chosen"."""
    value = str(raw if raw is not None else "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_INT else None


def query_id(request, name: str) -> int | None:
    """The id query parameter ``name`` (a keyset cursor such as ``before``); None when missing, 400 when
    it is not a positive 64-bit integer."""
    return query_int(request, name, minimum=1)


def in_int_range(value) -> bool:
    """True when ``value`` is an integer the databases can compare (64-bit)."""
    return isinstance(value, int) and MIN_INT <= value <= MAX_INT
