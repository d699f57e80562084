"""The groups' pages: directory, create/edit, group home (feed and tool tabs), members, announcements."""

from __future__ import annotations

from core import access, activity, entities, entity_images, images, inputs, web
from core.db import database
from core.i18n import gettext as _
from core.models import Account, Entity
from core.storage import storage
from plugins.groups import membership
from plugins.groups.models import MEMBERSHIP_MODES, VISIBILITIES, Group

PAGE = 30
ACCESS_OF = {"public": "public", "members": "members", "hidden": "container"}


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


def themes_of(site) -> list[str]:
    """The site's taxonomy as plain labels (items may be strings or tables with a name)."""
    result = []
    for item in site.config.taxonomy or []:
        result.append(item if isinstance(item, str) else str(item.get("label") or item.get("name") or ""))
    return [t for t in result if t]


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
    guid = request.path_params.get("guid")
    entity = group = None
    if guid is not None:
        entity, group = _group(request)
        _require_admin(request, entity)
    elif not membership.can_create(site, user):
        raise web.forbidden()
    tools = membership.tools(site, entity, group.disabled_tools if group else ()) if entity else []
    values = {"name": entity.title if entity else "", "description": group.description if group else "",
              "membership": group.membership if group else "open",
              "visibility": group.visibility if group else "public",
              "themes": group.themes if group else [], "territory": group.territory if group else ""}
    errors = {}
    if request.method == "POST":
        form = web.form(request)
        values = {"name": (form.get("name") or "").strip(), "description": (form.get("description") or "").strip(),
                  "membership": form.get("membership") or "", "visibility": form.get("visibility") or "",
                  "themes": [t for t in form.getlist("themes") if t in themes_of(site)],
                  "territory": (form.get("territory") or "").strip()[:200]}
        if not values["name"]:
            errors["name"] = _("Give the group a name.")
        if values["membership"] not in MEMBERSHIP_MODES:
            errors["membership"] = _("Choose how people join.")
        if values["visibility"] not in VISIBILITIES:
            errors["visibility"] = _("Choose who sees the group.")
        if values["territory"] and not _place_known(values["territory"]):
            errors["territory"] = _("No commune or postal code of that name was found.")
        image_key = None
        upload = form.get("image")
        if upload is not None and getattr(upload, "filename", ""):
            data = upload.file.read()
            if data:
                try:
                    image_key = storage(site).save(images.thumbnail(data, (400, 400), square=True))
                except Exception:
                    errors["image"] = _("This file is not an image we can read (JPEG, PNG, GIF or WebP).")
        if not errors:
            level = ACCESS_OF[values["visibility"]]
            actor = request.state.actor or user.entity  # acting as an organisation: the group is its own
            with database.atomic():  # the change is announced (search index) once the group row is saved
                if entity is None:
                    entity = entities.create(site, "groups.group", owner=actor.guid, title=values["name"],
                                             access_level=level)
                    entity.container = entity.guid  # a hidden group is its own container: its members see it
                    entity.save(only=[Entity.container])
                    group = Group.create(entity=entity, description=values["description"])
                    membership.add(site, user.guid, membership.ADMIN, entity.guid)
                    membership.add(site, user.guid, membership.MEMBER, entity.guid)
                    if actor.guid != user.guid:
                        membership.add(site, actor.guid, membership.MEMBER, entity.guid)
                    verb = "created"
                else:
                    entities.update(site, entity, title=values["name"], access=level)  # announced after commit
                    verb = None
                group.description, group.membership = values["description"], values["membership"]
                group.themes, group.territory = values["themes"], values["territory"]
                if image_key:
                    if group.image:
                        storage(site).delete(group.image)
                    group.image = image_key
                if guid is not None:
                    offered = [item.name for item, _enabled in tools]
                    on = set(form.getlist("tools"))
                    group.disabled_tools = [name for name in offered if name not in on]
                group.save()
            if verb:
                activity.record(site, actor=actor.guid, verb=verb, entity=entity, container=entity.guid)
            web.flash(request, _("Group saved."))
            return web.redirect(request, web.url_for(request, "groups-group", guid=entity.guid))
    return web.render(request, "groups/edit.html", {
        "entity": entity, "values": values, "errors": errors, "modes": MEMBERSHIP_MODES,
        "site_themes": themes_of(site), "tools": tools,
    }, status_code=400 if errors else 200)


def _place_known(text: str) -> bool:
    try:
        from core import gazetteer
    except ImportError:
        return True  # no gazetteer on this installation: keep the text as given
    try:
        return bool(gazetteer.lookup(text))
    except Exception:
        return True


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
        from core import notifications

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
            from core import notifications

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
            from core import notifications

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
    from starlette.responses import Response

    site = web.site_of(request)
    entity, group = _group(request)
    if not group.image or not storage(site).exists(group.image):
        raise web.not_found()
    data = storage(site).read(group.image)
    return Response(data, media_type=images.sniff(data) or "image/jpeg",
                    headers={"Cache-Control": "private, max-age=3600"})
