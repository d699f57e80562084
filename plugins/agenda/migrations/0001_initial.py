"""Create the agenda's tables: events, participations, private feed keys."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class Event(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        description = TextField(default="")
        start = DateTimeField(index=True)
        end = DateTimeField()
        tz = CharField(max_length=64, default="Europe/Paris")
        all_day = BooleanField(default=False)
        rrule = CharField(max_length=200, default="")
        exdates = TextField(default="[]")
        last_end = DateTimeField(null=True)
        place_name = CharField(max_length=200, default="")
        address = CharField(max_length=300, default="")
        commune = CharField(max_length=120, default="")
        postcode = CharField(max_length=10, default="")
        lat = FloatField(null=True)
        lon = FloatField(null=True)
        online_url = CharField(max_length=500, default="")
        categories = TextField(default="[]")
        image = CharField(max_length=64, default="")
        capacity = IntegerField(null=True)
        show_participants = CharField(max_length=12, default="organiser")
        cancelled = BooleanField(default=False)
        sequence = IntegerField(default=0)
        reminded_until = DateTimeField(null=True)

        class Meta:
            table_name = "agenda_event"
            indexes = ((("lat", "lon"), False), (("last_end",), False))

    class Participation(Base):
        event = ForeignKeyField(Event, on_delete="CASCADE")
        member = ForeignKeyField(Entity, on_delete="CASCADE")
        status = CharField(max_length=12)
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "agenda_participation"
            indexes = ((("event", "member"), True), (("member", "status"), False))

    class FeedKey(Base):
        member = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        nonce = CharField(max_length=32)

        class Meta:
            table_name = "agenda_feed_key"

    db.create_tables([Event, Participation, FeedKey])
