"""Comments, likes, reports, the moderation queue and the trash."""

from __future__ import annotations

from core import comments, entities, inputs, moderation, notifications, web
from core.i18n import gettext as _
from core.models import Entity


def _visible(request, guid: int) -> Entity:
    entity = entities.get_visible(web.site_of(request), web.current_user(request), guid)
    if entity is None:
        raise web.not_found()
    return entity


def _back(request, entity: Entity) -> str:
    return web.safe_next(web.form(request).get("next"), notifications.url_of(web.site_of(request), entity))


def add_comment(request):
    """Post a comment on a visible entity, as the current actor."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity = _visible(request, request.path_params["guid"])
    try:
        comments.add(site, user, request.state.actor, entity, web.form(request).get("body", ""))
        web.flash(request, _("Your comment is published."))
    except comments.CommentError as exc:
        web.flash(request, str(exc), "error")
        request.session["comment_draft"] = (web.form(request).get("body") or "")[:comments.MAX_LENGTH]
    return web.redirect(request, _back(request, entity) + "#comments")


def edit_comment(request):
    """Edit one's comment during the site's delay."""
    user = web.require_user(request)
    site = web.site_of(request)
    comment = _visible(request, request.path_params["guid"])
    if comment.kind != "comment":
        raise web.not_found()
    parent = Entity.get_by_id(comment.container_id)
    body = comments.Comment.get_by_id(comment.guid).body
    error = None
    if not comments.editable(site, user, comment):
        raise web.forbidden()
    if request.method == "POST":
        body = web.form(request).get("body", "")
        try:
            comments.edit(site, user, comment, body)
            web.flash(request, _("Your comment is saved."))
            return web.redirect(request, notifications.url_of(site, parent) + "#comments")
        except comments.CommentError as exc:
            error = str(exc)
    return web.render(request, "core/comment_edit.html", {"comment": comment, "body": body, "error": error},
                      status_code=400 if error else 200)


def delete_comment(request):
    """Move a comment to the trash (its author, the author's managers, moderators)."""
    user = web.require_user(request)
    site = web.site_of(request)
    comment = _visible(request, request.path_params["guid"])
    if comment.kind != "comment" or not comments.deletable(site, user, comment):
        raise web.forbidden()
    entities.trash(site, comment)
    web.flash(request, _("The comment is in the trash; it can be restored from there."))
    return web.redirect(request, _back(request, Entity.get_by_id(comment.container_id)) + "#comments")


def like(request):
    """Like or unlike a visible entity."""
    web.require_user(request)
    site = web.site_of(request)
    entity = _visible(request, request.path_params["guid"])
    if not comments.allows(site, entity, "likable"):
        raise web.forbidden()
    comments.toggle_like(site, request.state.actor, entity)
    return web.redirect(request, _back(request, entity))


def report(request):
    """Report content to the moderators, with a reason."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity = _visible(request, request.path_params["guid"])
    error, reason = None, ""
    if request.method == "POST":
        reason = (web.form(request).get("reason") or "").strip()
        if len(reason) < 5:
            error = _("Say in a few words what is wrong.")
        else:
            moderation.report(site, user, entity, reason)
            web.flash(request, _("Thank you: the moderators will look at it. You will be told what they decide."))
            return web.redirect(request, notifications.url_of(site, entity))
    return web.render(request, "core/report.html", {"entity": entity, "error": error, "reason": reason},
                      status_code=400 if error else 200)


def queue(request):
    """The moderators' queue of reports: hide, restore or dismiss."""
    user = web.require_user(request)
    site = web.site_of(request)
    if not entities.can(site, user, "moderate"):
        raise web.forbidden()
    if request.method == "POST":
        data = web.form(request)
        guid, decision = data.get("entity", ""), data.get("decision", "")
        guid = inputs.id_or_none(guid)
        if guid and decision in ("hide", "restore", "dismiss"):
            entity = Entity.get_or_none(Entity.guid == guid, Entity.site == site.id)
            if entity is not None:
                moderation.resolve(site, user, entity, decision)
                web.flash(request, _("Decision recorded; the reporters are told."))
        return web.redirect(request, "/moderation")
    items = [{"report": r, "url": notifications.url_of(site, r.entity)} for r in moderation.queue(site)]
    return web.render(request, "core/moderation.html", {"items": items})


def trash(request):
    """Deleted content, restorable for the site's trash period."""
    user = web.require_user(request)
    site = web.site_of(request)
    if request.method == "POST":
        guid = inputs.id_or_none(web.form(request).get("entity"))
        entity = Entity.get_or_none(Entity.guid == guid, Entity.site == site.id) if guid else None
        kind = site.entity_kinds.get(entity.kind) if entity is not None else None
        if kind is None or not kind.restorable or entity.deleted_at is None \
                or not (user.is_admin or entity.owner_id == user.guid):
            raise web.not_found()
        entities.restore(site, entity)
        web.flash(request, _("%(title)s is restored.") % {"title": entity.title or _("The item")})
        return web.redirect(request, "/trash")
    items = moderation.trash_items(site, user, inputs.query_id(request, "before"))
    kinds = site.entity_kinds
    return web.render(request, "core/trash.html", {
        "items": [{"e": e, "kind": kinds[e.kind].label} for e in items],
        "days": site.settings.get("trash_days", 30),
        "next_before": items[-1].guid if len(items) == 50 else None})
