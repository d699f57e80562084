"""The bare-stack twin: Starlette + Jinja2 + peewee rendering the same templates from the same queries.

No maillage machinery per request: no host dispatch, no session, no CSRF, no hook calls,
no per-request menus or language negotiation; the site's template environment and the
member are prepared once at start. Served by bench/suite.py next to the real app, so the
ratio of requests per second measures the framework's own overhead. The viewer is the
benchmark member (``BENCH_MEMBER``) when the request carries a cookie, a visitor otherwise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from core import activity, entities, gazetteer, i18n, keepalive, profiles, request_cache, search
from core.config import Instance, load_sites
from core.db import configure, database, now
from core.models import Account
from core.runtime import SiteRuntime
from core.views.feeds import feed_context

SITE = os.environ.get("BENCH_SITE", "portail")
MEMBER = os.environ.get("BENCH_MEMBER", "member1@example.org")


@contextlib.contextmanager
def _page():
    """A connection and the values read once per page (``core.request_cache``), as core.web opens for a GET."""
    with database.connection_context(), request_cache.scope():
        yield


def create_app():
    instance = Instance.from_env()
    configure(instance.database_url)
    with database.connection_context():
        from core.models import Site

        site = SiteRuntime(instance, load_sites(instance.sites_dir)[SITE], Site.get_by_id(SITE))
        member = Account.get(Account.site == SITE, Account.email == MEMBER)
        _ = member.entity.title
    translations = site.translations("fr")

    def viewer(request: Request):
        """The member when the request carries a cookie (the suite's signed-in runs), else a visitor."""
        user = member if request.headers.get("cookie") else None
        request.state.user = user
        request.state.actor = user.entity if user else None
        return user

    def render(request: Request, template: str, context: dict, user=None) -> HTMLResponse:
        i18n.activate(translations, "fr")
        request.scope["maillage.site"] = site  # what plugins' template helpers and entity actions read
        request.state.user = user
        request.state.actor = user.entity if user else None
        full = {"request": request, "user": user, "actor": request.state.actor, "lang": "fr", "csrf_token": "",
                "csrf_field": "csrf_token", "main_menu": [], "user_menu": [], "flashes": [],
                "path": request.url.path, "signup_open": True, "unread_notifications": lambda: 0,
                "identities": lambda: []}
        for extra in site.call("maillage_template_context", request=request):  # e.g. the agenda's event summary
            full.update(extra)
        return HTMLResponse(site.templates.get_template(template).render({**full, **context}))

    def home(request):
        with _page():
            user = viewer(request)
            rows = activity.site_feed(site, user)
            return render(request, "core/home.html", {"widgets": site.widgets(request, "home"),
                                                    **feed_context(site, rows, request, "/")}, user=user)

    def network(request):
        with _page():
            viewer(request)
            rows = activity.network_feed(site, member, member.guid)
            return render(request, "core/network.html", feed_context(site, rows, request, "/feed"), user=member)

    def profile(request):
        with _page():
            user = viewer(request)
            account = Account.get(Account.entity == request.path_params["guid"])
            profile = profiles.get(account.guid)
            return render(request, "core/profile.html", {
                "member": account, "profile": profile, "target": account.entity,
                "fields": profiles.visible_values(site, profile, user), "can_edit": False}, user=user)

    def search_page(request):
        with _page():
            user = viewer(request)
            q = request.query_params.get("q", "")
            rows = search.search(site, user, q)
            results = [{"entity": e, "kind": site.entity_kinds.get(e.kind), "url": "/"} for e in rows
                       if e.kind in site.entity_kinds]
            return render(request, "core/search.html", {"q": q, "kind": "", "results": results, "kinds": [],
                                                        "next_before": None}, user=user)

    def directory_near(request):
        """plugins.directory.views.index near a commune or postal code."""
        from plugins.directory import cards, geo
        from plugins.directory.views import RADII, _theme_label

        with _page():
            user = viewer(request)
            q = request.query_params
            place_text, km = q.get("place", ""), float(q.get("km") or 10)
            places = gazetteer.lookup(place_text, limit=8)
            place = places[0]
            nearby = geo.near(site, user, place.lat, place.lon, km, limit=100)
            return render(request, "directory/index.html", {
                "tree": cards.taxonomy(site), "counts": geo.theme_counts(site, user), "theme": "", "q": "",
                "place_text": place_text, "place": place, "places": places, "km": km, "radii": RADII,
                "lat": place.lat, "lon": place.lon, "nearby": nearby, "results": [], "next_before": None,
                "error": None, "theme_label": _theme_label(site, ""),
                "tile_url": site.settings.get("tile_url") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                "org_logo": functools.partial(cards.logo_markup, site)}, user=user)

    def directory_map(request):
        """plugins.directory.views.map_json: GeoJSON clusters of a bounding box."""
        from plugins.directory import geo

        with _page():
            bbox = tuple(float(v) for v in request.query_params["bbox"].split(","))
            data = geo.geojson(site, viewer(request), bbox, int(request.query_params.get("zoom", "8")))
            return JSONResponse(data, headers={"Cache-Control": "public, max-age=60"})

    def agenda_month(request):
        """plugins.agenda.views.month: this month's grid (drawn once for visitors) and its occurrences."""
        from plugins.agenda import event_form
        from plugins.agenda.views import month_grid

        with _page():
            user = viewer(request)
            i18n.activate(translations, "fr")  # the grid is drawn in the page's language
            today = now().date()
            first = today.replace(day=1)
            return render(request, "agenda/month.html", {
                **month_grid(site, user, first, today, {}),
                "prev": (first - dt.timedelta(days=1)).replace(day=1),
                "next": (first + dt.timedelta(days=32)).replace(day=1),
                "shown": dict.fromkeys(("category", "commune", "near", "km", "from", "to"), ""),
                "categories": event_form.categories_of(site)}, user=user)

    def forum_thread(request):
        """plugins.forums.views.show, first page: the same queries, with the group's permission
        answers read directly (the groups plugin's rules) instead of through hooks."""
        from plugins.forums import threads
        from plugins.forums.models import Topic
        from plugins.groups import membership

        with _page():
            user = viewer(request)
            entity = entities.get_visible(site, user, request.path_params["guid"], kind="forums.topic")
            topic = Topic.get_by_id(entity.guid)
            group = entities.get_visible(site, user, entity.container_id, kind="groups.group")
            forum_on = membership.tool_enabled(group.guid, "forums")
            rows = threads.rendered(threads.replies(topic, 1))
            moderator = False
            if user is not None:
                threads.mark_read(user.guid, entity.guid, rows[-1].id if rows else 0)
                moderator = user.is_admin or user.is_moderator or membership.is_admin(user, group)
            edit_after = threads.edit_after(site)
            return render(request, "forums/topic.html", {
                "entity": entity, "topic": topic, "group": group, "replies": rows, "page": 1,
                "pages": threads.pages(topic), "page_size": threads.PAGE, "moderator": moderator,
                "can_reply": user is not None and forum_on and membership.state(user, group) in ("member", "admin")
                and (not topic.locked or moderator),
                "can_answer": user is not None and (entity.owner_id == user.guid or moderator),
                "can_edit": lambda author, created: user is not None and (
                    moderator or (author == user.guid and created >= edit_after)),
                "following": user is not None and threads.follows(user.guid, entity.guid), "reply_body": "",
                "reply_error": None, "move_targets": []}, user=user)

    return keepalive.spread(Starlette(routes=[Route("/", home), Route("/feed", network), Route("/members/{guid:int}", profile),
                             Route("/search", search_page), Route("/directory/", directory_near),
                             Route("/directory/map.json", directory_map), Route("/agenda/month", agenda_month),
                             Route("/forums/{guid:int}", forum_thread)], lifespan=same_threads))


@contextlib.asynccontextmanager
async def same_threads(app):
    """As many requests at once per worker as maillage runs (core.app.limit_request_threads)."""
    from core.app import limit_request_threads

    limit_request_threads()
    yield
