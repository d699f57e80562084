"""What the agenda brings in code: its pages and calendar feeds, notifications, a home widget, the
reminders command, data hooks. The "agenda.event" kind, the menu entry, the group tab and the
settings are declared in plugin.toml.

With plugin.toml this file is the whole map of the plugin; docs/plugins/agenda.md describes it for people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import Route

from core import hookimpl
from core.commands import per_site
from core.db import prepared
from core.i18n import gettext as _
from core.i18n import gettext_lazy as _l
from core.kinds import NotificationEvent
from core.menus import Widget
from core.models import Entity
from plugins.agenda import calendar_feeds, events, views

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


@hookimpl
def maillage_routes(site):
    return [
        Route("/", views.index, name="agenda"),
        Route("/month", views.month, name="agenda-month"),
        Route("/map", views.map_page, name="agenda-map"),
        Route("/map.json", views.map_json, name="agenda-map-json"),
        Route("/feed.ics", calendar_feeds.site_feed, name="agenda-ics"),
        Route("/new", views.edit, methods=["GET", "POST"], name="agenda-new"),
        Route("/mine", calendar_feeds.my_calendar, methods=["GET", "POST"], name="agenda-mine"),
        Route("/private/{token}.ics", calendar_feeds.private_feed, name="agenda-private-ics"),
        Route("/by/{guid:int}", views.by_owner, name="agenda-owner"),
        Route("/by/{guid:int}/feed.ics", calendar_feeds.owner_feed, name="agenda-owner-ics"),
        Route("/in/{guid:int}", views.in_container, name="agenda-container"),
        Route("/in/{guid:int}/feed.ics", calendar_feeds.container_feed, name="agenda-container-ics"),
        Route("/{guid:int}", views.show, name="agenda-event"),
        Route("/{guid:int}/event.ics", views.event_ics, name="agenda-event-ics"),
        Route("/{guid:int}/edit", views.edit, methods=["GET", "POST"], name="agenda-edit"),
        Route("/{guid:int}/cancel", views.cancel, methods=["POST"], name="agenda-cancel"),
        Route("/{guid:int}/delete", views.delete, methods=["POST"], name="agenda-delete"),
        Route("/{guid:int}/answer", views.answer, methods=["POST"], name="agenda-answer"),
        Route("/{guid:int}/participants.csv", views.participants_csv, name="agenda-csv"),
        Route("/{guid:int}/message", views.message, methods=["POST"], name="agenda-message"),
        Route("/{guid:int}/image", views.image, name="agenda-image"),
    ]


@hookimpl
def maillage_template_context(request):
    """``agenda_occurrence(entity)``: an event's first date (an :class:`Occurrence`, or None), for the
    summary that search results and other lists show."""
    return {"agenda_occurrence": events.first_occurrence}


@hookimpl
def maillage_widgets(site, request, place):
    if place not in ("home", "dashboard"):  # the home page of visitors and of members
        return None
    from core import web
    from plugins.agenda.schedule import next_events

    rows = next_events(site, web.current_user(request), limit=5)
    return [Widget(_("Next events"), "agenda/widget.html", {"agenda_rows": rows}, order=20)]


@hookimpl
def maillage_first_steps(site, user):
    """A new member's step: publish an event (in their name or an organisation's they manage)."""
    from core import access, web
    from core.first_steps import FirstStep

    done = bool(_an_event_of(*sorted({user.guid, *access.managed(user, site)})))
    return [FirstStep("agenda", _("Publish an event"), web.url_for(site, "agenda-new"), done=done, order=30)]


@prepared
def _an_event_of(*owners: int):
    """One live event owned by one of ``owners`` (compiled once per number of owners)."""
    return Entity.select(Entity.guid).where(Entity.owner.in_(owners), Entity.kind == "agenda.event",
                                            Entity.deleted_at.is_null()).limit(1).tuples()


@hookimpl
def maillage_notification_events(site):
    return [
        NotificationEvent("agenda.new_event", _l("A new event by someone I follow"), default="daily"),
        NotificationEvent("agenda.moved_up", _l("A seat freed up for me at an event"), default="instant"),
        NotificationEvent("agenda.reminder", _l("A reminder the day before an event I go to"), default="instant"),
        NotificationEvent("agenda.cancelled", _l("An event I answered is cancelled"), default="instant"),
    ]


@hookimpl
def maillage_search_documents(site, entity):
    if entity.kind == "agenda.event":
        from plugins.agenda.models import Event

        event = Event.get_or_none(Event.entity == entity.guid)
        if event is not None:
            return {"title": entity.title,
                    "body": " ".join([event.description, event.place_name, event.address, event.commune,
                                      event.postcode, " ".join(event.categories or [])])}
    return None


@hookimpl
def maillage_export_personal_data(site, user):
    from core.models import Entity
    from plugins.agenda.models import Event, Participation

    organised = (Event.select(Event, Entity).join(Entity, on=(Event.entity == Entity.guid))
                 .where(Entity.owner == user.guid))
    answers = (Participation.select(Participation, Entity).join(Entity, on=(Participation.event == Entity.guid))
               .where(Participation.member == user.guid))
    return {
        "agenda/events.json": [{"title": e.entity.title, "description": e.description, "start_utc": e.start,
                                "end_utc": e.end, "tz": e.tz, "rrule": e.rrule, "place": e.place_name,
                                "address": e.address, "commune": e.commune, "cancelled": e.cancelled,
                                "access": e.entity.access} for e in organised],
        "agenda/answers.json": [{"event": p.event.entity.title if hasattr(p.event, "entity") else p.event_id,
                                 "status": p.status, "since": p.created} for p in answers],
    }


@hookimpl
def maillage_delete_personal_data(site, user, mode):
    from plugins.agenda.models import FeedKey, Participation

    FeedKey.delete().where(FeedKey.member == user.guid).execute()
    if mode == "delete":
        Participation.delete().where(Participation.member == user.guid).execute()


@hookimpl
def maillage_entity_deleted(site, entity):
    if entity.kind == "agenda.event":
        from core.storage import storage
        from plugins.agenda.events import forget_shared
        from plugins.agenda.models import Event

        forget_shared(site)

        event = Event.get_or_none(Event.entity == entity.guid)
        if event is not None and event.image:
            storage(site).delete(event.image)


@hookimpl
def maillage_cli_commands(subparsers):
    per_site(subparsers, "agenda-reminders", "remind participants of the events starting in the next 24 hours",
             "agenda", _reminders).add_argument("--hours", type=int, default=24)


def _reminders(site: SiteRuntime, args):
    from plugins.agenda.reminders import send_reminders

    return f"{send_reminders(site, hours=args.hours)} reminder(s)"


@hookimpl
def maillage_demo_data(site, scale, rng):
    from plugins.agenda.demo import generate

    generate(site, scale, rng)


@hookimpl
def maillage_adoption_figures(site):
    from plugins.agenda.figures import FIGURES

    return list(FIGURES)
