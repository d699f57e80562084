"""Create the groups_group table."""

from peewee import CharField, ForeignKeyField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class Group(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        description = TextField(default="")
        membership = CharField(max_length=12, default="open")
        themes = TextField(default="[]")
        territory = CharField(max_length=200, default="")
        image = CharField(max_length=64, default="")
        disabled_tools = TextField(default="[]")

        class Meta:
            table_name = "groups_group"

    db.create_tables([Group])
