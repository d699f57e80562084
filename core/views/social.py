"""Relationship actions and lists, and the "acting as" switch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import acting, entity_images, inputs, relationships, web
from core.i18n import gettext as _
from core.i18n import gettext_lazy
from core.models import Entity

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

# The site setting ``connection_word`` picks the vocabulary of mutual connections.
WORDS = {
    "connection": {"connect": gettext_lazy("Connect"), "connections": gettext_lazy("Connections"),
                   "connected": gettext_lazy("You are connected"),
                   "explain": gettext_lazy("Connecting is mutual: they must accept. Following is one-way: "
                                           "you see their public news in your feed.")},
    "contact": {"connect": gettext_lazy("Add as a contact"), "connections": gettext_lazy("Contacts"),
                "connected": gettext_lazy("You are contacts"),
                "explain": gettext_lazy("Being contacts is mutual: they must accept. Following is one-way: "
                                        "you see their public news in your feed.")},
    "friend": {"connect": gettext_lazy("Add as a friend"), "connections": gettext_lazy("Friends"),
               "connected": gettext_lazy("You are friends"),
               "explain": gettext_lazy("Friendship is mutual: they must accept. Following is one-way: "
                                       "you see their public news in your feed.")},
    "partner": {"connect": gettext_lazy("Propose a partnership"), "connections": gettext_lazy("Partners"),
                "connected": gettext_lazy("You are partners"),
                "explain": gettext_lazy("A partnership is mutual: they must accept. Following is one-way: "
                                        "you see their public news in your feed.")},
}

ACTIONS = {
    "follow": (relationships.follow, gettext_lazy("You follow %(name)s.")),
    "unfollow": (relationships.unfollow, gettext_lazy("You no longer follow %(name)s.")),
    "connect": (relationships.request_connection, gettext_lazy("Request sent to %(name)s.")),
    "accept": (relationships.accept, gettext_lazy("You are now connected with %(name)s.")),
    "decline": (relationships.decline, gettext_lazy("Request declined.")),
    "withdraw": (relationships.withdraw, gettext_lazy("Request withdrawn.")),
    "disconnect": (relationships.disconnect, gettext_lazy("Connection with %(name)s removed.")),
    "block": (relationships.block, gettext_lazy("%(name)s is blocked.")),
    "unblock": (relationships.unblock, gettext_lazy("%(name)s is no longer blocked.")),
}
PRIVATE_LISTS = {"requests", "requested", "blocked"}


def words(site: SiteRuntime) -> dict:
    """The labels of mutual connections chosen by the site."""
    return WORDS.get(site.settings.get("connection_word", "connection"), WORDS["connection"])


def _target(request) -> Entity:
    from core import entities

    site = web.site_of(request)
    entity = entities.get_visible(site, web.current_user(request), request.path_params["guid"])
    if entity is None:
        raise web.not_found()
    return entity


def act(request):
    """Follow, connect, accept, decline, withdraw, disconnect, block or unblock, as the current actor."""
    web.require_user(request)
    site = web.site_of(request)
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise web.not_found()
    target = _target(request)
    actor = _acting(request, site)
    function, message = ACTIONS[action]
    try:
        result = function(site, actor.guid, target.guid)
        if action == "connect" and result == "connected":
            message = ACTIONS["accept"][1]
        if action == "accept" or (action == "connect" and result in ("requested", "connected")):
            from core import notifications

            event = "core.connection_request" if result != "connected" and action == "connect" \
                else "core.connection_accepted"
            notifications.notify(site, event, [target.guid], actor=actor, entity=target)
        web.flash(request, str(message) % {"name": target.title})
    except relationships.RelationshipError as exc:
        web.flash(request, str(exc), "error")
    return web.redirect(request, web.safe_next(web.form(request).get("next"), web.url_for(request, "relationship-list", guid=target.guid, which="followers")))


def _acting(request, site: SiteRuntime) -> Entity:
    """Who acts: the identity of the header's switch, or the one a form names (``as``: the member or
    an entity they may act as, as on the Relations page, which lists every identity at once)."""
    chosen = inputs.id_or_none(web.form(request).get("as"))
    user = web.current_user(request)
    if not chosen or chosen == request.state.actor.guid:
        return request.state.actor
    if chosen == user.guid:
        return user.entity
    if not acting.can_act_as(site, user, chosen):
        raise web.forbidden()
    return Entity.get_by_id(chosen)


RELATIONS = ("requests", "requested", "connections", "followers", "following")
RELATIONS_SHOWN = 20


def relations(request):
    """The Relations page: requests received and sent, connections, followers and followed, for the
    member and for each entity they may act as (an organisation, a group), each list's newest first."""
    user = web.require_user(request)
    site = web.site_of(request)
    sections = []
    for entity in [user.entity, *acting.identities(site, user)]:
        sections.append({
            "entity": entity,
            "lists": {name: relationships.listing(entity.guid, name, limit=RELATIONS_SHOWN) for name in RELATIONS},
            "counts": {name: relationships.count(entity.guid, name) for name in RELATIONS},
        })
    return web.render(request, "core/relations.html", {"sections": sections, "words": words(site),
                                                        "shown": RELATIONS_SHOWN})


def listing(request):
    """Followers, following, connections; pending requests and blocks for the owner only."""
    site = web.site_of(request)
    which = request.path_params["which"]
    if which not in relationships.LISTS:
        raise web.not_found()
    target = _target(request)
    if which in PRIVATE_LISTS:
        user = web.require_user(request)
        if target.guid not in (request.state.actor.guid, user.guid) and not acting.can_act_as(site, user, target.guid):
            raise web.forbidden()
    rows = relationships.listing(target.guid, which, inputs.query_id(request, "before"))
    entity_images.prime(site, [e for _rid, e in rows], 32)
    return web.render(request, "core/relationship_list.html", {
        "target": target, "which": which, "rows": rows, "words": words(site),
        "counts": relationships.counts(site, target.guid, shared=True),
        "next_before": rows[-1][0] if len(rows) == relationships.PAGE else None,
    })


def switch_identity(request):
    """Act as oneself or as an entity one manages (an organisation, a group)."""
    user = web.require_user(request)
    site = web.site_of(request)
    data = web.form(request)
    guid = inputs.id_or_none(data.get("actor"))
    if guid and guid != user.guid:
        if not acting.can_act_as(site, user, guid):
            raise web.forbidden()
        request.session["actor"] = guid
        entity = Entity.get_by_id(guid)
        web.flash(request, _("You now act as %(name)s.") % {"name": entity.title}, "info")
    else:
        request.session.pop("actor", None)
        web.flash(request, _("You act as yourself again."), "info")
    return web.redirect(request, web.safe_next(data.get("next")))
