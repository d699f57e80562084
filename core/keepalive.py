"""Keep-alive connections spread over the workers: each connection is closed once it is a few seconds old.

With several workers on one listening socket, a client's connection stays with the worker that
accepted it for as long as it is kept alive. A load balancer, nginx's upstream pool or a load
generator opens its connections at once, and one worker may accept most of them: it then serves
most of the traffic while the other idles (with 8 connections on 2 workers the kernel gave 4 / 4 in
a quarter of the tries, 2 / 6 or 1 / 7 in a fifth, 0 / 8 now and then). Closing a connection
(``Connection: close`` on its next answer, as nginx's ``keepalive_time`` does) once it is
``MAILLAGE_KEEPALIVE_SECONDS`` old, give or take half of that at random, makes the client reconnect,
and the connections are dealt again one by one, a worker waiting for work more likely to accept
than a busy one: no worker keeps an unfair share for long, whatever the request rate, at the cost
of one TCP handshake per connection every few seconds.

``maillage run --workers N`` (N > 1) sets it to 2 unless it is set; 0 turns it off. One worker needs
nothing of this, and the application leaves connections alone when the variable is unset.
"""

from __future__ import annotations

import os
import random
import time
from collections import OrderedDict

DEFAULT_SECONDS = 2.0
TRACKED = 4096  # connections remembered per worker (the oldest forgotten first)


def seconds_per_connection() -> float:
    """``MAILLAGE_KEEPALIVE_SECONDS`` as a number; 0 (off) when unset or not a positive number."""
    try:
        return max(float(os.environ.get("MAILLAGE_KEEPALIVE_SECONDS") or 0), 0.0)
    except ValueError:
        return 0.0


class Spreader:
    """Remembers when this worker first saw each connection (known by the client's address and
    port, unique while the connection lives) and closes it on its first answer after ``seconds``,
    give or take ``jitter`` (a fraction): connections opened together must not all come back at
    once, or the first worker to wake accepts them all again (uvicorn accepts every pending
    connection on one wake-up)."""

    def __init__(self, seconds: float, clock=time.monotonic, jitter: float = 0.5):
        self.seconds = seconds
        self.clock = clock
        self.jitter = jitter
        self.seen: OrderedDict[tuple, float] = OrderedDict()

    def last_on_connection(self, scope) -> bool:
        """True when the answer to this request should close its connection."""
        client = scope.get("client")
        if not client or scope.get("http_version") == "2":
            return False
        key, now = tuple(client), self.clock()
        deadline = self.seen.get(key)
        if deadline is None:
            self.seen[key] = now + self.seconds * (1 + random.uniform(-self.jitter, self.jitter))
            if len(self.seen) > TRACKED:
                self.seen.popitem(last=False)
            return False
        if now >= deadline:
            del self.seen[key]  # the client's next connection may reuse the port: it starts afresh
            return True
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
    """``app`` (any ASGI application) closing its connections after ``MAILLAGE_KEEPALIVE_SECONDS``
    when that is set; ``app`` itself otherwise. The bench's twins use it: maillage's own
    application does the same in :class:`core.app.Maillage`."""
    seconds = seconds_per_connection()
    if not seconds:
        return app
    spreader = Spreader(seconds)

    async def spreading(scope, receive, send):
        if scope["type"] == "http":
            send = spreader.wrap(scope, send)
        await app(scope, receive, send)

    return spreading
