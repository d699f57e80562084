"""The core data model: sites, entities, accounts, relationships and activity.

Every thing people act on has one row in :class:`Entity`; a plugin keeps its
own columns in its own table keyed 1:1 by ``guid`` (see the blog plugin).
Timestamps are naive UTC (:func:`core.db.now`).
"""

from __future__ import annotations

import peewee as pw

from core.db import BaseModel, JSONField, now

ACCESS_LEVELS = ("private", "connections", "members", "public", "container")


class Site(BaseModel):
    """A site served by this installation; its configuration comes from sites/<id>.toml.

    ``plugins`` and ``settings`` hold what administrators changed in the admin
    (they start from the site file); ``revision`` increases on every change so
    each worker rebuilds its runtime.
    """

    id = pw.CharField(primary_key=True, max_length=64)
    name = pw.CharField(max_length=200)
    plugins = JSONField(default=list)
    settings = JSONField(default=dict)
    plugin_settings = JSONField(default=dict)
    revision = pw.IntegerField(default=1)
    created = pw.DateTimeField(default=now)


class Entity(BaseModel):
    """Anything people act on: a member, a post, an event, an organisation, a group."""

    guid = pw.AutoField()
    site = pw.CharField(max_length=64)
    kind = pw.CharField(max_length=64)
    # owner and container are found through (owner, kind) and (container, kind): no index of their own
    owner = pw.ForeignKeyField("self", null=True, backref="owned", on_delete="SET NULL", index=False)
    container = pw.ForeignKeyField("self", null=True, backref="contents", on_delete="SET NULL", index=False)
    access = pw.CharField(max_length=16, default="public")
    title = pw.CharField(max_length=300, default="")
    created = pw.DateTimeField(default=now)
    updated = pw.DateTimeField(default=now)
    deleted_at = pw.DateTimeField(null=True)
    hidden = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("site", "kind", "created"), False), (("site", "kind", "access"), False),
                   (("container", "kind"), False), (("owner", "kind"), False), (("deleted_at",), False))

    def touch(self) -> None:
        """Mark the entity as modified now."""
        self.updated = now()


class Account(BaseModel):
    """The account of a member: an entity of kind ``"user"`` that can sign in.

    ``state`` is ``pending`` (e-mail not validated), ``awaiting_approval``,
    ``active`` or ``banned``; ``role`` is ``member``, ``moderator`` or
    ``admin``. Its sessions are rows of :class:`core.sessions.Session`.
    """

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="account")
    site = pw.CharField(max_length=64)
    email = pw.CharField(max_length=254)
    username = pw.CharField(max_length=64)
    password_hash = pw.CharField(max_length=255, default="")
    state = pw.CharField(max_length=20, default="active")
    role = pw.CharField(max_length=16, default="member")
    language = pw.CharField(max_length=8, default="")
    created = pw.DateTimeField(default=now)
    last_login = pw.DateTimeField(null=True)
    ban_reason = pw.CharField(max_length=500, default="")
    email_validated = pw.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("site", "email"), True),
            (("site", "username"), True),
        )

    @property
    def guid(self) -> int:
        return self.entity_id

    @property
    def name(self) -> str:
        return self.entity.title

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")


class Relationship(BaseModel):
    """A typed edge ``subject --verb--> object`` between two entities."""

    site = pw.CharField(max_length=64)
    # both ends are found through the two (subject|object, verb, other) indexes; a pair (what one
    # entity is to another, core.relationships.between) through (subject, object, verb)
    subject = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="relationships_out", index=False)
    verb = pw.CharField(max_length=64)
    object = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="relationships_in", index=False)
    created = pw.DateTimeField(default=now)

    class Meta:
        indexes = (
            (("subject", "verb", "object"), True),
            (("object", "verb", "subject"), False),
            (("subject", "object", "verb"), False),
        )


class Activity(BaseModel):
    """One item of the river: ``actor`` did ``verb`` to ``entity`` (in ``container``).

    Who may see an item is the entity's access, read live through the join (an item keeps no
    copy of it); ``kind`` is the entity's, so feeds keep the enabled kinds in their SQL."""

    id = pw.AutoField()
    site = pw.CharField(max_length=64)
    # read newest first through (actor, id) and (container, id): no index of their own
    actor = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+", index=False)
    verb = pw.CharField(max_length=32)
    entity = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    container = pw.ForeignKeyField(Entity, null=True, on_delete="CASCADE", backref="+", index=False)
    kind = pw.CharField(max_length=64, default="")
    created = pw.DateTimeField(default=now)

    class Meta:
        indexes = (
            (("site", "id"), False),
            (("site", "kind", "id"), False),
            (("actor", "id"), False),
            (("container", "id"), False),
        )


CORE_MODELS = [Site, Entity, Account, Relationship, Activity]
