"""Create the veille's tables: links, notes, votes, subscriptions, syntheses and deliveries."""

import datetime

from peewee import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class Link(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        url = CharField(max_length=2000)
        url_key = CharField(max_length=64)
        place = BigIntegerField(default=0)
        description = TextField(default="")
        site_name = CharField(max_length=200, default="")
        themes = TextField(default="[]")
        tags = TextField(default="[]")
        useful = IntegerField(default=0)
        fetch_state = CharField(max_length=10, default="")

        class Meta:
            table_name = "veille_link"
            indexes = ((("url_key", "place"), False), (("place", "useful"), False))

    class Note(Base):
        link = ForeignKeyField(Link, on_delete="CASCADE")
        author = ForeignKeyField(Entity, null=True, on_delete="SET NULL")
        body = TextField(default="")
        rating = IntegerField(null=True)
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "veille_note"

    class Vote(Base):
        link = ForeignKeyField(Link, on_delete="CASCADE", index=False)
        voter = ForeignKeyField(Entity, on_delete="CASCADE")
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "veille_vote"
            indexes = ((("link", "voter"), True),)

    class Subscription(Base):
        site = CharField(max_length=64)
        member = ForeignKeyField(Entity, on_delete="CASCADE", index=False)
        scope = CharField(max_length=10)
        key = CharField(max_length=100, default="")
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "veille_subscription"
            indexes = ((("member", "scope", "key"), True), (("site", "scope"), False))

    class Synthesis(Base):
        site = CharField(max_length=64)
        place = BigIntegerField(default=0)
        week = DateField()
        links = IntegerField(default=0)
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "veille_synthesis"
            indexes = ((("site", "place", "week"), True),)

    class Delivery(Base):
        site = CharField(max_length=64)
        week = DateField()
        member = ForeignKeyField(Entity, on_delete="CASCADE", index=False)
        links = IntegerField(default=0)
        mailed_at = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "veille_delivery"
            indexes = ((("member", "site", "week"), True),)

    db.create_tables([Link, Note, Vote, Subscription, Synthesis, Delivery])
