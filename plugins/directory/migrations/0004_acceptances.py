"""Who accepted an invitation to co-manage a card, and from whom (directory_acceptance)."""

from peewee import CharField, DateTimeField, ForeignKeyField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class Acceptance(Base):
        site = CharField(max_length=64)
        card = ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
        member = ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
        inviter = ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
        created = DateTimeField()

        class Meta:
            table_name = "directory_acceptance"
            indexes = ((("card", "member"), True), (("inviter",), False))

    db.create_tables([Acceptance])
