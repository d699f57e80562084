"""The documents plugin's pages: library, folders and albums, uploads, versions, downloads.

Every page and every download looks the item up with the viewer's access inside the
SQL (``entities.get_visible``): there is no URL that serves a file without that check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import UploadFile

from core import access as core_access
from core import entities, inputs, listings, web
from core.i18n import gettext as _
from core.i18n import ngettext
from core.models import ACCESS_LEVELS, Entity
from plugins.documents import files, library
from plugins.documents.models import FILE, FOLDER, KINDS, LINK, Item

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 30


# --- helpers ---------------------------------------------------------------------------


def _visible(request, guid, kind=None) -> Entity:
    site = web.site_of(request)
    entity = entities.get_visible(site, web.current_user(request), guid, kind=kind)
    if entity is None or entity.kind not in KINDS:
        raise web.not_found()
    return entity


def _items(request, *conditions, before=None, limit=PAGE):
    site = web.site_of(request)
    query = (Item.select(Item, Entity).join(Entity, on=(Item.entity == Entity.guid))
             .where(core_access.visible(web.current_user(request), site), *conditions)
             .order_by(Entity.guid.desc()).limit(limit))
    if before:
        query = query.where(Entity.guid < before)
    return list(query)


def _place(request, source) -> tuple[Entity | None, Entity | None]:
    """The folder and the container an upload goes to, from ``folder``/``container`` parameters."""
    site, user = web.site_of(request), web.current_user(request)
    folder = container = None
    folder_guid = inputs.id_or_none(source.get("folder"))
    if folder_guid:
        folder = entities.get_visible(site, user, folder_guid, kind=FOLDER)
        if folder is None:
            raise web.not_found()
        container = folder.container
    else:
        container_guid = inputs.id_or_none(source.get("container"))
        if container_guid:
            container = entities.get_visible(site, user, container_guid)
            if container is None:
                raise web.not_found()
    return folder, container


def _may_add(site: SiteRuntime, user, folder, container) -> bool:
    if folder is not None and entities.can(site, user, "edit", folder):
        return True
    if container is not None:
        return entities.can(site, user, "documents.post_in", container)
    return folder is None


OPENNESS = {"public": 4, "members": 3, "connections": 2, "container": 2, "private": 1}


def _access_choices(container, folder=None) -> list[tuple[str, str]]:
    """The access levels offered: "container" only inside one; never wider than the folder's own."""
    labels = {"public": _("Public: everyone, visitors included"), "members": _("Members of the site"),
              "connections": _("My connections"), "container": _("Members of the group"),
              "private": _("Private: only me and those who manage it")}
    widest = OPENNESS.get(folder.access, 4) if folder is not None else 4
    return [(level, labels[level]) for level in ("public", "members", "connections", "container", "private")
            if level in ACCESS_LEVELS and (level != "container" or container is not None)
            and OPENNESS[level] <= widest]


def _back_url(request, folder, container) -> str:
    if folder is not None:
        return web.url_for(request, "documents-detail", guid=folder.guid)
    if container is not None:
        return web.url_for(request, "documents-in", guid=container.guid)
    return web.url_for(request, "documents-index")


def _common(request, folder, container) -> dict:
    default = folder.access if folder is not None else ("container" if container is not None else "members")
    return {"folder": folder, "container": container, "access_choices": _access_choices(container, folder),
            "folder_item": Item.get_or_none(Item.entity == folder.guid) if folder is not None else None,
            "default_access": default, "conf": library.settings(web.site_of(request)),
            "back_url": _back_url(request, folder, container)}


def _check_access(value, container, folder=None) -> str | None:
    return value if value in dict(_access_choices(container, folder)) else None


# --- listings --------------------------------------------------------------------------


def index(request):
    """The library: folders, documents and links not inside a folder, newest first."""
    before = inputs.query_id(request, "before")
    items = _items(request, Item.folder.is_null(), Entity.container.is_null(), before=before)
    return web.render(request, "documents/index.html", {
        "items": items, "container": None, "may_add": web.current_user(request) is not None,
        "next_before": items[-1].entity.guid if len(items) == PAGE else None})


def in_container(request):
    """The documents of a group or an organisation (its "documents" tab)."""
    site, user = web.site_of(request), web.current_user(request)
    container, _where = listings.scope(request, "container")
    before = inputs.query_id(request, "before")
    items = _items(request, Item.folder.is_null(), Entity.container == container.guid, before=before)
    return web.render(request, "documents/index.html", {
        "items": items, "container": container,
        "may_add": user is not None and entities.can(site, user, "documents.post_in", container),
        "next_before": items[-1].entity.guid if len(items) == PAGE else None})


