"""Create the wire_status table."""

from peewee import ForeignKeyField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class Status(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        body = TextField()

        class Meta:
            table_name = "wire_status"

    db.create_tables([Status])
