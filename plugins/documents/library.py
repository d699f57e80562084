"""Storing documents: checks, quotas, versions, thumbnails, search text, removal of files.

Views call :func:`store_upload` for each uploaded file; it checks the file by its
content, stores it through :mod:`core.storage` under a generated key and returns
the new :class:`Version` data. Files are removed from storage only when an item is
purged (``maillage_entity_deleted``) or its owner's data is deleted.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peewee import fn

from core import activity, entities, images
from core.db import database
from core.i18n import gettext as _
from core.models import Entity, Relationship
from core.storage import storage
from plugins.documents import files
from plugins.documents.models import FILE, FOLDER, LINK, Item, Version

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

MB = 1024 * 1024
DEFAULTS = {"max_file_mb": 20, "quota_mb": 500, "strip_exif": True, "allow_zip": False}


def settings(site: SiteRuntime) -> dict:
    values = dict(DEFAULTS)
    values.update({k: v for k, v in (site.plugin_settings("documents") or {}).items() if v not in (None, "")})
    return values


def used_bytes(owner_guid: int) -> int:
    """Bytes stored for ``owner_guid`` across every version of every document."""
    return Version.select(fn.COALESCE(fn.SUM(Version.size), 0)).where(Version.owner == owner_guid).scalar() or 0


@dataclass
class Stored:
    key: str
    thumb_key: str
    mime: str
    size: int
    filename: str
    pages: int | None
    text: str


def upload_size(upload) -> int:
    fh = upload.file
    fh.seek(0, 2)
    size = fh.tell()
    fh.seek(0)
    return size


def store_upload(site: SiteRuntime, owner_guid: int, upload, extra_bytes: int = 0) -> Stored:
    """Check ``upload`` (a Starlette UploadFile) and store it; raise :class:`files.Refused`."""
    conf = settings(site)
    name = files.clean_filename(getattr(upload, "filename", "") or "")
    size = upload_size(upload)
    if size > int(conf["max_file_mb"]) * MB:
        raise files.Refused(_("%(name)s is too large: %(max)s MB at most per file.")
                            % {"name": name, "max": conf["max_file_mb"]})
    quota = int(conf["quota_mb"]) * MB
    if quota and used_bytes(owner_guid) + extra_bytes + size > quota:
        raise files.Refused(_("%(name)s would exceed the storage quota of %(max)s MB: delete older files "
                              "first.") % {"name": name, "max": conf["quota_mb"]})
    fh = upload.file
    mime = files.sniff(fh, name, allow_zip=bool(conf["allow_zip"]))
    name = files.clean_filename(name, mime)
    store = storage(site)
    pages, text, thumb_key = None, "", ""
    if mime.startswith("image/"):
        fh.seek(0)
        data = fh.read()
        try:  # the core's image loader: type by content, decompression bombs refused
            image = images.open_image(data, max_bytes=len(data) + 1)
        except images.ImageError as exc:
            raise files.Refused(str(exc)) from None
        if conf["strip_exif"] and mime != "image/gif":
            data = images.without_metadata(image, mime)
            size = len(data)
        key = store.save(data)
        thumb_key = store.save(images.resized(image, files.THUMB_SIZE, quality=82))
    else:
        if mime == "application/pdf":
            pages, text = files.pdf_info(fh)
        elif mime in files.OFFICE_TEXT_PARTS:
            text = files.office_text(fh, mime)
        elif mime.startswith("text/"):
            text = files.text_of(fh)
        fh.seek(0)
        key = store.save(fh)
    return Stored(key=key, thumb_key=thumb_key, mime=mime, size=size, filename=name, pages=pages, text=text)


def create_file(site: SiteRuntime, actor: Entity, author, stored: Stored, title: str, description: str = "", tags: str = "",
                access: str = "public", container: Entity | None = None, folder: Entity | None = None) -> Entity:
    """Create the document entity, its item row and its first version; record activity, index, notify."""
    with database.atomic():
        entity = entities.create(site, FILE, owner=actor, title=title or stored.filename, access_level=access,
                                 container=container)
        Item.create(entity=entity, description=description, tags=tags, folder=folder, version=1,
                    key=stored.key, thumb_key=stored.thumb_key, mime=stored.mime, size=stored.size,
                    filename=stored.filename, pages=stored.pages)
        _version(entity, 1, stored, author, actor)
        activity.record(site, actor=actor, verb="uploaded", entity=entity, container=container)
    notify_new_file(site, actor, entity, folder, container)
    return entity


def add_version(site: SiteRuntime, document: Entity, item: Item, author, stored: Stored) -> int:
    """Make ``stored`` the current version of ``document``; older versions stay downloadable."""
    with database.atomic():
        number = (Version.select(fn.MAX(Version.number)).where(Version.document == document).scalar() or 0) + 1
        _version(document, number, stored, author, document.owner_id)
        Item.update(version=number, key=stored.key, thumb_key=stored.thumb_key, mime=stored.mime,
                    size=stored.size, filename=stored.filename, pages=stored.pages).where(
            Item.entity == document).execute()
        entities.update(site, document)
        activity.record(site, actor=document.owner_id or author.guid, verb="updated", entity=document)
    return number


def _version(entity, number, stored: Stored, author, owner) -> Version:
    return Version.create(document=entity, number=number, key=stored.key, thumb_key=stored.thumb_key,
                          mime=stored.mime, size=stored.size, filename=stored.filename, pages=stored.pages,
                          text=stored.text, author=getattr(author, "guid", author), owner=owner)


def create_folder(site: SiteRuntime, actor: Entity, title: str, description: str = "", access: str = "public",
                  container: Entity | None = None, album: bool = False, parent: Entity | None = None) -> Entity:
    with database.atomic():
        entity = entities.create(site, FOLDER, owner=actor, title=title, access_level=access, container=container)
        Item.create(entity=entity, description=description, album=album, folder=parent)
        activity.record(site, actor=actor, verb="created", entity=entity, container=container)
    return entity


def create_link(site: SiteRuntime, actor: Entity, title: str, url: str, note: str = "", tags: str = "",
                access: str = "public", container: Entity | None = None, folder: Entity | None = None) -> Entity:
    with database.atomic():
        entity = entities.create(site, LINK, owner=actor, title=title, access_level=access, container=container)
        Item.create(entity=entity, description=note, url=url, tags=tags, folder=folder)
    activity.record(site, actor=actor, verb="shared", entity=entity, container=container)
    return entity


KEEP = object()


def update(site: SiteRuntime, entity: Entity, item: Item, title: str, description: str, tags: str, access: str,
           url: str = "", folder=KEEP) -> None:
    """Save new details of an item (``folder``: move it; None for the top level) and index it again."""
    changes = {"description": description, "tags": tags, "url": url}
    if folder is not KEEP:
        changes["folder"] = folder
    with database.atomic():
        Item.update(**changes).where(Item.entity == entity.guid).execute()
        entities.update(site, entity, title=title, access=access)


def versions(document) -> list[Version]:
    return list(Version.select().where(Version.document == document).order_by(Version.number.desc()))


def purge(site: SiteRuntime, entity) -> None:
    """Remove every stored file of ``entity`` (all versions, thumbnails) and its rows."""
    store = storage(site)
    for version in Version.select().where(Version.document == entity.guid):
        for key in (version.key, version.thumb_key):
            if key:
                with contextlib.suppress(Exception):
                    store.delete(key)
    Version.delete().where(Version.document == entity.guid).execute()
    item = Item.get_or_none(Item.entity == entity.guid)
    # what a purged folder still holds moves up to the folder above (never silently deleted)
    Item.update(folder=item.folder_id if item else None).where(Item.folder == entity.guid).execute()
    Item.delete().where(Item.entity == entity.guid).execute()


def search_document(entity) -> dict | None:
    item = Item.get_or_none(Item.entity == entity.guid)
    if item is None:
        return None
    body = [item.description, item.tags.replace(",", " "), item.filename, item.url]
    if entity.kind == FILE:
        current = Version.get_or_none(Version.document == entity.guid, Version.number == item.version)
        if current is not None:
            body.append(current.text)
    return {"title": entity.title, "body": "\n".join(part for part in body if part)}


def notify_new_file(site: SiteRuntime, actor, entity, folder, container) -> None:
    """Tell the followers and members of the folder or container that a file was added.

    ``core.notifications.notify`` leaves out whoever may not see the file.
    """
    targets = [t.guid for t in (folder, container) if t is not None]
    if not targets:
        return
    try:
        from core import notifications
    except ImportError:
        return
    actor_guid = getattr(actor, "guid", actor)
    recipients = {r.subject_id for r in Relationship.select(Relationship.subject).where(
        Relationship.object.in_(targets), Relationship.verb.in_(["follows", *(site.membership_verbs or ())]))}
    recipients.discard(actor_guid)
    if recipients:
        with contextlib.suppress(Exception):
            notifications.notify(site, "documents.new_file", recipients, actor, entity)
