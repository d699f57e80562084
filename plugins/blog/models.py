"""The blog's tables: a post (keyed by its entity) and its revisions."""

import peewee as pw

from core.db import BaseModel, JSONField, now
from core.models import Entity


class Post(BaseModel):
    """A blog post; its entity row holds owner, container, access, title and dates.

    ``status`` is ``draft`` or ``published``; a published post whose ``publish_at`` is in
    the future is *scheduled*: nobody but its authors sees it before that time.
    """

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    slug = pw.CharField(max_length=100)
    body = pw.TextField(default="")
    excerpt = pw.TextField(default="")
    cover = pw.CharField(max_length=64, default="")
    tags = JSONField(default=list)
    comments = pw.BooleanField(default=True)
    status = pw.CharField(max_length=12, default="draft")
    publish_at = pw.DateTimeField(null=True)
    announced = pw.BooleanField(default=False)

    class Meta:
        table_name = "blog_post"
        indexes = ((("status", "entity"), False), (("announced", "publish_at"), False))


class Revision(BaseModel):
    """A saved version of a post: who changed it, when, and what it said."""

    post = pw.ForeignKeyField(Post, on_delete="CASCADE", backref="revisions")
    author = pw.ForeignKeyField(Entity, null=True, on_delete="SET NULL", backref="+")
    created = pw.DateTimeField(default=now)
    title = pw.CharField(max_length=300)
    body = pw.TextField()
    excerpt = pw.TextField(default="")

    class Meta:
        table_name = "blog_revision"

