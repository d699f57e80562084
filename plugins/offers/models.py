"""The board's tables: an ad (keyed by its entity), the answers it got, members' saved searches."""

import peewee as pw

from core.db import BaseModel, now
from core.models import Entity


class Ad(BaseModel):
    """A need or an offer; its entity row holds owner (a member or an organisation), access, title
    and dates. ``state`` is ``open`` or ``closed``; a closed ad keeps its ``closed_reason``
    (``answered``, ``expired`` or ``withdrawn``) and stays readable. ``reminded`` is set, once, when
    the reminder before ``expires`` is mailed."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    direction = pw.CharField(max_length=8)  # need, offer
    category = pw.CharField(max_length=16)  # volunteers, equipment, skills, premises, job
    theme = pw.CharField(max_length=100, default="")
    body = pw.TextField(default="")
    link = pw.CharField(max_length=2000, default="")
    quantity = pw.IntegerField(null=True)  # volunteers wanted, items lent, positions
    commune = pw.CharField(max_length=200, default="")
    postcode = pw.CharField(max_length=10, default="")
    lat = pw.DoubleField(null=True)
    lon = pw.DoubleField(null=True)
    starts = pw.DateField(null=True)
    ends = pw.DateField(null=True)
    expires = pw.DateTimeField()
    state = pw.CharField(max_length=8, default="open")
    closed_reason = pw.CharField(max_length=12, default="")
    closed_at = pw.DateTimeField(null=True)
    reminded = pw.BooleanField(default=False)

    class Meta:
        table_name = "offers_ad"
        indexes = ((("state", "lat", "lon"), False), (("state", "expires"), False))


class Answer(BaseModel):
    """Someone answered an ad (through the messages plugin or the contact form)."""

    ad = pw.ForeignKeyField(Ad, on_delete="CASCADE", backref="answers")
    author = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    via = pw.CharField(max_length=10)  # messages, mail
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "offers_answer"


class SavedSearch(BaseModel):
    """A member's saved search: told of each new ad matching it, through their notification choice."""

    site = pw.CharField(max_length=64)
    member = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    direction = pw.CharField(max_length=8, default="")
    category = pw.CharField(max_length=16, default="")
    theme = pw.CharField(max_length=100, default="")
    commune = pw.CharField(max_length=200, default="")
    lat = pw.DoubleField(null=True)
    lon = pw.DoubleField(null=True)
    km = pw.IntegerField(default=20)
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "offers_search"
        indexes = ((("site", "theme"), False),)
