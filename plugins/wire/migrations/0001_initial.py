"""Create the wire_status table."""

from peewee import AutoField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class Entity(Model):
        guid = AutoField()

        class Meta:
            database = db
            table_name = "entity"

    class Status(Model):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        body = TextField()

        class Meta:
            database = db
            table_name = "wire_status"

    db.create_tables([Status])
