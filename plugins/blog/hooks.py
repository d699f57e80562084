"""What the blog brings in code: its pages and feeds, notifications, permissions, data hooks.

The "blog.post" kind, the menu entry, the group tab and the settings are declared in
plugin.toml; with this file it is the whole map of the plugin (docs/tutorial-blog.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import Route

from core import entities, hookimpl
from core.commands import per_site
from core.i18n import gettext_lazy as _l
from core.kinds import NotificationEvent
from plugins.blog import views

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


@hookimpl
def maillage_routes(site):
    return [
        Route("/", views.index, name="blog"),
        Route("/feed.atom", views.atom, name="blog-atom"),
        Route("/new", views.edit, methods=["GET", "POST"], name="blog-new"),
        Route("/drafts", views.my_drafts, name="blog-drafts"),
        Route("/preview", views.preview, methods=["POST"], name="blog-preview"),
        Route("/by/{guid:int}", views.by_author, name="blog-author"),
        Route("/by/{guid:int}/feed.atom", views.atom_author, name="blog-author-atom"),
        Route("/in/{guid:int}", views.in_container, name="blog-container"),
        Route("/in/{guid:int}/feed.atom", views.atom_container, name="blog-container-atom"),
        Route("/{guid:int}", views.short, name="blog-post-short"),
        Route("/{guid:int}/edit", views.edit, methods=["GET", "POST"], name="blog-edit"),
        Route("/{guid:int}/history", views.history, methods=["GET", "POST"], name="blog-history"),
        Route("/{guid:int}/delete", views.delete, methods=["POST"], name="blog-delete"),
        Route("/{guid:int}/cover", views.cover, name="blog-cover"),
        Route("/{guid:int}/{slug}", views.show, name="blog-post"),
    ]


@hookimpl
def maillage_permission(site, user, action, entity):
    """No comments on drafts and scheduled posts, nor where the author switched them off;
    the managers of a container edit the posts in it."""
    if entity is None or entity.kind != "blog.post":
        return None
    if action == "comment":
        from plugins.blog.models import Post
        from plugins.blog.posts import is_public

        post = Post.get_or_none(Post.entity == entity.guid)
        return False if post is not None and (not post.comments or not is_public(post)) else None
    if action == "blog.edit" and entity.container_id and entities.manages(user, entity.container_id):
        return True
    return None


@hookimpl
def maillage_notification_events(site):
    return [NotificationEvent("blog.new_post", _l("A new post by someone I follow"), default="daily")]


@hookimpl
def maillage_search_documents(site, entity):
    if entity.kind == "blog.post":
        from plugins.blog.models import Post

        post = Post.get_or_none(Post.entity == entity.guid)
        if post is not None and post.announced:  # drafts and scheduled posts are not found
            return {"title": entity.title, "body": f"{post.excerpt}\n{post.body}\n{' '.join(post.tags)}"}


@hookimpl
def maillage_export_personal_data(site, user):
    from core.models import Entity
    from plugins.blog.models import Post

    rows = Post.select(Post, Entity).join(Entity, on=(Post.entity == Entity.guid)).where(Entity.owner == user.guid)
    return {"blog/posts.json": [{"title": p.entity.title, "body": p.body, "excerpt": p.excerpt, "tags": p.tags,
                                 "status": p.status, "publish_at": p.publish_at, "access": p.entity.access}
                                for p in rows]}


@hookimpl
def maillage_delete_personal_data(site, user, mode):
    if mode == "delete":
        from core.models import Entity
        from core.storage import storage
        from plugins.blog.models import Post

        for post in Post.select().join(Entity, on=(Post.entity == Entity.guid)).where(Entity.owner == user.guid):
            if post.cover:
                storage(site).delete(post.cover)


@hookimpl
def maillage_entity_deleted(site, entity):
    if entity.kind == "blog.post":
        from core.storage import storage
        from plugins.blog.models import Post

        post = Post.get_or_none(Post.entity == entity.guid)
        if post is not None and post.cover:
            storage(site).delete(post.cover)


@hookimpl
def maillage_cli_commands(subparsers):
    per_site(subparsers, "publish-scheduled", "publish the blog posts whose time has come", "blog",
             _publish_scheduled)


def _publish_scheduled(site: SiteRuntime, args):
    from plugins.blog.posts import announce_due

    return f"{announce_due(site)} post(s) published"


@hookimpl
def maillage_demo_data(site, scale, rng):
    from plugins.blog.demo import generate

    generate(site, scale, rng)
