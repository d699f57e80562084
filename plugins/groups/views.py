"""The groups' pages: directory, create/edit, group home (feed and tool tabs), members, announcements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from core import access, activity, entities, entity_images, images, inputs, notifications, web
from core.i18n import gettext as _
from core.models import Account, Entity
from core.storage import storage
from plugins.groups import group_form, membership
from plugins.groups.models import MEMBERSHIP_MODES, Group

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 30


def _before(request):
    return inputs.query_id(request, "before")


def _group(request) -> tuple[Entity, Group]:
    """The group of the URL if the viewer may see it (a hidden group only for its members), else 404."""
    site = web.site_of(request)
    user = web.current_user(request)
    guid = request.path_params["guid"]
    entity = entities.get_visible(site, user, guid, kind="groups.group")
    if entity is None and user is not None and membership.has(user.guid, membership.INVITED, guid):
        entity = Entity.get_or_none(Entity.guid == guid, Entity.site == site.id, Entity.kind == "groups.group",
                                    Entity.deleted_at.is_null())  # an invitation opens a hidden group's door
    if entity is None:
        raise web.not_found()
    return entity, Group.get_by_id(entity.guid)


def _require_admin(request, entity):
    user = web.require_user(request)
    if not membership.is_admin(user, entity):
        raise web.forbidden()
    return user


def index(request):
    """Every group the viewer may see, newest first; a theme filter; the viewer's groups."""
    site = web.site_of(request)
    user = web.current_user(request)
    query = (Group.select(Group, Entity).join(Entity, on=(Group.entity == Entity.guid))
             .where(access.visible(user, site),
                    Entity.kind == "groups.group")
             .order_by(Entity.guid.desc()).limit(PAGE))
    before = _before(request)
    if before:
        query = query.where(Entity.guid < before)
    rows = list(query)
    mine = membership.my_groups(site, user.guid) if user else []
    invitations = membership.my_groups(site, user.guid, verbs=[membership.INVITED]) if user else []
    entity_images.prime(site, [row.entity for row in rows] + mine + invitations, 48)
    return web.render(request, "groups/index.html", {
        "groups": rows, "mine": mine, "invitations": invitations,
        "can_create": membership.can_create(site, user),
        "next_before": rows[-1].entity_id if len(rows) == PAGE else None,
    })


def edit(request):
    """Create a group, or edit one (its administrators): details, membership, visibility, tools."""
    site = web.site_of(request)
    user = web.require_user(request)
    entity, group = _editable(request, site, user)
    tools = membership.tools(site, entity, group.disabled_tools) if entity else []
    values, errors = group_form.form_values(entity, group), {}
    if request.method == "POST":
        form = web.form(request)
        values, errors = group_form.parse(site, form)
        image = images.from_form(form, "image", errors, size=group_form.IMAGE_SIZE, square=True)
        if not errors:
            actor = request.state.actor or user.entity  # acting as an organisation: the group is its own
            entity = group_form.save(site, user, actor, values, entity, image=image,
                                     disabled=group_form.disabled_tools(tools, form) if entity else None)
            web.flash(request, _("Group saved."))
            return web.redirect(request, web.url_for(request, "groups-group", guid=entity.guid))
    return web.render(request, "groups/edit.html", {
        "entity": entity, "values": values, "errors": errors, "modes": MEMBERSHIP_MODES,
        "site_themes": group_form.themes_of(site), "tools": tools,
    }, status_code=400 if errors else 200)


def _editable(request, site: SiteRuntime, user) -> tuple[Entity | None, Group | None]:
    """The group being edited (None, None for a new one), after checking the member may edit or create it."""
    if request.path_params.get("guid") is not None:
        entity, group = _group(request)
        _require_admin(request, entity)
        return entity, group
    if not membership.can_create(site, user):
        raise web.forbidden()
    return None, None


def _context(request, entity, group, tab):
    site = web.site_of(request)
    user = web.current_user(request)
    return {"entity": entity, "group": group, "tab": tab, "state": membership.state(user, entity),
            "is_admin": membership.is_admin(user, entity), "member_count": membership.count(entity.guid),
            "tabs": [item for item, enabled in membership.tools(site, entity, group.disabled_tools) if enabled]}


def show(request):
    """The group's home: its description and its activity (what members did inside it)."""
    site = web.site_of(request)
    entity, group = _group(request)
    rows = activity.entity_feed(site, web.current_user(request), entity.guid, before=_before(request))
    ctx = _context(request, entity, group, "home")
    ctx.update(items=activity.items(site, rows, web.current_user(request)), next_before=rows[-1].id if len(rows) == activity.PAGE else None)
    return web.render(request, "groups/show.html", ctx)


def members_page(request):
    """Members of the group; its administrators also see requests, invitations and bans."""
    entity, group = _group(request)
    ctx = _context(request, entity, group, "members")
    ctx["members"] = membership.members(entity.guid, limit=500)
    entity_images.prime(web.site_of(request), ctx["members"], 48)
    ctx["admins"] = {e.guid for e in membership.members(entity.guid, membership.ADMIN, limit=500)}
    ctx["admins"].add(entity.owner_id)
    if ctx["is_admin"]:
        ctx["requests"] = membership.members(entity.guid, membership.REQUESTED, limit=500)
        ctx["invited"] = membership.members(entity.guid, membership.INVITED, limit=500)
        ctx["banned"] = membership.members(entity.guid, membership.BANNED, limit=500)
    return web.render(request, "groups/members.html", ctx)


