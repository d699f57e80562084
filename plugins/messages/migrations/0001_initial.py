"""Create the messages plugin's tables: conversations, participants, messages, policies, letters."""

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
    Base, Entity = stubs(db, legacy_table_names=True)

    def fk(null=False, cascade=True):
        return ForeignKeyField(Entity, null=null, on_delete="CASCADE" if cascade else "SET NULL")

    class Conversation(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        last_message = IntegerField(default=0)
        last_at = DateTimeField(default=datetime.datetime.now)
        about = fk(null=True, cascade=False)

        class Meta:
            table_name = "messages_conversation"

    class Participant(Base):
        conversation = fk()
        member = fk()
        joined = DateTimeField(default=datetime.datetime.now)
        left_at = DateTimeField(null=True)
        last_message = IntegerField(default=0)
        last_read = IntegerField(default=0)
        unread = IntegerField(default=0)
        archived = BooleanField(default=False)
        muted = BooleanField(default=False)
        mailed_at = DateTimeField(null=True)

        class Meta:
            table_name = "messages_participant"
            indexes = ((("conversation", "member"), True), (("member", "last_message"), False),
                       (("member", "unread"), False))

    class Message(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        conversation = fk()
        sender = fk(null=True, cascade=False)
        author = fk(null=True, cascade=False)
        body = TextField(default="")
        event = CharField(max_length=16, default="")
        attachment = CharField(max_length=64, default="")
        attachment_name = CharField(max_length=255, default="")
        attachment_mime = CharField(max_length=100, default="")
        attachment_size = BigIntegerField(default=0)
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "messages_message"
            indexes = ((("conversation", "entity"), False),)

    class Policy(Base):
        member = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        who = CharField(max_length=16)

        class Meta:
            table_name = "messages_policy"

    class Letter(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        sender = fk()
        author = fk(null=True, cascade=False)
        body = TextField(default="")
        audience = CharField(max_length=16, default="both")
        archived = BooleanField(default=False)
        status = CharField(max_length=12, default="draft")
        send_at = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)
        attachment = CharField(max_length=64, default="")
        attachment_name = CharField(max_length=255, default="")
        attachment_mime = CharField(max_length=100, default="")
        attachment_size = BigIntegerField(default=0)

        class Meta:
            table_name = "messages_letter"
            indexes = ((("status", "send_at"), False),)

    class Delivery(Base):
        letter = fk()
        recipient = fk()
        mailed_at = DateTimeField(null=True)
        read_at = DateTimeField(null=True)

        class Meta:
            table_name = "messages_delivery"
            indexes = ((("letter", "recipient"), True), (("recipient", "letter"), False))

    class OptOut(Base):
        member = fk()
        sender = fk()
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "messages_optout"
            indexes = ((("member", "sender"), True),)

    db.create_tables([Conversation, Participant, Message, Policy, Letter, Delivery, OptOut])
