"""The agenda's pages: list, month, map, one event, the editor, answers, exports and calendar feeds."""

from __future__ import annotations

import calendar as pycalendar
import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

from markupsafe import Markup
from starlette.responses import Response

from core import entities, i18n, images, inputs, listings, mail, urls, web
from core.db import now
from core.i18n import gettext as _
from core.i18n import ngettext
from core.models import Account, Entity
from core.storage import StorageError, storage
from plugins.agenda import event_form, events, ical, participation, places, schedule
from plugins.agenda.models import Event

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PER_DAY = 4  # events listed in a day of the month view; a link leads to the rest


def _date_param(request, name) -> dt.datetime | None:
    """The date query parameter ``name`` at midnight; 400 when it is not a date of years 1000 to 2999."""
    value = inputs.query_date(request, name)
    return dt.datetime.combine(value, dt.time()) if value else None


def _filters(request) -> tuple[dict, dict]:
    """Filters from the query string: category, commune, near (a place or "lat,lon") within km."""
    q = request.query_params
    shown = {k: q.get(k, "") for k in ("category", "commune", "near", "km", "from", "to")}
    filters: dict = {}
    if shown["category"]:
        filters["category"] = shown["category"]
    if shown["commune"]:
        filters["commune"] = shown["commune"]
    if shown["near"]:
        km = inputs.query_float(request, "km", minimum=0, maximum=100_000) or 20.0
        point = None
        parts = shown["near"].split(",")
        if len(parts) == 2:
            try:
                point = inputs.coordinates(parts[0], parts[1])
            except inputs.InvalidInput:
                point = None
            point = point if point and point[0] is not None else None
        if point is None:
            place = places.gazetteer_lookup(shown["near"])
            point = (place.lat, place.lon) if place else None
        if point:
            filters["near"] = (point[0], point[1], min(km, 500.0))
    return shown, filters


def index(request, title=None, base="/agenda/", feed_url="/agenda/feed.ics", **scope):
    """Upcoming events (or past ones with ``?past=1``), filtered, a page at a time."""
    site = web.site_of(request)
    viewer = web.current_user(request)
    past = request.query_params.get("past") == "1"
    shown, filters = _filters(request)
    after = None
    cursor = request.query_params.get("after", "")
    if "_" in cursor:
        stamp, guid = cursor.split("_", 1)
        try:
            after = (dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S"), inputs.id_or_none(guid))
        except ValueError:
            after = None
        if after is not None and after[1] is None:
            after = None
    date_to = _date_param(request, "to")
    rows = schedule.listing(site, viewer, after=after, past=past, date_from=_date_param(request, "from"),
                          date_to=date_to + dt.timedelta(days=1) if date_to else None, **filters, **scope)
    next_cursor = (f"{rows[-1].start:%Y%m%dT%H%M%S}_{rows[-1].entity.guid}" if len(rows) == events.PAGE else None)
    return web.render(request, "agenda/index.html", {
        "title": title or (_("Past events") if past else _("Agenda")), "rows": rows, "past": past, "shown": shown,
        "categories": event_form.categories_of(site), "next_cursor": next_cursor, "base": base, "feed_url": feed_url,
        "can_write": viewer is not None,
    })


def by_owner(request):
    owner, where = listings.scope(request, "owner")
    return index(request, _("Events of %(name)s") % {"name": owner.title}, web.url_for(request, "agenda-owner", guid=owner.guid),
                 web.url_for(request, "agenda-owner-ics", guid=owner.guid), **where)


def in_container(request):
    container, where = listings.scope(request, "container")
    return index(request, _("Events of %(name)s") % {"name": container.title}, web.url_for(request, "agenda-container", guid=container.guid),
                 web.url_for(request, "agenda-container-ics", guid=container.guid), **where)


def month(request):
    """A month as an accessible table (weeks as rows, days as cells), events in each day."""
    site = web.site_of(request)
    today = now().date()
    first = inputs.query_month(request, "month") or today.replace(day=1)
    shown, filters = _filters(request)
    return web.render(request, "agenda/month.html", {
        **month_grid(site, web.current_user(request), first, today, filters),
        "prev": (first - dt.timedelta(days=1)).replace(day=1), "next": (first + dt.timedelta(days=32)).replace(day=1),
        "shown": shown, "categories": event_form.categories_of(site),
    })


def month_grid(site: SiteRuntime, viewer, first: dt.date, today: dt.date, filters: dict) -> dict:
    """What agenda/month.html shows of the month starting ``first``: its weeks, days and counts, and ``table``,
    the grid drawn (agenda/_month_table.html). A thousand events drawn are most of the page's time and the
    same for every visitor: the grid is drawn once a minute per month, day, language and filters and shared
    with the members who see nothing more (:func:`schedule.sees_visitors_month`); others get their own."""
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    by_day, counts = schedule.month_days(site, viewer, weeks[0][0], weeks[-1][-1], PER_DAY, **filters)
    grid = {"first": first, "weeks": weeks, "by_day": by_day, "counts": counts, "today": today,
            "weekdays": [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(7)]}

    def table() -> Markup:
        return Markup(site.templates.get_template("agenda/_month_table.html").render(grid))

    if schedule.sees_visitors_month(site, viewer, **filters):
        key = ("table", first, today, i18n.current_language(), tuple(sorted(filters.items())))
        return {**grid, "table": site.remember(events.MONTHS, key, table, seconds=events.MONTH_SECONDS)}
    return {**grid, "table": table()}


def map_page(request):
    site = web.site_of(request)
    territory = site.config.territory or {}
    return web.render(request, "agenda/map.html", {
        "center": territory.get("center", [46.6, 2.4]), "zoom": territory.get("zoom", 6),
        "tile_url": site.settings.get("tile_url") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "shown": _filters(request)[0], "categories": event_form.categories_of(site)})


def map_json(request):
    """GeoJSON of the upcoming occurrences (next 90 days by default) that have coordinates."""
    site = web.site_of(request)
    _shown, filters = _filters(request)
    start = _date_param(request, "from") or now()
    end = _date_param(request, "to") or start + dt.timedelta(days=90)
    features = []
    seen = set()
    for occ in schedule.window(site, web.current_user(request), start, end, limit=5000, **filters):
        if occ.event.lat is None or occ.entity.guid in seen:
            continue
        seen.add(occ.entity.guid)
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [occ.event.lon, occ.event.lat]},
                         "properties": {"guid": occ.entity.guid, "title": occ.entity.title,
                                        "url": events.url(request, occ.entity), "start": occ.local_start.isoformat(),
                                        "cancelled": occ.event.cancelled, "commune": occ.event.commune}})
    return web.JSONResponse({"type": "FeatureCollection", "features": features})


