"""The directory's pages: browse (themes, search, near a place), map GeoJSON, card, edit, import, export."""

from __future__ import annotations

import csv
import functools
import io
import json
from types import SimpleNamespace
from typing import TYPE_CHECKING

from starlette.responses import Response

from core import (
    access,
    entities,
    gazetteer,
    images,
    inputs,
    mail,
    relationships,
    search,
    text,
    tokens,
    urls,
    web,
)
from core.i18n import gettext as _
from core.models import Entity
from core.storage import StorageError, storage
from plugins.directory import cards, geo, importer, managing
from plugins.directory.models import Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 30
RADII = (2, 5, 10, 20, 50)
NEAR_WITH_WORDS = 2000  # nearest cards read before keeping those matching the search words


def _matching_nearby(nearby, words):
    """The nearby rows whose card matches ``words`` (access was applied by geo.near), 100 at most."""
    matching = search.matching(words)
    if matching is None:
        return []
    guids = {row[1] for row in nearby}
    keep = {g for (g,) in Entity.select(Entity.guid).where(Entity.guid.in_(list(guids)),
                                                          Entity.guid.in_(matching)).tuples()}
    return [row for row in nearby if row[1] in keep][:100]


def _theme_label(site: SiteRuntime, key):
    for node in cards.taxonomy(site):
        if node["key"] == key:
            return node["label"]
        for child in node["children"]:
            if child["key"] == key:
                return child["label"]
    return key


def listing_sets(site: SiteRuntime, viewer) -> list:
    """Conditions whose union is the cards ``viewer`` may see, each read apart (newest first, one page
    each, then merged): the cards shown to everyone, the same query as a visitor's, then for a member
    the few beyond it (not public, or hidden by moderation) under the full access condition. One OR
    of the member's access rules made the database walk every entity of the site (114 ms per page
    on region data, against 1 ms for a visitor)."""
    return [geo._shown_to_everyone(site)] + (geo._beyond_public(site, viewer) if viewer is not None else [])


def index(request):
    """List of cards: by theme, by name, or near a point (browser location, commune, postcode, map)."""
    site = web.site_of(request)
    viewer = web.current_user(request)
    q = request.query_params
    place_text, theme, words = q.get("place", "").strip(), q.get("theme", ""), q.get("q", "").strip()
    place, places, error = None, [], None
    try:  # read here rather than with inputs.query_float, whose bare 400 page would lose the form
        km = inputs.number(q.get("km"), minimum=0.1, maximum=1000) or 10
        lat = inputs.number(q.get("lat"), minimum=-90, maximum=90)
        lon = inputs.number(q.get("lon"), minimum=-180, maximum=180)
    except inputs.InvalidInput:  # an address typed or edited by hand: the form comes back with what was asked
        km, lat, lon = 10, None, None
        error = _("This radius or position cannot be read: choose a radius in the list, or type a commune.")
    if place_text and lat is None and error is None:
        places = gazetteer.lookup(place_text, limit=8)
        if places:
            place = places[0]
            lat, lon = place.lat, place.lon
        else:
            error = _("No commune or postal code matches “%(text)s”.") % {"text": place_text}
    elif lat is not None and lon is not None:
        place = gazetteer.nearest(lat, lon)
    results, nearby, next_before = [], None, None
    if lat is not None and lon is not None:
        nearby = geo.near(site, viewer, lat, lon, km, limit=NEAR_WITH_WORDS if words else 100, theme=theme)
        if words and nearby:
            nearby = _matching_nearby(nearby, words)
    else:
        matching = search.matching(words) if words else None
        before = inputs.query_int(request, "before")
        for shown in listing_sets(site, viewer):
            # what a card of the list shows, as plain values: thirty whole cards (two dozen columns,
            # the long description among them) cost more to build than to find
            query = (Organisation.select(Entity.guid, Entity.title, Organisation.acronym, Organisation.logo,
                                         Organisation.commune, Organisation.postcode)
                     .join(Entity, on=(Organisation.entity == Entity.guid))
                     .where(shown).order_by(Entity.guid.desc()).limit(PAGE).objects(SimpleNamespace))
            if theme:
                query = query.where(geo.theme_filter(site, theme))
            if words:
                # full-text (name, acronym, descriptions, commune, competences), accents and case ignored
                query = query.where(Entity.guid.in_(matching) if matching is not None else Entity.guid < 0)
            if before is not None:
                query = query.where(Entity.guid < before)
            results += list(query)
        results = sorted(results, key=lambda row: row.guid, reverse=True)[:PAGE]
        next_before = results[-1].guid if len(results) == PAGE else None
    return web.render(request, "directory/index.html", {
        "tree": cards.taxonomy(site), "counts": geo.theme_counts(site, viewer), "theme": theme, "q": words,
        "place_text": place_text, "place": place, "places": places, "km": km, "radii": RADII, "lat": lat,
        "lon": lon, "nearby": nearby, "results": results, "next_before": next_before, "error": error,
        "theme_label": _theme_label(site, theme),
        "tile_url": site.settings.get("tile_url") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "org_logo": functools.partial(cards.logo_markup, site),
    }, status_code=400 if error else 200)


