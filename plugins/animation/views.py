"""The animator's pages: the dashboard, a figure's names, the territory, CSV exports,
introductions and featured items. Every page asks for the ``animation.dashboard`` right
(administrators have it; others through a delegation of the ``animation`` scope), except an
introduction's page, which its two sides see too."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

from starlette.responses import Response

from core import entities, web
from core.db import now
from core.i18n import format_date, ngettext
from core.i18n import gettext as _
from plugins.animation import charts, dashboard, featured, introductions, territory, writing
from plugins.animation.aggregate import PERIODS

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

RIGHT = "animation.dashboard"
LEVELS = ("departement", "commune")
SHOWN_AREAS = 200  # a region has thousands of communes: the page shows the first, the CSV has them all


def require_animator(request):
    """The signed-in member if they may animate the site; 404 for everyone else."""
    user = web.require_user(request)
    if not entities.can(web.site_of(request), user, RIGHT):
        raise web.not_found()
    return user


def _period(request) -> int:
    return dashboard.period_of(request.query_params.get("period"))


def index(request):
    """The adoption dashboard: every figure of the period against the period before."""
    require_animator(request)
    site = web.site_of(request)
    period = _period(request)
    last, lines = dashboard.lines(site, period)
    intro = None
    if last is not None:  # read live: a few rows, and today's introductions count at once
        intro = introductions.summary(site, now() - dt.timedelta(days=period), now() + dt.timedelta(minutes=1))
    return web.render(request, "animation/dashboard.html", {
        "period": period, "periods": PERIODS, "last": last, "sections": dashboard.sections(lines),
        "introductions": intro,
        "departements": territory.read(site, period, "departement", limit=10) if last else []})


def chart(request):
    """One figure's chart, as an SVG image (styled inside, so it carries its own CSP)."""
    require_animator(request)
    site = web.site_of(request)
    period = _period(request)
    _last, lines = dashboard.lines(site, period)
    line = next((line for line in lines if line.name == request.path_params["figure"]), None)
    if line is None or not line.series:
        raise web.not_found()
    return Response(charts.svg(line.label, line.series, bar=line.mode == "daily"), media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600",
                             "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


def names(request):
    """The entities behind a figure (silent cards, unanswered topics...) that the animator may see."""
    user = require_animator(request)
    site = web.site_of(request)
    name = request.path_params["figure"]
    line = next((line for line in dashboard.lines(site, 30)[1] if line.name == name and line.has_names), None)
    if line is None:
        raise web.not_found()
    return web.render(request, "animation/names.html", {"line": line, "items": dashboard.names(site, user, name)})


def territory_page(request):
    """Organisations by département or commune: cards, active ones, silent ones; a table and a map."""
    require_animator(request)
    site = web.site_of(request)
    period = _period(request)
    level = request.query_params.get("level")
    level = level if level in LEVELS else "departement"
    order = request.query_params.get("order")
    order = order if order in ("silent", "cards", "active") else "silent"
    areas = territory.read(site, period, level, order, limit=SHOWN_AREAS)
    hidden = territory.count(site, period, level) - len(areas) if len(areas) == SHOWN_AREAS else 0
    return web.render(request, "animation/territory.html", {
        "period": period, "periods": PERIODS, "level": level, "order": order,
        "areas": areas, "hidden_areas": hidden,
        "can_write": writing.enabled(site)})


def territory_json(request):
    """The areas of the territory page as GeoJSON points (the map draws circles from it)."""
    require_animator(request)
    site = web.site_of(request)
    level = request.query_params.get("level")
    areas = territory.read(site, _period(request), level if level in LEVELS else "departement")
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [a.lon, a.lat]},
                 "properties": {"code": a.code, "label": a.label, "cards": a.cards, "active": a.active,
                                "silent": a.silent}}
                for a in areas if a.lat is not None and a.lon is not None]
    return web.JSONResponse({"type": "FeatureCollection", "features": features})


def export(request):
    """Each table of the dashboard as CSV: figures, départements, communes, introductions."""
    require_animator(request)
    site = web.site_of(request)
    period = _period(request)
    table = request.path_params["table"]
    out = io.StringIO()
    writer = csv.writer(out)
    if table == "figures":
        last, lines = dashboard.lines(site, period)
        writer.writerow(["figure", "label", "period_days", "last_day", "value", "previous_period"])
        for line in lines:
            writer.writerow([line.name, line.label, period, last, _blank(line.value), _blank(line.previous)])
    elif table in LEVELS:
        writer.writerow([table, "label", "period_days", "cards", "active", "silent", "lat", "lon"])
        for area in territory.read(site, period, table, "cards"):
            writer.writerow([area.code, area.label, period, area.cards, area.active, area.silent,
                             _blank(area.lat), _blank(area.lon)])
    elif table == "introductions":
        writer.writerow(["date", "first", "second", "connected"])
        for row in introductions.recent(site, limit=10_000):
            writer.writerow([row.created.date(), row.first.title, row.second.title,
                             row.connected.date() if row.connected else ""])
    else:
        raise web.not_found()
    filename = f"{site.id}-animation-{table}-{period}d.csv"
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _blank(value):
    return "" if value is None else value


