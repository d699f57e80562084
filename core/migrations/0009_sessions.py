"""Server-side sessions (issue 19, point 6): the ``session`` table, whose rows signing out, a change of
password, a ban and "end my other sessions" delete. ``account.session_epoch``, the counter that ended
every other session at once, goes: cookies that carried it are signed out."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db)

    class Session(Base):
        id = CharField(max_length=64, primary_key=True)
        site = CharField(max_length=64)
        account = ForeignKeyField(Entity, on_delete="CASCADE", index=False)
        created = DateTimeField(default=datetime.datetime.now)
        last_seen = DateTimeField(default=datetime.datetime.now)
        user_agent = CharField(max_length=100, default="")
        address = CharField(max_length=64, default="")

        class Meta:
            table_name = "session"
            indexes = ((("account", "last_seen"), False), (("last_seen",), False))

    db.create_tables([Session])
    if "session_epoch" in {c.name for c in db.get_columns("account")}:
        migrator.migrate(migrator.drop_column("account", "session_epoch"))
