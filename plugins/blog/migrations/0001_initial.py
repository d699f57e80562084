"""Create the blog's tables: posts and their revisions."""

import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class Post(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        slug = CharField(max_length=100)
        body = TextField(default="")
        excerpt = TextField(default="")
        cover = CharField(max_length=64, default="")
        tags = TextField(default="[]")
        comments = BooleanField(default=True)
        status = CharField(max_length=12, default="draft")
        publish_at = DateTimeField(null=True)
        announced = BooleanField(default=False)

        class Meta:
            table_name = "blog_post"
            indexes = ((("status", "publish_at"), False),)

    class Revision(Base):
        post = ForeignKeyField(Post, on_delete="CASCADE")
        author = ForeignKeyField(Entity, null=True, on_delete="SET NULL")
        created = DateTimeField(default=datetime.datetime.now)
        title = CharField(max_length=300)
        body = TextField()
        excerpt = TextField(default="")

        class Meta:
            table_name = "blog_revision"

    db.create_tables([Post, Revision])
