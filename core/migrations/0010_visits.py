"""The days a member came (``visit``, :mod:`core.visits`): readers of a past period are counted from
them, not from the last sign-in that a later one overwrites (issue 22, point 1)."""

from peewee import CharField, DateField, ForeignKeyField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db)

    class Visit(Base):
        site = CharField(max_length=64)
        account = ForeignKeyField(Entity, on_delete="CASCADE", index=False)
        day = DateField()

        class Meta:
            table_name = "visit"
            indexes = ((("account", "day"), True), (("site", "day"), False))

    db.create_tables([Visit])
