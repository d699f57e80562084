"""Create the board's tables: ads, their answers, saved searches; an ad's point is whole and in range."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from core.migrate import add_point_check, stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class Ad(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        direction = CharField(max_length=8)
        category = CharField(max_length=16)
        theme = CharField(max_length=100, default="")
        body = TextField(default="")
        link = CharField(max_length=2000, default="")
        quantity = IntegerField(null=True)
        commune = CharField(max_length=200, default="")
        postcode = CharField(max_length=10, default="")
        lat = DoubleField(null=True)
        lon = DoubleField(null=True)
        starts = DateField(null=True)
        ends = DateField(null=True)
        expires = DateTimeField()
        state = CharField(max_length=8, default="open")
        closed_reason = CharField(max_length=12, default="")
        closed_at = DateTimeField(null=True)
        reminded = BooleanField(default=False)

        class Meta:
            table_name = "offers_ad"
            indexes = ((("state", "lat", "lon"), False), (("state", "expires"), False))

    class Answer(Base):
        ad = ForeignKeyField(Ad, on_delete="CASCADE")
        author = ForeignKeyField(Entity, on_delete="CASCADE")
        via = CharField(max_length=10)
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "offers_answer"

    class SavedSearch(Base):
        site = CharField(max_length=64)
        member = ForeignKeyField(Entity, on_delete="CASCADE")
        direction = CharField(max_length=8, default="")
        category = CharField(max_length=16, default="")
        theme = CharField(max_length=100, default="")
        commune = CharField(max_length=200, default="")
        lat = DoubleField(null=True)
        lon = DoubleField(null=True)
        km = IntegerField(default=20)
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "offers_search"
            indexes = ((("site", "theme"), False),)

    db.create_tables([Ad, Answer, SavedSearch])
    add_point_check(db, "offers_ad")
    add_point_check(db, "offers_search")
