"""Relationships between entities: follow, mutual connections, blocks.

- **follow** is one-way: "see their public news in my feed". No acceptance needed.
- **connect** is mutual: a request the other side accepts (or declines); once accepted,
  ``connected`` is written both ways. Either side can remove it. A declined request becomes
  ``connection_declined``: it leaves the list of requests received, and the requester, who is not
  told, still sees it waiting among the requests sent (asking again changes nothing).
- **block**: the blocked entity can no longer follow, ask to connect, comment on, or see
  the non-public content of the one who blocked; existing links between them are cut.

Every function takes entity guids (a member, or an organisation or group a member acts
as) and raises RelationshipError with a message for the member when a rule forbids it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from core import request_cache
from core.db import database, now, prepared
from core.i18n import gettext as _
from core.models import Entity, Relationship

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 30


class RelationshipError(ValueError):
    """The action is not possible; the message is shown to the member."""


def has(subject: int, verb: str, obj: int) -> bool:
    """Is there a ``verb`` relationship from ``subject`` to ``obj``? (Any verb: core or a plugin's.)"""
    return (subject, verb, obj) in between(subject, obj)


def between(a: int, b: int) -> frozenset[tuple[int, str, int]]:
    """Every relationship between ``a`` and ``b``, both ways, as ``(subject, verb, object)``: one query,
    kept for the page (a profile's buttons, its fields and the "Write" button all ask)."""
    pair = (min(a, b), max(a, b))
    return request_cache.remember("relationships.between", pair, lambda: frozenset(_between(*pair)))


@prepared
def _between(a: int, b: int):
    rel = Relationship
    return rel.select(rel.subject, rel.verb, rel.object).where(
        ((rel.subject == a) & (rel.object == b)) | ((rel.subject == b) & (rel.object == a))).tuples()


def add(site: SiteRuntime, subject: int, verb: str, obj: int) -> None:
    """Record ``subject`` → ``verb`` → ``obj`` once (a second call changes nothing). Plugins record their
    own verbs with it (``directory.claims``, ``forums.follows``); the social rules below use it too."""
    Relationship.insert(site=site.id, subject=subject, verb=verb, object=obj, created=now()) \
        .on_conflict_ignore().execute()
    request_cache.forget()
    if verb in COUNTED_VERBS:
        site.forget(COUNTS)


def remove(subject: int, verb: str | Iterable[str], obj: int) -> int:
    """Delete the ``verb`` relationship (or those of several verbs) from ``subject`` to ``obj``;
    how many rows went."""
    verbs = [verb] if isinstance(verb, str) else list(verb)
    gone = Relationship.delete().where(Relationship.subject == subject, Relationship.verb.in_(verbs),
                                       Relationship.object == obj).execute()
    request_cache.forget()
    return gone


def is_blocked(blocker: int, other: int) -> bool:
    """True when ``blocker`` blocks ``other``."""
    return has(blocker, "blocks", other)


def _check(a: int, b: int) -> None:
    if a == b:
        raise RelationshipError(_("You cannot do this with yourself."))
    if is_blocked(b, a) or is_blocked(a, b):
        raise RelationshipError(_("This is not possible between you."))


def follow(site: SiteRuntime, a: int, b: int) -> None:
    """``a`` follows ``b``."""
    _check(a, b)
    add(site, a, "follows", b)


def unfollow(site: SiteRuntime, a: int, b: int) -> None:
    """``a`` stops following ``b``."""
    remove(a, "follows", b)
    site.forget(COUNTS)


def request_connection(site: SiteRuntime, a: int, b: int) -> str:
    """``a`` asks ``b`` to connect; if ``b`` had already asked, they are connected. Returns the state:
    ``"connected"``, ``"requested"`` (a new request) or ``"waiting"`` (``a`` had asked already)."""
    _check(a, b)
    if has(a, "connected", b):
        return "connected"
    if has(b, "connection_requested", a) or has(b, "connection_declined", a):
        # both asked: connected (a request once declined counts, its sender still wants it)
        with database.atomic():
            remove(b, ("connection_requested", "connection_declined"), a)
            remove(a, ("connection_requested", "connection_declined"), b)
            add(site, a, "connected", b)
            add(site, b, "connected", a)
        return "connected"
    if has(a, "connection_requested", b) or has(a, "connection_declined", b):
        return "waiting"  # asked already (perhaps declined, which the requester is not told): nobody is told again
    add(site, a, "connection_requested", b)
    return "requested"


def accept(site: SiteRuntime, a: int, b: int) -> None:
    """``a`` accepts the request ``b`` sent: they are connected both ways."""
    with database.atomic():
        if not remove(b, "connection_requested", a):
            raise RelationshipError(_("There is no request to accept."))
        add(site, a, "connected", b)
        add(site, b, "connected", a)


def decline(site: SiteRuntime, a: int, b: int) -> None:
    """``a`` declines the request ``b`` sent: gone from ``a``'s requests received; ``b`` is not told
    and still sees it waiting (``connection_declined``)."""
    with database.atomic():
        if remove(b, "connection_requested", a):
            add(site, b, "connection_declined", a)


def withdraw(site: SiteRuntime, a: int, b: int) -> None:
    """``a`` withdraws the request they sent to ``b`` (waiting or declined)."""
    remove(a, ("connection_requested", "connection_declined"), b)


def disconnect(site: SiteRuntime, a: int, b: int) -> None:
    """Remove the connection between ``a`` and ``b`` (both ways)."""
    with database.atomic():
        remove(a, "connected", b)
        remove(b, "connected", a)
        site.forget(COUNTS)


def block(site: SiteRuntime, a: int, b: int) -> None:
    """``a`` blocks ``b``: every link between them is cut."""
    if a == b:
        raise RelationshipError(_("You cannot do this with yourself."))
    with database.atomic():
        cut = ("follows", "connected", "connection_requested", "connection_declined")
        remove(a, cut, b)
        remove(b, cut, a)
        add(site, a, "blocks", b)
        site.forget(COUNTS)


def unblock(site: SiteRuntime, a: int, b: int) -> None:
    """``a`` stops blocking ``b``."""
    remove(a, "blocks", b)


def state(a: int, b: int) -> dict:
    """How ``a`` relates to ``b``, for the buttons of a page."""
    rows = between(a, b)
    return {
        "following": (a, "follows", b) in rows,
        "followed_by": (b, "follows", a) in rows,
        "connected": (a, "connected", b) in rows,
        "requested": (a, "connection_requested", b) in rows or (a, "connection_declined", b) in rows,
        "request_received": (b, "connection_requested", a) in rows,
        "blocking": (a, "blocks", b) in rows,
        "blocked_by": (b, "blocks", a) in rows,
    }


LISTS = {
    "followers": ("follows", "in"),
    "following": ("follows", "out"),
    "connections": ("connected", "out"),
    "requests": ("connection_requested", "in"),
    "requested": (("connection_requested", "connection_declined"), "out"),  # declined ones look waiting
    "blocked": ("blocks", "out"),
}


def listing(guid: int, which: str, before: int | None = None, limit: int = PAGE) -> list[tuple[int, Entity]]:
    """``(relationship id, entity)`` pairs of one list of ``guid``, newest first (keyset on the id)."""
    verb, direction = LISTS[which]
    verbs = Relationship.verb.in_(verb) if isinstance(verb, tuple) else (Relationship.verb == verb)
    if direction == "out":
        query = (Relationship.select(Relationship.id, Entity).join(Entity, on=(Relationship.object == Entity.guid))
                 .where(Relationship.subject == guid, verbs))
    else:
        query = (Relationship.select(Relationship.id, Entity).join(Entity, on=(Relationship.subject == Entity.guid))
                 .where(Relationship.object == guid, verbs))
    query = query.where(Entity.deleted_at.is_null()).order_by(Relationship.id.desc()).limit(limit)
    if before:
        query = query.where(Relationship.id < before)
    return [(row.id, row.object if direction == "out" else row.subject) for row in query]


PUBLIC_LISTS = ("followers", "following", "connections")
COUNTS = "core.relationship_counts"  # the shared counts of counts(), forgotten when a follow or connection changes
COUNTED_VERBS = ("follows", "connected")


def counts(site: SiteRuntime, guid: int, shared: bool = False) -> dict[str, int]:
    """The sizes of ``guid``'s public lists (followers, following, connections).

    ``shared=True`` gives the figures every visitor and member sees, kept a minute in each worker:
    a hub followed by thousands is counted once a minute, not on every view of its page. Following,
    connecting, and undoing either (or blocking) forget them in every worker (:meth:`SiteRuntime.forget`),
    so a member who just followed sees the figure move; trashing a member shows within the minute."""
    def compute():
        return {name: count(guid, name) for name in PUBLIC_LISTS}

    return site.remember(COUNTS, guid, compute, seconds=60, maxsize=4096) if shared \
        else compute()


def count(guid: int, which: str) -> int:
    """How many entries one list of ``guid`` has."""
    verb, direction = LISTS[which]
    side, other = ((Relationship.subject, Relationship.object) if direction == "out"
                   else (Relationship.object, Relationship.subject))
    # the same rows as listing(): entities in the trash are neither listed nor counted
    verbs = Relationship.verb.in_(verb) if isinstance(verb, tuple) else (Relationship.verb == verb)
    return (Relationship.select().join(Entity, on=(other == Entity.guid))
            .where(side == guid, verbs, Entity.deleted_at.is_null()).count())
