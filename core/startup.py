"""What must hold before any worker serves: configuration, database, migrations, site rows.

``maillage run`` calls :func:`preflight` and :func:`prepare` in the parent process, then
starts the workers, which only serve. ``maillage check`` reports the same problems.
Migrations and site rows are written under a database lock (PostgreSQL advisory lock, a file
lock beside an SQLite database), so two servers starting at once never migrate twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from urllib.parse import urlparse

import peewee

from core import plugins
from core.config import Instance, SiteConfig
from core.db import ConfigurationError, configure, database

MIN_SECRET_BYTES = 32
# pg_advisory_lock key of maillage's migrations: "maillage" read as an integer
MIGRATION_LOCK_KEY = int.from_bytes(b"maillage", "big") & 0x7FFFFFFFFFFFFFFF


def configuration_problems(instance: Instance, sites: dict[str, SiteConfig]) -> list[str]:
    """Problems that must stop ``run`` and ``check``: unknown plugins in site files, a weak secret."""
    problems = []
    available = plugins.discover()
    for site in sites.values():
        for name in site.plugins:
            if name not in available:
                problems.append(f"{site.id}.toml: plugin {name!r} is not installed "
                                f"(installed: {', '.join(sorted(available)) or 'none'})")
    from core import storage

    try:
        storage.from_url(instance.media_url)
    except ConfigurationError as exc:
        problems.append(str(exc))
    if not instance.debug and len(instance.secret.encode()) < MIN_SECRET_BYTES:
        problems.append(f"MAILLAGE_SECRET is {len(instance.secret.encode())} bytes long; use at least "
                        f"{MIN_SECRET_BYTES} (python3 -c \"import secrets; print(secrets.token_urlsafe(48))\")")
    return problems


def where(url: str) -> str:
    """The database of ``url`` without its password, for messages."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return url
    return f"{parsed.hostname or 'localhost'}:{parsed.port or 5432}/{parsed.path.lstrip('/')}"


def connect(url: str) -> peewee.Database:
    """Configure the database and open one connection; raise ConfigurationError with one line if it
    cannot be used (driver missing, server unreachable, wrong password, unreadable file)."""
    try:
        db = configure(url)  # ConfigurationError for a missing driver
        with database.connection_context():
            database.execute_sql("SELECT 1")
    except ConfigurationError:
        raise
    except Exception as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ConfigurationError(f"database {where(url)} cannot be reached: {reason}") from None
    return db


@contextlib.contextmanager
def migration_lock(db: peewee.Database):
    """Hold the installation-wide migration lock (call with a connection open)."""
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        try:
            yield
        finally:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
        return
    path = str(db.database)
    if path in ("", ":memory:"):
        yield
        return
    with open(Path(path).with_name(Path(path).name + ".migrate-lock"), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def prepare(db: peewee.Database, sites: dict[str, SiteConfig], apply_migrations: bool = True) -> tuple[list, list]:
    """Apply pending migrations (unless told not to) and create missing site rows, under the lock.

    Returns ``(applied migrations, created sites)``. Without migrations, a database whose tables
    do not exist yet raises ConfigurationError."""
    from core import migrate
    from core.sites import sync

    with database.connection_context(), migration_lock(db):
        done = migrate.migrate(db) if apply_migrations else []
        if not apply_migrations and "site" not in db.get_tables():
            raise ConfigurationError("the database has no tables yet: run `maillage migrate` "
                                     "(or start without --no-migrate)")
        created = sync(sites)
    return done, created


WORKER_ENV = "MAILLAGE_PREPARED"


def mark_prepared() -> None:
    """Tell the workers started from now on that the parent prepared the database."""
    os.environ[WORKER_ENV] = "1"


def prepared_by_parent() -> bool:
    """True in a worker started by ``maillage run`` (it must not migrate)."""
    return os.environ.get(WORKER_ENV) == "1"