def detail(request):
    """One document (summary card, versions), one folder or album (gallery), or one link."""
    site, user = web.site_of(request), web.current_user(request)
    entity = _visible(request, request.path_params["guid"])
    item = Item.get_or_none(Item.entity == entity.guid)
    if item is None:
        raise web.not_found()
    parent = entities.get_visible(site, user, item.folder_id) if item.folder_id else None
    container = entities.get_visible(site, user, entity.container_id) if entity.container_id else None
    context = {"entity": entity, "item": item, "parent": parent, "container": container,
               "may_edit": entities.can(site, user, "edit", entity),
               "may_delete": entities.can(site, user, "delete", entity),
               "type_label": files.type_label(item.mime)}
    if entity.kind == FOLDER:
        before = inputs.query_id(request, "before")
        children = _items(request, Item.folder == entity.guid, before=before, limit=60)
        context.update(children=children, images=[c for c in children if c.is_image],
                       others=[c for c in children if not c.is_image],
                       may_add=user is not None and _may_add(site, user, entity, container),
                       next_before=children[-1].entity.guid if len(children) == 60 else None)
    elif entity.kind == FILE:
        context["versions"] = library.versions(entity)
    return web.render(request, "documents/detail.html", context)


# --- creating --------------------------------------------------------------------------


def _adding(request) -> tuple:
    """For a page that adds to the library: (site, member, the form or the query, folder, container,
    the page's context), the folder and container those name; 403 unless the member may add there."""
    site = web.site_of(request)
    user = web.require_user(request)
    source = web.form(request) if request.method == "POST" else request.query_params
    folder, container = _place(request, source)
    if not _may_add(site, user, folder, container):
        raise web.forbidden()
    return site, user, source, folder, container, _common(request, folder, container)


def upload(request):
    """Upload one or many files into the library, a folder or a container."""
    site, user, source, folder, container, context = _adding(request)
    if request.method == "GET":
        return web.render(request, "documents/upload.html", context)
    data = web.form(request)
    values = {k: (data.get(k) or "").strip() for k in ("title", "description", "tags", "access")}
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile) and f.filename]
    errors = []
    level = _check_access(values["access"], container, folder)
    if level is None:
        errors.append(_("Choose who may see these files."))
    if not uploads:
        errors.append(_("Choose at least one file."))
    created = []
    if not errors:
        actor = request.state.actor or user.entity
        for upload_file in uploads:
            try:
                stored = library.store_upload(site, actor.guid, upload_file)
            except files.Refused as exc:
                errors.append(str(exc))
                continue
            title = values["title"] if values["title"] and len(uploads) == 1 else stored.filename
            created.append(library.create_file(site, actor, user, stored, title, values["description"],
                                               _tags(values["tags"]), level, container, folder))
    if created:
        web.flash(request, ngettext("%(count)s file added.", "%(count)s files added.", len(created))
                  % {"count": len(created)})
        for error in errors:
            web.flash(request, error, "error")
        target = web.url_for(request, "documents-detail", guid=created[0].guid) if len(created) == 1 and folder is None else \
            _back_url(request, folder, container)
        return web.redirect(request, target)
    context.update(values=values, errors=errors)
    return web.render(request, "documents/upload.html", context, status_code=400)


def _tags(raw: str) -> str:
    tags = [t.strip()[:40] for t in raw.replace(";", ",").split(",") if t.strip()]
    return ", ".join(dict.fromkeys(tags))[:500]


def new_folder(request):
    """Create a folder (or an album, a folder shown as a gallery)."""
    site, user, source, parent, container, context = _adding(request)
    context["values"] = {"album": source.get("album") == "1"}
    if request.method == "GET":
        return web.render(request, "documents/folder_form.html", context)
    data = web.form(request)
    values = {k: (data.get(k) or "").strip() for k in ("title", "description", "access")}
    values["album"] = data.get("album") == "1"
    errors = {}
    if not values["title"]:
        errors["title"] = _("Give the folder a name.")
    level = _check_access(values["access"], container, parent)
    if level is None:
        errors["access"] = _("Choose who may see this folder.")
    if errors:
        context.update(values=values, errors=errors)
        return web.render(request, "documents/folder_form.html", context, status_code=400)
    actor = request.state.actor or user.entity
    folder = library.create_folder(site, actor, values["title"], values["description"], level, container,
                                   values["album"], parent)
    web.flash(request, _("Folder created."))
    return web.redirect(request, web.url_for(request, "documents-detail", guid=folder.guid))


def new_link(request):
    """Add a useful link: an address, a title and a note."""
    site, user, source, folder, container, context = _adding(request)
    context["values"] = {}
    if request.method == "GET":
        return web.render(request, "documents/link_form.html", context)
    data = web.form(request)
    values = {k: (data.get(k) or "").strip() for k in ("title", "url", "note", "tags", "access")}
    errors = {}
    try:
        values["url"] = inputs.url(values["url"], maximum=2000, required=True)
    except inputs.InvalidInput as exc:
        errors["url"] = str(exc)
    if not values["title"]:
        errors["title"] = _("Give the link a title.")
    level = _check_access(values["access"], container, folder)
    if level is None:
        errors["access"] = _("Choose who may see this link.")
    if errors:
        context.update(values=values, errors=errors)
        return web.render(request, "documents/link_form.html", context, status_code=400)
    actor = request.state.actor or user.entity
    link = library.create_link(site, actor, values["title"], values["url"], values["note"], _tags(values["tags"]),
                               level, container, folder)
    web.flash(request, _("Link added."))
    return web.redirect(request, web.url_for(request, "documents-detail", guid=link.guid))


