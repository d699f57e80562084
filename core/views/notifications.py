"""Notification pages: the list, preferences, one-click unsubscribe, the site's defaults."""

from __future__ import annotations

from peewee import JOIN

from core import access, entity_images, inputs, notifications, tokens, web
from core.db import now
from core.i18n import gettext as _
from core.i18n import gettext_lazy
from core.models import Entity
from core.notifications import Notification

PAGE = 30


def index(request):
    """The member's notifications, newest first; opening the page does not mark them read."""
    user = web.require_user(request)
    site = web.site_of(request)
    about = Entity.alias()
    # what the notification is about may since have been trashed, hidden or closed: then it is left out
    query = (Notification.select().join(about, JOIN.LEFT_OUTER, on=(Notification.entity == about.guid))
             .where(Notification.recipient == user.guid, Notification.site == site.id,
                    about.guid.is_null() | access.visible(user, site, entity=about))
             .order_by(Notification.id.desc()).limit(PAGE))
    if inputs.query_id(request, "before"):
        query = query.where(Notification.id < inputs.query_id(request, "before"))
    rows = list(query)
    items = [{"n": n, "unread": n.read_at is None, "url": notifications.url_of(site, n.entity),
              **notifications.parts(site, n, reader=user)} for n in rows]
    entity_images.prime(site, [item["actor"] for item in items if item["actor"]], 48)
    return web.render(request, "core/notifications.html", {
        "items": items, "next_before": rows[-1].id if len(rows) == PAGE else None})


def mark_read(request):
    """Mark one notification (``id``) or all of them as read."""
    user = web.require_user(request)
    data = web.form(request)
    query = Notification.update(read_at=now()).where(Notification.recipient == user.guid,
                                                      Notification.read_at.is_null())
    if inputs.id_or_none(data.get("id")):
        query = query.where(Notification.id == inputs.id_or_none(data.get("id")))
    query.execute()
    target = data.get("next")
    return web.redirect(request, web.safe_next(target, "/notifications"))


MAIN_LABELS = {
    "instant": gettext_lazy("Immediately, one e-mail each time"),
    "daily": gettext_lazy("In a daily digest"),
    "weekly": gettext_lazy("In a weekly digest"),
    "site": gettext_lazy("Never by e-mail (only on the site)"),
}


def settings_page(request):
    """One main choice (at once, daily digest, weekly digest, never by e-mail), then, under
    "advanced", exceptions for single kinds of notification ("" in a kind's field: as the main choice)."""
    user = web.require_user(request)
    site = web.site_of(request)
    events = sorted(site.notification_events.values(), key=lambda e: str(e.label))
    if request.method == "POST":
        data = web.form(request)
        if data.get("main") in notifications.DELIVERIES:
            notifications.set_preference(user.guid, notifications.MAIN, data["main"])
        for event in events:
            choice = data.get(f"event_{event.name}")
            if choice in notifications.DELIVERIES:
                notifications.set_preference(user.guid, event.name, choice)
            elif choice == "":
                notifications.clear_preference(user.guid, event.name)
        web.flash(request, _("Your choices are saved."))
        return web.redirect(request, web.url_for(request, "notifications-settings"))
    main = notifications.main_choice(user.guid)
    exceptions = notifications.exceptions(user.guid)
    return web.render(request, "core/notification_settings.html", {
        "events": events, "current": {e.name: exceptions.get(e.name, "") for e in events},
        "labels": notifications.DELIVERY_LABELS, "main": main, "main_labels": MAIN_LABELS,
        "effective": {e.name: notifications.delivery_for(site, user.guid, e.name) for e in events},
        "action": web.url_for(request, "notifications-settings"), "title": _("How you are told")})


@web.csrf_exempt
def unsubscribe(request):
    """Stop a kind of mail from the link in the mail, without signing in (one click, RFC 8058)."""
    site = web.site_of(request)
    token = request.path_params["token"]
    try:
        tokens.read(site, "unsubscribe", token, notifications.UNSUBSCRIBE_MAX_AGE)
    except tokens.TokenError:
        return web.render(request, "core/unsubscribe.html", {"invalid": True}, status_code=400)
    if request.method == "POST":
        notifications.unsubscribe(site, token)
        return web.render(request, "core/unsubscribe.html", {"done": True})
    return web.render(request, "core/unsubscribe.html", {"token": token})


def admin_defaults(request):
    """The site's default delivery for each kind of notification."""
    web.require_admin(request)
    site = web.site_of(request)
    events = sorted(site.notification_events.values(), key=lambda e: str(e.label))
    if request.method == "POST":
        from core import sites

        data = web.form(request)
        defaults = {e.name: data[f"event_{e.name}"] for e in events
                    if data.get(f"event_{e.name}") in notifications.DELIVERIES}
        sites.save_settings(site.id, {"notification_defaults": defaults})
        site.checked_at = 0
        web.flash(request, _("Settings saved."))
        return web.redirect(request, web.url_for(request, "admin-notifications"))
    defaults = site.settings.get("notification_defaults") or {}
    current = {e.name: defaults.get(e.name, e.default) for e in events}
    return web.render(request, "core/notification_settings.html", {
        "events": events, "current": current, "labels": notifications.DELIVERY_LABELS,
        "action": web.url_for(request, "admin-notifications"), "title": _("Notifications: defaults of the site"), "admin": True})
