"""Organisation cards: fields from a form, saving, managers, the site's taxonomy and identifiers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from core import activity, entities, entity_images, gazetteer, images, inputs, relationships, web
from core.db import database
from core.i18n import gettext as _
from core.models import Entity
from core.storage import StorageError, storage
from plugins.directory.models import Organisation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

KIND = "directory.organisation"
LOGO_SIZE = (400, 400)  # a logo fits in this box, its proportions kept
LOGO_MAX_BYTES = 10 * 1024 * 1024
LOGO_VERSION_CHARS = 8  # of the file's key, in the logo's address
TEXT_FIELDS = ("acronym", "short_description", "description", "president", "director", "address", "commune",
               "postcode", "email", "phone", "website", "links", "competences")
FIELD_LIMITS = {"acronym": 40, "short_description": 300, "president": 200, "director": 200, "address": 300,
                "commune": 200, "postcode": 10, "email": 200, "phone": 40, "website": 300, "links": 5000,
                "description": 100_000}  # the columns' sizes


AGGREGATES = "directory.aggregates"  # site.remember namespace of the map's clusters and the theme counts


def forget_aggregates(site: SiteRuntime) -> None:
    """Drop this worker's cached clusters and counts of ``site`` (after a card changes here)."""
    site.forget(AGGREGATES)


def taxonomy(site: SiteRuntime) -> list[dict]:
    """The theme tree: [{"key", "label", "children": [{"key", "label"}]}] from the site file's
    ``[[taxonomy]]`` (entries with ``name`` or ``label`` and optional ``children``/``sub``), unless the
    administrator edited it at /directory/themes (stored in the plugin settings, key ``taxonomy``)."""
    stored = site.plugin_settings("directory").get("taxonomy")
    if stored is not None:
        return stored
    tree = []
    for node in site.config.taxonomy or []:
        label = node.get("label") or node.get("name") or ""
        key = node.get("key") or label
        children = [{"key": c.get("key") or c.get("label") or c.get("name"),
                     "label": c.get("label") or c.get("name")} if isinstance(c, dict)
                    else {"key": str(c), "label": str(c)} for c in node.get("children", node.get("sub", []))]
        tree.append({"key": key, "label": label, "children": children})
    return tree


def theme_keys(site: SiteRuntime) -> set[str]:
    keys = set()
    for node in taxonomy(site):
        keys.add(node["key"])
        keys.update(c["key"] for c in node["children"])
    return keys


def identifier_names(site: SiteRuntime) -> list[str]:
    return list(site.plugin_settings("directory").get("identifiers") or [])


def free_fields(site: SiteRuntime) -> list[str]:
    return list(site.plugin_settings("directory").get("fields") or [])


def parse(site: SiteRuntime, data) -> tuple[dict, dict, list[str]]:
    """Form data -> (entity values, card values, errors). Values are kept for re-display."""
    errors: list[str] = []
    name = (data.get("name") or "").strip()
    if not name:
        errors.append(_("Give the organisation's name."))
    values = {f: (data.get(f) or "").strip() for f in TEXT_FIELDS}
    values["contacts_public"] = data.get("contacts_public") in ("1", "on")
    for read in (_read_description, _read_identity, _read_contacts, _read_place):
        read(site, data, values, errors)
    access_level = data.get("access") or "public"
    if access_level not in ("public", "members"):
        errors.append(_("Choose who may see the card."))
    return {"name": name, "access": access_level}, values, errors


def _read_description(site: SiteRuntime, data, values: dict, errors: list[str]) -> None:
    """Competences (a bounded list), themes of the site's tree, founding date, text lengths."""
    limit = int(site.plugin_settings("directory").get("max_competences") or 7)
    competences = [c.strip() for c in values["competences"].splitlines() if c.strip()]
    if len(competences) > limit:
        errors.append(_("%(max)s competences at most.") % {"max": limit})
    values["competences"] = "\n".join(competences)
    allowed = theme_keys(site)
    chosen = [t for t in data.getlist("themes") if t in allowed] if hasattr(data, "getlist") else []
    values["themes"] = f"|{'|'.join(chosen)}|" if chosen else ""
    try:
        values["founded"] = inputs.date(data.get("founded"))
    except inputs.InvalidInput as exc:
        errors.append(str(exc))
        values["founded"] = None
    for field, most in FIELD_LIMITS.items():
        if len(values[field]) > most:
            errors.append(_("%(field)s: %(max)s characters at most.") % {"field": field, "max": most})


def _read_identity(site: SiteRuntime, data, values: dict, errors: list[str]) -> None:
    """The site's identifiers (the first one given is the legal id) and its free fields."""
    idents = {n: (data.get(f"id_{n}") or "").strip() for n in identifier_names(site)}
    values["identifiers"] = json.dumps({k: v for k, v in idents.items() if v})
    values["legal_id"] = next((v for v in idents.values() if v), None)
    values["extra"] = json.dumps({f: (data.get(f"extra_{f}") or "").strip() for f in free_fields(site)})


