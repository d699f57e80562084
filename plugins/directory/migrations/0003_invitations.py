"""Invitations to co-manage a card (directory_invitation)."""

from peewee import CharField, DateTimeField, ForeignKeyField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class Invitation(Base):
        site = CharField(max_length=64)
        card = ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
        email = CharField(max_length=254)
        invitee = ForeignKeyField(Entity, null=True, on_delete="CASCADE", backref="+")
        inviter = ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
        created = DateTimeField()

        class Meta:
            table_name = "directory_invitation"
            indexes = ((("card", "email"), True), (("invitee",), False))

    db.create_tables([Invitation])
