"""What the documents plugin brings: a document library and a photo library.

Entity kinds ``documents.file`` (a stored file with versions), ``documents.folder``
(a folder; an album when shown as a gallery) and ``documents.link`` (a useful link);
routes under ``/documents/``; a "Documents" tab in groups and organisations; settings
(size per file, quota per owner, EXIF removal, ZIP archives); activity, notifications,
search, personal data export and deletion, demo data.
"""

from __future__ import annotations

from starlette.routing import Route

from core import hookimpl, web
from core.i18n import gettext as _
from core.i18n import gettext_lazy as _l
from core.kinds import EntityKind, NotificationEvent
from core.menus import MenuItem
from core.models import Entity
from core.settings import SettingField
from plugins.documents import demo, files, library, serving, views
from plugins.documents.models import FILE, FOLDER, KINDS, LINK, Item, Version


@hookimpl
def maillage_routes(site):
    get, both = ["GET", "HEAD"], ["GET", "POST"]
    return [
        Route("/", views.index, methods=get, name="documents-index"),
        Route("/upload", views.upload, methods=both, name="documents-upload"),
        Route("/folders/new", views.new_folder, methods=both, name="documents-new-folder"),
        Route("/links/new", views.new_link, methods=both, name="documents-new-link"),
        Route("/in/{guid:int}", views.in_container, methods=get, name="documents-in"),
        Route("/{guid:int}", views.detail, methods=get, name="documents-detail"),
        Route("/{guid:int}/download", serving.download, methods=get, name="documents-download"),
        Route("/{guid:int}/thumb", serving.thumb, methods=get, name="documents-thumb"),
        Route("/{guid:int}/edit", views.edit, methods=both, name="documents-edit"),
        Route("/{guid:int}/versions", views.new_version, methods=["POST"], name="documents-version"),
        Route("/{guid:int}/delete", views.delete, methods=["POST"], name="documents-delete"),
    ]


@hookimpl
def maillage_menu_items(site, request):
    return [MenuItem("main", _("Documents"), web.url_for(site, "documents-index"), order=50, active_prefix="/documents/")]


@hookimpl
def maillage_template_context(request):
    return {"doc_size": files.human_size, "doc_item": lambda entity: Item.get_or_none(Item.entity == entity.guid)}


@hookimpl
def maillage_entity_kinds(site):
    def url(entity):
        return web.url_for(site, "documents-detail", guid=entity.guid)

    return [
        EntityKind(FILE, _l("Document"), url, plural=_l("Documents"), searchable=True, commentable=True,
                   likable=True, summary_template="documents/_summary.html",
                   activity_template="documents/_activity.html"),
        EntityKind(FOLDER, _l("Folder"), url, plural=_l("Folders"), searchable=True, commentable=True,
                   likable=True, summary_template="documents/_summary.html",
                   activity_template="documents/_activity.html"),
        EntityKind(LINK, _l("Link"), url, plural=_l("Links"), searchable=True, commentable=True, likable=True,
                   summary_template="documents/_summary.html", activity_template="documents/_activity.html"),
    ]


@hookimpl
def maillage_container_tools(site, container):
    return [MenuItem("container", _("Documents"), web.url_for(site, "documents-in", guid=container.guid), name="documents")]


@hookimpl
def maillage_settings_schema(site):
    return [
        SettingField("max_file_mb", _l("Largest file accepted (MB)"), type="int",
                     default=library.DEFAULTS["max_file_mb"], min=1, max=2048),
        SettingField("quota_mb", _l("Storage quota per member or organisation (MB, 0 for none)"),
                     type="int", default=library.DEFAULTS["quota_mb"], min=0, max=1_000_000),
        SettingField("strip_exif", _l("Remove EXIF metadata (camera, GPS position) from photos"),
                     type="bool", default=library.DEFAULTS["strip_exif"]),
        SettingField("allow_zip", _l("Accept ZIP archives"), type="bool",
                     default=library.DEFAULTS["allow_zip"]),
    ]


@hookimpl
def maillage_notification_events(site):
    return [NotificationEvent("documents.new_file", _l("A file is added to a group or folder I follow"),
                              default="daily")]


@hookimpl
def maillage_search_documents(site, entity):
    if entity.kind in KINDS:
        return library.search_document(entity)
    return None


@hookimpl
def maillage_entity_deleted(site, entity):
    if entity.kind in KINDS:
        library.purge(site, entity)


@hookimpl
def maillage_export_personal_data(site, user):
    from core.storage import StorageError, storage

    store = storage(site)
    rows = (Item.select(Item, Entity).join(Entity, on=(Item.entity == Entity.guid))
            .where(Entity.site == site.id, Entity.owner == user.guid, Entity.kind.in_(KINDS)))
    out, listing = {}, []
    for item in rows:
        entity = item.entity
        record = {"guid": entity.guid, "kind": entity.kind, "title": entity.title, "access": entity.access,
                  "description": item.description, "tags": item.tag_list, "url": item.url,
                  "created": entity.created.isoformat(), "versions": []}
        for version in library.versions(entity.guid):
            path = f"files/documents/{entity.guid}-v{version.number}-{version.filename}"
            try:
                out[path] = store.read(version.key)
            except StorageError:
                continue
            record["versions"].append({"number": version.number, "file": path, "type": version.mime,
                                       "size": version.size, "created": version.created.isoformat()})
        listing.append(record)
    if not listing:
        return None
    out["documents.json"] = listing
    return out


@hookimpl
def maillage_delete_personal_data(site, user, mode):
    """Delete the member's files (from storage too); with "anonymise", keep those shared in a group."""
    owned = Entity.select().where(Entity.site == site.id, Entity.owner == user.guid, Entity.kind.in_(KINDS))
    for entity in owned:
        if mode == "anonymise" and entity.container_id is not None:
            Entity.update(owner=None).where(Entity.guid == entity.guid).execute()
            Version.update(author=None).where(Version.document == entity.guid).execute()
            continue
        library.purge(site, entity)
        entity.delete_instance()
    Version.update(author=None).where(Version.author == user.guid).execute()


@hookimpl
def maillage_demo_data(site, scale, rng):
    demo.create(site, scale, rng)
