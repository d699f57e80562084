"""The database: one peewee connection pool for every site, chosen by URL.

``sqlite:///path/to/file.db`` (the default, ``var/maillage.db``) or
``postgresql://user:password@host:port/name``. SQLite runs in WAL mode with a
busy timeout and foreign keys on, and every ``database.atomic()`` block begins
``IMMEDIATE``: a transaction that reads then writes holds the write lock from its
start, so it waits its turn (the busy timeout) instead of failing with "database is
locked" when another worker wrote in between (WAL refuses that upgrade at once).
Models bind to :data:`database`, a proxy initialised by :func:`configure`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10000,
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -32000,
    "temp_store": "memory",
    "mmap_size": 268435456,
}


_pending = threading.local()  # this thread's before-commit callbacks (a connection is used by one thread)


class _BeforeCommit:
    """Runs the callbacks of :func:`before_commit` inside the outermost transaction, just before
    its COMMIT (a failing one makes the transaction roll back); a rollback drops them."""

    def commit(self):
        todo = getattr(_pending, "callbacks", None)
        while todo:  # a callback may add others (an index that announces another entity)
            todo.pop(0)()
        return super().commit()

    def rollback(self):
        if getattr(_pending, "callbacks", None):
            _pending.callbacks.clear()
        return super().rollback()


class _SqliteDatabase(_BeforeCommit, PooledSqliteDatabase):
    pass


class _PostgresqlDatabase(_BeforeCommit, PooledPostgresqlDatabase):
    pass


def before_commit(fn):
    """Call ``fn()`` at the end of the current transaction, inside it, right before it commits (at
    once when no transaction is open): what ``fn`` writes is committed with the rest, and if it
    raises nothing of the transaction is kept. Returns ``fn``."""
    if database.transaction_depth() == 0:
        fn()
        return fn
    if getattr(_pending, "callbacks", None) is None:
        _pending.callbacks = []
    _pending.callbacks.append(fn)
    return fn


class ConfigurationError(Exception):
    """The configuration is invalid; the message says what to fix."""


def default_url(home: Path) -> str:
    """The embedded default database: an SQLite file under the instance folder."""
    return f"sqlite:///{home / 'maillage.db'}"


def make_database(url: str) -> peewee.Database:
    """Build a pooled database from a URL (sqlite:/// or postgresql://)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if url.startswith("sqlite:////"):
            path = "/" + path.lstrip("/")
        elif url.startswith("sqlite:///"):
            path = path[1:] if path.startswith("/") else path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return _SqliteDatabase(
            path, pragmas=SQLITE_PRAGMAS, max_connections=32, stale_timeout=300,
            check_same_thread=False, lock_type="IMMEDIATE",
        )
    if parsed.scheme in ("postgres", "postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ConfigurationError(
                "DATABASE_URL names PostgreSQL but psycopg is not installed: pip install 'maillage[postgres]'"
            ) from None
        return _PostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username or "") or None,
            password=unquote(parsed.password or "") or None,
            host=parsed.hostname or None,
            port=parsed.port or 5432,
            max_connections=int(os.environ.get("MAILLAGE_DB_POOL", "20")),
            stale_timeout=300,
            connect_timeout=10,
        )
    raise ConfigurationError(f"DATABASE_URL {url!r}: use sqlite:///FILE or postgresql://USER@HOST/NAME")


def configure(url: str) -> peewee.Database:
    """Point :data:`database` at ``url``; return the real database object."""
    current = database.obj
    if current is not None:
        current.close_all() if hasattr(current, "close_all") else current.close()
    db = make_database(url)
    database.initialize(db)
    return db


def is_postgres() -> bool:
    """True when the configured database is PostgreSQL."""
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def now() -> dt.datetime:
    """The current time in UTC, without time zone (how every timestamp is stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def in_ids(column, ids) -> peewee.Node:
    """``column IN (1, 2, 3)`` with the integer ids written into the SQL.

    peewee binds each element of a list as its own parameter, about 5 µs apiece to compile:
    a page filtering on 500 candidate ids spent 3 ms there. Every id goes through ``int()``,
    so nothing but digits reaches the SQL; an empty list matches nothing."""
    numbers = ",".join(str(int(i)) for i in ids)
    return peewee.NodeList((column, peewee.SQL(f"IN ({numbers})"))) if numbers else peewee.SQL("0 = 1")


class JSONField(peewee.TextField):
    """A JSON value stored as text (portable between SQLite and PostgreSQL)."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(peewee.Model):
    """Base of every model: bound to :data:`database`, snake_case table names."""

    class Meta:
        database = database
        legacy_table_names = False


def analyze() -> None:
    """Refresh the query planner's statistics (``ANALYZE``) after bulk changes.

    Without them SQLite guesses, and on a region-sized database a guess can pick an index that
    reads every row of a site instead of one page (the agenda widget took 150 ms instead of 2).
    Run after migrations, demo data and imports; it takes under a second for 200 MB.
    """
    database.execute_sql("ANALYZE")
