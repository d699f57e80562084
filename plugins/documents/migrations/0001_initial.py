"""Create documents_item (documents, folders, links) and documents_version (stored files)."""

import datetime

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db)

    class Item(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        description = TextField(default="")
        tags = CharField(max_length=500, default="")
        folder = ForeignKeyField(Entity, null=True, on_delete="SET NULL")
        album = BooleanField(default=False)
        url = CharField(max_length=2000, default="")
        version = IntegerField(default=0)
        key = CharField(max_length=64, default="")
        thumb_key = CharField(max_length=64, default="")
        mime = CharField(max_length=100, default="")
        size = BigIntegerField(default=0)
        filename = CharField(max_length=255, default="")
        pages = IntegerField(null=True)

        class Meta:
            table_name = "documents_item"

    class Version(Base):
        document = ForeignKeyField(Entity, on_delete="CASCADE")
        number = IntegerField()
        key = CharField(max_length=64)
        thumb_key = CharField(max_length=64, default="")
        mime = CharField(max_length=100)
        size = BigIntegerField()
        filename = CharField(max_length=255)
        pages = IntegerField(null=True)
        text = TextField(default="")
        author = ForeignKeyField(Entity, null=True, on_delete="SET NULL")
        owner = ForeignKeyField(Entity, null=True, on_delete="SET NULL")
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "documents_version"
            indexes = ((("document", "number"), True),)

    db.create_tables([Item, Version])
