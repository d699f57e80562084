"""What every template gets: filters, globals and the standard context."""

from __future__ import annotations

import datetime as dt

from core import i18n, registration, text, web


def install(env, site) -> None:
    """Add maillage's filters and globals to a site's Jinja environment."""
    env.filters.update(
        markdown=text.render_markdown,
        plaintext=text.plain_text,
        datetime=i18n.format_datetime,
        date=i18n.format_date,
        time=i18n.format_time,
        number=i18n.format_number,
        timeago=_timeago,
        isodate=lambda value: value.replace(tzinfo=dt.UTC).isoformat() if value else "",
    )
    env.globals.update(
        site=site,
        language_name=i18n.language_name,
        LANGUAGES=i18n.LANGUAGES,
    )


def _timeago(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    from core.db import now

    return i18n.format_timedelta(value - now())


def base_context(site, request) -> dict:
    """The variables every page sees: request, user, actor, CSRF token, menus, flashes."""
    user = web.current_user(request)
    return {
        "request": request,
        "user": user,
        "actor": getattr(request.state, "actor", None),
        "lang": i18n.current_language(),
        "csrf_token": web.LazyCSRFToken(request),
        "csrf_field": web.CSRF_FIELD,
        "main_menu": site.menu(request, "main"),
        "user_menu": site.menu(request, "user") if user else [],
        "flashes": web.pop_flashes(request),
        "path": request.url.path,
        "signup_open": user is None and registration.mode(site) in ("open", "code", "approval"),
    }
