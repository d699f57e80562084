"""The forums' pages: a group's topics, a topic with its pages of replies, writing and moderating."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import entities, entity_images, inputs, web
from core.db import database, now
from core.i18n import gettext as _
from core.models import Entity
from plugins.forums import threads
from plugins.forums.models import Reply, Topic
from plugins.groups import api as membership

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def _group(request, guid: int | None = None) -> Entity:
    """The group (visible to the viewer, forum enabled in it), else 404."""
    site = web.site_of(request)
    group = entities.get_visible(site, web.current_user(request), guid or request.path_params["guid"],
                                 kind="groups.group")
    if group is None or not membership.tool_enabled(group.guid, "forums"):
        raise web.not_found()
    return group


def _topic(request) -> tuple[Entity, Topic, Entity]:
    site = web.site_of(request)
    entity = entities.get_visible(site, web.current_user(request), request.path_params["guid"], kind="forums.topic")
    if entity is None:
        raise web.not_found()
    topic = threads.topic_row(entity.guid)
    if topic is None:
        raise web.not_found()
    return entity, topic, _group(request, entity.container_id)


def _group_ctx(request, group: Entity) -> dict:
    """What the groups' header template needs (the forum page is a tab of the group)."""
    site = web.site_of(request)
    user = web.current_user(request)
    row = membership.row(group.guid)
    return {"entity": group, "group": row, "tab": "forums", "state": membership.state(user, group),
            "is_admin": membership.is_admin(user, group), "member_count": membership.count(group.guid),
            "tabs": [item for item, on in membership.tools(site, group, row.disabled_tools) if on]}


def in_group(request):
    """The forum of a group: pinned topics, then the most recently active; unread ones marked."""
    site = web.site_of(request)
    user = web.current_user(request)
    group = _group(request)
    before = inputs.query_moment(request, "before")
    rows = threads.listing(site, user, group.guid, before)
    ctx = _group_ctx(request, group)
    ctx.update(topics=rows, can_post=threads.can_post(site, user, group),
               next_before=rows[-1].last_activity.isoformat() if len(rows) == threads.TOPICS_PAGE else None)
    return web.render(request, "forums/group.html", ctx)


def new_topic(request):
    site = web.site_of(request)
    user = web.require_user(request)
    group = _group(request)
    if not threads.can_post(site, user, group):
        raise web.forbidden()
    values, errors = {"title": "", "body": ""}, {}
    if request.method == "POST":
        form = web.form(request)
        values = {"title": (form.get("title") or "").strip(), "body": (form.get("body") or "").strip()}
        if not values["title"]:
            errors["title"] = _("Give the topic a title.")
        if not values["body"]:
            errors["body"] = _("Write the first message.")
        if not errors:
            entity, _topic_row = threads.create_topic(site, request.state.actor, group, values["title"],
                                                      values["body"])
            return web.redirect(request, threads.url(request, entity))
    return web.render(request, "forums/new_topic.html", {"group": group, "values": values, "errors": errors},
                      status_code=400 if errors else 200)


def show(request, reply_error: str | None = None, reply_body: str = ""):
    """A topic: the opening post, one page of replies (page links by reply number), the reply form."""
    site = web.site_of(request)
    user = web.current_user(request)
    entity, topic, group = _topic(request)
    total = threads.pages(topic)
    page = min(max(inputs.id_or_none(request.query_params.get("page")) or 1, 1), total)
    rows = threads.rendered(threads.replies(topic, page))
    # every author's picture in one query, before the template asks them reply by reply
    entity_images.prime(site, [row.author for row in rows if row.author_id], 32)
    if user is not None and rows:
        threads.mark_read(user.guid, entity.guid, rows[-1].id)
    elif user is not None:
        threads.mark_read(user.guid, entity.guid, 0)
    quote = inputs.id_or_none(request.query_params.get("quote"))
    if quote and not reply_body:
        quoted = Reply.get_or_none(Reply.id == quote, Reply.topic == entity.guid, Reply.deleted == False)  # noqa: E712
        if quoted is not None:
            who = quoted.author.title if quoted.author_id else _("Someone")
            reply_body = f"> **{who}** (#{quoted.number}):\n" + "\n".join(
                "> " + line for line in quoted.body.splitlines()) + "\n\n"
    moderator = threads.is_moderator(site, user, group)
    edit_after = threads.edit_after(site)
    return web.render(request, "forums/topic.html", {
        "entity": entity, "topic": topic, "group": group, "replies": rows, "page": page, "pages": total,
        "page_size": threads.PAGE, "moderator": moderator,
        "can_reply": threads.can_post(site, user, group) and (not topic.locked or moderator),
        "can_answer": user is not None and (entity.owner_id == user.guid or moderator),
        "can_edit": lambda author, created: user is not None and (
            moderator or (author == user.guid and created >= edit_after)),
        "following": user is not None and threads.follows(user.guid, entity.guid),
        "reply_body": reply_body, "reply_error": reply_error,
        "move_targets": _move_targets(site, user) if moderator else [],
    }, status_code=400 if reply_error else 200)