def _event(request, guid=None) -> tuple[Entity, Event]:
    site = web.site_of(request)
    entity = entities.get_visible(site, web.current_user(request), guid or request.path_params["guid"],
                                  kind="agenda.event")
    if entity is None:
        raise web.not_found()
    return entity, Event.get_by_id(entity.guid)


def _organised(request) -> tuple:
    """(site, entity, event) of the URL's event for its organisers: 404 unless the member may see it, 403
    unless they may edit it."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity, event = _event(request)
    if not events.can_edit(site, user, entity):
        raise web.forbidden()
    return site, entity, event


def show(request):
    site = web.site_of(request)
    user = web.current_user(request)
    entity, event = _event(request)
    editable = events.can_edit(site, user, entity)
    status = participation.status_of(entity.guid, user.guid) if user else None
    counts = participation.counts(entity.guid)
    people = participation.participants(entity.guid) if participation.may_see_list(
        event, status, editable, user is not None) else None
    moment = now()
    upcoming = events.occurrences(event, moment, events.FAR, limit=8) if event.rrule else []
    return web.render(request, "agenda/event.html", {
        "entity": entity, "event": event, "can_edit": editable, "status": status, "counts": counts,
        "people": people, "next": events.next_occurrence(event), "upcoming": upcoming,
        "ended": (event.last_end or events.FAR) < moment, "canonical": urls.absolute(web.site_of(request), events.url(request, entity), request),
        "start": events.to_local(event.start, event.tz), "end": events.to_local(event.end, event.tz),
        "categories": dict(event_form.categories_of(site)),
        "tile_url": site.settings.get("tile_url") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    })


def edit(request):
    """Create or edit an event; a broken form comes back filled with its errors."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity, event, containers = _editable(request, site, user)
    values = event_form.form_values(event, entity, site)
    values["container"] = request.query_params.get("in", "")
    errors: dict = {}
    if request.method == "POST":
        data = web.form(request)
        values, errors = event_form.parse(site, data)
        container = listings.chosen_container(values["container"], containers, errors) if entity is None else None
        if values["access"] == "container" and container is None and (entity is None or not entity.container_id):
            errors["access"] = _("Choose a group or organisation to publish in, or another access.")
        image = images.from_form(data, "image", errors)
        if not errors:
            saved = _save(site, user, request.state.actor, values, entity, event, container, image)
            web.flash(request, _("The event is saved.") if entity else _("The event is published."))
            return web.redirect(request, events.url(request, saved))
    return web.render(request, "agenda/edit.html", {
        "entity": entity, "event": event, "values": values, "errors": errors, "containers": containers,
        "categories": event_form.categories_of(site), "timezones": events.TIMEZONES,
        "tile_url": site.settings.get("tile_url") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "center": (site.config.territory or {}).get("center", [46.6, 2.4]),
    }, status_code=400 if errors else 200)


