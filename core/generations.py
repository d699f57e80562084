"""Generation counters of shared caches, kept in the database, so a cache cleared on one worker is
cleared on every worker of every server.

:meth:`core.runtime.SiteRuntime.forget` adds one to ``(site, namespace)`` here in the same
transaction as the write that made the cache stale; each worker reads its site's counters at
most every :data:`CHECK_SECONDS` (one small query) and drops what it keeps under a namespace whose
counter moved. PostgreSQL's LISTEN/NOTIFY would need a listening connection per worker and
nothing on SQLite; a counter works the same on both.
"""

from __future__ import annotations

import peewee as pw

from core.db import BaseModel, database

CHECK_SECONDS = 0.5


class CacheGeneration(BaseModel):
    """How many times a site's cache namespace was cleared."""

    site = pw.CharField(max_length=64)
    namespace = pw.CharField(max_length=120)
    generation = pw.IntegerField(default=0)

    class Meta:
        table_name = "cache_generation"
        primary_key = False
        indexes = ((("site", "namespace"), True),)


def bump(site_id: str, namespace: str) -> None:
    """Count one clearing of ``namespace`` (one upsert; joins the caller's transaction)."""
    with database.connection_context():
        (CacheGeneration.insert(site=site_id, namespace=namespace, generation=1)
         .on_conflict(conflict_target=[CacheGeneration.site, CacheGeneration.namespace],
                      update={CacheGeneration.generation: CacheGeneration.generation + 1})
         .execute())


def read(site_id: str) -> dict[str, int]:
    """``{namespace: generation}`` of a site."""
    with database.connection_context():
        return dict(CacheGeneration.select(CacheGeneration.namespace, CacheGeneration.generation)
                    .where(CacheGeneration.site == site_id).tuples())
