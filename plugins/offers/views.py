"""The board's pages: browse (list or map), an ad with its matches and the answer form, the editor,
closing and renewing, the owner's ads, saved searches, the Atom feed."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from core import entities, feeds, inputs, listings, urls, web
from core.i18n import gettext as _
from core.text import render_markdown
from plugins.offers import ads, answers, searches
from plugins.offers.models import Ad

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

MAP_LIMIT = 200


def _choices(site: SiteRuntime) -> dict:
    """The choices of the forms and the labels the listings show."""
    themes = ads.themes(site)
    labels = {key: label for key, label, _parent in themes}
    return {"directions": list(ads.DIRECTIONS.items()), "categories": list(ads.CATEGORIES.items()),
            "themes": themes, "directions_labels": ads.DIRECTIONS, "categories_labels": ads.CATEGORIES,
            "theme_label": lambda key: labels.get(key, key)}


def _filters(request) -> dict:
    """The browsing filters of the query string (400 for a number, a point or an id that is not one)."""
    site = web.site_of(request)
    q = request.query_params
    f = {"direction": q.get("direction", ""), "category": q.get("category", ""), "theme": q.get("theme", ""),
         "place": inputs.clean_text(q.get("place", ""))[:200].strip(),
         "km": inputs.query_int(request, "km", 20, minimum=1, maximum=ads.MAX_KM),
         "view": "map" if q.get("view") == "map" else "list", "before": inputs.query_id(request, "before")}
    if f["direction"] not in ads.DIRECTIONS:
        f["direction"] = ""
    if f["category"] not in ads.CATEGORIES:
        f["category"] = ""
    if f["theme"] and f["theme"] not in {k for k, _label, _parent in ads.themes(site)}:
        f["theme"] = ""
    lat = inputs.query_float(request, "lat", minimum=-90, maximum=90)
    lon = inputs.query_float(request, "lon", minimum=-180, maximum=180)
    f["point"], f["place_found"], f["place_unknown"] = None, None, False
    if lat is not None and lon is not None:
        f["point"] = (lat, lon)
    elif f["place"]:
        place = ads.place_of(f["place"])
        if place is None:
            f["place_unknown"] = True
        else:
            f["point"], f["place_found"] = (place.lat, place.lon), place
    return f


def _query(f: dict, **changes) -> str:
    """The query string of the current filters, with ``changes``."""
    keep = {k: f[k] for k in ("direction", "category", "theme", "place") if f[k]}
    if f["point"] is not None and not f["place"]:
        keep["lat"], keep["lon"] = f"{f['point'][0]:.5f}", f"{f['point'][1]:.5f}"
    if f["point"] is not None:
        keep["km"] = f["km"]
    if f["view"] == "map":
        keep["view"] = "map"
    keep.update({k: v for k, v in changes.items() if v is not None})
    for k in [k for k, v in changes.items() if v is None]:
        keep.pop(k, None)
    return urlencode(keep)


def index(request):
    """Browse the open ads: by need or offer, kind, theme, commune and radius; as a list or on a map."""
    site = web.site_of(request)
    viewer = web.current_user(request)
    f = _filters(request)
    per_page = MAP_LIMIT if f["view"] == "map" else int(ads.settings(site)["per_page"])
    rows = ads.listing(site, viewer, direction=f["direction"], category=f["category"], theme=f["theme"],
                       point=f["point"], km=f["km"], before=f["before"] if f["view"] == "list" else None,
                       limit=per_page)
    points = [{"lat": a.lat, "lon": a.lon, "title": a.entity.title, "url": ads.url(site, a.entity),
               "direction": str(ads.DIRECTIONS[a.direction])} for a in rows if a.lat is not None]
    return web.render(request, "offers/index.html", {
        "ads": rows, "f": f, **_choices(site), "points": points, "per_page": per_page,
        "next_url": (f"/offers/?{_query(f, before=rows[-1].entity_id)}"
                     if f["view"] == "list" and len(rows) == per_page else None),
        "list_url": "/offers/?" + _query(f, view=None), "map_url": "/offers/?" + _query(f, view="map"),
        "feed_url": "/offers/feed.atom" + ("?" + _query({**f, "point": None, "place": "", "view": "list"})
                                           if f["direction"] or f["category"] or f["theme"] else ""),
        "tile_url": site.settings.get("tile_url") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "search_url": "/offers/searches?" + urlencode({k: v for k, v in (
            ("direction", f["direction"]), ("category", f["category"]), ("theme", f["theme"]),
            ("place", f["place_found"].label if f["place_found"] else ""), ("km", f["km"])) if v}),
    })


def _ad(request, guid: int) -> Ad:
    site = web.site_of(request)
    entity = entities.get_visible(site, web.current_user(request), guid, kind=ads.KIND)
    if entity is None:
        raise web.not_found()
    ad = Ad.get_by_id(guid)
    ad.entity = entity
    return ad


def _may_edit(site: SiteRuntime, user, ad: Ad) -> bool:
    return user is not None and entities.can(site, user, "edit", ad.entity)


def show(request, answer_error: str | None = None, answer_text: str = "", status_code: int = 200):
    """An ad: its text, where and when, who publishes it, the matching ads nearby, how to answer."""
    site = web.site_of(request)
    user = web.current_user(request)
    ad = _ad(request, request.path_params["guid"])
    actor = getattr(request.state, "actor", None)
    can_edit = _may_edit(site, user, ad)
    return web.render(request, "offers/ad.html", {
        "ad": ad, "entity": ad.entity, "is_open": ads.is_open(ad), "can_edit": can_edit,
        "body_html": render_markdown(ad.body), "theme": ads.theme_label(site, ad.theme) if ad.theme else "",
        "direction": ads.DIRECTIONS[ad.direction], "category": ads.CATEGORIES[ad.category],
        "reason": ads.REASONS.get(ad.closed_reason, ""),
        "matches": ads.matches(site, user, ad) if ads.is_open(ad) else [],
        "may_answer": answers.may_answer(site, user, actor, ad),
        "through_messages": answers.through_messages(site),
        "answer_error": answer_error, "answer_text": answer_text,
        "answer_count": answers.count(ad) if can_edit else None,
        "canonical": urls.absolute(site, ads.url(site, ad.entity), request), **_choices(site),
    }, status_code=status_code)


def edit(request):
    """Publish an ad (as oneself or as an organisation one acts for) or change one."""
    user = web.require_user(request)
    site = web.site_of(request)
    guid = request.path_params.get("guid")
    ad = None
    if guid is not None:
        ad = _ad(request, guid)
        if not _may_edit(site, user, ad):
            raise web.forbidden()
    typed = ads.values_of(ad) if ad is not None else ads.blank(site)
    if ad is None:
        typed.update({k: request.query_params[k] for k in ("direction", "category", "theme")
                      if request.query_params.get(k)})
    errors = {}
    if request.method == "POST":
        typed, clean, errors = ads.parse(site, web.form(request))
        if not errors:
            entity = ads.save(site, request.state.actor if ad is None else ad.entity.owner, typed, clean,
                              ad.entity if ad is not None else None)
            web.flash(request, _("Your ad is published.") if ad is None else _("Saved."))
            return web.redirect(request, ads.url(site, entity))
    return web.render(request, "offers/edit.html", {
        "ad": ad, "values": typed, "errors": errors, **_choices(site),
        "expiry_days": ads.settings(site)["expiry_days"],
    }, status_code=400 if errors else 200)


def close(request):
    """The owner closes an ad: answered, or withdrawn. It stays readable, marked closed."""
    user = web.require_user(request)
    site = web.site_of(request)
    ad = _ad(request, request.path_params["guid"])
    if not _may_edit(site, user, ad):
        raise web.forbidden()
    reason = web.form(request).get("reason")
    if reason not in ("answered", "withdrawn"):
        raise web.not_found()
    ads.close(site, ad.entity, reason)
    web.flash(request, _("The ad is closed."))
    return web.redirect(request, ads.url(site, ad.entity))


def renew(request):
    """Open the ad again for another period (after the reminder, or once it expired)."""
    user = web.require_user(request)
    site = web.site_of(request)
    ad = _ad(request, request.path_params["guid"])
    if not _may_edit(site, user, ad):
        raise web.forbidden()
    expires = ads.renew(site, ad.entity)
    web.flash(request, _("The ad is open until %(date)s.") % {"date": expires.strftime("%d/%m/%Y")})
    return web.redirect(request, ads.url(site, ad.entity))


def delete(request):
    """Move an ad to the trash (its owner may restore it from there)."""
    user = web.require_user(request)
    site = web.site_of(request)
    ad = _ad(request, request.path_params["guid"])
    return listings.trash(request, ad.entity, allowed=_may_edit(site, user, ad), back="/offers/",
                          message=_("The ad is in the trash; it can be restored from there."))


def answer(request):
    """Answer an ad: a conversation (messages plugin) or a mail to its owner."""
    user = web.require_user(request)
    site = web.site_of(request)
    ad = _ad(request, request.path_params["guid"])
    if not answers.may_answer(site, user, request.state.actor, ad):
        raise web.forbidden()
    body = web.form(request).get("body") or ""
    try:
        conversation = answers.send(site, user, request.state.actor, ad, body)
    except answers.Refused as exc:
        return show(request, answer_error=str(exc), answer_text=inputs.clean_text(str(body))[:5000], status_code=400)
    if conversation:
        web.flash(request, _("Your answer is sent: the conversation continues here."))
        return web.redirect(request, conversation)
    web.flash(request, _("Your answer is sent by e-mail; the reply will come to your address."))
    return web.redirect(request, ads.url(site, ad.entity))


def by_owner(request):
    """The ads of one member or organisation: open ones, and closed ones for those who run them."""
    site = web.site_of(request)
    user = web.current_user(request)
    owner, where = listings.scope(request, "owner")
    runs = user is not None and entities.can(site, user, "edit", owner)
    return web.render(request, "offers/owner.html", {
        "owner": owner, "open_ads": ads.listing(site, user, owner=where["owner"], limit=100),
        "closed_ads": ads.listing(site, user, owner=where["owner"], state="closed", limit=100) if runs else [],
        **_choices(site),
    })


def saved_searches(request):
    """The member's saved searches: keep one (from the browsing filters), drop one."""
    user = web.require_user(request)
    site = web.site_of(request)
    typed = {"direction": "", "category": "", "theme": "", "place": "", "km": "20"}
    typed.update({k: request.query_params[k] for k in typed if request.query_params.get(k)})
    errors = {}
    if request.method == "POST":
        data = web.form(request)
        drop = inputs.id_or_none(data.get("drop"))
        if drop is not None:
            searches.remove(site, user, drop)
            web.flash(request, _("The search is deleted."))
            return web.redirect(request, "/offers/searches")
        typed, clean, errors = searches.parse(site, data)
        if not errors:
            if searches.save(site, user, typed, clean) is None:
                errors["place"] = _("You keep %(max)s searches already: delete one first.") % {
                    "max": searches.MAX_PER_MEMBER}
            else:
                web.flash(request, _("Search saved: you will be told of new ads matching it."))
                return web.redirect(request, "/offers/searches")
    return web.render(request, "offers/searches.html", {
        "searches": searches.mine(site, user), "values": typed, "errors": errors, **_choices(site),
    }, status_code=400 if errors else 200)


def atom(request):
    """Atom feed of the open public ads (filtered like the list: ``direction``, ``category``, ``theme``)."""
    site = web.site_of(request)
    f = _filters(request)
    rows = ads.listing(site, None, direction=f["direction"], category=f["category"], theme=f["theme"], limit=30)
    entries = [{"id": f"tag:maillage,{site.id}:offers:{a.entity_id}", "title": a.entity.title,
                "url": ads.url(site, a.entity), "updated": a.entity.updated, "published": a.entity.created,
                "author": entities.as_seen_by(site, None, a.entity.owner).title if a.entity.owner else "",
                "summary": f"{ads.DIRECTIONS[a.direction]} · {ads.CATEGORIES[a.category]} · {a.commune}\n"
                           f"{ads.summary_text(a)}"} for a in rows]
    return feeds.atom_response(request, _("Needs and offers — %(site)s") % {"site": site.name},
                               "/offers/feed.atom", entries)