def _read_contacts(site: SiteRuntime, data, values: dict, errors: list[str]) -> None:
    """Web site, e-mail, postal code and social links, through the core's typed parsers."""
    for field, parser in (("website", inputs.url), ("email", inputs.email), ("postcode", inputs.postcode)):
        try:
            parser(values[field])
        except inputs.InvalidInput as exc:
            errors.append(str(exc))
    try:
        values["links"] = "\n".join(inputs.url(line) for line in values["links"].splitlines() if line.strip())
    except inputs.InvalidInput:
        errors.append(_("Social links: one address starting with http:// or https:// per line."))


def _read_place(site: SiteRuntime, data, values: dict, errors: list[str]) -> None:
    """Coordinates as given, else those of the commune or postal code (offline gazetteer)."""
    try:
        values["lat"], values["lon"] = inputs.coordinates(data.get("lat"), data.get("lon"))
    except inputs.InvalidInput as exc:
        errors.append(str(exc))
        values["lat"] = values["lon"] = None
    if values["lat"] is None and (values["postcode"] or values["commune"]):
        found = gazetteer.lookup(f"{values['commune']} {values['postcode']}".strip(), limit=1)
        if found:
            values["lat"], values["lon"] = found[0].lat, found[0].lon
            values["commune"] = values["commune"] or found[0].name


def read_logo(data) -> bytes | None:
    """The logo sent with the form (field ``logo``), checked by its content, turned upright, resized to fit
    :data:`LOGO_SIZE` (proportions kept) and stripped of its metadata; None when no file was chosen.
    Nothing is stored yet. Raises :class:`core.images.ImageError` whose message is for the member."""
    upload = data.get("logo")
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return images.thumbnail(upload.file.read(LOGO_MAX_BYTES + 1), LOGO_SIZE)


def logo_url(site: SiteRuntime, guid: int, key: str) -> str:
    """The address of a card's logo, "" when it has none. It carries the start of the file's key, so a new
    logo gets a new address and browsers may keep each one long."""
    if not key:
        return ""
    return web.url_for(site, "directory-logo", guid=guid) + f"?v={key[:LOGO_VERSION_CHARS]}"


def logo_markup(site: SiteRuntime, guid: int, key: str, title: str, size: int = 56) -> Markup:
    """A card's logo in a list of cards, else the initials of its name in a square (what the directory's
    list and "near me" show beside each card; thirty to a hundred of them, so written in Python)."""
    src = logo_url(site, guid, key)
    if not src:
        return entity_images.initials(title, size, square=True)
    return Markup(f'<img class="directory-logo-small" src="{escape(src)}" alt="" width="{int(size)}" height="{int(size)}"'
                  ' loading="lazy">')


def logo_urls(site: SiteRuntime, guids: list[int]) -> dict[int, str]:
    """The logos of the cards among ``guids`` that have one, in one query (``maillage_entity_images``)."""
    rows = (Organisation.select(Organisation.entity, Organisation.logo)
            .where(Organisation.entity.in_(guids), Organisation.logo != "").tuples())
    return {guid: logo_url(site, guid, key) for guid, key in rows}


def create(site: SiteRuntime, user, actor, head: dict, values: dict, logo: bytes | None = None) -> Entity:
    """A new card owned by ``actor``; ``user`` manages it. ``logo``: an image from :func:`read_logo`."""
    key = storage(site).save(logo) if logo else ""
    try:
        with database.atomic():
            entity = entities.create(site, KIND, owner=actor, title=head["name"], access_level=head["access"])
            Organisation.create(entity=entity, logo=key, **values)
    except Exception:
        if key:
            storage(site).delete(key)
        raise
    relationships.add(site, user.guid, "manages", entity.guid)
    forget_aggregates(site)
    activity.record(site, actor=entity, verb="created", entity=entity)
    return entity


def update(site: SiteRuntime, entity: Entity, head: dict, values: dict, logo: bytes | None = None,
           remove_logo: bool = False) -> None:
    """Save a card's fields; ``logo`` (from :func:`read_logo`) replaces the logo, ``remove_logo`` drops it.
    The replaced or removed file is deleted once the row no longer refers to it."""
    old = Organisation.select(Organisation.logo).where(Organisation.entity == entity.guid).scalar() or ""
    values = dict(values)
    if logo:
        values["logo"] = storage(site).save(logo)
    elif remove_logo:
        values["logo"] = ""
    try:
        with database.atomic():
            Organisation.update(**values).where(Organisation.entity == entity.guid).execute()
            entities.update(site, entity, title=head["name"], access=head["access"])
    except Exception:
        if values.get("logo"):
            storage(site).delete(values["logo"])
        raise
    if old and "logo" in values and values["logo"] != old:
        _delete_file(site, old)
    forget_aggregates(site)


def delete_logo_file(site: SiteRuntime, entity: Entity) -> None:
    """Free the logo file of a card removed for good."""
    key = Organisation.select(Organisation.logo).where(Organisation.entity == entity.guid).scalar()
    if key:
        _delete_file(site, key)


def _delete_file(site: SiteRuntime, key: str) -> None:
    try:
        storage(site).delete(key)
    except StorageError:  # not a key the storage made: nothing of ours to delete
        pass


def add_manager(site: SiteRuntime, card: Entity, member_guid: int) -> None:
    relationships.add(site, member_guid, "manages", card.guid)
    Organisation.update(claimed=True).where(Organisation.entity == card.guid).execute()
