"""The directory's tables: one organisation card per entity (the entity holds name, owner, access), the
invitations to co-manage a card and who accepted one from whom. The rules live in ``cards`` and ``managing``."""

import datetime as dt

import peewee as pw

from core.db import BaseModel, now
from core.models import Entity

INVITATION_DAYS = 14  # an invitation to co-manage a card (and its mailed link) is valid this long


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
    lat = pw.DoubleField(null=True)
    lon = pw.DoubleField(null=True)
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


class Invitation(BaseModel):
    """An invitation to co-manage ``card`` sent to ``email``; ``invitee`` is the member who has that address.

    The row lives until the invitation is answered, cancelled or found expired (:data:`INVITATION_DAYS`)."""

    site = pw.CharField(max_length=64)
    card = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    email = pw.CharField(max_length=254)
    invitee = pw.ForeignKeyField(Entity, null=True, on_delete="CASCADE", backref="+")
    inviter = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+", index=False)
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "directory_invitation"
        indexes = ((("card", "email"), True), (("invitee",), False))

    @property
    def expires(self) -> dt.datetime:
        return self.created + dt.timedelta(days=INVITATION_DAYS)


class Acceptance(BaseModel):
    """``member`` manages ``card`` since they accepted ``inviter``'s invitation (shown in the managers list).

    One row per card and manager, removed when they stop managing it; ``inviter`` is None once that member's
    account is deleted."""

    site = pw.CharField(max_length=64)
    card = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    member = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    inviter = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "directory_acceptance"
        indexes = ((("card", "member"), True), (("inviter",), False))


class MapCell(BaseModel):
    """One cell of the map's grid (see ``plugins.directory.grid``): the cards of ``site`` shown to ``audience``
    ("public": every visitor; "members": every signed-in member) carrying ``theme`` ("" for all of them) whose
    point falls in cell (``row``, ``col``) at ``zoom``: how many, the sums of their coordinates (the cluster sits
    at their mean) and, when there is one only, its ``guid``."""

    site = pw.CharField(max_length=64)
    audience = pw.CharField(max_length=16)
    theme = pw.CharField(max_length=500)
    zoom = pw.IntegerField()
    row = pw.IntegerField()
    col = pw.IntegerField()
    count = pw.IntegerField()
    sum_lat = pw.DoubleField()
    sum_lon = pw.DoubleField()
    guid = pw.IntegerField(null=True)  # the card, when ``count`` is 1

    class Meta:
        table_name = "directory_map_cell"
        primary_key = pw.CompositeKey("site", "theme", "zoom", "audience", "row", "col")


class MapPoint(BaseModel):
    """Each card the grid counts, as it counts it: its audience, point and theme keys (sub-themes' parents
    added, ``|key|`` each). A change to a card is applied to the grid as the difference from this row."""

    guid = pw.IntegerField(primary_key=True)  # no foreign key: the row outlives its card until it is subtracted
    site = pw.CharField(max_length=64)
    audience = pw.CharField(max_length=16)  # "public" or "members", as in MapCell
    lat = pw.DoubleField()
    lon = pw.DoubleField()
    themes = pw.TextField(default="")

    class Meta:
        table_name = "directory_map_point"
        indexes = ((("site", "audience", "lat", "lon"), False),)


class MapGrid(BaseModel):
    """Per site: the theme tree the grid was built with (``fingerprint``, "" while it is to be built). Every
    write to the grid first updates this row, which makes writers of one site wait their turn."""

    site = pw.CharField(max_length=64, primary_key=True)
    fingerprint = pw.CharField(max_length=64, default="")
    writes = pw.BigIntegerField(default=0)

    class Meta:
        table_name = "directory_map_grid"
