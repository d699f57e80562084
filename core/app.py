"""The application: one ASGI app serving every configured site, chosen by Host.

``create_app()`` reads the instance settings and the site files, applies
pending migrations (unless ``maillage run`` did it in the parent process), and returns
the app uvicorn serves. Each request is
routed to the :class:`core.runtime.SiteRuntime` of its host; an unknown host
gets a plain 404 page naming it.
"""

from __future__ import annotations

import gc
import html
import logging
import os
import threading
import time

from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from core import keepalive, logs, metrics, proxies, startup, web
from core.config import Instance, load_sites
from core.db import configure, database
from core.models import Site
from core.plugins import PluginContractError
from core.runtime import SiteRuntime

log = logging.getLogger("maillage.app")

REVISION_CHECK_SECONDS = 2.0


# Responses never compressed: pages (text/*: an HTML page carries the member's CSRF token next to
# text an attacker may choose, the BREACH attack), and what is already compressed or binary.
UNCOMPRESSED = DEFAULT_EXCLUDED_CONTENT_TYPES + (
    "text/*", "image/*", "font/*", "application/pdf", "application/octet-stream",
)


def compressed(app):
    """``app`` with its JSON, GeoJSON and Atom answers over 1 KB gzipped for clients that accept it
    (Starlette's GZipMiddleware; partial answers to range requests are left alone by it)."""
    return GZipMiddleware(app, minimum_size=1024, compresslevel=6, exclude_content_types=UNCOMPRESSED)


