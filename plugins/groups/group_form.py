"""The group form: its values for a new or an existing group, reading it back into values and
errors (one small reader per part), and saving a group from those values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import activity, entities, gazetteer, inputs
from core.db import database
from core.i18n import gettext as _
from core.models import Account, Entity
from core.storage import storage
from plugins.groups import membership
from plugins.groups.models import MEMBERSHIP_MODES, VISIBILITIES, Group

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

ACCESS_OF = {"public": "public", "members": "members", "hidden": "container"}
IMAGE_SIZE = (400, 400)  # the group's picture, square


def themes_of(site: SiteRuntime) -> list[str]:
    """The site's taxonomy as plain labels (items may be strings or tables with a name)."""
    result = []
    for item in site.config.taxonomy or []:
        result.append(item if isinstance(item, str) else str(item.get("label") or item.get("name") or ""))
    return [t for t in result if t]


def form_values(entity: Entity | None, group: Group | None) -> dict:
    """The form's values: the group's, or the defaults of a new one."""
    if entity is None or group is None:
        return {"name": "", "description": "", "membership": "open", "visibility": "public", "themes": [],
                "territory": ""}
    return {"name": entity.title, "description": group.description, "membership": group.membership,
            "visibility": group.visibility, "themes": group.themes, "territory": group.territory}


def parse(site: SiteRuntime, form) -> tuple[dict, dict]:
    """Read the group form; return (values, errors), errors keyed by field."""
    values = {"name": inputs.text(form.get("name")), "description": inputs.text(form.get("description")),
              "membership": form.get("membership") or "", "visibility": form.get("visibility") or "",
              "themes": [t for t in form.getlist("themes") if t in themes_of(site)],
              "territory": inputs.text(form.get("territory"))[:200]}
    errors: dict = {}
    if not values["name"]:
        errors["name"] = _("Give the group a name.")
    if values["membership"] not in MEMBERSHIP_MODES:
        errors["membership"] = _("Choose how people join.")
    if values["visibility"] not in VISIBILITIES:
        errors["visibility"] = _("Choose who sees the group.")
    if values["territory"] and not _place_known(values["territory"]):
        errors["territory"] = _("No commune or postal code of that name was found.")
    return values, errors


def _place_known(text: str) -> bool:
    """True when the gazetteer knows the commune or postal code (or cannot be read: the text is kept)."""
    try:
        return bool(gazetteer.lookup(text))
    except Exception:
        return True


def disabled_tools(tools: list, form) -> list[str]:
    """The tools offered to the group (``membership.tools``) that the form leaves unticked."""
    on = set(form.getlist("tools"))
    return [item.name for item, _enabled in tools if item.name not in on]


def save(site: SiteRuntime, user: Account, actor: Entity, values: dict, entity: Entity | None = None,
         image: bytes | None = None, disabled: list[str] | None = None) -> Entity:
    """Create a group (``entity`` None: ``actor`` owns it, ``user`` is its first administrator) or update
    one from the form's ``values``; ``image`` a new picture, ``disabled`` its unticked tools (None: kept)."""
    level = ACCESS_OF[values["visibility"]]
    created = entity is None
    with database.atomic():  # the change is announced (search index) once the group row is saved
        if created:
            entity = _create(site, user, actor, values["name"], level)
        else:
            entities.update(site, entity, title=values["name"], access=level)  # announced after commit
        group = Group.get_by_id(entity.guid)
        group.description, group.membership = values["description"], values["membership"]
        group.themes, group.territory = values["themes"], values["territory"]
        if image:
            if group.image:
                storage(site).delete(group.image)
            group.image = storage(site).save(image)
        if disabled is not None:
            group.disabled_tools = disabled
        group.save()
    if created:
        activity.record(site, actor=actor.guid, verb="created", entity=entity, container=entity.guid)
    return entity


def _create(site: SiteRuntime, user: Account, actor: Entity, name: str, level: str) -> Entity:
    """A new group owned by ``actor``, with ``user`` its administrator and member (and ``actor`` a member)."""
    entity = entities.create(site, "groups.group", owner=actor.guid, title=name, access_level=level)
    entity.container = entity.guid  # a hidden group is its own container: its members see it
    entity.save(only=[Entity.container])
    Group.create(entity=entity)
    membership.add(site, user.guid, membership.ADMIN, entity.guid)
    membership.add(site, user.guid, membership.MEMBER, entity.guid)
    if actor.guid != user.guid:
        membership.add(site, actor.guid, membership.MEMBER, entity.guid)
    return entity
