"""Prometheus metrics at ``/metrics`` (prometheus-client, the standard library for it).

Requests by site, route and status, their durations, and the mail queue (waiting, sent, failed)
read from the database, so every server reports the same queue. ``maillage run`` points
``PROMETHEUS_MULTIPROC_DIR`` at ``MAILLAGE_HOME/metrics`` so the figures add up over its workers.
Only clients listed in ``MAILLAGE_METRICS_ALLOW`` (default: this machine) may read them.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from core.db import database

REQUESTS = Counter("maillage_requests", "HTTP requests answered", ["site", "route", "method", "status"])
DURATION = Histogram("maillage_request_duration_seconds", "Time to answer a request", ["site", "route"],
                     buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
CONTENT_TYPE = CONTENT_TYPE_LATEST


def observe(site: str, route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request."""
    REQUESTS.labels(site, route, method, str(status)).inc()
    DURATION.labels(site, route).observe(seconds)


def allowed(client_host: str | None) -> bool:
    """May this client read /metrics?"""
    allow = os.environ.get("MAILLAGE_METRICS_ALLOW") or "127.0.0.1,::1"
    return client_host is not None and client_host in {a.strip() for a in allow.split(",")}


class QueueCollector:
    """The mail queue's figures, read from the database at each scrape."""

    def collect(self):
        from core import queue_stats

        with database.connection_context():
            backlog, totals = queue_stats.backlog(), queue_stats.totals()
        if backlog is not None:
            yield GaugeMetricFamily("maillage_mail_queue_backlog", "Mails waiting to be sent", value=backlog)
        if totals is not None:
            yield CounterMetricFamily("maillage_mails_sent", "Mails sent", value=totals["sent"])
            yield CounterMetricFamily("maillage_mails_failed", "Mails given up after their last attempt",
                                      value=totals["failed"])


def exposition() -> bytes:
    """The text format of every metric (call in a thread: it reads the database)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    queue = CollectorRegistry()
    queue.register(QueueCollector())
    return generate_latest(registry) + generate_latest(queue)
