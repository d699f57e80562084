"""What the wire brings in code: its pages and feed, mention notifications, data hooks.

The "wire.status" kind, the menu entry and the settings are declared in plugin.toml."""

from starlette.routing import Route

from core import hookimpl
from core.i18n import gettext_lazy as _l
from core.kinds import NotificationEvent
from plugins.wire import views


@hookimpl
def maillage_routes(site):
    return [
        Route("/", views.index, methods=["GET", "POST"], name="wire"),
        Route("/feed.atom", views.atom, name="wire-atom"),
        Route("/{guid:int}", views.show, name="wire-status"),
        Route("/{guid:int}/delete", views.delete, methods=["POST"], name="wire-delete"),
    ]


@hookimpl
def maillage_notification_events(site):
    return [NotificationEvent("wire.mention", _l("Someone mentions me in a status"), default="instant")]


@hookimpl
def maillage_search_documents(site, entity):
    if entity.kind == "wire.status":
        from plugins.wire.models import Status

        status = Status.get_or_none(Status.entity == entity.guid)
        return {"title": entity.title, "body": status.body if status else ""}


@hookimpl
def maillage_export_personal_data(site, user):
    from core.models import Entity
    from plugins.wire.models import Status

    rows = (Status.select(Status, Entity).join(Entity, on=(Status.entity == Entity.guid))
            .where(Entity.owner == user.guid))
    return {"wire/statuses.json": [{"body": s.body, "access": s.entity.access, "created": s.entity.created}
                                   for s in rows]}


@hookimpl
def maillage_delete_personal_data(site, user, mode):
    if mode == "delete":
        from core.models import Entity
        from plugins.wire.models import Status

        mine = Entity.select(Entity.guid).where(Entity.owner == user.guid, Entity.kind == "wire.status")
        Status.delete().where(Status.entity.in_(mine)).execute()


@hookimpl
def maillage_demo_data(site, scale, rng):
    from core import demo
    from plugins.wire.demo import generate

    generate(site, scale, rng, demo)