def _editable(request, site: SiteRuntime, user) -> tuple[Entity | None, Event | None, list[Entity]]:
    """The event being edited (None, None for a new one) and the containers a new one may go to,
    after checking the member may write it."""
    if "guid" in request.path_params:
        _site, entity, event = _organised(request)
        return entity, event, []
    containers = listings.publishable_containers(site, user, request.state.actor, "agenda.post_in")
    if (not site.plugin_settings("agenda")["members_can_post"] and request.state.actor.kind == "user"
            and not user.is_admin and not containers):
        raise web.forbidden()  # this site keeps its agenda for organisations and groups
    return None, None, containers


def _save(site: SiteRuntime, user, actor, values: dict, entity: Entity | None, event: Event | None,
          container: Entity | None, image: bytes | None) -> Entity:
    """Locate and save the event; seats freed by a larger capacity go to the waiting list."""
    places.locate(site, values)
    old_capacity = event.capacity if event else None
    saved = events.save(site, user, actor, values, entity, container=container, image=image)
    new_capacity = values["clean"]["capacity"]
    if event is not None and (new_capacity is None or (old_capacity or 0) < new_capacity):
        participation.fill_free_seats(site, saved)
    return saved


def cancel(request):
    """Cancel an event (it stays, shown as cancelled) or restore it."""
    site, entity, _event_row = _organised(request)
    restore = web.form(request).get("restore") == "1"
    events.set_cancelled(site, entity, not restore)
    web.flash(request, _("The event is restored.") if restore else _("The event is cancelled; participants are told."))
    return web.redirect(request, events.url(request, entity))


def delete(request):
    user = web.require_user(request)
    site = web.site_of(request)
    entity, _event_row = _event(request)
    return listings.trash(request, entity, allowed=events.can_edit(site, user, entity), back=web.url_for(request, "agenda"),
                          message=_("The event is in the trash; it can be restored from there."))


def answer(request):
    """Going, interested, or withdraw (``answer`` = going / interested / none)."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity, event = _event(request)
    wanted = web.form(request).get("answer", "")
    if event.cancelled and wanted:
        web.flash(request, _("This event is cancelled."), "error")
        return web.redirect(request, events.url(request, entity))
    if wanted and event.last_end is not None and event.last_end < now():
        web.flash(request, _("This event is over."), "error")
        return web.redirect(request, events.url(request, entity))
    status = participation.answer(site, entity, user.entity, wanted)
    web.flash(request, {
        participation.GOING: _("You are registered."),
        participation.WAITING: _("The event is full: you are on the waiting list. We will tell you if a seat frees up."),
        participation.INTERESTED: _("Noted: you are interested."),
        None: _("Your answer is withdrawn."),
    }[status])
    return web.redirect(request, events.url(request, entity))


def participants_csv(request):
    """The participant list as CSV (organisers)."""
    site, entity, _event_row = _organised(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Name"), _("E-mail"), _("Answer"), _("Since")])
    accounts = {a.guid: a for a in Account.select().where(Account.entity.in_(
        [p.member_id for p in participation.participants(entity.guid)] or [0]))}
    labels = {"going": _("going"), "waiting": _("waiting list"), "interested": _("interested")}
    for p in participation.participants(entity.guid):
        account = accounts.get(p.member_id)
        writer.writerow([p.member.title, account.email if account else "", labels.get(p.status, p.status),
                         p.created.strftime("%Y-%m-%d %H:%M")])
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="participants-{entity.guid}.csv"'})


def message(request):
    """The organiser writes to the participants (going, and optionally waiting) by mail."""
    site, entity, _event_row = _organised(request)
    data = web.form(request)
    subject, text = (data.get("subject") or "").strip(), (data.get("text") or "").strip()
    if not subject or not text:
        web.flash(request, _("Write a subject and a message."), "error")
        return web.redirect(request, events.url(request, entity) + "#message")
    statuses = ["going"] + (["waiting"] if data.get("waiting") == "1" else [])
    guids = [p.member_id for p in participation.participants(entity.guid, statuses)]
    link = urls.absolute(web.site_of(request), events.url(request, entity), request)
    sent = 0
    for account in Account.select().where(Account.entity.in_(guids or [0])):
        mail.send(site, account.email, f"[{entity.title}] {subject}", f"{text}\n\n-- \n{entity.title}\n{link}")
        sent += 1
    web.flash(request, ngettext("Message sent to %(num)s participant.", "Message sent to %(num)s participants.", sent)
              % {"num": sent})
    return web.redirect(request, events.url(request, entity))


def image(request):
    entity, event = _event(request)
    if not event.image:
        raise web.not_found()
    try:
        data = storage(web.site_of(request)).read(event.image)
    except (StorageError, OSError):
        raise web.not_found() from None
    return Response(data, media_type=images.sniff(data) or "application/octet-stream",
                    headers={"Cache-Control": "private, max-age=3600"})


# --- iCalendar ----------------------------------------------------------------------------------


def event_ics(request):
    entity, event = _event(request)
    event.entity = entity
    site = web.site_of(request)
    body = ical.calendar(site, urls.base_url(site, request), entity.title, [event], web.current_user(request))
    return ical.response(body, f"event-{entity.guid}.ics")


