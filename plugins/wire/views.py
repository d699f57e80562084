"""The wire's pages: the list of statuses and the form, one status, the Atom feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import access, activity, entities, feeds, inputs, listings, notifications, web
from core.db import database
from core.i18n import gettext as _
from core.models import Entity
from plugins.wire.models import Status
from plugins.wire.text import mentioned, render

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 20


def _listing(site: SiteRuntime, viewer, before=None, limit=PAGE):
    query = (Status.select(Status, Entity).join(Entity, on=(Status.entity == Entity.guid))
             .where(access.visible(viewer, site))
             .order_by(Entity.guid.desc()).limit(limit))
    if before:
        query = query.where(Entity.guid < before)
    return list(query)


def index(request):
    """All statuses the viewer may see, newest first; signed-in members post one."""
    site = web.site_of(request)
    user = web.current_user(request)
    settings = site.plugin_settings("wire")
    error, body, status_code = None, "", 200
    level = site.settings.get("default_access", "public")
    if request.method == "POST":
        user = web.require_user(request)
        data = web.form(request)
        body = (data.get("body") or "").strip()
        level = data.get("access") or level
        if not body:
            error = _("Write something first.")
        elif len(body) > settings["max_length"]:
            error = _("%(max)s characters at most.") % {"max": settings["max_length"]}
        elif level not in ("public", "members", "connections", "private"):
            error = _("Choose who may see it.")
        if error:
            status_code = 400
        else:
            actor = request.state.actor
            with database.atomic():
                entity = entities.create(site, "wire.status", owner=actor, title=body[:80], access_level=level)
                Status.create(entity=entity, body=body)
                activity.record(site, actor=actor, verb="posted", entity=entity)  # search indexed before commit
            notifications.notify(site, "wire.mention", mentioned(site.id, body), actor=actor, entity=entity,
                                 text=body)
            web.flash(request, _("Your status is published."))
            return web.redirect(request, web.url_for(request, "wire"))
    rows = _listing(site, user, inputs.query_id(request, "before"))
    return web.render(request, "wire/index.html", {
        "statuses": [(s.entity, render(site.id, s.body)) for s in rows], "error": error, "body": body, "level": level,
        "max_length": settings["max_length"], "next_before": rows[-1].entity_id if len(rows) == PAGE else None,
    }, status_code=status_code)


def show(request):
    """One status, with its comments and likes."""
    site = web.site_of(request)
    entity = entities.get_visible(site, web.current_user(request), request.path_params["guid"], kind="wire.status")
    if entity is None:
        raise web.not_found()
    status = Status.get_by_id(entity.guid)
    return web.render(request, "wire/status.html", {"entity": entity, "html": render(site.id, status.body)})


def delete(request):
    """Move one's status to the trash."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity = listings.visible_or_404(request, request.path_params["guid"], kind="wire.status")
    return listings.trash(request, entity, allowed=entities.can(site, user, "edit", entity), back=web.url_for(request, "wire"),
                          message=_("The status is in the trash; it can be restored from there."))


def atom(request):
    """The public statuses of the site as an Atom feed."""
    site = web.site_of(request)
    rows = _listing(site, None, limit=50)
    entries = [{"id": f"tag:maillage,{site.id}:wire:{s.entity_id}", "title": s.entity.title,
                "url": web.url_for(request, "wire-status", guid=s.entity_id), "updated": s.entity.created, "author": entities.as_seen_by(site, None, s.entity.owner).title,
                "summary": render(site.id, s.body)} for s in rows]
    return feeds.atom_response(request, _("Status updates — %(site)s") % {"site": site.name}, web.url_for(request, "wire-atom"),
                               entries)
