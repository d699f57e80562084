"""What every template gets: filters, globals and the standard context."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from core import components, entity_images, i18n, inputs, registration, text, web

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def install(env, site: SiteRuntime) -> None:
    """Add maillage's filters and globals to a site's Jinja environment."""
    env.filters.update(
        markdown=text.render_markdown,
        plaintext=text.plain_text,
        datetime=lambda value, format="medium", tz=None: i18n.format_datetime(value, format, tz or _zone(site)),
        when=i18n.format_when,
        date=i18n.format_date,
        time=i18n.format_time,
        number=i18n.format_number,
        timeago=_timeago,
        safe_url=inputs.link_or_empty,
        state_label=_state_label,
        role_label=_role_label,
        isodate=lambda value: value.replace(tzinfo=dt.UTC).isoformat() if value else "",
    )
    env.globals.update(
        site=site,
        language_name=i18n.language_name,
        LANGUAGES=i18n.LANGUAGES,
        entity_url=lambda entity: _entity_url(site, entity),
        entity_image=lambda entity, size=48: _entity_image(site, entity, size),
        avatar_markup=lambda entity, size=48, src=None, square=None, alt="": entity_images.avatar(
            site, entity, size, src, square, alt),
        initials_markup=entity_images.initials,
        card_markup=components.card,
        container_of=lambda request, entity: _container_of(site, request, entity),
        as_seen=lambda request, entity: _as_seen(site, request, entity),
        comment_thread=lambda request, entity: _comment_thread(site, request, entity),
        like_state=lambda request, entity: _like_state(site, request, entity),
        relationship_state=lambda request, target: _relationship_state(site, request, target),
        entity_feed=lambda request, target: _entity_feed(site, request, target),
        entity_actions=lambda request, target: _entity_actions(site, request, target),
        atom_link=_atom_link,
        verb_label=_verb_label,
        render_widget=_render_widget,
        url_for=lambda route, /, **params: web.url_for(site, route, **params),
    )


@jinja2.pass_context
def _render_widget(context, widget) -> Markup:
    """A :class:`core.menus.Widget`'s template rendered with the page's variables and the widget's own
    ``context`` (``{{ render_widget(widget) }}``; an ``include`` would not see the widget's context)."""
    template = context.environment.get_template(widget.template)
    return Markup(template.render({**context.get_all(), **(widget.context or {}), "widget": widget}))


def _zone(site: SiteRuntime) -> str:
    """The time zone a site shows stored (UTC) times in: its ``timezone`` setting, else Paris's."""
    return site.settings.get("timezone") or "Europe/Paris"


def _container_of(site: SiteRuntime, request, entity):
    """The group or organisation ``entity`` was published in, when the reader may see it; else None. A public
    post in a hidden group must not show the group's name nor link to visitors and non-members."""
    if not getattr(entity, "container_id", None):
        return None
    from core import entities

    return entities.shown(site, web.current_user(request), entity.container)


def _as_seen(site: SiteRuntime, request, entity):
    """``entity`` (an owner, an actor) as the reader may name it: itself, or an unnamed stand-in linking
    nowhere when it is a group or organisation the reader may not see (``as_seen(request, entity.owner)``)."""
    from core import entities

    return entities.as_seen_by(site, web.current_user(request), entity)


def _atom_link(url, title):
    from core.feeds import atom_link

    return atom_link(url, title)


def _verb_label(verb):
    from core.views.feeds import verb_label

    return verb_label(verb)


def _relationship_state(site: SiteRuntime, request, target) -> SimpleNamespace:
    """What core/_relationship_actions.html needs about the actor and ``target``."""
    from core import relationships
    from core.views.social import words

    actor = getattr(request.state, "actor", None)
    show = actor is not None and actor.guid != target.guid
    return SimpleNamespace(
        show=show, words=words(site),
        state=relationships.state(actor.guid, target.guid) if show else {},
        counts=relationships.counts(site, target.guid, shared=True),
    )


def _entity_actions(site: SiteRuntime, request, target) -> list:
    """The buttons plugins offer about ``target`` (``maillage_entity_actions``), in order."""
    if target is None:
        return []
    items = site.call("maillage_entity_actions", site=site, request=request, entity=target)
    return sorted(items, key=lambda item: (item.order, str(item.label)))


def _entity_feed(site: SiteRuntime, request, target) -> list:
    from core import activity

    rows = activity.entity_feed(site, web.current_user(request), target.guid, limit=10)
    return activity.items(site, rows, web.current_user(request))


def _entity_image(site: SiteRuntime, entity, size: int):
    """The address of ``entity``'s picture or None (``core.entity_images``)."""
    return entity_images.url(site, entity, size)


def _entity_url(site: SiteRuntime, entity) -> str:
    return web.entity_url(site, entity)


def _comment_thread(site: SiteRuntime, request, entity) -> SimpleNamespace:
    """What core/comments.html needs about the comments of ``entity``."""
    from core import comments

    user = web.current_user(request)
    actor = getattr(request.state, "actor", None)
    enabled = comments.allows(site, entity, "commentable")
    return SimpleNamespace(
        enabled=enabled,
        comments=comments.thread(site, user, entity) if enabled else [],
        can_comment=enabled and comments.may_comment(site, user, actor, entity),
        editable=lambda c: comments.editable(site, user, c),
        deletable=lambda c: comments.deletable(site, user, c),
        draft=request.session.pop("comment_draft", "") if "comment_draft" in request.session else "",
    )


def _like_state(site: SiteRuntime, request, entity) -> SimpleNamespace:
    from core import comments

    enabled = comments.allows(site, entity, "likable")
    actor = getattr(request.state, "actor", None)
    return SimpleNamespace(enabled=enabled, count=comments.likes(entity) if enabled else 0,
                           mine=enabled and comments.liked_by(actor, entity))


def _state_label(state: str) -> str:
    from core.accounts import state_label

    return state_label(state)


def _role_label(role: str) -> str:
    from core.accounts import role_label

    return role_label(role)


def _timeago(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    from core.db import now

    return i18n.format_timedelta(value - now())


def base_context(site: SiteRuntime, request) -> dict:
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
        "unread_notifications": (lambda: _unread(user)) if user else (lambda: 0),
        "identities": (lambda: _identities(site, user)) if user else (lambda: []),
    }


def _unread(user) -> int:
    """The member's unread notifications: read with their session (core.auth.session_user), else one read."""
    if not hasattr(user, "unread_notifications"):
        from core.notifications import unread_count

        return unread_count(user.guid)
    return user.unread_notifications or 0


def _identities(site: SiteRuntime, user) -> list:
    from core.acting import identities

    return identities(site, user)
