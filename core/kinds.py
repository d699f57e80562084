"""Declarations of entity kinds, relationship verbs and notification events.

They are declared once per site runtime, so their labels are lazy strings
(``core.i18n.gettext_lazy``) translated when shown: templates render them as they are;
code needing a real ``str`` (sorting, JSON) calls ``str(label)`` in the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EntityKind:
    """An entity kind a plugin owns, such as ``"blog.post"``.

    ``url`` builds the path of one entity; ``summary_template`` renders it
    in listings, search results and activity items with ``entity`` in its
    context; ``activity_template`` renders one activity item about it (it
    gets ``item`` and ``entity``).

    Capabilities: ``searchable`` (indexed by the core's search listener with the text of
    ``maillage_search_documents``), ``commentable`` and ``likable`` (``core/comments.html`` and
    ``core/likes.html`` work on it), ``in_activity`` (its activity items show in feeds),
    ``restorable`` (its owner may bring it back from the trash), ``to_json`` (a function
    ``entity -> dict`` adding the kind's own fields to :meth:`as_json`, for APIs and exports).
    """

    name: str
    label: Any  # str or gettext_lazy proxy
    url: Callable[[Any], str]
    summary_template: str = "core/entity_summary.html"
    activity_template: str = "core/activity_item.html"
    plural: Any = ""
    searchable: bool = False
    commentable: bool = False
    likable: bool = False
    in_activity: bool = True
    restorable: bool = True
    to_json: Callable[[Any], dict] | None = None
    container: bool = False
    feed_filter: str = ""

    def as_json(self, entity) -> dict:
        """``entity`` as a JSON-ready dict: the core's columns, then what ``to_json`` adds."""
        data = {"guid": entity.guid, "kind": entity.kind, "title": entity.title, "owner": entity.owner_id,
                "container": entity.container_id, "access": entity.access, "url": self.url(entity),
                "created": entity.created.isoformat(), "updated": entity.updated.isoformat()}
        if self.to_json is not None:
            data.update(self.to_json(entity))
        return data


@dataclass(frozen=True)
class RelationshipVerb:
    """A typed edge between two entities (``follows``, ``member_of``...)."""

    name: str
    label: Any  # str or gettext_lazy proxy
    mutual: bool = False


@dataclass(frozen=True)
class NotificationEvent:
    """A kind of notification a plugin sends (``"blog.new_post"``).

    ``default`` is the delivery used when neither the site nor the member
    chose: ``"instant"``, ``"daily"``, ``"weekly"`` or ``"site"``.
    """

    name: str
    label: Any  # str or gettext_lazy proxy
    default: str = "daily"
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """A number an adoption dashboard follows over time (``"agenda.events_without_participant"``).

    ``mode`` says how ``count(site, start, end)`` answers and how periods add up:

    - ``"daily"``: things that happened; returns ``{datetime.date: n}`` for the days of
      ``[start, end)`` that had any; a period's value is the sum of its days.
    - ``"distinct"``: people or things counted once over ``[start, end)``; returns an int.
    - ``"level"``: a state read now (open claims, silent cards); returns an int and ignores
      the dates; its history is what the daily aggregation recorded.

    ``good`` is the direction of progress (``"up"`` or ``"down"``), shown with the trend.
    ``names(site, viewer, limit)``, when given, lists the entities behind a ``level`` figure
    that ``viewer`` may see (filtered with :func:`core.access.visible` in its query).
    """

    name: str
    label: Any  # str or gettext_lazy proxy
    count: Callable[..., Any]
    mode: str = "daily"
    good: str = "up"
    names: Callable[..., list] | None = None
