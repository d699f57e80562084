"""Going, interested, waiting: seats counted in one locked transaction, the waiting list moves up."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from core import notifications
from core.db import database, is_postgres, now
from core.models import Entity
from plugins.agenda.models import Event, Participation

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

GOING, INTERESTED, WAITING = "going", "interested", "waiting"


@contextlib.contextmanager
def locked(guid: int):
    """A transaction holding the event's row: ``SELECT ... FOR UPDATE`` on PostgreSQL,
    ``BEGIN IMMEDIATE`` (one writer at a time) on SQLite. Yields the event."""
    if is_postgres():
        with database.atomic():
            yield Event.select().where(Event.entity == guid).for_update().get()
    elif database.in_transaction():
        with database.atomic():
            yield Event.get_by_id(guid)
    else:
        with database.atomic(lock_type="IMMEDIATE"):
            yield Event.get_by_id(guid)


def status_of(event_guid: int, member_guid: int) -> str | None:
    row = Participation.get_or_none(Participation.event == event_guid, Participation.member == member_guid)
    return row.status if row else None


def counts(event_guid: int) -> dict:
    from peewee import fn

    rows = (Participation.select(Participation.status, fn.COUNT(Participation.id).alias("n"))
            .where(Participation.event == event_guid).group_by(Participation.status))
    result = {GOING: 0, INTERESTED: 0, WAITING: 0}
    result.update({r.status: r.n for r in rows})
    return result


def answer(site: SiteRuntime, entity: Entity, member: Entity, wanted: str) -> str | None:
    """Record a member's answer (``going``, ``interested`` or ``""`` to withdraw); return their status.

    ``going`` on a full event puts them on the waiting list; a seat given back goes to the
    first one waiting, who is told (``agenda.moved_up``).
    """
    moved = None
    with locked(entity.guid) as event:
        row = Participation.get_or_none(Participation.event == event.entity_id, Participation.member == member.guid)
        before = row.status if row else None
        if wanted == GOING:
            if before in (GOING, WAITING):
                return before
            taken = Participation.select().where(Participation.event == event.entity_id,
                                                 Participation.status == GOING).count()
            status = WAITING if event.capacity is not None and taken >= event.capacity else GOING
        elif wanted == INTERESTED:
            status = INTERESTED
        else:
            status = None
        if row is None and status:
            Participation.create(event=event.entity_id, member=member.guid, status=status, created=now())
        elif row is not None and status:
            Participation.update(status=status, created=now() if status != before else row.created).where(
                Participation.id == row.id).execute()
        elif row is not None:
            row.delete_instance()
        if before == GOING and status != GOING:
            moved = _move_up(event)
    if moved is not None:
        notifications.notify(site, "agenda.moved_up", [moved], actor=entity.owner, entity=entity, text=entity.title)
    return status


def _move_up(event: Event) -> int | None:
    """Inside the lock: give a free seat to the first one waiting; return their guid."""
    if event.capacity is not None:
        taken = Participation.select().where(Participation.event == event.entity_id,
                                             Participation.status == GOING).count()
        if taken >= event.capacity:
            return None
    first = (Participation.select().where(Participation.event == event.entity_id, Participation.status == WAITING)
             .order_by(Participation.created, Participation.id).first())
    if first is None:
        return None
    Participation.update(status=GOING).where(Participation.id == first.id).execute()
    return first.member_id


def fill_free_seats(site: SiteRuntime, entity: Entity) -> list[int]:
    """After the capacity grew: move up as many people as there are new seats."""
    moved = []
    with locked(entity.guid) as event:
        while (guid := _move_up(event)) is not None:
            moved.append(guid)
    if moved:
        notifications.notify(site, "agenda.moved_up", moved, actor=entity.owner, entity=entity, text=entity.title)
    return moved


def participants(event_guid: int, statuses=(GOING, WAITING, INTERESTED)) -> list[Participation]:
    return list(Participation.select(Participation, Entity).join(Entity, on=(Participation.member == Entity.guid))
                .where(Participation.event == event_guid, Participation.status.in_(statuses))
                .order_by(Participation.status, Participation.created, Participation.id))


def may_see_list(event: Event, viewer_status: str | None, can_edit: bool, signed_in: bool) -> bool:
    """The organiser chooses who sees the participant list: themselves, the participants, or everyone."""
    if can_edit:
        return True
    if event.show_participants == "participants":
        return viewer_status in (GOING, WAITING, INTERESTED)
    return event.show_participants == "everyone" and signed_in
