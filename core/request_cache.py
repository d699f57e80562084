"""Values read once per page: what one request asks many times is read once.

A forum page asks several times who the member is connected to, what they belong to,
which delegations they hold and what their relationship to the group is: the topic's and
the group's access checks, the permission hooks, the header. Inside a GET or HEAD request
(``core.web`` opens the scope) :func:`remember` computes a value on first use and hands
the same value back until the response is made; outside a request (tests, commands,
POST handlers, which change what they read) it simply computes.

Functions that change what is kept call :func:`forget` (``core.relationships.add`` and
``remove`` and ``core.delegation`` do), so a GET that writes a relationship reads it
back fresh. Keep values small, never mutate them, and key them by everything they
depend on::

    def _verbs(user_guid, group_guid):
        return request_cache.remember("groups.verbs", (user_guid, group_guid),
                                      lambda: {...one query...})

For values shared between requests (a month's calendar, map clusters) use
``site.remember`` instead.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

_kept: contextvars.ContextVar[dict | None] = contextvars.ContextVar("maillage_request_cache", default=None)


@contextlib.contextmanager
def scope() -> Iterator[None]:
    """Keep values until the block ends (``core.web`` wraps GET and HEAD requests in it)."""
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def remember(namespace: str, key, compute: Callable[[], Any]) -> Any:
    """``compute()``'s value, computed once per request under ``(namespace, key)``."""
    kept = _kept.get()
    if kept is None:
        return compute()
    slot = (namespace, key)
    if slot not in kept:
        kept[slot] = compute()
    return kept[slot]


def forget(namespace: str | None = None) -> None:
    """Drop what this request keeps (under ``namespace`` only, when given)."""
    kept = _kept.get()
    if not kept:
        return
    if namespace is None:
        kept.clear()
    else:
        for slot in [s for s in kept if s[0] == namespace]:
            del kept[slot]


def keep(namespace: str, key, value) -> None:
    """Keep ``value`` under ``(namespace, key)`` for the rest of the request: a value read along with
    another (the member's avatar, read with their session) is not read again."""
    kept = _kept.get()
    if kept is not None:
        kept[(namespace, key)] = value


def remember_many(namespace: str, keys, compute: Callable[[list], dict]) -> dict:
    """The values of ``keys``: ``compute(missing)`` is called once with the keys not kept yet and returns
    ``{key: value}`` (a key it leaves out is kept as None), so a list of twenty items costs one call."""
    keys = list(dict.fromkeys(keys))
    kept = _kept.get()
    if kept is None:
        found = compute(keys) if keys else {}
        return {key: found.get(key) for key in keys}
    missing = [key for key in keys if (namespace, key) not in kept]
    if missing:
        found = compute(missing)
        for key in missing:
            kept[(namespace, key)] = found.get(key)
    return {key: kept[(namespace, key)] for key in keys}
