"""The forums' tables.

A topic is an entity ("forums.topic", contained by its group, access "container" by
default) so access, comments of the core, search, trash and activity work for it.
Replies are plain rows of ``forums_reply``, not entities: a thread may hold thousands,
they are always read through their topic (whose access already decides who sees them),
and a row per reply keeps inserts and page reads to one indexed table. Each reply has
its number in the thread (1, 2, 3...), so page *n* is a range read on the
``(topic, number)`` index however long the thread, and links to "reply 1234" are stable.
"""

import peewee as pw

from core.db import BaseModel, now
from core.models import Entity


class Topic(BaseModel):
    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    body = pw.TextField(default="")
    pinned = pw.BooleanField(default=False)
    locked = pw.BooleanField(default=False)
    answer = pw.IntegerField(null=True)  # the id of the reply marked as the answer
    reply_count = pw.IntegerField(default=0)
    last_reply = pw.IntegerField(null=True)
    last_activity = pw.DateTimeField(default=now, index=True)
    edited = pw.DateTimeField(null=True)

    class Meta:
        table_name = "forums_topic"


class Reply(BaseModel):
    id = pw.AutoField()
    topic = pw.ForeignKeyField(Topic, on_delete="CASCADE", backref="replies")
    number = pw.IntegerField()
    author = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    body = pw.TextField()
    html = pw.TextField(default="")  # rendered on first display, emptied on edit
    created = pw.DateTimeField(default=now)
    edited = pw.DateTimeField(null=True)
    deleted = pw.BooleanField(default=False)

    class Meta:
        table_name = "forums_reply"
        indexes = ((("topic", "number"), True), (("author",), False))


class ReadMarker(BaseModel):
    """The last reply a member has read in a topic (0: only the opening post)."""

    topic = pw.ForeignKeyField(Topic, on_delete="CASCADE", backref="+")
    user = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    last_read = pw.IntegerField(default=0)

    class Meta:
        table_name = "forums_read"
        indexes = ((("user", "topic"), True),)