class Maillage:
    """The ASGI application: host dispatch, sessions, security headers, per-site runtimes."""

    def __init__(self, instance: Instance, run_migrations: bool = True, worker: bool = False):
        self.instance = instance
        # The mail and job worker thread of this process (started with the lifespan when asked).
        self.worker = None
        self.run_worker = worker
        self.db = configure(instance.database_url)
        self.sites = load_sites(instance.sites_dir)
        self.hosts = {host: site_id for site_id, cfg in self.sites.items() for host in cfg.hosts}
        if run_migrations:  # `maillage run` prepares the database in the parent, before its workers start
            startup.prepare(self.db, self.sites)
        self.runtimes: dict[str, SiteRuntime] = {}
        self.apps: dict[str, object] = {}
        self.https_apps: dict[str, object] = {}
        self._lock = threading.Lock()
        seconds = keepalive.seconds_per_connection()  # several workers: connections drift to the idle one
        self.keepalive = keepalive.Spreader(seconds) if seconds else None

    # --- runtimes -------------------------------------------------------------------------

    def runtime(self, site_id: str) -> SiteRuntime:
        """The current runtime of a site, rebuilt if its revision changed (call in a thread)."""
        current = self.runtimes.get(site_id)
        if current is not None and time.monotonic() - current.checked_at < REVISION_CHECK_SECONDS:
            return current
        with database.connection_context():
            row = Site.get_by_id(site_id)
        if current is not None and current.revision == row.revision:
            current.checked_at = time.monotonic()
            return current
        with self._lock:
            try:
                runtime = SiteRuntime(self.instance, self.sites[site_id], row)
            except PluginContractError as exc:
                if current is None:
                    raise  # at start: the site does not start with a plugin breaking the contract
                # a plugin enabled while serving: keep the running runtime rather than fail every page
                with database.connection_context():
                    current.report_error("plugins", f"revision {row.revision} not applied: {exc}")
                current.revision, current.checked_at = row.revision, time.monotonic()
                return current
            self.runtimes[site_id] = runtime
            self.apps[site_id] = compressed(SessionMiddleware(
                runtime.app, secret_key=self.instance.secret, session_cookie="maillage",
                max_age=60 * 60 * 24 * 30, same_site="lax",
                https_only=bool(runtime.settings.get("secure_cookies", False)),
            ))
            # requests that came over HTTPS (directly, or through a trusted proxy's X-Forwarded-Proto, see
            # core.proxies) always get a Secure cookie
            self.https_apps[site_id] = compressed(SessionMiddleware(
                runtime.app, secret_key=self.instance.secret, session_cookie="maillage",
                max_age=60 * 60 * 24 * 30, same_site="lax", https_only=True,
            ))
            if current is not None:
                log.info("site %s rebuilt at revision %s", site_id, row.revision)
                current = None  # nothing holds the old runtime any more: collected now, not frozen
                gc.collect()
                gc.freeze()  # the new runtime joins the long-lived objects (see settle)
        return runtime

    def settle(self) -> None:
        """Build every site's runtime, then move what the worker holds for good out of the garbage
        collector's sight (``gc.freeze``): a full collection walked those objects too and paused
        a worker ~70 ms every few hundred requests (3 ms once frozen). Called at the lifespan
        start; :meth:`runtime` freezes a rebuilt runtime the same way."""
        for site_id in self.sites:
            self.runtime(site_id)
        gc.collect()
        gc.freeze()

    def invalidate(self, site_id: str | None = None) -> None:
        """Force the next request to check the database for a new revision."""
        for sid, runtime in self.runtimes.items():
            if site_id in (None, sid):
                runtime.checked_at = 0

    def site_for_host(self, host: str) -> str | None:
        """The id of the site serving ``host`` (port ignored), or None."""
        host = host.split(":")[0].lower() if not host.startswith("[") else host
        return self.hosts.get(host)

    # --- ASGI -------------------------------------------------------------------------------

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if self.keepalive is not None:  # before proxies.resolve: the connection's own address and port
            send = self.keepalive.wrap(scope, send)
        proxies.resolve(scope, self.instance.proxy_networks)  # X-Forwarded-* from the trusted proxies only
        path = scope["path"]
        if path == "/healthz":
            await self._health(scope, receive, send)
            return
        if path == "/metrics":
            await self._metrics(scope, receive, send)
            return
        host = ""
        for key, value in scope["headers"]:
            if key == b"host":
                host = value.decode("latin-1")
                break
        site_id = self.site_for_host(host)
        if site_id is None:
            await unknown_host(host)(scope, receive, send)
            return
        runtime = self.runtimes.get(site_id)
        if runtime is None or time.monotonic() - runtime.checked_at >= REVISION_CHECK_SECONDS:
            runtime = await run_in_threadpool(self.runtime, site_id)
        scope["maillage.site"] = runtime
        https = scope.get("scheme") == "https"
        app = (self.https_apps if https else self.apps)[site_id]
        headers = security_headers(runtime) + ([HSTS] if https else [])
        start = time.perf_counter()
        status = 500

        async def send_with_headers(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                existing = {k.lower() for k, _ in message["headers"]}
                message["headers"] = list(message["headers"]) + [
                    (k, v) for k, v in headers if k not in existing
                ]
            await send(message)

        try:
            await app(scope, receive, send_with_headers)
        finally:
            log_request(site_id, scope, status, time.perf_counter() - start)

    async def _health(self, scope, receive, send):
        from core import health

        status, body = await run_in_threadpool(health.report)
        await web.JSONResponse(body, status_code=status, headers={"cache-control": "no-store"})(scope, receive, send)

    async def _metrics(self, scope, receive, send):
        client = scope.get("client") or (None, None)
        if not metrics.allowed(client[0]):
            await PlainTextResponse("Forbidden", status_code=403)(scope, receive, send)
            return
        body = await run_in_threadpool(metrics.exposition)
        await Response(body, media_type=metrics.CONTENT_TYPE)(scope, receive, send)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                limit_request_threads()
                self.settle()
                if self.run_worker:
                    from core.worker import Worker

                    self.worker = Worker(self)
                    self.worker.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.worker is not None:
                    await run_in_threadpool(self.worker.stop)
                if hasattr(self.db, "close_all"):
                    self.db.close_all()
                await send({"type": "lifespan.shutdown.complete"})
                return


access_log = logging.getLogger("maillage.request")


def log_request(site_id: str, scope, status: int, seconds: float) -> None:
    """One JSON line per request (site, method, path, status, duration, member) and its metrics.

    The query string is left out: it may carry a token (password reset, unsubscribe links)."""
    route = scope.get("route")
    label = (getattr(route, "name", None) or getattr(route, "path", None) or "unmatched") if route else "unmatched"
    metrics.observe(site_id, label, scope["method"], status, seconds)
    user = (scope.get("state") or {}).get("user")
    fields = {"site": site_id, "method": scope["method"], "path": scope["path"], "status": status,
              "duration_ms": round(seconds * 1000, 1)}
    if user is not None:
        fields["user_id"] = user.guid
    access_log.info("request", extra=fields)


HSTS = (b"strict-transport-security", b"max-age=31536000")  # sent on answers to HTTPS requests only

REQUEST_THREADS = 2


def limit_request_threads() -> None:
    """How many requests one worker runs at once (``MAILLAGE_THREADS``, default 2); the others wait
    their turn in the event loop. Page code is CPU work under one GIL: eight requests sharing a
    worker each ran at an eighth of the speed, and the 95th percentile of a forum thread under 8
    clients on 2 workers went from 92 ms (anyio's default, 40 threads) to 42 ms with 2. With
    PostgreSQL on another machine, where requests wait on the network, 4 to 8 serve better."""
    import anyio.to_thread

    threads = int(os.environ.get("MAILLAGE_THREADS") or REQUEST_THREADS)
    anyio.to_thread.current_default_thread_limiter().total_tokens = max(threads, 1)


def security_headers(runtime: SiteRuntime) -> list[tuple[bytes, bytes]]:
    """The security headers of every response: CSP without inline scripts, framing, referrer."""
    cached = getattr(runtime, "_security_headers", None)
    if cached is not None:
        return cached
    tile_url = str(runtime.settings.get("tile_url") or "")
    tiles = ""
    if tile_url.startswith(("http://", "https://")):
        from urllib.parse import urlparse

        parsed = urlparse(tile_url.replace("{s}", "a"))
        tiles = f" {parsed.scheme}://{parsed.netloc.replace('a.', '*.', 1) if '{s}' in tile_url else parsed.netloc}"
    csp = ("default-src 'self'; script-src 'self'; style-src 'self'; "
           f"img-src 'self' data: blob:{tiles}; font-src 'self'; connect-src 'self'; "
           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
    headers = [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"permissions-policy", b"geolocation=(self), camera=(), microphone=()"),
    ]
    runtime._security_headers = headers
    return headers


def unknown_host(host: str) -> HTMLResponse:
    """The answer for a host no site file names."""
    name = html.escape(host or "(none)")
    body = (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unknown site</title></head>"
        f"<body><main><h1>No site here</h1><p>No maillage site is configured for the host <code>{name}</code>."
        "</p><p lang=\"fr\">Aucun site maillage n'est configuré pour ce nom d'hôte.</p></main></body></html>"
    )
    return HTMLResponse(body, status_code=404)


def create_app(**overrides) -> Maillage:
    """Build the ASGI application from the environment (see :class:`core.config.Instance`).

    Each process runs the mail and job worker in a thread unless ``MAILLAGE_WORKER=off``
    (``maillage run --no-worker``, for installations running ``maillage worker`` apart)."""
    instance = Instance.from_env(**overrides)
    logs.setup(instance.debug)
    return Maillage(instance, run_migrations=not startup.prepared_by_parent(),
                    worker=os.environ.get("MAILLAGE_WORKER", "on") != "off")
