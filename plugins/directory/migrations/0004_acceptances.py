"""Who accepted an invitation to co-manage a card, and from whom (directory_acceptance)."""

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class Entity(Model):
        guid = AutoField()

        class Meta:
            database = db
            table_name = "entity"

    class Acceptance(Model):
        site = CharField(max_length=64)
        card = ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
        member = ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
        inviter = ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
        created = DateTimeField()

        class Meta:
            database = db
            table_name = "directory_acceptance"
            indexes = ((("card", "member"), True), (("inviter",), False))

    db.create_tables([Acceptance])
