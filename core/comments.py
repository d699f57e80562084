"""Comments and likes on any entity kind that allows them (``EntityKind(commentable=True, likable=True)``).

A comment is an entity of kind ``"comment"`` whose container is the commented entity,
so trash, reports and moderation work on comments as on anything else. A detail
template shows the thread and the like button with::

    {% include "core/comments.html" %}     {# needs `entity` in the context #}
    {% include "core/likes.html" %}
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import peewee as pw

from core import activity, entities, notifications, relationships
from core.db import BaseModel, database, now
from core.i18n import gettext as _
from core.models import Account, Entity
from core.text import plain_text

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

MAX_LENGTH = 5000
PAGE = 100


class Comment(BaseModel):
    """The text of a comment (its entity row holds author, parent, dates, trash, moderation)."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    body = pw.TextField()
    edited = pw.DateTimeField(null=True)


class Like(BaseModel):
    """``user`` (a member or the entity they act as) likes ``entity``."""

    site = pw.CharField(max_length=64)
    user = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    entity = pw.ForeignKeyField(Entity, on_delete="CASCADE", backref="+")
    created = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("entity", "user"), True),)


class CommentError(ValueError):
    """The comment cannot be posted or changed; the message is shown to the member."""


def allows(site: SiteRuntime, entity: Entity, feature: str) -> bool:
    """Whether ``entity``'s kind accepts ``feature`` ("commentable" or "likable")."""
    kind = site.entity_kinds.get(entity.kind)
    return bool(kind and getattr(kind, feature))


def may_comment(site: SiteRuntime, user: Account | None, actor: Entity | None, entity: Entity) -> bool:
    """Members may comment what they see, unless the kind, the owner's block or a plugin says no."""
    if user is None or actor is None or not allows(site, entity, "commentable"):
        return False
    if entity.owner_id and relationships.is_blocked(entity.owner_id, actor.guid):
        return False
    votes = site.call("maillage_permission", site=site, user=user, action="comment", entity=entity)
    return False not in votes


def thread(site: SiteRuntime, viewer: Account | None, entity: Entity) -> list[tuple[Entity, Comment]]:
    """The comments of ``entity`` the viewer may see, oldest first."""
    query = (Entity.select(Entity, Comment).join(Comment, on=(Comment.entity == Entity.guid))
             .where(Entity.container == entity.guid, Entity.kind == "comment", Entity.deleted_at.is_null())
             .order_by(Entity.guid).limit(PAGE))
    if viewer is None:
        query = query.where(Entity.hidden == False)  # noqa: E712
    elif not viewer.is_moderator:
        query = query.where((Entity.hidden == False) | (Entity.owner == viewer.guid))  # noqa: E712
    return [(row, row.comment) for row in query]


def count(entity: Entity) -> int:
    """Visible comments on ``entity`` (neither trashed nor hidden)."""
    return Entity.select().where(Entity.container == entity.guid, Entity.kind == "comment",
                                 Entity.deleted_at.is_null(), Entity.hidden == False).count()  # noqa: E712


def add(site: SiteRuntime, user: Account, actor: Entity, entity: Entity, body: str) -> Entity:
    """Post a comment as ``actor``; notify the owner of the commented entity."""
    body = (body or "").strip()
    if not body:
        raise CommentError(_("Write something first."))
    if len(body) > MAX_LENGTH:
        raise CommentError(_("%(max)s characters at most.") % {"max": MAX_LENGTH})
    if not may_comment(site, user, actor, entity):
        raise CommentError(_("You cannot comment here."))
    with database.atomic():  # the comment, its row and its activity: one transaction
        comment = entities.create(site, "comment", owner=actor, title=plain_text(body, 80), access_level=entity.access,
                                  container=entity)
        Comment.create(entity=comment, body=body)
        activity.record(site, actor=actor, verb="commented", entity=entity)
    if entity.owner_id:
        notifications.notify(site, "core.comment", [entity.owner_id], actor=actor, entity=entity,
                             text=body[:300])
    return comment


def editable(site: SiteRuntime, user: Account | None, comment: Entity) -> bool:
    """Authors edit their comment during the site's delay; moderators never rewrite members."""
    if user is None:
        return False
    if comment.owner_id != user.guid and not entities.manages(user, comment.owner_id):
        return False  # written as an association: the people who run it may edit
    minutes = int(site.settings.get("comment_edit_minutes", 30))
    return now() - comment.created <= dt.timedelta(minutes=minutes)


def edit(site: SiteRuntime, user: Account, comment: Entity, body: str) -> None:
    """Change a comment's text (within the delay)."""
    body = (body or "").strip()
    if not body or len(body) > MAX_LENGTH:
        raise CommentError(_("Write between 1 and %(max)s characters.") % {"max": MAX_LENGTH})
    if not editable(site, user, comment):
        raise CommentError(_("This comment can no longer be edited."))
    Comment.update(body=body, edited=now()).where(Comment.entity == comment.guid).execute()
    Entity.update(title=plain_text(body, 80), updated=now()).where(Entity.guid == comment.guid).execute()


def deletable(site: SiteRuntime, user: Account | None, comment: Entity) -> bool:
    """Authors, moderators and the managers of the author may delete (to the trash)."""
    return user is not None and (comment.owner_id == user.guid or user.is_moderator
                                 or entities.manages(user, comment.owner_id))


def toggle_like(site: SiteRuntime, actor: Entity, entity: Entity) -> bool:
    """Like or unlike; return whether ``actor`` now likes ``entity``."""
    deleted = Like.delete().where(Like.entity == entity.guid, Like.user == actor.guid).execute()
    if deleted:
        return False
    Like.insert(site=site.id, user=actor.guid, entity=entity.guid, created=now()).on_conflict_ignore().execute()
    return True


def likes(entity: Entity) -> int:
    """How many likes ``entity`` has."""
    return Like.select().where(Like.entity == entity.guid).count()


def liked_by(actor: Entity | None, entity: Entity) -> bool:
    return actor is not None and Like.select().where(Like.entity == entity.guid, Like.user == actor.guid).exists()
