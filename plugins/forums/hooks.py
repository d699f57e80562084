"""What the forums bring in code: their pages, notifications, permissions and the data hooks.
The "Forum" tab in groups, the "forums.topic" kind and the settings (edit delay) are declared in
plugin.toml. Requires the groups plugin.
"""

from starlette.routing import Route

from core import hookimpl
from core.i18n import gettext_lazy as _l
from core.kinds import NotificationEvent, RelationshipVerb
from plugins.forums import views


@hookimpl
def maillage_routes(site):
    t = "/{guid:int}"
    return [
        Route("/in/{guid:int}", views.in_group, name="forums-group"),
        Route("/in/{guid:int}/new", views.new_topic, methods=["GET", "POST"], name="forums-new"),
        Route(t, views.show, name="forums-topic"),
        Route(t + "/unread", views.unread, name="forums-unread"),
        Route(t + "/reply", views.reply, methods=["POST"], name="forums-reply"),
        Route(t + "/edit", views.edit, methods=["GET", "POST"], name="forums-edit"),
        Route(t + "/{action}", views.moderate, methods=["POST"], name="forums-moderate"),
    ]


@hookimpl
def maillage_relationship_verbs(site):
    return [RelationshipVerb("forums.follows", _l("follows the topic"))]


@hookimpl
def maillage_notification_events(site):
    return [NotificationEvent("forums.new_topic", _l("A new topic in one of my groups"), default="daily"),
            NotificationEvent("forums.reply", _l("A reply in a topic I follow"), default="instant")]


@hookimpl
def maillage_search_documents(site, entity):
    if entity.kind == "forums.topic":
        from plugins.forums.models import Topic

        topic = Topic.get_or_none(Topic.entity == entity.guid)
        if topic is not None:
            return {"title": entity.title, "body": topic.body}


@hookimpl
def maillage_export_personal_data(site, user):
    from core.models import Entity
    from plugins.forums.models import Reply, Topic

    topics = Topic.select(Topic, Entity).join(Entity, on=(Topic.entity == Entity.guid)).where(
        Entity.owner == user.guid)
    replies = Reply.select().where(Reply.author == user.guid, Reply.deleted == False)  # noqa: E712
    return {"forums/topics.json": [{"guid": t.entity_id, "title": t.entity.title, "body": t.body,
                                    "created": t.entity.created} for t in topics],
            "forums/replies.json": [{"topic": r.topic_id, "number": r.number, "body": r.body,
                                     "created": r.created} for r in replies]}


@hookimpl
def maillage_delete_personal_data(site, user, mode):
    """Replies are emptied ("delete") or detached from their author ("anonymise"); numbers stay."""
    from plugins.forums.models import ReadMarker, Reply

    if mode == "delete":
        Reply.update(body="", html="", deleted=True, author=None).where(Reply.author == user.guid).execute()
    else:
        Reply.update(author=None).where(Reply.author == user.guid).execute()
    ReadMarker.delete().where(ReadMarker.user == user.guid).execute()


@hookimpl
def maillage_demo_data(site, scale, rng):
    from plugins.forums.demo import generate

    generate(site, scale, rng)


@hookimpl
def maillage_adoption_figures(site):
    from plugins.forums.figures import FIGURES

    return list(FIGURES)
