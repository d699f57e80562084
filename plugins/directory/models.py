"""The directory's table: one organisation card per entity (the entity holds name, owner, access)."""

import peewee as pw

from core.db import BaseModel
from core.models import Entity


class Organisation(BaseModel):
    """An organisation card. ``lat``/``lon`` are indexed for the bounding-box prefilter."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    acronym = pw.CharField(max_length=40, default="")
    short_description = pw.CharField(max_length=300, default="")
    description = pw.TextField(default="")
    themes = pw.CharField(max_length=500, default="")  # "|theme|sub-theme|" keys of the taxonomy
    founded = pw.DateField(null=True)
    legal_id = pw.CharField(max_length=64, null=True, index=True)  # first configured identifier, for dedup
    identifiers = pw.TextField(default="{}")  # JSON {"RNA": "...", "SIRET": "..."}
    president = pw.CharField(max_length=200, default="")
    director = pw.CharField(max_length=200, default="")
    address = pw.CharField(max_length=300, default="")
    commune = pw.CharField(max_length=200, default="")
    postcode = pw.CharField(max_length=10, default="", index=True)
    lat = pw.FloatField(null=True)
    lon = pw.FloatField(null=True)
    email = pw.CharField(max_length=200, default="")
    phone = pw.CharField(max_length=40, default="")
    contacts_public = pw.BooleanField(default=True)  # False: members only
    website = pw.CharField(max_length=300, default="")
    links = pw.TextField(default="")  # one social link per line
    competences = pw.TextField(default="")  # one per line
    extra = pw.TextField(default="{}")  # JSON of the site's free fields
    claimed = pw.BooleanField(default=True)  # False for imported cards nobody manages yet
    logo = pw.CharField(max_length=128, default="")  # storage key of the resized logo, "" if none

    class Meta:
        table_name = "directory_organisation"
        indexes = ((("lat", "lon"), False),)