def map_json(request):
    """GeoJSON of the visible cards in ``bbox=west,south,east,north`` at ``zoom``."""
    site = web.site_of(request)
    q = request.query_params
    try:
        west, south, east, north = (inputs.number(v, minimum=-1000, maximum=1000) for v in q.get("bbox", "").split(","))
        zoom = inputs.integer(q.get("zoom"), minimum=0, maximum=30, default=8)
    except (ValueError, TypeError):  # inputs.InvalidInput is a ValueError; so is a wrong number of values
        return web.JSONResponse({"error": "bbox=west,south,east,north and zoom are required"}, status_code=400)
    if None in (west, south, east, north):
        return web.JSONResponse({"error": "bbox=west,south,east,north and zoom are required"}, status_code=400)
    viewer = web.current_user(request)
    data = geo.geojson(site, viewer, (west, south, east, north), zoom, q.get("theme", ""))
    # a member's answer may hold cards visitors do not see: kept by their browser only
    cache = {"Cache-Control": "public, max-age=60"} if viewer is None else {"Cache-Control": "private, max-age=60",
                                                                           "Vary": "Cookie"}
    return web.JSONResponse(data, headers=cache)


def visible_card(site: SiteRuntime, viewer, guid):
    entity = entities.get_visible(site, viewer, guid, kind=cards.KIND)
    if entity is None:
        raise web.not_found()
    return entity, Organisation.get_by_id(entity.guid)


def show(request):
    site = web.site_of(request)
    entity, org = visible_card(site, web.current_user(request), request.path_params["guid"])
    return render_card(request, entity, org)


def render_card(request, entity, org, extra: dict | None = None, status_code: int = 200):
    """The card page; ``extra`` adds to its context (the invitation form's error and typed address)."""
    site = web.site_of(request)
    viewer = web.current_user(request)
    labels = {}
    for node in cards.taxonomy(site):
        labels[node["key"]] = node["label"]
        labels.update({c["key"]: c["label"] for c in node["children"]})
    return web.render(request, "directory/show.html", {
        # ``target``: the card for the follow/connect buttons and the news feed (core partials)
        "entity": entity, "target": entity, "org": org,
        "description_html": text.render_markdown(org.description),
        "themes": [labels.get(k, k) for k in org.themes.split("|") if k],
        "identifiers": json.loads(org.identifiers or "{}"), "extra": json.loads(org.extra or "{}"),
        "show_contacts": org.contacts_public or viewer is not None,
        "can_edit": entities.can(site, viewer, "edit", entity), "tools": _tools(site, entity),
        "manager": entities.manages(viewer, entity),
        **managing.card_context(site, viewer, entity), **(extra or {}),
    }, status_code=status_code)


def _tools(site: SiteRuntime, entity):
    return list(site.call("maillage_container_tools", site=site, container=entity))