def _move_targets(site: SiteRuntime, user) -> list[Entity]:
    from core import access

    rows = (Entity.select().where(Entity.kind == "groups.group",
                                  access.visible(user, site))
            .order_by(Entity.title).limit(200))
    return [g for g in rows if threads.is_moderator(site, user, g)]


def unread(request):
    """Jump to the first reply the member has not read."""
    user = web.require_user(request)
    entity, topic, _group_row = _topic(request)
    reply = threads.first_unread(user.guid, topic)
    if reply is None:
        return web.redirect(request, f"{threads.url(request, entity)}?page={threads.pages(topic)}")
    return web.redirect(request, f"{threads.url(request, entity)}?page={threads.page_of(reply.number)}#r{reply.number}")


def reply(request):
    site = web.site_of(request)
    user = web.require_user(request)
    entity, topic, group = _topic(request)
    if not threads.can_post(site, user, group) or (topic.locked and not threads.is_moderator(site, user, group)):
        raise web.forbidden()
    body = (web.form(request).get("body") or "").strip()
    if not body:
        return show(request, reply_error=_("Write your reply first."))
    row = threads.add_reply(site, request.state.actor, entity, body)
    return web.redirect(request, f"{threads.url(request, entity)}?page={threads.page_of(row.number)}#r{row.number}")


def edit(request):
    """Edit the opening post (``/forums/<guid>/edit``) or a reply (``?reply=<id>``) within the delay."""
    site = web.site_of(request)
    user = web.require_user(request)
    entity, topic, group = _topic(request)
    reply_id = inputs.id_or_none(request.query_params.get("reply"))
    row = Reply.get_or_none(Reply.id == reply_id, Reply.topic == entity.guid) if reply_id else None
    if reply_id and row is None:
        raise web.not_found()
    author, created = (row.author_id, row.created) if row else (entity.owner_id, entity.created)
    if not threads.can_edit(site, user, author, created, group):
        web.flash(request, _("The time to edit this message is over."), "error")
        return web.redirect(request, threads.url(request, entity))
    values = {"title": entity.title, "body": row.body if row else topic.body}
    error = None
    if request.method == "POST":
        form = web.form(request)
        values = {"title": (form.get("title") or entity.title).strip(), "body": (form.get("body") or "").strip()}
        if not values["body"]:
            error = _("The message cannot be empty.")
        else:
            if row is not None:
                row.body, row.html, row.edited = values["body"], "", now()
                row.save()
                return web.redirect(request, f"{threads.url(request, entity)}?page={threads.page_of(row.number)}#r{row.number}")
            with database.atomic():
                topic.body, topic.edited = values["body"], now()
                topic.save()
                entities.update(site, entity, title=values["title"] or entity.title)
            return web.redirect(request, threads.url(request, entity))
    return web.render(request, "forums/edit.html", {"entity": entity, "reply": row, "values": values,
                                                    "error": error}, status_code=400 if error else 200)


def moderate(request):
    """pin, unpin, lock, unlock (moderators); answer (author or moderators); follow, unfollow; move."""
    site = web.site_of(request)
    user = web.require_user(request)
    entity, topic, group = _topic(request)
    action = request.path_params["action"]
    form = web.form(request)
    moderator = threads.is_moderator(site, user, group)
    if action in ("pin", "unpin", "lock", "unlock") and moderator:
        field = "pinned" if action in ("pin", "unpin") else "locked"
        setattr(topic, field, action in ("pin", "lock"))
        topic.save(only=[getattr(Topic, field)])
    elif action in ("answer", "unanswer") and (moderator or entity.owner_id == user.guid):
        rid = inputs.id_or_none(form.get("reply"))
        if action == "answer" and not Reply.select().where(Reply.id == rid, Reply.topic == entity.guid).exists():
            raise web.not_found()
        topic.answer = rid if action == "answer" else None
        topic.save(only=[Topic.answer])
    elif action == "follow":
        threads.follow(site, user.guid, entity.guid)
    elif action == "unfollow":
        threads.unfollow(user.guid, entity.guid)
    elif action == "move" and moderator:
        target = entities.get_visible(site, user, inputs.id_or_none(form.get("group")), kind="groups.group")
        if target is None or not threads.is_moderator(site, user, target):
            raise web.forbidden()
        threads.move(entity, target)
    else:
        raise web.forbidden()
    web.flash(request, _("Done."))
    return web.redirect(request, threads.url(request, entity))
