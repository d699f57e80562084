"""Create the groups_group table."""

from peewee import AutoField, CharField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class Entity(Model):
        guid = AutoField()

        class Meta:
            database = db
            table_name = "entity"

    class Group(Model):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        description = TextField(default="")
        membership = CharField(max_length=12, default="open")
        themes = TextField(default="[]")
        territory = CharField(max_length=200, default="")
        image = CharField(max_length=64, default="")
        disabled_tools = TextField(default="[]")

        class Meta:
            database = db
            table_name = "groups_group"

    db.create_tables([Group])
