"""Blog posts: validation, saving with history, publication (now or scheduled), listings."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from peewee import JOIN, fn

from core import access, activity, entities, images, inputs, notifications, web
from core.db import database, now
from core.i18n import gettext as _
from core.models import ACCESS_LEVELS, Account, Entity, Relationship
from core.storage import storage
from core.text import plain_text, slugify
from plugins.blog.models import Post, Revision

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 12
MAX_TAGS = 10


class PostError(ValueError):
    """Errors of a submitted post form, keyed by field name."""

    def __init__(self, errors: dict):
        super().__init__("invalid post")
        self.errors = errors


def url(site: SiteRuntime, entity: Entity, slug: str | None = None) -> str:
    """The stable address of a post, its route ``blog-post`` (/blog/<guid>/<slug>)."""
    if slug is None:
        post = Post.get_or_none(Post.entity == entity.guid)
        slug = post.slug if post else slugify(entity.title)
    return web.url_for(site, "blog-post", guid=entity.guid, slug=slug)


def is_public(post: Post) -> bool:
    """Published and its publication time has come."""
    return post.status == "published" and post.publish_at is not None and post.publish_at <= now()


def can_edit(site: SiteRuntime, user: Account | None, entity: Entity) -> bool:
    """Authors, the managers of the organisation or group it belongs to, and delegates of the blog."""
    return user is not None and entities.can(site, user, "blog.edit", entity)


def listing(site: SiteRuntime, viewer: Account | None, before: int | None = None, tag: str | None = None,
            owner: int | None = None, container: int | None = None, limit: int = PAGE) -> list[Post]:
    """Published posts the viewer may see, newest first (keyset on the guid)."""
    author = Entity.alias()
    query = (Post.select(Post, Entity, author).join(Entity, on=(Post.entity == Entity.guid))
             .join_from(Entity, author, JOIN.LEFT_OUTER, on=(Entity.owner == author.guid))
             .where(Post.status == "published", Post.publish_at <= now(),
                    access.visible(viewer, site))
             .order_by(Post.entity.desc()).limit(limit))  # walks blog_post's key backwards, stops at `limit`
    if before:
        query = query.where(Post.entity < before)
    if owner:
        query = query.where(Entity.owner == owner)
    if container:
        query = query.where(Entity.container == container)
    if tag:
        query = query.where(fn.LOWER(Post.tags).contains(f'"{tag.lower()}"'))  # tags are a JSON list
    return list(query)


def drafts(site: SiteRuntime, user: Account) -> list[Post]:
    """Drafts and scheduled posts the member may edit (theirs and those of what they manage)."""
    managed = Relationship.select(Relationship.object).where(Relationship.subject == user.guid,
                                                              Relationship.verb == "manages")
    return list(Post.select(Post, Entity).join(Entity, on=(Post.entity == Entity.guid))
                .where(Entity.site == site.id, Entity.deleted_at.is_null(),
                       (Post.status == "draft") | (Post.publish_at > now()),
                       (Entity.owner == user.guid) | Entity.owner.in_(managed) | Entity.container.in_(managed))
                .order_by(Entity.guid.desc()).limit(100))


def parse(site: SiteRuntime, data, default_access: str) -> tuple[dict, dict]:
    """Read a post form; return (values, errors)."""
    values = {
        "title": (data.get("title") or "").strip(),
        "body": (data.get("body") or "").strip(),
        "excerpt": (data.get("excerpt") or "").strip(),
        "tags": data.get("tags") or "",
        "access": data.get("access") or default_access,
        "comments": data.get("comments") == "1",
        "publish_at": (data.get("publish_at") or "").strip(),
        "container": data.get("container") or "",
    }
    errors = {}
    if not values["title"] or len(values["title"]) > 200:
        errors["title"] = _("Give a title of 1 to 200 characters.")
    if len(values["body"]) > 200_000:
        errors["body"] = _("The text is too long.")
    if len(values["excerpt"]) > 500:
        errors["excerpt"] = _("%(max)s characters at most.") % {"max": 500}
    try:
        values["tag_list"] = inputs.tags(values["tags"], most=MAX_TAGS)
    except inputs.InvalidInput as exc:
        values["tag_list"], errors["tags"] = [], str(exc)
    if values["access"] not in ACCESS_LEVELS:
        errors["access"] = _("Choose who may see it.")
    values["when"] = None
    if values["publish_at"]:
        try:
            values["when"] = dt.datetime.fromisoformat(values["publish_at"])
        except ValueError:
            errors["publish_at"] = _("Give a date and a time, or leave it empty to publish now.")
    return values, errors


def save(site: SiteRuntime, user: Account, actor: Entity, values: dict, entity: Entity | None, publish: bool,
         cover: bytes | None = None, container: Entity | None = None) -> Entity:
    """Create or update a post from parsed values; record a revision; publish if asked."""
    cover_key = None
    if cover:
        cover_key = storage(site).save(images.thumbnail(cover, (1200, 630)))
    with database.atomic():
        if entity is None:
            entity = entities.create(site, "blog.post", owner=actor, title=values["title"],
                                     access_level=values["access"], container=container)
            post = Post.create(entity=entity, slug=slugify(values["title"]))
        else:
            post = Post.get_by_id(entity.guid)
            post.slug = slugify(values["title"])  # the old addresses redirect to the new one
            entities.update(site, entity, title=values["title"], access=values["access"])
        post.body, post.excerpt, post.tags, post.comments = (values["body"], values["excerpt"], values["tag_list"],
                                                             values["comments"])
        if cover_key:
            if post.cover:
                storage(site).delete(post.cover)
            post.cover = cover_key
        if publish:
            post.status = "published"
            post.publish_at = values["when"] or post.publish_at or now()
            if values["when"] and values["when"] > now():
                post.announced = False
        post.save()
        Revision.create(post=post, author=user.guid, created=now(), title=values["title"], body=values["body"],
                        excerpt=values["excerpt"])
        published = _publish_due(site)  # the post, its revision, activity and search document: one transaction
    _tell_followers(site, published)
    return entity


def announce_due(site: SiteRuntime) -> int:
    """Make public the posts whose time has come (activity and search document committed with the
    claim, in one transaction), then tell their authors' followers. Returns how many."""
    with database.atomic():
        published = _publish_due(site)
    _tell_followers(site, published)
    return len(published)


