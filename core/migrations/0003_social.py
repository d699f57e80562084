"""Social core: notifications and preferences, comments, likes, reports; feed indexes."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db)

    class Notification(Base):
        site = CharField(max_length=64)
        recipient = ForeignKeyField(Entity, on_delete="CASCADE")
        event = CharField(max_length=64)
        actor = ForeignKeyField(Entity, null=True, on_delete="CASCADE")
        entity = ForeignKeyField(Entity, null=True, on_delete="CASCADE")
        text = TextField(default="")
        group_key = CharField(max_length=120, default="")
        delivery = CharField(max_length=10, default="site")
        created = DateTimeField(default=datetime.datetime.now)
        read_at = DateTimeField(null=True)
        mailed_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("recipient", "read_at"), False), (("delivery", "mailed_at"), False))

    class NotificationPreference(Base):
        user = ForeignKeyField(Entity, on_delete="CASCADE")
        event = CharField(max_length=64)
        delivery = CharField(max_length=10)

        class Meta:
            indexes = ((("user", "event"), True),)

    class Comment(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        body = TextField()
        edited = DateTimeField(null=True)

    class Like(Base):
        site = CharField(max_length=64)
        user = ForeignKeyField(Entity, on_delete="CASCADE")
        entity = ForeignKeyField(Entity, on_delete="CASCADE")
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            indexes = ((("entity", "user"), True),)

    class Report(Base):
        site = CharField(max_length=64)
        reporter = ForeignKeyField(Entity, on_delete="CASCADE")
        entity = ForeignKeyField(Entity, on_delete="CASCADE")
        reason = TextField()
        created = DateTimeField(default=datetime.datetime.now)
        resolved = DateTimeField(null=True)
        resolution = CharField(max_length=20, default="")
        moderator = ForeignKeyField(Entity, null=True, on_delete="SET NULL")

        class Meta:
            indexes = ((("site", "resolved"), False),)

    db.create_tables([Notification, NotificationPreference, Comment, Like, Report])
    migrator.migrate(
        migrator.add_index("activity", ("site", "kind", "id"), False),
        migrator.add_index("entity", ("container_id", "kind"), False),
        migrator.add_index("entity", ("owner_id", "kind"), False),
        migrator.add_index("entity", ("deleted_at",), False),
    )
