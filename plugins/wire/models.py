"""The wire's table: the text of each status (its entity row holds author, access, dates)."""

import peewee as pw

from core.db import BaseModel
from core.models import Entity


class Status(BaseModel):
    """One status update."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    body = pw.TextField()

    class Meta:
        table_name = "wire_status"
