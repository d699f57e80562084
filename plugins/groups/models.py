"""The group's own columns, keyed by its entity ("groups.group").

Membership is kept as relationships so the core's access rules see it:
``member_of`` (member), ``manages`` (group administrator), ``groups.requested``
(asked to join), ``groups.invited`` (invited), ``groups.banned`` (banned).
"""

import peewee as pw

from core.db import BaseModel, JSONField
from core.models import Entity

MEMBERSHIP_MODES = ("open", "request", "invitation")
VISIBILITIES = ("public", "members", "hidden")


class Group(BaseModel):
    """A group. Its entity's access is its *visibility* (public, members, or container = hidden)."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    description = pw.TextField(default="")
    membership = pw.CharField(max_length=12, default="open")
    themes = JSONField(default=list)
    territory = pw.CharField(max_length=200, default="")
    image = pw.CharField(max_length=64, default="")
    disabled_tools = JSONField(default=list)

    class Meta:
        table_name = "groups_group"

    @property
    def visibility(self) -> str:
        return {"public": "public", "members": "members"}.get(self.entity.access, "hidden")
