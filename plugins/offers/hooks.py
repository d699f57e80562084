"""What the board of needs and offers brings in code: its pages and feed, the organisation card's
tab, notifications, expiry jobs, search documents, personal data and demo data.

The "offers.ad" kind, the menu entry and the settings are declared in plugin.toml; with this file
it is the whole map of the plugin (docs/plugins/offers.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import Route

from core import hookimpl
from core.commands import per_site
from core.i18n import gettext as _
from core.i18n import gettext_lazy as _l
from core.kinds import NotificationEvent
from core.menus import MenuItem
from plugins.offers import views

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


@hookimpl
def maillage_routes(site):
    return [
        Route("/", views.index, name="offers"),
        Route("/feed.atom", views.atom, name="offers-atom"),
        Route("/new", views.edit, methods=["GET", "POST"], name="offers-new"),
        Route("/searches", views.saved_searches, methods=["GET", "POST"], name="offers-searches"),
        Route("/by/{guid:int}", views.by_owner, name="offers-owner"),
        Route("/{guid:int}", views.show, name="offers-ad"),
        Route("/{guid:int}/edit", views.edit, methods=["GET", "POST"], name="offers-edit"),
        Route("/{guid:int}/answer", views.answer, methods=["POST"], name="offers-answer"),
        Route("/{guid:int}/close", views.close, methods=["POST"], name="offers-close"),
        Route("/{guid:int}/renew", views.renew, methods=["POST"], name="offers-renew"),
        Route("/{guid:int}/delete", views.delete, methods=["POST"], name="offers-delete"),
    ]


@hookimpl
def maillage_container_tools(site, container):
    """On an organisation's card (or a member's page) that has open public ads: a tab to them, with
    their number (public ads only: the tab is the same for every reader and reveals nothing else)."""
    if container.kind == "offers.ad":
        return None
    from plugins.offers import ads

    count = ads.open_count(site, container.guid)
    if count:
        return [MenuItem("container", _("Needs and offers (%(count)s)") % {"count": count},
                         f"/offers/by/{container.guid}", name="offers")]
    return None


@hookimpl
def maillage_notification_events(site):
    return [NotificationEvent("offers.match", _l("A new ad matches one of my saved searches"), default="daily")]


@hookimpl
def maillage_jobs(site):
    from plugins.offers import ads

    return {"offers.remind": ads.remind_job, "offers.expire": ads.expire_job}


@hookimpl
def maillage_search_documents(site, entity):
    if entity.kind == "offers.ad":
        from plugins.offers.models import Ad

        ad = Ad.get_or_none(Ad.entity == entity.guid)
        if ad is not None:
            return {"title": entity.title, "body": f"{ad.body}\n{ad.commune} {ad.postcode}"}


@hookimpl
def maillage_export_personal_data(site, user):
    from core.models import Entity
    from plugins.offers.models import Ad, Answer, SavedSearch

    rows = Ad.select(Ad, Entity).join(Entity, on=(Ad.entity == Entity.guid)).where(Entity.owner == user.guid)
    return {
        "offers/ads.json": [{"title": a.entity.title, "direction": a.direction, "category": a.category,
                             "theme": a.theme, "body": a.body, "link": a.link, "commune": a.commune,
                             "postcode": a.postcode, "state": a.state, "expires": a.expires,
                             "access": a.entity.access} for a in rows],
        "offers/answers.json": [{"ad": a.ad_id, "via": a.via, "created": a.created}
                                for a in Answer.select().where(Answer.author == user.guid)],
        "offers/saved_searches.json": [{"direction": s.direction, "category": s.category, "theme": s.theme,
                                        "commune": s.commune, "km": s.km}
                                       for s in SavedSearch.select().where(SavedSearch.member == user.guid)],
    }


@hookimpl
def maillage_delete_personal_data(site, user, mode):
    from plugins.offers.models import Answer, SavedSearch

    SavedSearch.delete().where(SavedSearch.member == user.guid).execute()
    Answer.delete().where(Answer.author == user.guid).execute()


@hookimpl
def maillage_cli_commands(subparsers):
    per_site(subparsers, "offers-expire", "close the expired ads and send the reminders that are due", "offers",
             _expire)


def _expire(site: SiteRuntime, args):
    from plugins.offers import ads

    return f"{ads.remind(site)} reminder(s), {ads.expire(site)} ad(s) closed"


@hookimpl
def maillage_demo_data(site, scale, rng):
    from plugins.offers.demo import generate

    generate(site, scale, rng)
