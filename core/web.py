"""Helpers for plugin endpoints: rendering, forms, CSRF, flash messages, access guards.

Endpoints are plain ``def`` functions taking the request. The core runs them
in the thread pool with a database connection open, the member loaded
(``request.state.user``, ``request.state.actor``), for GET what the page asks
several times read once (:mod:`core.request_cache`) and, for POST, the form parsed
and its CSRF token checked::

    from core import web

    def edit(request):
        user = web.require_user(request)
        if request.method == "POST":
            data = web.form(request)
            ...
            web.flash(request, _("Saved."))
            return web.redirect(request, "/blog/")
        return web.render(request, "blog/edit.html", {"post": post})
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.responses import JSONResponse as _StarletteJSONResponse

from core import i18n, inputs, request_cache
from core.db import database

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

log = logging.getLogger("maillage.web")

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_FORM_PART = 32 * 1024 * 1024


class JSONResponse(_StarletteJSONResponse):
    """A JSON answer, serialised by orjson: the same bytes as Starlette's own (UTF-8, no spaces) about 18
    times faster, which a map answer of a thousand features feels (3.9 ms with the standard library, 0.2 ms
    here, on a slow host). Every JSON endpoint, core and plugins, answers through this class."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class SignInRequired(HTTPException):
    """Raised by :func:`require_user`; answered with a redirect to the sign-in page."""

    def __init__(self):
        super().__init__(401)


def site_of(request: Request):
    """The :class:`core.runtime.SiteRuntime` serving this request."""
    return request.scope["maillage.site"]


def entity_url(site: SiteRuntime, entity) -> str:
    """The page of an entity, as its kind builds it ("/" if its plugin is off)."""
    kind = site.entity_kinds.get(entity.kind)
    try:
        return kind.url(entity) if kind else "/"
    except Exception:
        return "/"


def url_for(site_or_request, name: str, /, **path_params) -> str:
    """The path of the route named ``name`` on the site (a request or a site runtime), with its path
    parameters: ``web.url_for(request, "signin")``, ``web.url_for(request, "agenda-event", guid=12)``.
    A plugin's route is found by its name or as ``"<plugin>:<name>"``. An unknown name or a missing
    parameter raises ``starlette.routing.NoMatchFound``, so a renamed route cannot leave a dead link.
    Templates have the same function as ``url_for(name, **params)``."""
    site = site_of(site_or_request) if isinstance(site_or_request, Request) else site_or_request
    return str(site.app.url_path_for(name, **path_params))


def form(request: Request) -> FormData:
    """The parsed form of a POST request (parsed by the core before the endpoint runs)."""
    return request.scope.get("maillage.form") or FormData()


def csrf_token(request: Request) -> str:
    """The CSRF token of this session, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


class LazyCSRFToken:
    """The CSRF token as templates see it: created only when a page really contains a form.

    Pages without forms then set no session cookie, so anonymous pages stay cacheable.
    """

    def __init__(self, request: Request):
        self.request = request

    def __str__(self) -> str:
        return csrf_token(self.request)

    def __html__(self) -> str:
        return str(self)


def flash(request: Request, message: str, level: str = "success") -> None:
    """Show ``message`` once on the next page (``level``: success, info, warning, error)."""
    request.session.setdefault("flash", []).append([level, str(message)])


def pop_flashes(request: Request) -> list:
    """Take the pending flash messages (the base template does this)."""
    return request.session.pop("flash", []) if "flash" in request.session else []


def redirect(request: Request, url: str, status_code: int = 303) -> RedirectResponse:
    """Redirect to a local URL (never to another host)."""
    if not url.startswith("/") or url.startswith("//"):
        url = "/"
    return RedirectResponse(url, status_code=status_code)


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to after a form, or ``default`` if ``value`` is not local."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def current_user(request: Request):
    """The signed-in member's :class:`core.models.Account`, or None."""
    return getattr(request.state, "user", None)


def require_user(request: Request):
    """Return the signed-in member or send the visitor to the sign-in page."""
    user = current_user(request)
    if user is None:
        raise SignInRequired()
    return user


def require_admin(request: Request):
    """Return the signed-in administrator; others get 403 (visitors are asked to sign in)."""
    user = require_user(request)
    if not user.is_admin:
        raise HTTPException(403)
    return user


def not_found() -> HTTPException:
    """The exception to raise for a missing or invisible page: ``raise web.not_found()``."""
    return HTTPException(404)


def forbidden() -> HTTPException:
    """The exception to raise when the member may not do this: ``raise web.forbidden()``."""
    return HTTPException(403)


def render(request: Request, template: str, context: dict | None = None, status_code: int = 200,
           headers: dict | None = None) -> HTMLResponse:
    """Render ``template`` with the site's template chain and the standard context."""
    site = site_of(request)
    html = site.render(template, request, context or {})
    return HTMLResponse(html, status_code=status_code, headers=headers)


# --- the wrapper the core puts around every plugin endpoint ----------------------------


def csrf_exempt(endpoint):
    """Mark an endpoint whose POST is authenticated otherwise (a signed token in its URL).

    Only for links mail clients follow, such as one-click unsubscribe (RFC 8058).
    """
    endpoint.csrf_exempt = True
    return endpoint


