"""Activity feeds: the site's (home page), "my network", one member's or organisation's, and Atom."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import activity, entities, feeds, inputs, web
from core.i18n import gettext as _
from core.text import plain_text

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def _before(request) -> int | None:
    return inputs.query_id(request, "before")


def feed_context(site: SiteRuntime, rows: list, request, base: str) -> dict:
    """What core/_activity_list.html needs: rendered items, the next page, the filters."""
    choice = request.query_params.get("filter", "")
    return {"items": activity.items(site, rows, web.current_user(request)), "filters": activity.filters(site), "filter": choice,
            "feed_base": base, "next_before": rows[-1].id if len(rows) == activity.PAGE else None}


def site_items(request) -> dict:
    """The site feed for the home page."""
    site = web.site_of(request)
    user = web.current_user(request)
    choice = request.query_params.get("filter", "")
    if choice == "groups" and user is not None:
        rows = activity.network_feed(site, user, request.state.actor.guid, _before(request), groups_only=True)
    else:
        rows = activity.site_feed(site, user, _before(request), kinds=activity.kinds_for(site, choice))
    return feed_context(site, rows, request, "/")


def network(request):
    """My network: what I follow or am connected to, and my groups."""
    user = web.require_user(request)
    site = web.site_of(request)
    choice = request.query_params.get("filter", "")
    rows = activity.network_feed(site, user, request.state.actor.guid, _before(request),
                                 kinds=activity.kinds_for(site, choice), groups_only=choice == "groups")
    return web.render(request, "core/network.html", feed_context(site, rows, request, "/feed"))


def entity(request):
    """The feed of one member, organisation or container."""
    site = web.site_of(request)
    target = entities.get_visible(site, web.current_user(request), request.path_params["guid"])
    if target is None:
        raise web.not_found()
    rows = activity.entity_feed(site, web.current_user(request), target.guid, _before(request),
                                kinds=activity.kinds_for(site, request.query_params.get("filter", "")))
    return web.render(request, "core/entity_feed.html",
                      {"target": target, **feed_context(site, rows, request, web.url_for(request, "feed-entity", guid=target.guid))})


def _entries(site: SiteRuntime, rows) -> list[dict]:
    """Atom entries of public feeds: as a visitor sees them."""
    entries = []
    for it in activity.items(site, rows, None):
        item = it["item"]
        title = f"{item.actor.title} — {verb_label(item.verb)} — {it['entity'].title}"
        entries.append({"id": f"tag:maillage,{site.id}:activity:{item.id}", "title": title, "url": it["url"],
                        "updated": item.created, "author": item.actor.title,
                        "summary": plain_text(it["entity"].title)})
    return entries


def site_atom(request):
    """The public Atom feed of the site (what visitors may see)."""
    site = web.site_of(request)
    rows = activity.site_feed(site, None, limit=50)
    return feeds.atom_response(request, site.name, web.url_for(request, "feed-site-atom"), _entries(site, rows))


def entity_atom(request):
    """The public Atom feed of one member, organisation or container."""
    site = web.site_of(request)
    target = entities.get_visible(site, None, request.path_params["guid"])
    if target is None:
        raise web.not_found()
    rows = activity.entity_feed(site, None, target.guid, limit=50)
    return feeds.atom_response(request, f"{target.title} — {site.name}", web.url_for(request, "feed-entity-atom", guid=target.guid),
                               _entries(site, rows))


def verb_label(verb: str) -> str:
    """The words of an activity verb."""
    labels = {"published": _("published"), "commented": _("commented on"), "joined": _("joined"),
              "updated": _("updated"), "created": _("created"), "posted": _("posted")}
    return labels.get(verb, verb)