def _form_context(site: SiteRuntime, entity=None, org=None, data=None, errors=(), logo_error=None, logo=None):
    return {"entity": entity, "org": org, "data": data, "errors": errors, "logo_error": logo_error,
            "logo_again": bool(logo),  # a good file came with other mistakes: browsers do not send it twice
            "logo_max_mb": cards.LOGO_MAX_BYTES // (1024 * 1024), "tree": cards.taxonomy(site),
            "identifiers": cards.identifier_names(site), "free_fields": cards.free_fields(site),
            "max_competences": site.plugin_settings("directory").get("max_competences") or 7,
            "id_values": json.loads(org.identifiers or "{}") if org else {},
            "extra_values": json.loads(org.extra or "{}") if org else {}}


def _logo(data, errors: list):
    """(the resized logo sent with the form or None, the message about a refused file or None)."""
    try:
        return cards.read_logo(data), None
    except images.ImageError as exc:
        errors.append(str(exc))
        return None, str(exc)


def new(request):
    user = web.require_user(request)
    site = web.site_of(request)
    if request.method == "POST":
        data = web.form(request)
        head, values, errors = cards.parse(site, data)
        logo, logo_error = _logo(data, errors)
        if not errors:
            entity = cards.create(site, user, request.state.actor, head, values, logo=logo)
            web.flash(request, _("The card is created; you manage it."))
            return web.redirect(request, web.url_for(request, "directory-card", guid=entity.guid))
        return web.render(request, "directory/edit.html",
                          _form_context(site, data=data, errors=errors, logo_error=logo_error, logo=logo),
                          status_code=400)
    return web.render(request, "directory/edit.html", _form_context(site))


def edit(request):
    user = web.require_user(request)
    site = web.site_of(request)
    entity, org = visible_card(site, user, request.path_params["guid"])
    if not entities.can(site, user, "edit", entity):
        raise web.forbidden()
    if request.method == "POST":
        data = web.form(request)
        head, values, errors = cards.parse(site, data)
        logo, logo_error = _logo(data, errors)
        if not errors:
            cards.update(site, entity, head, values, logo=logo, remove_logo=data.get("remove_logo") in ("1", "on"))
            web.flash(request, _("The card is saved."))
            return web.redirect(request, web.url_for(request, "directory-card", guid=entity.guid))
        return web.render(request, "directory/edit.html",
                          _form_context(site, entity, org, data, errors, logo_error, logo), status_code=400)
    return web.render(request, "directory/edit.html", _form_context(site, entity, org))


def logo(request):
    """A card's logo, to whoever may see the card. Its address carries ``?v=`` (the start of the file's
    key, see :func:`cards.logo_url`): a new logo has a new address, so the image may be kept long."""
    site = web.site_of(request)
    entity, org = visible_card(site, web.current_user(request), request.path_params["guid"])
    if not org.logo:
        raise web.not_found()
    etag = f'"{org.logo}"'
    scope = "public" if entity.access == "public" and not entity.hidden else "private"
    fresh = request.query_params.get("v") == org.logo[:cards.LOGO_VERSION_CHARS]
    headers = {"Cache-Control": f"{scope}, max-age={7 * 86400 if fresh else 300}", "ETag": etag}
    if scope == "private":
        headers["Vary"] = "Cookie"
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    try:
        data = storage(site).read(org.logo)
    except (StorageError, OSError):
        raise web.not_found() from None
    return Response(data, media_type=images.sniff(data) or "application/octet-stream", headers=headers)


