"""The bare-stack twin: Starlette + Jinja2 + peewee rendering the same templates from the same queries.

No maillage machinery per request: no host dispatch, no session, no CSRF, no hook calls,
no per-request menus or language negotiation; the site's template environment and the
member are prepared once at start. Served by bench/suite.py next to the real app, so the
ratio of requests per second measures the framework's own overhead.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from core import activity, i18n, profiles, search
from core.config import Instance, load_sites
from core.db import configure, database
from core.models import Account
from core.runtime import SiteRuntime
from core.views.feeds import feed_context

SITE = os.environ.get("BENCH_SITE", "portail")
MEMBER = os.environ.get("BENCH_MEMBER", "member1@example.org")


def create_app() -> Starlette:
    instance = Instance.from_env()
    configure(instance.database_url)
    with database.connection_context():
        from core.models import Site

        site = SiteRuntime(instance, load_sites(instance.sites_dir)[SITE], Site.get_by_id(SITE))
        member = Account.get(Account.site == SITE, Account.email == MEMBER)
        _ = member.entity.title
    translations = site.translations("fr")

    def render(request: Request, template: str, context: dict, user=None) -> HTMLResponse:
        i18n.activate(translations, "fr")
        request.state.user = user
        request.state.actor = user.entity if user else None
        full = {"request": request, "user": user, "actor": request.state.actor, "lang": "fr", "csrf_token": "",
                "csrf_field": "csrf_token", "main_menu": [], "user_menu": [], "flashes": [],
                "path": request.url.path, "signup_open": True, "unread_notifications": lambda: 0,
                "identities": lambda: [], **context}
        return HTMLResponse(site.templates.get_template(template).render(full))

    def home(request):
        with database.connection_context():
            request.state.user = None
            rows = activity.site_feed(site, None)
            return render(request, "core/home.html", {"widgets": [], **feed_context(site, rows, request, "/")})

    def network(request):
        with database.connection_context():
            rows = activity.network_feed(site, member, member.guid)
            return render(request, "core/network.html", feed_context(site, rows, request, "/feed"), user=member)

    def profile(request):
        with database.connection_context():
            account = Account.get(Account.entity == request.path_params["guid"])
            profile = profiles.get(account.guid)
            return render(request, "core/profile.html", {
                "member": account, "profile": profile, "target": account.entity,
                "fields": profiles.visible_values(site, profile, None), "can_edit": False})

    def search_page(request):
        with database.connection_context():
            q = request.query_params.get("q", "")
            rows = search.search(site, None, q)
            results = [{"entity": e, "kind": site.entity_kinds.get(e.kind), "url": "/"} for e in rows
                       if e.kind in site.entity_kinds]
            return render(request, "core/search.html", {"q": q, "kind": "", "results": results, "kinds": [],
                                                        "next_before": None})

    return Starlette(routes=[Route("/", home), Route("/feed", network), Route("/members/{guid:int}", profile),
                             Route("/search", search_page)])
