"""Invitations to co-manage a card (directory_invitation)."""

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class Entity(Model):
        guid = AutoField()

        class Meta:
            database = db
            table_name = "entity"

    class Invitation(Model):
        site = CharField(max_length=64)
        card = ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
        email = CharField(max_length=254)
        invitee = ForeignKeyField(Entity, null=True, on_delete="CASCADE", backref="+")
        inviter = ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
        created = DateTimeField()

        class Meta:
            database = db
            table_name = "directory_invitation"
            indexes = ((("card", "email"), True), (("invitee",), False))

    db.create_tables([Invitation])
