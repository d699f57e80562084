"""The animation plugin's tables: aggregated figures, figures by territory, introductions, featured items."""

import peewee as pw

from core.db import BaseModel, now
from core.models import Entity


class DailyFigure(BaseModel):
    """One figure's value on one day (``period`` 0), or over the ``period`` days ending that day.

    Written by the daily aggregation only; the dashboard reads nothing else.
    """

    site = pw.CharField(max_length=64)
    day = pw.DateField()
    figure = pw.CharField(max_length=100)
    period = pw.IntegerField(default=0)
    value = pw.IntegerField(default=0)

    class Meta:
        table_name = "animation_daily_figure"
        indexes = ((("site", "figure", "period", "day"), True),)


class AreaFigure(BaseModel):
    """Organisations of one area (a département or a commune) over the ``period`` days ending ``day``."""

    site = pw.CharField(max_length=64)
    day = pw.DateField()
    period = pw.IntegerField()
    level = pw.CharField(max_length=12)  # "departement" or "commune"
    code = pw.CharField(max_length=80)  # "80", or "80000 Amiens"
    label = pw.CharField(max_length=200)
    cards = pw.IntegerField(default=0)
    active = pw.IntegerField(default=0)
    silent = pw.IntegerField(default=0)
    lat = pw.DoubleField(null=True)
    lon = pw.DoubleField(null=True)

    class Meta:
        table_name = "animation_area_figure"
        indexes = ((("site", "period", "level", "day", "code"), True),)


class Introduction(BaseModel):
    """An animator introduced ``first`` and ``second`` to each other, saying why."""

    site = pw.CharField(max_length=64)
    animator = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    first = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    second = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    message = pw.TextField(default="")
    created = pw.DateTimeField(default=now)
    connected = pw.DateTimeField(null=True)

    class Meta:
        table_name = "animation_introduction"
        indexes = ((("site", "created"), False),)


class Featured(BaseModel):
    """An item pinned to the site's home page (and digests) until ``until``, in ``position`` order."""

    site = pw.CharField(max_length=64)
    entity = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    position = pw.IntegerField(default=0)
    until = pw.DateField(null=True)
    created = pw.DateTimeField(default=now)

    class Meta:
        table_name = "animation_featured"
        indexes = ((("site", "entity"), True),)