def _publish_due(site: SiteRuntime) -> list[Post]:
    """Claim the posts whose time has come and record their activity; the search index takes them
    before the transaction commits (call inside one). Returns the posts claimed."""
    due = list(Post.select(Post, Entity).join(Entity, on=(Post.entity == Entity.guid))
               .where(Entity.site == site.id, Post.status == "published", Post.announced == False,  # noqa: E712
                      Post.publish_at <= now(), Entity.deleted_at.is_null()))
    published = []
    for post in due:
        entity = post.entity
        if Post.update(announced=True).where(Post.entity == entity.guid, Post.announced == False).execute():  # noqa: E712
            activity.record(site, actor=entity.owner, verb="published", entity=entity)
            entities.announce(site, entity, "update")  # now public: the search index takes it
            published.append(post)
    return published


def _tell_followers(site: SiteRuntime, published: list[Post]) -> None:
    """Notify the followers of each post's author (after the post is committed)."""
    for post in published:
        entity = post.entity
        followers = [r.subject_id for r in Relationship.select(Relationship.subject).where(
            Relationship.object == entity.owner_id, Relationship.verb == "follows")]
        notifications.notify(site, "blog.new_post", followers, actor=entity.owner, entity=entity,
                             text=post.excerpt or plain_text(post.body, 200))


def restore(site: SiteRuntime, user: Account, entity: Entity, revision: Revision) -> None:
    """Bring an earlier version back (as a new revision: nothing is lost)."""
    values = {"title": revision.title, "body": revision.body, "excerpt": revision.excerpt,
              "access": entity.access, "tag_list": Post.get_by_id(entity.guid).tags,
              "comments": Post.get_by_id(entity.guid).comments, "when": None}
    save(site, user, entity.owner, values, entity, publish=False)