def claim(request):
    """A member asks to manage an imported card: an administrator approves (directory admin page)."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity, org = visible_card(site, user, request.path_params["guid"])
    if user.is_admin:
        cards.add_manager(site, entity, user.guid)
        managing.clear_claim(user.guid, entity.guid)
        web.flash(request, _("You manage this card now."))
    elif managing.claim_pending(user, entity):
        web.flash(request, _("Your claim of this card is already waiting for an answer."))
    elif not org.claimed:
        relationships.add(site, user.guid, managing.CLAIMS, entity.guid)
        if org.email:
            token = tokens.make(site, "directory.claim", [entity.guid, user.guid])
            link = urls.absolute(site, web.url_for(request, "directory-claim-confirm", guid=entity.guid) + f"?token={token}", request)
            mail.send(site, org.email, _("Confirm who manages %(name)s") % {"name": entity.title},
                      _("A member asks to manage the card of %(name)s. If they belong to your organisation, "
                        "open this link (valid 7 days):") % {"name": entity.title} + "\n" + link)
            web.flash(request, _("A confirmation link is sent to the card's e-mail address."))
        else:
            web.flash(request, _("Your claim is sent; an administrator will check it."))
    return web.redirect(request, web.url_for(request, "directory-card", guid=entity.guid))


def claim_confirm(request):
    """The signed link mailed to the card's address makes the claimant a manager."""
    site = web.site_of(request)
    try:
        guid, member = tokens.read(site, "directory.claim", request.query_params.get("token", ""), 7 * 86400)
    except tokens.TokenError:
        raise web.not_found() from None
    if guid != request.path_params["guid"]:
        raise web.not_found()
    entity = Entity.get_or_none(Entity.guid == guid, Entity.kind == cards.KIND)
    if entity is None:
        raise web.not_found()
    cards.add_manager(site, entity, member)
    managing.clear_claim(member, guid)  # no longer pending on the administrators' page
    web.flash(request, _("The claim is confirmed: the member now manages the card."))
    return web.redirect(request, web.url_for(request, "directory-card", guid=guid))


def _export_rows(request, site: SiteRuntime, viewer):
    """The cards ``viewer`` may see, of the theme ``?theme=`` (with its sub-themes) when given."""
    return (Organisation.select(Organisation, Entity).join(Entity, on=(Organisation.entity == Entity.guid))
            .where(Entity.kind == cards.KIND,
                   access.visible(viewer, site),
                   geo.theme_filter(site, request.query_params.get("theme", "")))
            .order_by(Entity.guid))


def export_csv(request):
    site = web.site_of(request)
    viewer = web.current_user(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["guid", "name", "legal_id", "acronym", "address", "postcode", "commune", "lat", "lon",
                     "website", "themes"])
    for org in _export_rows(request, site, viewer).iterator():
        writer.writerow([org.entity.guid, org.entity.title, org.legal_id or "", org.acronym, org.address,
                         org.postcode, org.commune, org.lat, org.lon, org.website, org.themes.strip("|")])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="directory.csv"'})


def export_geojson(request):
    site = web.site_of(request)
    viewer = web.current_user(request)
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [org.lon, org.lat]},
                 "properties": {"guid": org.entity.guid, "name": org.entity.title, "postcode": org.postcode,
                                "commune": org.commune,
                                "url": urls.absolute(site, web.url_for(request, "directory-card", guid=org.entity.guid), request)}}
                for org in _export_rows(request, site, viewer).where(geo.valid_point()).iterator()]
    return web.JSONResponse({"type": "FeatureCollection", "features": features}, media_type="application/geo+json")


def admin_import(request):
    """Administrators upload a CSV register; dry run shows what would happen."""
    web.require_admin(request)
    site = web.site_of(request)
    report, rejected = None, ""
    if request.method == "POST":
        data = web.form(request)
        upload = data.get("file")
        raw = upload.file.read() if upload is not None and hasattr(upload, "file") else b""
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            content = raw.decode("cp1252")
        mapping = {}
        for line in (data.get("mapping") or "").splitlines():
            if "=" in line:
                key, column = line.split("=", 1)
                mapping[key.strip()] = column.strip()
        report = importer.import_rows(site, importer.read_rows(content), mapping,
                                      dry_run=data.get("dry_run") in ("1", "on"))
        rejected = importer.rejected_csv(report) if report.rejected else ""
    return web.render(request, "directory/import.html", {"report": report, "rejected": rejected})
