"""The documents plugin's tables: one row per library item, one row per stored file version.

Every item is an :class:`core.models.Entity` (kinds ``documents.file``, ``documents.folder``,
``documents.link``); :class:`Item` keeps its own columns keyed 1:1 by the guid. A file's
current version is copied on the item (key, type, size, name) so listings need no extra
query; :class:`Version` keeps every stored version, older ones included.
"""

import peewee as pw

from core.db import BaseModel, now
from core.models import Entity

FILE, FOLDER, LINK = "documents.file", "documents.folder", "documents.link"
KINDS = (FILE, FOLDER, LINK)


class Item(BaseModel):
    """A document, a folder (an album when it holds images) or a useful link."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    description = pw.TextField(default="")
    tags = pw.CharField(max_length=500, default="")
    folder = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    album = pw.BooleanField(default=False)
    url = pw.CharField(max_length=2000, default="")
    # the current version of a file
    version = pw.IntegerField(default=0)
    key = pw.CharField(max_length=64, default="")
    thumb_key = pw.CharField(max_length=64, default="")
    mime = pw.CharField(max_length=100, default="")
    size = pw.BigIntegerField(default=0)
    filename = pw.CharField(max_length=255, default="")
    pages = pw.IntegerField(null=True)

    class Meta:
        table_name = "documents_item"

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (x.strip() for x in self.tags.split(",")) if t]

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


class Version(BaseModel):
    """One stored file of a document; a new upload adds a version and keeps the older ones."""

    document = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    number = pw.IntegerField()
    key = pw.CharField(max_length=64)
    thumb_key = pw.CharField(max_length=64, default="")
    mime = pw.CharField(max_length=100)
    size = pw.BigIntegerField()
    filename = pw.CharField(max_length=255)
    pages = pw.IntegerField(null=True)
    text = pw.TextField(default="")
    author = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    owner = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "documents_version"
        indexes = ((("document", "number"), True),)
