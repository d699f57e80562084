"""Create the directory_organisation table."""

from peewee import BooleanField, CharField, DateField, FloatField, ForeignKeyField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class Organisation(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        acronym = CharField(max_length=40, default="")
        short_description = CharField(max_length=300, default="")
        description = TextField(default="")
        themes = CharField(max_length=500, default="")
        founded = DateField(null=True)
        legal_id = CharField(max_length=64, null=True, index=True)
        identifiers = TextField(default="{}")
        president = CharField(max_length=200, default="")
        director = CharField(max_length=200, default="")
        address = CharField(max_length=300, default="")
        commune = CharField(max_length=200, default="")
        postcode = CharField(max_length=10, default="", index=True)
        lat = FloatField(null=True)
        lon = FloatField(null=True)
        email = CharField(max_length=200, default="")
        phone = CharField(max_length=40, default="")
        contacts_public = BooleanField(default=True)
        website = CharField(max_length=300, default="")
        links = TextField(default="")
        competences = TextField(default="")
        extra = TextField(default="{}")
        claimed = BooleanField(default=True)

        class Meta:
            table_name = "directory_organisation"
            indexes = ((("lat", "lon"), False),)

    db.create_tables([Organisation])