def introduce(request):
    """Introduce two members or organisations, saying why (the form comes back filled on errors)."""
    user = require_animator(request)
    site = web.site_of(request)
    values = {"first": request.query_params.get("first", ""), "second": request.query_params.get("second", ""),
              "message": ""}
    error = None
    if request.method == "POST":
        data = web.form(request)
        values = {key: (data.get(key) or "").strip() for key in values}
        try:
            first = introductions.resolve(site, user, values["first"])
            second = introductions.resolve(site, user, values["second"])
            if not values["message"]:
                raise introductions.IntroductionError(_("Say in a few words why they should meet."))
            row = introductions.introduce(site, user, first, second, values["message"])
        except introductions.IntroductionError as exc:
            error = str(exc)
        else:
            web.flash(request, _("%(first)s and %(second)s are told.") % {"first": first.title,
                                                                           "second": second.title})
            return web.redirect(request, web.url_for(request, "animation-introduction", id=row.id))
    return web.render(request, "animation/introduce.html", {"values": values, "error": error,
                                                            "recent": introductions.recent(site)},
                      status_code=400 if error else 200)


def introduction(request):
    """One introduction: both sides with a link to each other's page, and a one-click "connect"."""
    user = web.require_user(request)
    site = web.site_of(request)
    row = introductions.visible_to(site, user, request.path_params["id"], animator=entities.can(site, user, RIGHT))
    if row is None:
        raise web.not_found()
    side = introductions.my_side(site, user, row)
    from core import relationships

    state = relationships.state(side[0].guid, side[1].guid) if side else None
    return web.render(request, "animation/introduction.html", {"row": row, "side": side, "state": state})


def connect(request):
    """Connect with the other side of an introduction (or accept their request)."""
    user = web.require_user(request)
    site = web.site_of(request)
    row = introductions.visible_to(site, user, request.path_params["id"])
    if row is None:
        raise web.not_found()
    try:
        state = introductions.connect(site, user, row)
    except (introductions.IntroductionError, ValueError) as exc:
        web.flash(request, str(exc), "error")
    else:
        web.flash(request, _("You are connected.") if state == "connected"
                  else _("Your request is sent: you are connected once they accept."))
    return web.redirect(request, web.url_for(request, "animation-introduction", id=row.id))


def featured_page(request):
    """The items pinned to the home page; add one by its address, order them, unpin them."""
    user = require_animator(request)
    site = web.site_of(request)
    values, error = {"item": "", "until": ""}, None
    if request.method == "POST":
        data = web.form(request)
        values = {key: (data.get(key) or "").strip() for key in values}
        try:
            entity = _item(site, user, values["item"])
            until = _date(values["until"])
            featured.add(site, entity, until)
        except (featured.FeatureError, introductions.IntroductionError) as exc:
            error = str(exc)
        else:
            web.flash(request, _("“%(title)s” is featured on the home page.") % {"title": entity.title})
            return web.redirect(request, web.url_for(request, "animation-featured"))
    return web.render(request, "animation/featured.html", {"items": featured.all_items(site), "values": values,
                                                           "error": error, "today": now().date()},
                      status_code=400 if error else 200)


def featured_action(request):
    """Move an item up or down, or unpin it."""
    require_animator(request)
    site = web.site_of(request)
    action, featured_id = request.path_params["action"], request.path_params["id"]
    if action == "up":
        featured.move(site, featured_id, -1)
    elif action == "down":
        featured.move(site, featured_id, 1)
    elif action == "remove":
        featured.remove(site, featured_id)
    else:
        raise web.not_found()
    return web.redirect(request, web.url_for(request, "animation-featured"))


def _item(site: SiteRuntime, user, text: str):
    guid = introductions.guid_in(text)
    entity = entities.get_visible(site, user, guid) if guid is not None else None
    if entity is None:
        raise featured.FeatureError(_("Paste the address of the page of an event, an article, a card or a group."))
    return entity


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise featured.FeatureError(_("Give the end date as a date (for example %(example)s).") % {
            "example": format_date(now().date(), "short")}) from None
    return day


def write(request):
    """Write to the managers of a selection of cards (a département's silent cards...), by messages."""
    user = require_animator(request)
    site = web.site_of(request)
    if not writing.enabled(site):
        raise web.not_found()
    source = web.form(request) if request.method == "POST" else request.query_params
    which = source.get("which") if source.get("which") in writing.SELECTIONS else "silent"
    dep = (source.get("departement") or "").strip()[:3]
    cards = writing.selection(site, user, which, dep) if dep else []
    values = {"subject": (source.get("subject") or "").strip()[:200], "body": (source.get("body") or "").strip()}
    error = None
    if request.method == "POST":
        try:
            if not cards:
                raise ValueError(_("No organisation in this selection."))
            sent, refused = writing.send(site, user, cards, values["subject"], values["body"])
        except ValueError as exc:
            error = str(exc)
        else:
            web.flash(request, ngettext("Your message is sent to %(num)s organisation.",
                                        "Your message is sent to %(num)s organisations.", sent) % {"num": sent})
            for reason in refused[:5]:
                web.flash(request, reason, "error")
            return web.redirect(request, web.url_for(request, "animation-territory"))
    return web.render(request, "animation/write.html", {
        "which": which, "departement": dep, "label": territory.departement_names().get(dep, dep), "cards": cards,
        "too_many": len(cards) > writing.MAX_CARDS, "max": writing.MAX_CARDS, "values": values, "error": error},
        status_code=400 if error else 200)
