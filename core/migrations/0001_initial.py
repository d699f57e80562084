"""Sites, entities, accounts, relationships and activity."""

import datetime

from peewee import AutoField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base = stubs(db).Base

    class Site(Base):
        id = CharField(primary_key=True, max_length=64)
        name = CharField(max_length=200)
        plugins = TextField(default="[]")
        settings = TextField(default="{}")
        plugin_settings = TextField(default="{}")
        revision = IntegerField(default=1)
        created = DateTimeField(default=datetime.datetime.now)

    class Entity(Base):
        guid = AutoField()
        site = CharField(max_length=64, index=True)
        kind = CharField(max_length=64)
        owner = ForeignKeyField("self", null=True, on_delete="SET NULL")
        container = ForeignKeyField("self", null=True, on_delete="SET NULL")
        access = CharField(max_length=16, default="public")
        title = CharField(max_length=300, default="")
        created = DateTimeField()
        updated = DateTimeField()
        deleted_at = DateTimeField(null=True)
        hidden = BooleanField(default=False)

        class Meta:
            indexes = ((("site", "kind", "created"), False),)

    class Account(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        site = CharField(max_length=64)
        email = CharField(max_length=254)
        username = CharField(max_length=64)
        password_hash = CharField(max_length=255, default="")
        state = CharField(max_length=20, default="active")
        role = CharField(max_length=16, default="member")
        language = CharField(max_length=8, default="")
        session_epoch = IntegerField(default=0)
        created = DateTimeField()
        last_login = DateTimeField(null=True)

        class Meta:
            indexes = ((("site", "email"), True), (("site", "username"), True))

    class Relationship(Base):
        site = CharField(max_length=64)
        subject = ForeignKeyField(Entity, on_delete="CASCADE")
        verb = CharField(max_length=64)
        object = ForeignKeyField(Entity, on_delete="CASCADE")
        created = DateTimeField()

        class Meta:
            indexes = ((("subject", "verb", "object"), True), (("object", "verb", "subject"), False))

    class Activity(Base):
        id = AutoField()
        site = CharField(max_length=64)
        actor = ForeignKeyField(Entity, on_delete="CASCADE")
        verb = CharField(max_length=32)
        entity = ForeignKeyField(Entity, on_delete="CASCADE")
        container = ForeignKeyField(Entity, null=True, on_delete="CASCADE")
        kind = CharField(max_length=64, default="")
        access = CharField(max_length=16, default="public")
        created = DateTimeField()

        class Meta:
            indexes = ((("site", "id"), False), (("actor", "id"), False), (("container", "id"), False))

    db.create_tables([Site, Entity, Account, Relationship, Activity])