def new_version(request):
    """Upload a new version of a document; the older versions stay available."""
    site = web.site_of(request)
    user = web.require_user(request)
    entity = _visible(request, request.path_params["guid"], kind=FILE)
    if not entities.can(site, user, "edit", entity):
        raise web.forbidden()
    upload_file = web.form(request).get("file")
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        web.flash(request, _("Choose a file."), "error")
        return web.redirect(request, web.url_for(request, "documents-detail", guid=entity.guid))
    try:
        stored = library.store_upload(site, entity.owner_id or user.guid, upload_file)
    except files.Refused as exc:
        web.flash(request, str(exc), "error")
        return web.redirect(request, web.url_for(request, "documents-detail", guid=entity.guid))
    item = Item.get(Item.entity == entity.guid)
    number = library.add_version(site, entity, item, user, stored)
    web.flash(request, _("Version %(number)s added.") % {"number": number})
    return web.redirect(request, web.url_for(request, "documents-detail", guid=entity.guid))


def _move_targets(request, entity, container) -> list[Entity]:
    """The folders a document or link may move to: same group (or none), where the member may add."""
    site, user = web.site_of(request), web.current_user(request)
    same_place = Entity.container.is_null() if container is None else Entity.container == container.guid
    folders = (Entity.select().where(Entity.kind == FOLDER, same_place, Entity.guid != entity.guid,
                                     core_access.visible(user, site))
               .order_by(Entity.title).limit(200))
    return [f for f in folders if _may_add(site, user, f, container)]


def edit(request):
    """Change the title, description, tags, access and folder of an item (and a link's address)."""
    site = web.site_of(request)
    user = web.require_user(request)
    entity = _visible(request, request.path_params["guid"])
    if not entities.can(site, user, "edit", entity):
        raise web.forbidden()
    item = Item.get(Item.entity == entity.guid)
    folder = Entity.get_or_none(Entity.guid == item.folder_id) if item.folder_id else None
    container = Entity.get_or_none(Entity.guid == entity.container_id) if entity.container_id else None
    targets = _move_targets(request, entity, container) if entity.kind != FOLDER else []
    context = _common(request, folder, container)
    context.update(entity=entity, item=item, errors={}, targets=targets)
    if request.method == "GET":
        context["values"] = _edit_values(entity, item)
        return web.render(request, "documents/edit.html", context)
    data = web.form(request)
    values = {k: (data.get(k) or "").strip() for k in ("title", "description", "tags", "access", "url", "folder")}
    errors = {}
    if entity.kind != FOLDER and values["folder"] != str(item.folder_id or ""):
        folder = _moved_to(values["folder"], targets, errors)
        context["access_choices"] = _access_choices(container, folder)
    if not values["title"]:
        errors["title"] = _("Give it a title.")
    level = _check_access(values["access"], container, folder)
    if level is None:
        errors["access"] = _("Choose who may see it.")
    if entity.kind == LINK:
        try:
            values["url"] = inputs.url(values["url"], maximum=2000, required=True)
        except inputs.InvalidInput as exc:
            errors["url"] = str(exc)
    if errors:
        context.update(values=values, errors=errors)
        return web.render(request, "documents/edit.html", context, status_code=400)
    library.update(site, entity, item, values["title"], values["description"], _tags(values["tags"]), level,
                   values["url"] if entity.kind == LINK else item.url,
                   folder=folder if entity.kind != FOLDER else library.KEEP)
    web.flash(request, _("Saved."))
    return web.redirect(request, web.url_for(request, "documents-detail", guid=entity.guid))


def _edit_values(entity: Entity, item: Item) -> dict:
    """The edit form's values: the item's as they are."""
    return {"title": entity.title, "description": item.description, "tags": item.tags, "access": entity.access,
            "url": item.url, "folder": str(item.folder_id or "")}


def _moved_to(chosen: str, targets: list[Entity], errors: dict) -> Entity | None:
    """The folder chosen among ``targets`` (None: out of any folder); one not proposed sets ``errors["folder"]``."""
    found = {str(f.guid): f for f in targets}
    if chosen and chosen not in found:
        errors["folder"] = _("Choose one of the proposed folders.")
    return found.get(chosen)


def delete(request):
    """Move a document, folder or link to the trash."""
    site = web.site_of(request)
    user = web.require_user(request)
    entity = _visible(request, request.path_params["guid"])
    allowed = entities.can(site, user, "delete", entity)
    item = Item.get_or_none(Item.entity == entity.guid)
    parent = Entity.get_or_none(Entity.guid == item.folder_id) if item and item.folder_id else None
    container = Entity.get_or_none(Entity.guid == entity.container_id) if entity.container_id else None
    return listings.trash(request, entity, allowed=allowed, back=_back_url(request, parent, container),
                          message=_("Moved to the trash."))





