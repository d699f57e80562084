"""What the groups plugin brings in code: membership verbs, pages, permissions inside groups
(``<plugin>.post_in``), notifications and data hooks. The "groups.group" kind, the menu entry and
the settings are declared in plugin.toml.
"""

from starlette.routing import Route

from core import hookimpl, web
from core.i18n import gettext_lazy as _l
from core.kinds import NotificationEvent, RelationshipVerb
from core.models import Entity, Relationship
from plugins.groups import demo, membership, views
from plugins.groups.models import Group


@hookimpl
def maillage_routes(site):
    g = "/{guid:int}"
    return [
        Route("/", views.index, name="groups"),
        Route("/new", views.edit, methods=["GET", "POST"], name="groups-new"),
        Route(g, views.show, name="groups-group"),
        Route(g + "/members", views.members_page, name="groups-members"),
        Route(g + "/edit", views.edit, methods=["GET", "POST"], name="groups-edit"),
        Route(g + "/join", views.join, methods=["POST"], name="groups-join"),
        Route(g + "/leave", views.leave, methods=["POST"], name="groups-leave"),
        Route(g + "/invite", views.invite, methods=["POST"], name="groups-invite"),
        Route(g + "/members/{uid:int}/{action}", views.manage_member, methods=["POST"], name="groups-manage"),
        Route(g + "/image", views.image, name="groups-image"),
        Route(g + "/announce", views.announce, methods=["GET", "POST"], name="groups-announce"),
    ]


@hookimpl
def maillage_entity_images(site, entities, size):
    """Groups show their image in feeds and lists (one query for the list)."""
    guids = [e.guid for e in entities if e.kind == "groups.group"]
    if not guids:
        return None
    rows = Group.select(Group.entity, Group.image).where(Group.entity.in_(guids), Group.image != "").tuples()
    return {guid: web.url_for(site, "groups-image", guid=guid) + f"?v={key[:8]}" for guid, key in rows}


@hookimpl
def maillage_relationship_verbs(site):
    return [RelationshipVerb("groups.requested", _l("asked to join")),
            RelationshipVerb("groups.invited", _l("is invited to")),
            RelationshipVerb("groups.banned", _l("is banned from"))]


@hookimpl
def maillage_container_membership_verbs(site):
    return ["member_of"]


@hookimpl
def maillage_permission(site, user, action, entity):
    """Inside a group: members post with a tool the group enabled; group admins edit and moderate."""
    if entity is None or entity.kind != "groups.group":
        return None
    if action.endswith(".post_in"):
        plugin = action[: -len(".post_in")]
        if membership.state(user, entity) not in ("member", "admin"):
            return False
        return membership.tool_enabled(entity.guid, plugin) or False
    if action in ("edit", "moderate", "delete", "groups.manage"):
        return True if membership.is_admin(user, entity) else None
    return None


@hookimpl
def maillage_notification_events(site):
    return [NotificationEvent("groups.announcement", _l("An announcement from a group I belong to"),
                              default="instant"),
            NotificationEvent("groups.invitation", _l("An invitation to join a group"), default="instant"),
            NotificationEvent("groups.request", _l("Someone asks to join a group I run"), default="instant")]


@hookimpl
def maillage_search_documents(site, entity):
    if entity.kind == "groups.group":
        group = Group.get_or_none(Group.entity == entity.guid)
        if group is not None:
            return {"title": entity.title,
                    "body": f"{group.description}\n{' '.join(group.themes or [])}\n{group.territory}"}


@hookimpl
def maillage_export_personal_data(site, user):
    rows = (Relationship.select(Relationship, Entity).join(Entity, on=(Relationship.object == Entity.guid))
            .where(Relationship.subject == user.guid, Entity.kind == "groups.group"))
    return {"groups/memberships.json": [{"group": r.object.title, "guid": r.object_id, "role": r.verb,
                                         "since": r.created} for r in rows]}


@hookimpl
def maillage_delete_personal_data(site, user, mode):
    """Memberships end with the account; groups they own stay (their administrators keep them)."""
    groups = Entity.select(Entity.guid).where(Entity.kind == "groups.group", Entity.site == site.id)
    Relationship.delete().where(Relationship.subject == user.guid, Relationship.object.in_(groups)).execute()


@hookimpl
def maillage_demo_data(site, scale, rng):
    demo.generate(site, scale, rng)
