"""Keep-alive connections spread over the workers: each connection is closed after a number of requests.

With several workers on one listening socket, a client's connection stays with the worker that
accepted it for as long as it is kept alive. A load balancer, nginx's upstream pool or a load
generator opens its connections at once, and one worker may accept most of them: it then serves
most of the traffic while the other idles (with 8 connections on 2 workers the kernel gave 4 / 4 in
a quarter of the tries, 2 / 6 or 1 / 7 in a fifth). Closing each connection after
``MAILLAGE_KEEPALIVE_REQUESTS`` requests (``Connection: close`` on its last answer, as nginx's
``keepalive_requests`` does) makes the client reconnect, and the worker that is waiting for work,
not the busy one, accepts the new connection first: the connections drift to where there is room.

``maillage run --workers N`` (N > 1) sets it to 100 unless it is set; 0 turns it off. One worker
needs nothing of this, and the application leaves connections alone when the variable is unset.
"""

from __future__ import annotations

import os
from collections import OrderedDict

DEFAULT = 100
TRACKED = 4096  # connections remembered per worker (the oldest forgotten first)


def requests_per_connection() -> int:
    """``MAILLAGE_KEEPALIVE_REQUESTS`` as a number; 0 (off) when unset or not a positive integer."""
    try:
        return max(int(os.environ.get("MAILLAGE_KEEPALIVE_REQUESTS") or 0), 0)
    except ValueError:
        return 0


class Spreader:
    """Counts the requests of each connection of this worker (known by the client's address and
    port, unique while the connection lives) and closes it after ``limit`` of them."""

    def __init__(self, limit: int):
        self.limit = limit
        self.seen: OrderedDict[tuple, int] = OrderedDict()

    def last_on_connection(self, scope) -> bool:
        """Count one request; True when its answer should close the connection."""
        client = scope.get("client")
        if not client or scope.get("http_version") == "2":
            return False
        key = tuple(client)
        count = self.seen.pop(key, 0) + 1
        if count >= self.limit:
            return True
        self.seen[key] = count
        if len(self.seen) > TRACKED:
            self.seen.popitem(last=False)
        return False

    def wrap(self, scope, send):
        """``send`` adding ``Connection: close`` to the answer when it is the connection's last one."""
        if not self.last_on_connection(scope):
            return send

        async def closing(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
            await send(message)

        return closing


def spread(app):
    """``app`` (any ASGI application) closing its connections after ``MAILLAGE_KEEPALIVE_REQUESTS``
    requests when that is set; ``app`` itself otherwise. The bench's twins use it: maillage's own
    application does the same in :class:`core.app.Maillage`."""
    limit = requests_per_connection()
    if not limit:
        return app
    spreader = Spreader(limit)

    async def spreading(scope, receive, send):
        if scope["type"] == "http":
            send = spreader.wrap(scope, send)
        await app(scope, receive, send)

    return spreading
