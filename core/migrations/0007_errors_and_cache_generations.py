"""Errors recorded in the database (Admin > Errors shows every worker's and every server's), and
the generation counters that tell every worker of every server when a shared cache was cleared."""

import datetime

from peewee import AutoField, CharField, DateTimeField, IntegerField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base = stubs(db).Base

    class ErrorLog(Base):
        id = AutoField()
        site = CharField(max_length=64, default="")
        source = CharField(max_length=120)
        message = TextField()
        trace = TextField(default="")
        created = DateTimeField(default=datetime.datetime.now, index=True)

        class Meta:
            table_name = "error_log"
            indexes = ((("site", "created"), False),)

    class CacheGeneration(Base):
        site = CharField(max_length=64)
        namespace = CharField(max_length=120)
        generation = IntegerField(default=0)

        class Meta:
            table_name = "cache_generation"
            primary_key = False
            indexes = ((("site", "namespace"), True),)

    db.create_tables([ErrorLog, CacheGeneration])
