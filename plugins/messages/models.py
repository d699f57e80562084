"""The messages plugin's tables.

A conversation and each message are entities (kinds ``messages.conversation`` and
``messages.message``, access ``private``) so that reports, moderation and the trash work
on them as on everything else; who may read them is decided by :class:`Participant`
rows, never by the access levels (see :mod:`plugins.messages.conversations`).

A participant is an identity: a member, or an organisation or group whose managers read
and answer for it. Unread counts, the inbox order and the last mail sent are kept on the
participant row, so the header badge and the inbox are one indexed query each.
"""

import peewee as pw

from core.db import BaseModel, now
from core.models import Entity

CONVERSATION, MESSAGE, LETTER = "messages.conversation", "messages.message", "messages.letter"


class Conversation(BaseModel):
    """A conversation's own columns (its subject is the entity's title)."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    last_message = pw.IntegerField(default=0)
    last_at = pw.DateTimeField(default=now)
    about = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")  # the group written to

    class Meta:
        table_name = "messages_conversation"


class Participant(BaseModel):
    """One identity taking part in a conversation, with its reading state."""

    conversation = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    member = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    joined = pw.DateTimeField(default=now)
    left_at = pw.DateTimeField(null=True)
    last_message = pw.IntegerField(default=0)
    last_read = pw.IntegerField(default=0)
    unread = pw.IntegerField(default=0)
    archived = pw.BooleanField(default=False)
    muted = pw.BooleanField(default=False)
    mailed_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "messages_participant"
        indexes = ((("conversation", "member"), True), (("member", "archived", "last_message", "id"), False),
                   (("member", "unread"), False))


class Message(BaseModel):
    """One message: written by ``author`` (a person) as ``sender`` (that person or an entity they manage).

    ``event`` is empty for a written message, ``"left"`` when the sender left the conversation.
    A null author is a former member (account deleted).
    """

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    conversation = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    sender = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    author = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    body = pw.TextField(default="")
    event = pw.CharField(max_length=16, default="")
    attachment = pw.CharField(max_length=64, default="")
    attachment_name = pw.CharField(max_length=255, default="")
    attachment_mime = pw.CharField(max_length=100, default="")
    attachment_size = pw.BigIntegerField(default=0)
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "messages_message"
        indexes = ((("conversation", "entity"), False),)


class Policy(BaseModel):
    """Who may write to a member (or an entity its managers speak for), narrower than the site's rule."""

    member = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    who = pw.CharField(max_length=16)

    class Meta:
        table_name = "messages_policy"


class Letter(BaseModel):
    """A letter from an organisation or a group to its members and/or followers."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    sender = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    author = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    body = pw.TextField(default="")
    audience = pw.CharField(max_length=16, default="both")  # members, followers, both
    archived = pw.BooleanField(default=False)
    status = pw.CharField(max_length=12, default="draft")  # draft, scheduled, sending, sent
    send_at = pw.DateTimeField(null=True)
    sent_at = pw.DateTimeField(null=True)
    attachment = pw.CharField(max_length=64, default="")
    attachment_name = pw.CharField(max_length=255, default="")
    attachment_mime = pw.CharField(max_length=100, default="")
    attachment_size = pw.BigIntegerField(default=0)

    class Meta:
        table_name = "messages_letter"
        indexes = ((("status", "send_at"), False),)


class Delivery(BaseModel):
    """One recipient of a letter: written once when sending starts, marked when mailed."""

    letter = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    recipient = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    mailed_at = pw.DateTimeField(null=True)
    read_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "messages_delivery"
        indexes = ((("letter", "recipient"), True), (("recipient", "letter"), False))


class OptOut(BaseModel):
    """A member who wants no more letters from one sender."""

    member = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    sender = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "messages_optout"
        indexes = ((("member", "sender"), True),)


MODELS = [Conversation, Participant, Message, Policy, Letter, Delivery, OptOut]
