"""Forum logic: topics, numbered replies, pages, unread markers, followers, permissions."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import TYPE_CHECKING

import peewee as pw

from core import access, activity, entities, notifications, relationships, web
from core.db import database, now, prepared
from core.models import Account, Entity, Relationship
from plugins.forums.models import ReadMarker, Reply, Topic
from plugins.groups import api as membership

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 50
TOPICS_PAGE = 30
FOLLOWS = "forums.follows"


def url(site_or_request, entity) -> str:
    """The address of the topic ``entity``, from its route (``forums-topic``)."""
    return web.url_for(site_or_request, "forums-topic", guid=entity.guid)


def page_of(number: int) -> int:
    """The page on which reply ``number`` appears."""
    return max(1, (number - 1) // PAGE + 1)


def pages(topic: Topic) -> int:
    return max(1, page_of(topic.reply_count))


# what a page of a thread shows of each reply: its stored HTML, never its markdown source
SHOWN = (Reply.id, Reply.topic.alias("topic_id"), Reply.number, Reply.author.alias("author_id"), Reply.html,
         Reply.created, Reply.edited, Reply.deleted)


def replies(topic: Topic, page: int) -> list[SimpleNamespace]:
    """Page ``page`` of a thread: a range on the (topic, number) index, never an OFFSET. Of each
    reply the stored HTML is read, not the ``body`` (:func:`rendered` reads it for the few replies
    never rendered); of each author only what the page shows (``author``: name, and kind and guid
    for the link and the picture). Read as plain values, not models: a page shows fifty replies,
    and building fifty pairs of models cost more than the query."""
    first = (page - 1) * PAGE + 1
    return [_shown(row) for row in _page(topic.entity_id, first, first + PAGE)]


def _shown(row: dict) -> SimpleNamespace:
    """A reply of :func:`_page` with its ``author`` (guid, kind, name), None when the author is gone."""
    kind, title = row.pop("author_kind"), row.pop("author_title")
    return SimpleNamespace(**row, author=SimpleNamespace(guid=row["author_id"], kind=kind, title=title) if kind else None)


@prepared
def _page(topic_guid: int, first: int, after: int):
    return (Reply.select(*SHOWN, Entity.kind.alias("author_kind"), Entity.title.alias("author_title"))
            .join(Entity, pw.JOIN.LEFT_OUTER, on=(Reply.author == Entity.guid))
            .where(Reply.topic == topic_guid, Reply.number >= first, Reply.number < after)
            .order_by(Reply.number).dicts())


def topic_row(guid: int) -> Topic | None:
    """The forum row of the topic entity ``guid`` (its first post, counters, pinned and locked), or None."""
    return _topic.first(guid)


@prepared
def _topic(guid: int):
    return Topic.select().where(Topic.entity == guid).limit(1)


def rendered(rows: list[SimpleNamespace]) -> list[SimpleNamespace]:
    """Fill each reply's HTML, rendering (and storing) only those never rendered since written or edited;
    the ``body`` of those only is read, in one query."""
    from core.text import render_markdown

    todo = [row for row in rows if not row.html and not row.deleted]
    if todo:
        bodies = dict(Reply.select(Reply.id, Reply.body).where(Reply.id.in_([row.id for row in todo])).tuples())
        with database.atomic():
            for row in todo:
                row.html = str(render_markdown(bodies.get(row.id, "")))
                Reply.update(html=row.html).where(Reply.id == row.id).execute()
    return rows


def listing(site: SiteRuntime, viewer: Account | None, group_guid: int, before: dt.datetime | None = None) -> list[Topic]:
    """Topics of a group the viewer may see: pinned first, then the most recently active."""
    query = (Topic.select(Topic, Entity).join(Entity, on=(Topic.entity == Entity.guid))
             .where(Entity.container == group_guid, Entity.kind == "forums.topic",
                    access.visible(viewer, site))
             .order_by(Topic.pinned.desc(), Topic.last_activity.desc(), Topic.entity.desc()).limit(TOPICS_PAGE))
    if before is not None:
        query = query.where(Topic.pinned == False, Topic.last_activity < before)  # noqa: E712
    rows = list(query)
    if viewer is not None and rows:
        marks = {m.topic_id: m.last_read for m in ReadMarker.select().where(
            ReadMarker.user == viewer.guid, ReadMarker.topic.in_([t.entity_id for t in rows]))}
        for t in rows:
            t.unread = t.last_reply is not None and marks.get(t.entity_id, -1) < t.last_reply
            t.never_read = t.entity_id not in marks
    return rows


def is_moderator(site: SiteRuntime, user, group: Entity) -> bool:
    """Group administrators and the site's moderators moderate a group's forum."""
    return user is not None and entities.can(site, user, "moderate", group)


def edit_after(site: SiteRuntime) -> dt.datetime:
    """Messages written after this moment may still be edited by their authors."""
    minutes = int(site.plugin_settings("forums").get("edit_minutes", 30) or 0)
    return now() - dt.timedelta(minutes=minutes)


def within_delay(site: SiteRuntime, created: dt.datetime) -> bool:
    return created >= edit_after(site)


def can_edit(site: SiteRuntime, user, author_guid: int | None, created: dt.datetime, group: Entity) -> bool:
    if user is None:
        return False
    if is_moderator(site, user, group):
        return True
    return author_guid == user.guid and within_delay(site, created)


def can_post(site: SiteRuntime, user, group: Entity) -> bool:
    return user is not None and entities.can(site, user, "forums.post_in", group)


def follow(site: SiteRuntime, user_guid: int, topic_guid: int) -> None:
    relationships.add(site, user_guid, FOLLOWS, topic_guid)


def unfollow(user_guid: int, topic_guid: int) -> None:
    relationships.remove(user_guid, FOLLOWS, topic_guid)


def follows(user_guid: int, topic_guid: int) -> bool:
    return relationships.has(user_guid, FOLLOWS, topic_guid)


def create_topic(site: SiteRuntime, author: Entity, group: Entity, title: str, body: str, access_level: str = "container"):
    with database.atomic():
        entity = entities.create(site, "forums.topic", owner=author.guid, title=title, access_level=access_level,
                                 container=group.guid)
        topic = Topic.create(entity=entity, body=body, last_activity=entity.created)
        follow(site, author.guid, entity.guid)
        activity.record(site, actor=author.guid, verb="posted", entity=entity, container=group.guid)
    notifications.notify(site, "forums.new_topic", membership.member_guids(group), actor=author, entity=entity,
                         text=title)
    return entity, topic


def add_reply(site: SiteRuntime, author: Entity, entity: Entity, body: str) -> Reply:
    """Append a reply with the next number; the author now follows the topic; followers are told."""
    for _attempt in range(5):
        try:
            with database.atomic():
                topic = Topic.get_by_id(entity.guid)
                number = topic.reply_count + 1
                reply = Reply.create(topic=topic, number=number, author=author.guid, body=body, created=now())
                Topic.update(reply_count=number, last_reply=reply.id, last_activity=reply.created).where(
                    Topic.entity == entity.guid, Topic.reply_count == number - 1).execute()
            break
        except pw.IntegrityError:
            continue  # another reply took this number: take the next one
    else:
        raise RuntimeError("could not number the reply")
    followers = [r.subject_id for r in Relationship.select(Relationship.subject).where(
        Relationship.verb == FOLLOWS, Relationship.object == entity.guid)]
    follow(site, author.guid, entity.guid)
    mark_read(author.guid, entity.guid, reply.id)
    activity.record(site, actor=author.guid, verb="replied", entity=entity)
    notifications.notify(site, "forums.reply", followers, actor=author, entity=entity,
                         text=body[:300])
    return reply


def mark_read(user_guid: int, topic_guid: int, reply_id: int) -> None:
    """Move the member's marker forward to ``reply_id`` (never backwards).

    The marker is read first: re-reading a page already read writes nothing, so readers
    do not queue behind each other for the database's write lock."""
    found = _marker.first(user_guid, topic_guid)
    if found is not None:
        current = found[0]
        if current < reply_id:
            ReadMarker.update(last_read=reply_id).where(
                ReadMarker.user == user_guid, ReadMarker.topic == topic_guid,
                ReadMarker.last_read < reply_id).execute()
        return
    try:
        with database.atomic():
            ReadMarker.create(user=user_guid, topic=topic_guid, last_read=reply_id)
    except pw.IntegrityError:
        pass


@prepared
def _marker(user_guid: int, topic_guid: int):
    return ReadMarker.select(ReadMarker.last_read).where(
        ReadMarker.user == user_guid, ReadMarker.topic == topic_guid).limit(1).tuples()


def first_unread(user_guid: int, topic: Topic) -> Reply | None:
    mark = ReadMarker.get_or_none(ReadMarker.user == user_guid, ReadMarker.topic == topic.entity_id)
    last = mark.last_read if mark else 0
    return (Reply.select().where(Reply.topic == topic.entity_id, Reply.id > last)
            .order_by(Reply.id).first())


def move(entity: Entity, target: Entity) -> None:
    entity.container = target.guid
    entity.touch()
    entity.save(only=[Entity.container, Entity.updated])
    from core.models import Activity

    Activity.update(container=target.guid).where(Activity.entity == entity.guid).execute()


def group_of(entity: Entity) -> Entity | None:
    return Entity.get_or_none(Entity.guid == entity.container_id)


