"""The agenda's tables: an event (keyed by its entity), participations and private feed keys."""

import peewee as pw

from core.db import BaseModel, JSONField, now
from core.models import Entity


class Event(BaseModel):
    """An event; its entity row holds organiser (owner), container, access and title.

    Times are stored in UTC without time zone (``start``/``end``) with the time zone
    name they were given in (``tz``). A recurring event keeps its rule (``rrule``, an
    RFC 5545 RRULE whose dates are wall-clock times in ``tz``) and its exceptions
    (``exdates``: local ISO date-times); ``last_end`` is the end of the last occurrence
    (null when the rule never ends) so windows can be queried in SQL.
    """

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    description = pw.TextField(default="")
    start = pw.DateTimeField()
    end = pw.DateTimeField()
    tz = pw.CharField(max_length=64, default="Europe/Paris")
    all_day = pw.BooleanField(default=False)
    rrule = pw.CharField(max_length=200, default="")
    exdates = JSONField(default=list)
    last_end = pw.DateTimeField(null=True)
    place_name = pw.CharField(max_length=200, default="")
    address = pw.CharField(max_length=300, default="")
    commune = pw.CharField(max_length=120, default="")
    postcode = pw.CharField(max_length=10, default="")
    lat = pw.DoubleField(null=True)
    lon = pw.DoubleField(null=True)
    online_url = pw.CharField(max_length=500, default="")
    categories = JSONField(default=list)
    image = pw.CharField(max_length=64, default="")
    capacity = pw.IntegerField(null=True)
    show_participants = pw.CharField(max_length=12, default="organiser")
    cancelled = pw.BooleanField(default=False)
    sequence = pw.IntegerField(default=0)
    reminded_until = pw.DateTimeField(null=True)

    class Meta:
        table_name = "agenda_event"
        indexes = ((("lat", "lon"), False), (("last_end",), False), (("start", "end"), False),
                   (("rrule", "start", "end"), False))

    @property
    def recurring(self) -> bool:
        return bool(self.rrule)


class Participation(BaseModel):
    """A member's answer to an event: ``going``, ``interested`` or ``waiting`` (for a seat)."""

    event = pw.ForeignKeyField(Event, on_delete="CASCADE", backref="participations")
    member = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    status = pw.CharField(max_length=12)
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "agenda_participation"
        indexes = ((("event", "member"), True), (("member", "status"), False))


class FeedKey(BaseModel):
    """The secret part of a member's private calendar address; changing it revokes old addresses."""

    member = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    nonce = pw.CharField(max_length=32)

    class Meta:
        table_name = "agenda_feed_key"
