"""What the animation plugin brings: the animator's pages, the "animation" right, the
introduction notification, the featured block of the home page and the daily aggregation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import Route

from core import entities, hookimpl, web
from core.commands import per_site
from core.i18n import gettext as _
from core.i18n import gettext_lazy as _l
from core.kinds import NotificationEvent
from core.menus import MenuItem, Widget
from plugins.animation import views

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


@hookimpl
def maillage_routes(site):
    return [
        Route("/", views.index, name="animation"),
        Route("/chart/{figure}.svg", views.chart, name="animation-chart"),
        Route("/names/{figure}", views.names, name="animation-names"),
        Route("/territory", views.territory_page, name="animation-territory"),
        Route("/territory.json", views.territory_json, name="animation-territory-json"),
        Route("/export/{table}.csv", views.export, name="animation-export"),
        Route("/introduce", views.introduce, methods=["GET", "POST"], name="animation-introduce"),
        Route("/introductions/{id:int}", views.introduction, name="animation-introduction"),
        Route("/introductions/{id:int}/connect", views.connect, methods=["POST"], name="animation-connect"),
        Route("/write", views.write, methods=["GET", "POST"], name="animation-write"),
        Route("/featured", views.featured_page, methods=["GET", "POST"], name="animation-featured"),
        Route("/featured/{id:int}/{action}", views.featured_action, methods=["POST"],
              name="animation-featured-action"),
    ]


@hookimpl
def maillage_menu_items(site, request):
    user = web.current_user(request)
    if user is None or not entities.can(site, user, views.RIGHT):
        return []
    return [MenuItem("user", _("Animation"), web.url_for(site, "animation"), order=30, name="animation",
                     active_prefix="/animation/")]


@hookimpl
def maillage_notification_events(site):
    return [NotificationEvent("animation.introduction", _l("An animator introduces me to a member or an "
                                                            "organisation"), default="instant")]


@hookimpl
def maillage_widgets(site, request, place):
    if place not in ("home", "dashboard"):
        return []
    from plugins.animation import featured

    items = featured.shown(site, web.current_user(request))
    if not items:
        return []
    return [Widget(_("Featured"), "animation/widget_featured.html", {"featured": items}, order=5)]


@hookimpl
def maillage_digest_sections(site, account, period):
    from core import urls
    from plugins.animation import featured

    items = featured.shown(site, account)
    if not items:
        return []
    return [(_("Featured"), [f"- {e.title}\n  {urls.absolute(site, web.entity_url(site, e))}" for e in items])]


@hookimpl
def maillage_cli_commands(subparsers):
    per_site(subparsers, "animation-aggregate", "record yesterday's adoption figures for the animation dashboard",
             "animation", _aggregate)


def _aggregate(site: SiteRuntime, args):
    from plugins.animation.aggregate import aggregate

    done = aggregate(site)
    return f"{done['figures']} figure(s) recorded through {done['through']}"


@hookimpl
def maillage_demo_finished(site, scale, rng):
    from plugins.animation.demo import generate

    generate(site, scale, rng)
