"""Menu items and widgets contributed by plugins."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MenuItem:
    """A link in one of the site's menus.

    ``menu`` is ``"main"``, ``"user"``, ``"admin"``, ``"entity"`` or a
    plugin's own; ``order`` sorts items (lower first); ``active_prefix``
    marks the item current when the request path starts with it. A ``"user"`` item with a
    ``badge`` (a number, 0 included) sits in the header bar itself, the number shown beside
    the label when not zero (unread messages); the others are in the account menu.
    """

    menu: str
    label: str
    url: str
    order: int = 50
    name: str = ""
    active_prefix: str = ""
    badge: int | None = None


@dataclass(frozen=True)
class Widget:
    """A block rendered in a page area (``"home"``, ``"dashboard"``, ``"admin"``)."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50