def join(request):
    """Join an open group, accept an invitation, or ask to join."""
    site = web.site_of(request)
    user = web.require_user(request)
    entity, group = _group(request)
    result = membership.join(site, user, entity, group.membership)
    if result == "member":
        activity.record(site, actor=user.guid, verb="joined", entity=entity, container=entity.guid)
        web.flash(request, _("Welcome to the group."))
    elif result == "requested":
        admins = [e.guid for e in membership.members(entity.guid, membership.ADMIN, limit=500)]
        notifications.notify(site, "groups.request", admins, actor=user.entity, entity=entity)
        web.flash(request, _("Your request was sent to the group's administrators."))
    elif result == "banned":
        web.flash(request, _("You cannot join this group."), "error")
    elif result == "none":
        web.flash(request, _("This group is open to invited members only."), "error")
    return web.redirect(request, web.url_for(request, "groups-group", guid=entity.guid))


def leave(request):
    user = web.require_user(request)
    entity, _group_row = _group(request)
    if entity.owner_id == user.guid:
        web.flash(request, _("You created this group: hand it over before leaving."), "error")
        return web.redirect(request, web.url_for(request, "groups-group", guid=entity.guid))
    membership.leave(user.guid, entity)
    web.flash(request, _("You left the group."))
    return web.redirect(request, web.url_for(request, "groups"))


def invite(request):
    """Group administrators invite a member of the site by username or e-mail."""
    site = web.site_of(request)
    user = _require_admin(request, _group(request)[0])
    entity, _g = _group(request)
    who = (web.form(request).get("who") or "").strip().lower()
    account = Account.get_or_none((Account.site == site.id) & ((Account.username == who) | (Account.email == who)))
    if account is None:
        web.flash(request, _("No member with that name or e-mail address."), "error")
    elif membership.state(account, entity) in ("member", "admin", "banned"):
        web.flash(request, _("That person cannot be invited."), "error")
    else:
        if membership.has(account.guid, membership.REQUESTED, entity.guid):
            membership.approve(site, account.guid, entity)
        else:
            membership.add(site, account.guid, membership.INVITED, entity.guid)
            notifications.notify(site, "groups.invitation", [account.guid], actor=user.entity, entity=entity)
        web.flash(request, _("Invitation sent."))
    return web.redirect(request, web.url_for(request, "groups-members", guid=entity.guid))


def manage_member(request):
    """approve, decline, remove, ban, unban, promote (to administrator), demote."""
    site = web.site_of(request)
    entity, _g = _group(request)
    _require_admin(request, entity)
    uid, action = request.path_params["uid"], request.path_params["action"]
    if uid == entity.owner_id and action in ("remove", "ban", "demote"):
        raise web.forbidden()
    if action == "approve" and membership.has(uid, membership.REQUESTED, entity.guid):
        membership.approve(site, uid, entity)
        activity.record(site, actor=uid, verb="joined", entity=entity, container=entity.guid)
    elif action == "decline":
        membership.remove(uid, (membership.REQUESTED, membership.INVITED), entity.guid)
    elif action == "remove":
        membership.leave(uid, entity)
    elif action == "ban":
        membership.ban(site, uid, entity)
    elif action == "unban":
        membership.remove(uid, membership.BANNED, entity.guid)
    elif action == "promote" and membership.has(uid, membership.MEMBER, entity.guid):
        membership.add(site, uid, membership.ADMIN, entity.guid)
    elif action == "demote":
        membership.remove(uid, membership.ADMIN, entity.guid)
    else:
        raise web.not_found()
    web.flash(request, _("Done."))
    return web.redirect(request, web.url_for(request, "groups-members", guid=entity.guid))


def announce(request):
    """Group administrators send an announcement to members, each receiving it as they chose."""
    site = web.site_of(request)
    entity, group = _group(request)
    user = _require_admin(request, entity)
    values, error = {"text": ""}, None
    if request.method == "POST":
        values["text"] = (web.form(request).get("text") or "").strip()
        if not values["text"]:
            error = _("Write the announcement first.")
        else:
            sent = notifications.notify(site, "groups.announcement", membership.member_guids(entity),
                                        actor=request.state.actor or user.entity, entity=entity,
                                        text=values["text"])
            web.flash(request, _("Announcement sent to %(num)s members.") % {"num": sent})
            return web.redirect(request, web.url_for(request, "groups-group", guid=entity.guid))
    ctx = _context(request, entity, group, "announce")
    ctx.update(values=values, error=error)
    return web.render(request, "groups/announce.html", ctx, status_code=400 if error else 200)


def image(request):
    """The group's picture (same visibility as the group)."""
    site = web.site_of(request)
    entity, group = _group(request)
    if not group.image or not storage(site).exists(group.image):
        raise web.not_found()
    data = storage(site).read(group.image)
    return Response(data, media_type=images.sniff(data) or "image/jpeg",
                    headers={"Cache-Control": "private, max-age=3600"})