def wrap_endpoint(endpoint):
    """Turn a plain ``def endpoint(request)`` into the ASGI-ready coroutine the router calls."""
    import inspect

    if inspect.iscoroutinefunction(endpoint):
        raise TypeError(f"{endpoint!r} is async: endpoints are plain def functions")
    exempt = getattr(endpoint, "csrf_exempt", False)

    async def handler(request: Request) -> Response:
        if not _clean_params(request):
            return await run_in_threadpool(_error_page, request, 404)
        if request.method in UNSAFE_METHODS:
            try:
                parsed = _clean_form(await request.form(max_part_size=MAX_FORM_PART))
            except Exception as exc:  # malformed multipart and the like
                log.info("unreadable form on %s: %s", request.url.path, exc)
                return await run_in_threadpool(_error_page, request, 400)
            request.scope["maillage.form"] = parsed
            if exempt:
                return await run_in_threadpool(_call, endpoint, request)
            sent = parsed.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
            expected = request.session.get("csrf")
            if not expected or not sent or not secrets.compare_digest(str(sent), expected):
                return await run_in_threadpool(_error_page, request, 403, "csrf")
        return await run_in_threadpool(_call, endpoint, request)

    handler.__name__ = getattr(endpoint, "__name__", "handler")
    handler.__doc__ = endpoint.__doc__
    handler._maillage_wrapped = True
    return handler


def _clean_form(parsed: FormData) -> FormData:
    """The form with NUL and other control characters stripped from every text field (files untouched)."""
    return FormData([(inputs.clean_text(key), inputs.clean_text(value) if isinstance(value, str) else value)
                     for key, value in parsed.multi_items()])


def _clean_params(request: Request) -> bool:
    """Strip control characters from the query string and text path parameters; False when an integer path
    parameter is beyond 64 bits (the page cannot exist)."""
    params = request.scope.get("path_params") or {}
    for key, value in params.items():
        if isinstance(value, int) and not inputs.in_int_range(value):
            return False
        if isinstance(value, str):
            params[key] = inputs.clean_text(value)
    raw = request.scope.get("query_string") or b""
    if raw:
        from urllib.parse import parse_qsl, urlencode

        text = raw.decode("latin-1")
        pairs = parse_qsl(text, keep_blank_values=True)
        cleaned = [(inputs.clean_text(k), inputs.clean_text(v)) for k, v in pairs]
        if cleaned != pairs:
            request.scope["query_string"] = urlencode(cleaned).encode("ascii")
            request.__dict__.pop("_query_params", None)  # rebuilt from the cleaned query string
    return True


def _prepare(request: Request) -> None:
    """Load the member and activate their language (inside the connection)."""
    from core import auth

    site = site_of(request)
    user = auth.session_user(request, site)
    request.state.user = user
    request.state.actor = auth.session_actor(request, site, user)
    lang = (user.language if user and user.language else None) or request.session.get("lang")
    if lang not in i18n.LANGUAGES:
        lang = site.config.language if site.config.language in i18n.LANGUAGES else None
        if site.settings.get("language_from_browser", False) or lang is None:
            lang = i18n.negotiate(request.headers.get("accept-language", "")) or lang or "fr"
    request.state.lang = lang
    i18n.activate(site.translations(lang), lang)


def _call(endpoint, request: Request) -> Response:
    kept = request_cache.scope() if request.method in ("GET", "HEAD") else contextlib.nullcontext()
    with database.connection_context(), kept:
        _prepare(request)
        try:
            response = endpoint(request)
        except SignInRequired:
            target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
            response = RedirectResponse(f"{url_for(request, 'signin')}?next={target}", status_code=303)
        except HTTPException as exc:
            response = _render_error(request, exc.status_code, detail=exc.detail)
        except Exception:
            site_of(request).report_error("request", f"{request.method} {request.url.path}")
            log.exception("error serving %s %s", request.method, request.url.path)
            response = _render_error(request, 500)
    return response


def _render_error(request: Request, status: int, reason: str = "", detail: Any = None) -> Response:
    site = site_of(request)
    context = {"status": status, "reason": reason, "debug": site.instance.debug, "detail": detail}
    user = current_user(request)
    if status == 500 and site.instance.debug and user is not None and user.is_admin:
        import traceback  # only an administrator of a development site sees it

        context["traceback"] = traceback.format_exc()
    try:
        html = site.render("core/error.html", request, context)
    except Exception:
        log.exception("the error page itself failed")
        html = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    return HTMLResponse(html, status_code=status)


def _error_page(request: Request, status: int, reason: str = "") -> Response:
    """The error page of a request no endpoint answered (unknown path, bad form, CSRF): it writes nothing, so
    what its header asks several times (the member's ties, unread counts) is read once, as on any page."""
    with database.connection_context(), request_cache.scope():
        _prepare(request)
        return _render_error(request, status, reason)


async def not_found_endpoint(scope, receive, send) -> None:
    """The router's answer for an unknown path: the site's friendly 404 page."""
    request = Request(scope, receive)
    if scope["type"] != "http":
        return
    response = await run_in_threadpool(_error_page, request, 404)
    await response(scope, receive, send)
