"""The blog's pages: listings (site, author, container), a post, the editor, history, feeds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import HTMLResponse, RedirectResponse, Response

from core import entities, feeds, images, inputs, listings, urls, web
from core.db import now
from core.i18n import gettext as _
from core.models import Entity
from core.storage import StorageError, storage
from core.text import plain_text, render_markdown
from plugins.blog import posts
from plugins.blog.models import Post, Revision

if TYPE_CHECKING:
    from core.runtime import SiteRuntime


def _before(request):
    return inputs.query_id(request, "before")


def _list_page(request, title: str, feed_url: str, base: str, author: Entity | None = None, **filters):
    site = web.site_of(request)
    posts.announce_due(site)
    tag = request.query_params.get("tag") or None
    per_page = site.plugin_settings("blog")["per_page"]
    rows = posts.listing(site, web.current_user(request), _before(request), tag=tag, limit=per_page, **filters)
    return web.render(request, "blog/index.html", {
        "title": title, "posts": rows, "tag": tag, "feed_url": feed_url, "base": base, "author": author,
        "next_before": rows[-1].entity_id if len(rows) == per_page else None,
        "can_write": web.current_user(request) is not None,
    })


def index(request):
    """The site's blog, filtered by tag (``?tag=``) and author (``?author=<guid>``)."""
    site = web.site_of(request)
    raw = request.query_params.get("author", "")
    author = entities.get_visible(site, web.current_user(request), inputs.id_or_none(raw)) if raw else None
    if raw and author is None:
        raise web.not_found()
    if author is not None:
        return _list_page(request, _("Blog of %(name)s") % {"name": author.title}, web.url_for(request, "blog-author-atom", guid=author.guid),
                          web.url_for(request, "blog"), author=author, owner=author.guid)
    return _list_page(request, _("Blog"), web.url_for(request, "blog-atom"), web.url_for(request, "blog"))


def by_author(request):
    """The blog of one member or organisation."""
    owner, where = listings.scope(request, "owner")
    return _list_page(request, _("Blog of %(name)s") % {"name": owner.title}, web.url_for(request, "blog-author-atom", guid=owner.guid),
                      web.url_for(request, "blog-author", guid=owner.guid), **where)


def in_container(request):
    """The blog of a group or an organisation (a tab of its page)."""
    container, where = listings.scope(request, "container")
    return _list_page(request, _("Blog of %(name)s") % {"name": container.title},
                      web.url_for(request, "blog-container-atom", guid=container.guid),
                      web.url_for(request, "blog-container", guid=container.guid), **where)


def _post(request, guid: int) -> tuple[Entity, Post]:
    """A post the viewer may see: published and due, or editable by them."""
    site = web.site_of(request)
    user = web.current_user(request)
    entity = entities.get_visible(site, user, guid, kind="blog.post")
    if entity is None:
        raise web.not_found()
    post = Post.get_by_id(guid)
    if not posts.is_public(post) and not posts.can_edit(site, user, entity):
        raise web.not_found()
    return entity, post


def show(request):
    """A post at its stable address; any other slug (an old title's) redirects to the current one."""
    site = web.site_of(request)
    posts.announce_due(site)
    entity, post = _post(request, request.path_params["guid"])
    if request.path_params.get("slug") != post.slug:
        return RedirectResponse(posts.url(site, entity, post.slug), status_code=301)
    return web.render(request, "blog/post.html", {
        "entity": entity, "post": post, "can_edit": posts.can_edit(site, web.current_user(request), entity),
        "public": posts.is_public(post), "canonical": urls.absolute(web.site_of(request), posts.url(site, entity, post.slug), request),
    })


def short(request):
    """/blog/<guid> (a short link, or a slug lost in copy) redirects to the post's address."""
    entity, post = _post(request, request.path_params["guid"])
    return RedirectResponse(posts.url(web.site_of(request), entity, post.slug), status_code=301)


def edit(request):
    """Write or edit a post: preview, save as draft, publish now or at a date."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity, post = _editable(request, site, user)
    containers = listings.publishable_containers(site, user, request.state.actor, "blog.post_in") if entity is None else []
    values = _form_values(request, site, entity, post)
    errors, preview = {}, None
    if request.method == "POST":
        data = web.form(request)
        values, errors = posts.parse(site, data, values["access"])
        values["tags"] = data.get("tags") or ""
        action = data.get("action", "draft")
        if post is not None and post.announced and values["when"] and values["when"] > now():
            errors["publish_at"] = _("This post is already public: its date cannot move to the future.")
        container = listings.chosen_container(values["container"], containers, errors) if entity is None else None
        cover = images.from_form(data, "cover", errors)
        if action == "preview" and not errors:
            preview = render_markdown(values["body"])
        elif not errors:
            saved = posts.save(site, user, request.state.actor, values, entity, publish=action == "publish",
                               cover=cover, container=container)
            post = Post.get_by_id(saved.guid)
            web.flash(request, _saved_message(post, action))
            return web.redirect(request, posts.url(site, saved, post.slug))
    return web.render(request, "blog/edit.html", {
        "entity": entity, "post": post, "values": values, "errors": errors, "preview": preview,
        "containers": containers}, status_code=400 if errors else 200)


def _editable(request, site: SiteRuntime, user) -> tuple[Entity | None, Post | None]:
    """The post being edited (None, None for a new one), after checking the member may write it."""
    guid = request.path_params.get("guid")
    if guid is not None:
        entity, post = _post(request, guid)
        if not posts.can_edit(site, user, entity):
            raise web.forbidden()
        return entity, post
    if (not site.plugin_settings("blog")["members_can_blog"] and request.state.actor.kind == "user"
            and not user.is_admin):
        raise web.forbidden()  # this site keeps blogs for organisations and groups
    return None, None


def _form_values(request, site: SiteRuntime, entity: Entity | None, post: Post | None) -> dict:
    """The editor's values: the post's, or the defaults of a new one."""
    if post is None:
        return {"title": "", "body": "", "excerpt": "", "tags": "", "comments": True, "publish_at": "",
                "access": site.settings.get("default_access", "public"),
                "container": request.query_params.get("in", "")}
    later = post.publish_at is not None and post.publish_at > now()
    return {"title": entity.title, "body": post.body, "excerpt": post.excerpt, "tags": ", ".join(post.tags),
            "access": entity.access, "comments": post.comments,
            "publish_at": post.publish_at.strftime("%Y-%m-%dT%H:%M") if later else "",
            "container": request.query_params.get("in", "")}


def _saved_message(post: Post, action: str) -> str:
    if action != "publish":
        return _("Draft saved.")
    if posts.is_public(post):
        return _("Your post is published.")
    return _("Your post will be published on %(date)s.") % {"date": post.publish_at.strftime("%d/%m/%Y %H:%M")}


def preview(request):
    """The rendered markdown of a text, for the editor's live preview (static/editor.js)."""
    web.require_user(request)
    body = (web.form(request).get("body") or "")[:200_000]
    return HTMLResponse(str(render_markdown(body)))


