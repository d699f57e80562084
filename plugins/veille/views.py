"""The veille's pages: lists (site, theme, tag, month, container, most useful of the week) and
their Atom feeds, a link with its notes, the share and edit forms, subscriptions and syntheses."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from markupsafe import Markup

from core import entities, feeds, inputs, listings, tokens, web
from core.db import now
from core.i18n import format_date
from core.i18n import gettext as _
from core.models import Entity
from core.text import clean_html, plain_text
from plugins.veille import links, synthesis, themes
from plugins.veille.models import KIND, Link, Synthesis

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def _filters(request) -> dict:
    """The list filters of the query: theme, tag, month (400 on a wrong month)."""
    site = web.site_of(request)
    theme = request.query_params.get("theme") or None
    if theme is not None and theme not in themes.labels(site):
        raise web.not_found()
    tag = (request.query_params.get("tag") or "").strip().lower()[:40] or None
    month = inputs.query_month(request, "month")
    return {"theme": theme, "tag": tag, "month": month}


def _period(month: dt.date | None) -> dict:
    if month is None:
        return {}
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return {"since": dt.datetime.combine(month, dt.time()), "until": dt.datetime.combine(end, dt.time())}


def _query_string(filters: dict, **extra) -> str:
    from urllib.parse import urlencode

    pairs = [(k, v.strftime("%Y-%m") if isinstance(v, dt.date) else v) for k, v in {**filters, **extra}.items() if v]
    return ("?" + urlencode(pairs)) if pairs else ""


def _list_page(request, title: str, base: str, feed: str, container: Entity | None = None, **where):
    """A page of links; ``where`` may hold ``place`` (a container's guid) or ``owner``."""
    site = web.site_of(request)
    user = web.current_user(request)
    filters = _filters(request)
    per_page = int(site.plugin_settings("veille").get("per_page") or 20)
    rows = links.listing(site, user, before=inputs.query_id(request, "before"), theme=filters["theme"],
                         tag=filters["tag"], container=where.get("place"), owner=where.get("owner"), limit=per_page,
                         **_period(filters["month"]))
    return web.render(request, "veille/index.html", {
        "title": title, "rows": rows, "filters": filters, "base": base, "container": container,
        "feed_url": feed + _query_string(filters), "theme_choices": themes.choices(site),
        "theme_labels": themes.labels(site), "query": _query_string(filters), "tab": "latest",
        "next_before": rows[-1].entity_id if len(rows) == per_page else None,
        "votes": _my_votes(user, rows), "can_share": user is not None, "qualified": links.qualification(rows),
        "subscribed": _subscribed(user, container),
    })


def _my_votes(user, rows) -> set[int]:
    from plugins.veille.models import Vote

    if user is None or not rows:
        return set()
    return {v for (v,) in Vote.select(Vote.link).where(Vote.voter == user.guid,
                                                        Vote.link.in_([r.entity_id for r in rows])).tuples()}


def _subscribed(user, container: Entity | None) -> bool:
    if user is None:
        return False
    mine = synthesis.subscriptions(user.guid)
    return ("in", str(container.guid)) in mine if container is not None else ("site", "") in mine


def index(request):
    """The site's links, by theme (``?theme=``), tag (``?tag=``) and month (``?month=2026-11``)."""
    site = web.site_of(request)
    filters = _filters(request)
    title = _("Shared links")
    if filters["theme"]:
        title = _("Links on %(theme)s") % {"theme": themes.labels(site)[filters["theme"]]}
    return _list_page(request, title, "/veille/", "/veille/feed.atom")


def in_container(request):
    """The links of a group or an organisation (a tab of its page)."""
    container, _where = listings.scope(request, "container")
    return _list_page(request, _("Links of %(name)s") % {"name": container.title}, f"/veille/in/{container.guid}",
                      f"/veille/in/{container.guid}/feed.atom", container, place=container.guid)


def by_owner(request):
    """The links one member or organisation shared."""
    owner, where = listings.scope(request, "owner")
    return _list_page(request, _("Links shared by %(name)s") % {"name": owner.title}, f"/veille/by/{owner.guid}",
                      f"/veille/by/{owner.guid}/feed.atom", **where)


def atom_owner(request):
    """Atom feed of the links one member or organisation shared (what visitors see)."""
    site = web.site_of(request)
    owner, _where = listings.scope(request, "owner", visitor=True)
    rows = links.listing(site, None, owner=owner.guid, limit=30)
    return feeds.atom_response(request, _("Links shared by %(name)s") % {"name": owner.title},
                               f"/veille/by/{owner.guid}/feed.atom", _entries(site, rows))


def useful(request):
    """The most useful links of the last seven days."""
    site = web.site_of(request)
    user = web.current_user(request)
    rows = links.listing(site, user, since=now() - dt.timedelta(days=7),
                         order="useful", limit=20)
    return web.render(request, "veille/useful.html", {"rows": rows, "votes": _my_votes(user, rows),
                                                      "qualified": links.qualification(rows),
                                                      "theme_labels": themes.labels(site), "tab": "useful"})


def _entries(site: SiteRuntime, rows: list[Link]) -> list[dict]:
    owners = links.owners(rows)
    entries = []
    for row in rows:
        owner = owners.get(row.entity.owner_id)
        summary = Markup('<p><a href="{0}">{0}</a></p>').format(row.url) if row.url.startswith(("http://", "https://")) \
            else Markup("")
        if row.description:
            summary += Markup("<p>{}</p>").format(plain_text(row.description, 1000))
        entries.append({"id": f"tag:maillage,{site.id}:veille:{row.entity_id}", "title": row.entity.title,
                        "url": links.url(site, row.entity), "updated": row.entity.updated, "published": row.entity.created,
                        "author": owner.title if owner else "", "summary": _clean(summary)})
    return entries


def _clean(html: str) -> str:
    return str(clean_html(html))


def atom(request):
    """Atom feed of the site's list, with the same filters (theme, tag, month); what visitors see."""
    site = web.site_of(request)
    filters = _filters(request)
    rows = links.listing(site, None, theme=filters["theme"], tag=filters["tag"], limit=30, **_period(filters["month"]))
    title = _("Shared links — %(site)s") % {"site": site.name}
    if filters["theme"]:
        title = _("Links on %(theme)s") % {"theme": themes.labels(site)[filters["theme"]]} + f" — {site.name}"
    if filters["tag"]:
        title += f" — {filters['tag']}"
    return feeds.atom_response(request, title, "/veille/feed.atom" + _query_string(filters), _entries(site, rows))


def atom_container(request):
    """Atom feed of a group's or an organisation's links (what visitors see)."""
    site = web.site_of(request)
    container, _where = listings.scope(request, "container", visitor=True)
    filters = _filters(request)
    rows = links.listing(site, None, container=container.guid, theme=filters["theme"], tag=filters["tag"], limit=30,
                         **_period(filters["month"]))
    return feeds.atom_response(request, _("Links of %(name)s") % {"name": container.title},
                               f"/veille/in/{container.guid}/feed.atom" + _query_string(filters), _entries(site, rows))


def atom_useful(request):
    """Atom feed of the most useful links of the week."""
    site = web.site_of(request)
    rows = links.listing(site, None, since=now() - dt.timedelta(days=7),
                         order="useful", limit=20)
    return feeds.atom_response(request, _("Most useful links of the week — %(site)s") % {"site": site.name},
                               "/veille/useful/feed.atom", _entries(site, rows))


def _link(request) -> tuple[Entity, Link]:
    entity = listings.visible_or_404(request, request.path_params["guid"], kind=KIND)
    return entity, Link.get_by_id(entity.guid)


def show(request):
    """A link: its page's description, the notes, the rating, "useful" votes; the member's own note (POST)."""
    site = web.site_of(request)
    user = web.current_user(request)
    entity, link = _link(request)
    notes = links.notes(entity)
    mine = next((n for n in notes if user is not None and n.author_id == request.state.actor.guid), None)
    values = {"note": mine.body if mine else "", "rating": mine.rating if mine and mine.rating else ""}
    errors = {}
    if request.method == "POST":
        user = web.require_user(request)
        data = web.form(request)
        values = {"note": data.get("note") or "", "rating": data.get("rating") or ""}
        try:
            body = inputs.text(values["note"], maximum=links.MAX_NOTE)
        except inputs.InvalidInput as exc:
            errors["note"] = str(exc)
        try:
            rating = inputs.integer(values["rating"], minimum=1, maximum=5)
        except inputs.InvalidInput:
            errors["rating"] = _("Rate from 1 to 5 stars, or leave it empty.")
        if not errors:
            links.save_note(site, request.state.actor, entity, body, rating)
            web.flash(request, _("Your note is saved."))
            return web.redirect(request, links.url(site, entity))
    mean, rated = links.rating(entity.guid)
    return web.render(request, "veille/link.html", {
        "entity": entity, "link": link, "notes": notes, "mean": mean, "rated": rated, "values": values,
        "errors": errors, "voted": links.voted(user, entity.guid), "can_edit": links.can_edit(site, user, entity),
        "theme_labels": themes.labels(site), "has_note": mine is not None,
    }, status_code=400 if errors else 200)


def new(request):
    """Share a link (``?in=<guid>``: in a group or an organisation)."""
    user = web.require_user(request)
    site = web.site_of(request)
    containers = listings.publishable_containers(site, user, request.state.actor, "veille.post_in")
    values, errors = links.blank_values(site, request.query_params.get("in", "")), {}
    if request.method == "POST":
        data = web.form(request)
        values, errors = links.parse(site, data)
        container = listings.chosen_container(values["container"], containers, errors, _("You cannot share there."))
        if not errors:
            entity, merged = links.add(site, user, request.state.actor, values, container)
            web.flash(request, _("This page was already shared here: your note is added to it.") if merged
                      else _("Your link is shared."))
            return web.redirect(request, links.url(site, entity))
    return web.render(request, "veille/edit.html", {
        "entity": None, "values": values, "errors": errors, "containers": containers,
        "container_choices": [(str(c.guid), c.title) for c in containers],
        "theme_choices": themes.choices(site), "fetching": links.fetching_on(site)},
        status_code=400 if errors else 200)


def edit(request):
    """The owner (or a manager) changes the title, description, themes, tags and access."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity, link = _link(request)
    if not links.can_edit(site, user, entity):
        raise web.forbidden()
    values = {"url": link.url, "title": entity.title, "description": link.description, "themes": link.themes,
              "tags": ", ".join(link.tags), "access": entity.access, "container": ""}
    errors = {}
    if request.method == "POST":
        values, errors = links.parse(site, web.form(request), editing=True)
        values["url"] = link.url
        if not values["title"]:
            errors["title"] = _("This field is required.")
        if not errors:
            links.save_edit(site, entity, values)
            web.flash(request, _("Saved."))
            return web.redirect(request, links.url(site, entity))
    return web.render(request, "veille/edit.html", {
        "entity": entity, "values": values, "errors": errors, "containers": [],
        "theme_choices": themes.choices(site), "fetching": False}, status_code=400 if errors else 200)


def vote(request):
    """Say a link is useful, or take it back."""
    user = web.require_user(request)
    entity, _link_row = _link(request)
    given = links.toggle_useful(user, entity)
    web.flash(request, _("Marked as useful.") if given else _("Your vote is taken back."))
    back = web.safe_next(web.form(request).get("next"), links.url(web.site_of(request), entity))
    return web.redirect(request, back)


def delete(request):
    """Move a link to the trash."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity, _link_row = _link(request)
    return listings.trash(request, entity, allowed=links.can_edit(site, user, entity), back="/veille/",
                          message=_("The link is in the trash; it can be restored from there."))


# --- subscriptions and syntheses -------------------------------------------------------------


def _subscribable(site: SiteRuntime, user) -> list[Entity]:
    """The groups and organisations the member belongs to or runs, that have links."""
    from core import acting
    from core.models import Relationship

    guids = {e.guid for e in acting.identities(site, user) if e.guid != user.guid}
    guids |= {g for (g,) in Relationship.select(Relationship.object).where(
        Relationship.subject == user.guid, Relationship.verb.in_(site.membership_verbs)).tuples()}
    with_links = {p for (p,) in Link.select(Link.place).where(Link.place.in_(sorted(guids))).distinct().tuples()} \
        if guids else set()
    mine = {int(k) for s, k in synthesis.subscriptions(user.guid) if s == "in" and k.isdigit()}
    wanted = sorted(with_links | mine)
    if not wanted:
        return []
    from core import access

    return list(Entity.select().where(Entity.guid.in_(wanted), access.visible(user, site)).order_by(Entity.title))


def subscriptions(request):
    """Choose the syntheses to receive: the site's, themes of the site, groups and organisations."""
    user = web.require_user(request)
    site = web.site_of(request)
    places = _subscribable(site, user)
    if request.method == "POST":
        data = web.form(request)
        chosen = set(data.getlist("sub"))
        offered = {"site:"} | {f"theme:{k}" for k, _l in themes.choices(site)} | {f"in:{p.guid}" for p in places}
        synthesis.unsubscribe(user.guid)
        for item in sorted(chosen & offered):
            scope, key = item.split(":", 1)
            synthesis.subscribe(site, user.guid, scope, key)
        web.flash(request, _("Your choices are saved."))
        return web.redirect(request, web.url_for(request, "veille-subscriptions"))
    mine = {f"{s}:{k}" for s, k in synthesis.subscriptions(user.guid)}
    return web.render(request, "veille/subscriptions.html", {
        "mine": mine, "places": places, "theme_choices": themes.choices(site), "tab": "subscriptions"})


def subscribe(request):
    """Subscribe to (or leave) one synthesis from a list page: the site's or a container's."""
    user = web.require_user(request)
    site = web.site_of(request)
    data = web.form(request)
    guid = inputs.id_or_none(data.get("in"))
    if guid is not None:
        container = entities.get_visible(site, user, guid)
        if container is None:
            raise web.not_found()
        scope, key, back = "in", str(guid), f"/veille/in/{guid}"
    else:
        scope, key, back = "site", "", "/veille/"
    if data.get("action") == "stop":
        synthesis.unsubscribe(user.guid, scope, key)
        web.flash(request, _("You will no longer receive this synthesis."))
    else:
        synthesis.subscribe(site, user.guid, scope, key)
        web.flash(request, _("You will receive the synthesis every Monday."))
    return web.redirect(request, back)


def _place_or_404(request, guid: int | None) -> Entity | None:
    if guid is None:
        return None
    return listings.visible_or_404(request, guid)


def syntheses(request):
    """The archive of the site's past syntheses (``/veille/syntheses``) or a container's."""
    site = web.site_of(request)
    container = _place_or_404(request, request.path_params.get("guid"))
    rows = synthesis.archive(site, container.guid if container else 0)
    return web.render(request, "veille/syntheses.html", {"rows": rows, "container": container, "tab": "syntheses"})


def synthesis_page(request):
    """One past synthesis: the week's links of its place, grouped by theme, as the reader may see them."""
    site = web.site_of(request)
    row = Synthesis.get_or_none(Synthesis.id == request.path_params["sid"], Synthesis.site == site.id)
    if row is None:
        raise web.not_found()
    container = _place_or_404(request, row.place or None)
    rows = synthesis.week_links(site, web.current_user(request), row.week, place=row.place)
    groups = synthesis.by_theme(site, rows)
    return web.render(request, "veille/synthesis.html", {
        "synthesis": row, "container": container, "groups": groups, "notes": synthesis.notes_of(rows),
        "week": format_date(row.week, "long"), "theme_labels": themes.labels(site), "tab": "syntheses"})


@web.csrf_exempt
def unsubscribe(request):
    """One-click unsubscribe from every synthesis (RFC 8058: a POST from the mail client, no session)."""
    site = web.site_of(request)
    try:
        data = synthesis.read_token(site, request.path_params["token"])
    except tokens.TokenError:
        return web.render(request, "veille/unsubscribe.html", {"invalid": True}, status_code=400)
    if request.method == "POST":
        synthesis.unsubscribe(data["uid"])
        return web.render(request, "veille/unsubscribe.html", {"done": True})
    return web.render(request, "veille/unsubscribe.html", {})
