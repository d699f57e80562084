"""Create the forums' tables: topics, replies and read markers."""

import datetime

from peewee import AutoField, BooleanField, DateTimeField, ForeignKeyField, IntegerField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class Topic(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        body = TextField(default="")
        pinned = BooleanField(default=False)
        locked = BooleanField(default=False)
        answer = IntegerField(null=True)
        reply_count = IntegerField(default=0)
        last_reply = IntegerField(null=True)
        last_activity = DateTimeField(default=datetime.datetime.now, index=True)
        edited = DateTimeField(null=True)

        class Meta:
            table_name = "forums_topic"

    class Reply(Base):
        id = AutoField()
        topic = ForeignKeyField(Topic, on_delete="CASCADE")
        number = IntegerField()
        author = ForeignKeyField(Entity, null=True, on_delete="SET NULL")
        body = TextField()
        created = DateTimeField(default=datetime.datetime.now)
        edited = DateTimeField(null=True)
        deleted = BooleanField(default=False)

        class Meta:
            table_name = "forums_reply"
            indexes = ((("topic", "number"), True), (("author",), False))

    class ReadMarker(Base):
        topic = ForeignKeyField(Topic, on_delete="CASCADE")
        user = ForeignKeyField(Entity, on_delete="CASCADE")
        last_read = IntegerField(default=0)

        class Meta:
            table_name = "forums_read"
            indexes = ((("user", "topic"), True),)

    db.create_tables([Topic, Reply, ReadMarker])