def history(request):
    """Who changed what, when; restore an earlier version."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity, post = _post(request, request.path_params["guid"])
    if not posts.can_edit(site, user, entity):
        raise web.forbidden()
    if request.method == "POST":
        rid = inputs.id_or_none(web.form(request).get("revision"))
        revision = Revision.get_or_none(Revision.id == rid, Revision.post == post) if rid else None
        if revision is None:
            raise web.not_found()
        posts.restore(site, user, entity, revision)
        web.flash(request, _("The version of %(date)s is restored.") % {"date": revision.created.strftime("%d/%m %H:%M")})
        return web.redirect(request, posts.url(site, entity))
    revisions = list(Revision.select(Revision, Entity).join(Entity, on=(Revision.author == Entity.guid))
                     .where(Revision.post == post).order_by(Revision.id.desc()))
    import difflib

    changes = []
    for newer, older in zip(revisions, revisions[1:] + [None], strict=False):
        diff = [] if older is None else list(difflib.unified_diff(
            older.body.splitlines(), newer.body.splitlines(), lineterm="", n=1))[2:]
        changes.append({"rev": newer, "diff": diff, "title_changed": older is not None and older.title != newer.title,
                        "excerpt_changed": older is not None and older.excerpt != newer.excerpt})
    return web.render(request, "blog/history.html", {"entity": entity, "changes": changes})


def delete(request):
    """Move a post to the trash."""
    user = web.require_user(request)
    site = web.site_of(request)
    entity, _post_row = _post(request, request.path_params["guid"])
    return listings.trash(request, entity, allowed=posts.can_edit(site, user, entity), back=web.url_for(request, "blog"),
                          message=_("The post is in the trash; it can be restored from there."))


def my_drafts(request):
    """The member's drafts and scheduled posts."""
    user = web.require_user(request)
    return web.render(request, "blog/drafts.html", {"posts": posts.drafts(web.site_of(request), user)})


def cover(request):
    """The cover image of a post, served after the access check."""
    entity, post = _post(request, request.path_params["guid"])
    if not post.cover:
        raise web.not_found()
    try:
        data = storage(web.site_of(request)).read(post.cover)
    except StorageError:
        raise web.not_found() from None
    return Response(data, media_type=images.sniff(data) or "image/jpeg",
                    headers={"Cache-Control": "private, max-age=3600"})


def _atom(request, title: str, self_url: str, **filters):
    site = web.site_of(request)
    posts.announce_due(site)
    rows = posts.listing(site, None, limit=30, **filters)
    entries = [{"id": f"tag:maillage,{site.id}:blog:{p.entity_id}", "title": p.entity.title,
                "url": posts.url(site, p.entity, p.slug), "updated": p.entity.updated, "published": p.publish_at,
                "author": entities.as_seen_by(site, None, p.entity.owner).title,
                "summary": p.excerpt and str(render_markdown(p.excerpt)) or plain_text(p.body, 400)} for p in rows]
    return feeds.atom_response(request, title, self_url, entries)


def atom(request):
    """Atom feed of the site's blog."""
    site = web.site_of(request)
    return _atom(request, _("Blog — %(site)s") % {"site": site.name}, web.url_for(request, "blog-atom"))


def atom_author(request):
    """Atom feed of one author's blog."""
    site = web.site_of(request)
    owner = entities.get_visible(site, None, request.path_params["guid"])
    if owner is None:
        raise web.not_found()
    return _atom(request, _("Blog of %(name)s") % {"name": owner.title}, web.url_for(request, "blog-author-atom", guid=owner.guid),
                 owner=owner.guid)


def atom_container(request):
    """Atom feed of a group's or an organisation's blog."""
    site = web.site_of(request)
    container = entities.get_visible(site, None, request.path_params["guid"])
    if container is None:
        raise web.not_found()
    return _atom(request, _("Blog of %(name)s") % {"name": container.title}, web.url_for(request, "blog-container-atom", guid=container.guid),
                 container=container.guid)
