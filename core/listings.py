"""The pieces every content plugin's pages share: a listing scoped to one owner or one container,
the containers a member may publish in (and the one a form chose), and the delete-to-trash action.

A plugin's "by owner" and "in container" pages read the entity named by the path's ``{guid}``
and filter their own listing with what :func:`scope` returns::

    def in_container(request):
        container, where = listings.scope(request, "container")
        return _list_page(request, _("Blog of %(name)s") % {"name": container.title}, **where)

    def delete(request):
        entity = ...
        return listings.trash(request, entity, allowed=posts.can_edit(site, user, entity),
                              back="/blog/", message=_("The post is in the trash; it can be restored from there."))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from core import acting, entities, web
from core.i18n import gettext as _
from core.models import Entity, Relationship

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

SCOPES = ("owner", "container")


def scope(request, by: str, param: str = "guid", visitor: bool = False) -> tuple[Entity, dict]:
    """The entity named by the path parameter ``param`` if the viewer may see it (404 otherwise),
    and the filter listing what it owns (``by="owner"``) or holds (``by="container"``):
    ``{"owner": guid}`` or ``{"container": guid}``. ``visitor``: as a visitor sees it (a public feed)."""
    if by not in SCOPES:
        raise ValueError(f"scope is 'owner' or 'container', not {by!r}")
    entity = visible_or_404(request, request.path_params[param], visitor=visitor)
    return entity, {by: entity.guid}


def visible_or_404(request, guid: int, kind: str | None = None, visitor: bool = False) -> Entity:
    """Entity ``guid`` of the request's site if the viewer (a visitor, with ``visitor``) may see it;
    else the 404 page."""
    viewer = None if visitor else web.current_user(request)
    entity = entities.get_visible(web.site_of(request), viewer, guid, kind=kind)
    if entity is None:
        raise web.not_found()
    return entity


def publishable_containers(site: SiteRuntime, user, actor: Entity, action: str) -> list[Entity]:
    """The containers ``user`` (acting as ``actor``) may publish in: the entities they act as and
    the containers ``actor`` is a member of, kept when ``entities.can(site, user, action, c)``
    (``action`` is the plugin's ``"<plugin>.post_in"``, answered by the container's plugin)."""
    candidates = {e.guid: e for e in acting.identities(site, user) if e.guid != user.guid}
    member_of = Entity.select().join(Relationship, on=(Relationship.object == Entity.guid)).where(
        Relationship.subject == actor.guid, Relationship.verb.in_(site.membership_verbs), Entity.site == site.id)
    for e in member_of:
        candidates.setdefault(e.guid, e)
    return [e for e in candidates.values() if entities.can(site, user, action, e)]


def chosen_container(chosen: str, containers: list[Entity], errors: dict, message: str | None = None) -> Entity | None:
    """The container among ``containers`` (:func:`publishable_containers`) whose guid the form's
    ``container`` field gives (``chosen``); None when none is chosen. One the member may not publish
    in sets ``errors["container"]`` (``message``, or "You cannot publish there.")."""
    if not chosen:
        return None
    container = next((c for c in containers if str(c.guid) == chosen), None)
    if container is None:
        errors["container"] = message or _("You cannot publish there.")
    return container


def trash(request, entity: Entity, allowed: bool, back: str, message: str) -> Response:
    """The delete action of a plugin's page: refuse unless ``allowed``, move ``entity`` to the
    trash (restorable from /trash, announced to ``maillage_entity_changed``), tell the member
    ``message`` and go to ``back``."""
    if not allowed:
        raise web.forbidden()
    entities.trash(web.site_of(request), entity)
    web.flash(request, message)
    return web.redirect(request, back)
