"""The agenda's iCalendar feeds: the site's, an owner's, a container's (public events only), and
each member's private feed of the events they go to, at a signed address they can renew."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from core import listings, tokens, urls, web
from core.db import now
from core.i18n import gettext as _
from core.models import Account
from plugins.agenda import ical, schedule
from plugins.agenda.models import Event, FeedKey, Participation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def _feed(request, name: str, **filters):
    site = web.site_of(request)
    viewer = web.current_user(request) if not filters.pop("anonymous", False) else None
    viewer = filters.pop("viewer", viewer)
    if request.query_params.get("category"):
        filters["category"] = request.query_params["category"]
    query = schedule._filtered(schedule._base(site, viewer), filters).where(
        Event.last_end.is_null() | (Event.last_end > now() - dt.timedelta(days=90)))
    rows = list(query.order_by(Event.start).limit(1000))
    return ical.response(ical.calendar(site, urls.base_url(site, request), name, rows, viewer), "agenda.ics")


def site_feed(request):
    return _feed(request, web.site_of(request).config.name, anonymous=True)


def owner_feed(request):
    owner, where = listings.scope(request, "owner", visitor=True)
    return _feed(request, owner.title, anonymous=True, **where)


def container_feed(request):
    container, where = listings.scope(request, "container", visitor=True)
    return _feed(request, container.title, anonymous=True, **where)


def _feed_key(member_guid: int, renew: bool = False) -> str:
    key = FeedKey.get_or_none(FeedKey.member == member_guid)
    if key is None:
        key = FeedKey.create(member=member_guid, nonce=secrets.token_hex(8))
    elif renew:
        key.nonce = secrets.token_hex(8)
        key.save()
    return key.nonce


def private_link(site: SiteRuntime, request, member_guid: int, renew: bool = False) -> str:
    token = tokens.make(site, "agenda-feed", [member_guid, _feed_key(member_guid, renew)])
    return urls.absolute(web.site_of(request), web.url_for(request, "agenda-private-ics", token=token), request)


def my_calendar(request):
    """The member's private calendar address (events they go to); a new address revokes the old one."""
    user = web.require_user(request)
    site = web.site_of(request)
    renew = request.method == "POST"
    link = private_link(site, request, user.guid, renew=renew)
    if renew:
        web.flash(request, _("A new address is made; the old one no longer works."))
        return web.redirect(request, web.url_for(request, "agenda-mine"))
    going = [p.event_id for p in Participation.select().where(Participation.member == user.guid,
                                                                Participation.status.in_(("going", "waiting")))]
    rows = schedule.listing(site, user, guids=going) if going else []
    return web.render(request, "agenda/mine.html", {"link": link, "rows": rows})


def private_feed(request):
    site = web.site_of(request)
    try:
        member_guid, nonce = tokens.read(site, "agenda-feed", request.path_params["token"], max_age=10 * 365 * 86400)
    except (tokens.TokenError, ValueError, TypeError):
        raise web.not_found() from None
    key = FeedKey.get_or_none(FeedKey.member == member_guid)
    account = Account.get_or_none(Account.entity == member_guid)
    if key is None or key.nonce != nonce or account is None:
        raise web.not_found()
    going = [p.event_id for p in Participation.select().where(Participation.member == member_guid,
                                                                Participation.status == "going")]
    return _feed(request, _("My events"), viewer=account, guids=going or [0])

