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
import functools
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


class Prepared:
    """A peewee query compiled to SQL once per database kind, then run with new values.

    Building and compiling a peewee query costs more Python than SQLite takes to run a simple one
    (about 0.3 ms for a join of four tables): for the queries every signed-in page makes, that is
    most of their cost. ``build(*values, **shape)`` returns the query; it is called once per
    database kind and ``shape``, with stand-in values, and the SQL kept. Each call then binds the
    real ``values`` (str, int or datetime, each used only as a value the query compares with; what
    changes the query's text, such as a list of verbs, goes in ``shape``, hashable) and reads the
    rows through the query's own row reader: models, tuples or dicts, as the query says. Tuples of
    integer and string columns come straight from the driver (peewee's reader converted nothing there,
    at 6 µs a row: a member's fifty ties cost 0.3 ms).

    Use it through :func:`prepared`.
    """

    def __init__(self, build):
        self._build = build
        self._compiled: dict = {}
        self._lock = threading.Lock()

    def __call__(self, *values, **shape) -> list:
        """The rows of the query for ``values``."""
        key = (type(database.obj), tuple(sorted(shape.items())), tuple(type(v) for v in values))
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                if len(self._compiled) >= 256:  # lists of many lengths: keep the memory bounded
                    self._compiled.clear()
                compiled = self._compiled[key] = self._compile(values, shape)
        sql, params, slots, query, plain = compiled
        bound = list(params)
        for position, index in slots:
            bound[position] = values[index]
        if plain:  # tuples of integers and strings: the driver's rows are already what peewee would give
            return database.execute_sql(sql, bound).fetchall()
        return read_as(query, sql, bound)

    def first(self, *values, **shape):
        """The first row for ``values``, or None (the query should say ``.limit(1)``)."""
        rows = self(*values, **shape)
        return rows[0] if rows else None

    def _compile(self, values: tuple, shape: dict) -> tuple:
        markers = [_marker(value, index) for index, value in enumerate(values)]
        query = self._build(*markers, **shape)
        sql, params = query.sql()
        slots = [(position, markers.index(param)) for position, param in enumerate(params)
                 if type(param) in _MARKER_TYPES and param in markers]
        missing = set(range(len(markers))) - {index for _, index in slots}
        if missing:
            raise ValueError(f"{self._build.__qualname__}: values {sorted(missing)} are not bound parameters "
                             "of its query (a value that changes the query's text goes in shape=)")
        plain = query._row_type == peewee.ROW.TUPLE and all(_plain(column) for column in query._returning)
        return sql, params, slots, query, plain


def _plain(column) -> bool:
    """A column whose value peewee would hand back as the driver read it: an integer or string field
    (or a foreign key to one) whose class converts nothing more."""
    while isinstance(column, peewee.ForeignKeyField):
        column = column.rel_field
    return (isinstance(column, (peewee.IntegerField, peewee._StringField))
            and type(column).python_value is peewee.Field.python_value
            and type(column).adapt in (peewee.IntegerField.adapt, peewee._StringField.adapt))


_MARKER_TYPES = (str, int, dt.datetime)


def _marker(value, index: int):
    """A stand-in for ``value`` that no real parameter equals, of the same type."""
    if isinstance(value, bool) or not isinstance(value, _MARKER_TYPES):
        raise TypeError(f"a prepared query's values are str, int or datetime, not {type(value).__name__}")
    if isinstance(value, str):
        return f"\x00maillage-prepared-{index}\x00"
    if isinstance(value, int):
        return -7_346_102_938_475_000 - index
    return dt.datetime(1001, 1, 1, 0, 0, index)


def read_as(query: peewee.BaseQuery, sql: str, params: list) -> list:
    """The rows of hand-written ``sql`` read as ``query`` reads its own (models with their joined
    models, tuples or dicts): ``sql`` selects the same columns in the same order."""
    return list(query._get_cursor_wrapper(database.execute_sql(sql, params)))  # peewee's row reader


def selection(build) -> tuple[str, peewee.BaseQuery]:
    """``build()`` (a query without WHERE, ORDER or LIMIT) compiled once per database kind: its SQL, to
    which a hand-written query adds its conditions, and the query whose rows :func:`read_as` reads."""
    key = (build, type(database.obj))
    found = _SELECTIONS.get(key)
    if found is None:
        query = build()
        sql, params = query.sql()
        if params:
            raise ValueError("a selection has no parameters: write its conditions after it")
        found = _SELECTIONS[key] = (sql, query)
    return found


_SELECTIONS: dict = {}


def prepared(build) -> Prepared:
    """Decorator: ``build(*values, **shape)`` returns a peewee query; the decorated name runs it
    compiled once (see :class:`Prepared`)::

        @prepared
        def account_by_email(site_id, email):
            return Account.select().where(Account.site == site_id, Account.email == email).limit(1)

        account = account_by_email.first(site.id, "a@example.org")
    """
    return functools.wraps(build)(Prepared(build))


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
