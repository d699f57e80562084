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
    """

    name: str
    label: Any  # str or gettext_lazy proxy
    url: Callable[[Any], str]
    summary_template: str = "core/entity_summary.html"
    activity_template: str = "core/activity_item.html"
    plural: Any = ""
    comments: bool = False
    likes: bool = False
    container: bool = False
    feed_filter: str = ""


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
