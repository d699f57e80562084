"""The mail outbox and the job table (delivered and run by the worker), and when an invitation
was put in the outbox."""

import datetime

from peewee import CharField, DateTimeField, IntegerField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base = stubs(db).Base

    class Mail(Base):
        site = CharField(max_length=64)
        recipient = CharField(max_length=254)
        subject = CharField(max_length=300)
        message = TextField()
        state = CharField(max_length=10, default="pending")
        created = DateTimeField(default=datetime.datetime.now)
        next_attempt = DateTimeField(default=datetime.datetime.now)
        claimed_until = DateTimeField(null=True)
        attempts = IntegerField(default=0)
        last_error = TextField(default="")
        sent_at = DateTimeField(null=True)

        class Meta:
            table_name = "mail_outbox"
            indexes = ((("state", "next_attempt"), False), (("site", "created"), False))

    class Job(Base):
        site = CharField(max_length=64, default="")
        name = CharField(max_length=100)
        args = TextField(default="{}")
        key = CharField(max_length=200, default="")
        state = CharField(max_length=10, default="pending")
        created = DateTimeField(default=datetime.datetime.now)
        run_after = DateTimeField(default=datetime.datetime.now)
        claimed_until = DateTimeField(null=True)
        attempts = IntegerField(default=0)
        last_error = TextField(default="")
        done_at = DateTimeField(null=True)

        class Meta:
            table_name = "job"
            indexes = ((("state", "run_after"), False), (("key", "state"), False))

    db.create_tables([Mail, Job])
    migrator.migrate(migrator.add_column("invitation", "mailed_at", DateTimeField(null=True)))
