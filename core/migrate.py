"""Numbered migrations per component, recorded in the database.

A component (the core, each plugin) keeps ``migrations/NNNN_name.py`` files in
its package. Each defines ``up(migrator, db)`` with frozen model copies and
``playhouse.migrate`` operations (see peewee's ``playhouse.migrations``).
Applied migrations are recorded as ``component:NNNN_name`` in the
``maillage_migration`` table, so upgrading never needs hand-written SQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from peewee import AutoField, Model
from playhouse.migrations import Runner

TABLE = "maillage_migration"


class ComponentRunner(Runner):
    """A peewee migration runner whose history rows are prefixed with the component name."""

    def __init__(self, database, component: str, directory: Path):
        super().__init__(database, str(directory), table_name=TABLE)
        self.component = component
        self.prefix = f"{component}:"

    def applied(self):
        if not self.History.table_exists():
            return {}
        rows = self.History.select().where(self.History.name.startswith(self.prefix))
        return {h.name[len(self.prefix):]: h.applied for h in rows}

    def _run(self, name, module, direction, fake=False):
        full = self.prefix + name
        if fake:
            self.History.create(name=full)
            return
        with self.migrator.migration_context(getattr(module, "atomic", True)):
            getattr(module, direction)(self.migrator, self.database)
            if direction == "up":
                self.History.create(name=full)
            else:
                self.History.delete().where(self.History.name == full).execute()


def components() -> list[tuple[str, Path]]:
    """Every component with migrations: the core first, then installed plugins in dependency order."""
    from core import plugins

    found = [("core", Path(__file__).parent / "migrations")]
    for info in plugins.ordered(plugins.discover().values()):
        if info.error is None and (info.path / "migrations").is_dir():
            found.append((info.name, info.path / "migrations"))
    return found


def pending(database) -> list[str]:
    """Names of migrations not yet applied, as ``component:name``."""
    names = []
    for component, folder in components():
        runner = ComponentRunner(database, component, folder)
        names += [f"{component}:{m.name}" for m in runner.status() if m.path and not m.applied]
    return names


def migrate(database, only: list[tuple[str, Path]] | None = None) -> list[str]:
    """Apply every pending migration of every component; return what was applied."""
    done = []
    for component, folder in only or components():
        runner = ComponentRunner(database, component, folder)
        done += [f"{component}:{name}" for name in runner.up()]
    if done:  # new tables and indexes: give the planner their statistics
        database.execute_sql("ANALYZE")
    return done


# --- helpers for components' migrations ------------------------------------------------------------


class Stubs(NamedTuple):
    """What ``stubs(db)`` returns: ``Base``, the base of a migration's frozen models, and ``Entity``."""

    Base: type[Model]
    Entity: type[Model]


def stubs(db, legacy_table_names: bool = False) -> Stubs:
    """Frozen stand-ins a migration declares its tables with, fresh at each call: ``Base``, a model bound to
    ``db``, and ``Entity``, the core's ``entity`` table reduced to its ``guid``, for foreign keys. A migration
    never imports the live models: they change after it.

    Name plugin tables with ``Meta.table_name``. An index is named after its table (``poll_item_site``), so
    two plugins' ``Item`` models never collide. ``legacy_table_names=True`` is peewee's older rule, which
    names an index after the model class (``item_site``) and a table without ``table_name`` in one word:
    the first migrations of the bundled plugins were written with it and keep it, so that the names of
    databases already deployed (which later migrations drop by name) stay the same."""

    legacy = legacy_table_names

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = legacy

    class Entity(Base):
        guid = AutoField()

        class Meta:
            table_name = "entity"

    return Stubs(Base, Entity)


def double_precision(db, table: str, *columns: str) -> None:
    """Store ``columns`` of ``table`` (its coordinates) in double precision on PostgreSQL, where peewee's
    ``FloatField`` is a 4-byte ``real`` (about 7 significant digits: a point moved by up to a metre, and
    the same data differed from SQLite's, whose REAL already is double). Nothing to do on SQLite."""
    from peewee import PostgresqlDatabase

    if isinstance(getattr(db, "obj", None) or db, PostgresqlDatabase):
        db.execute_sql(f'ALTER TABLE "{table}" ' + ", ".join(f'ALTER COLUMN "{c}" TYPE double precision'
                                                             for c in columns))


POINT_CONDITION = ('(("{lat}" IS NULL AND "{lon}" IS NULL) OR ("{lat}" IS NOT NULL AND "{lon}" IS NOT NULL '
                   'AND "{lat}" BETWEEN -90 AND 90 AND "{lon}" BETWEEN -180 AND 180))')  # never NULL


def add_point_check(db, table: str, lat: str = "lat", lon: str = "lon") -> None:
    """Make the database refuse a half point or one out of range in ``table``: both coordinates or neither,
    latitude within -90..90, longitude within -180..180. Rows already breaking the rule lose their point
    first. PostgreSQL gets a CHECK constraint ``<table>_point``; SQLite, which cannot add one to an
    existing table, gets triggers that abort such an insert or update with the same message."""
    from peewee import PostgresqlDatabase

    db = getattr(db, "obj", None) or db  # a DatabaseProxy: the database behind it
    condition = POINT_CONDITION.format(lat=lat, lon=lon)
    db.execute_sql(f'UPDATE "{table}" SET "{lat}" = NULL, "{lon}" = NULL WHERE NOT {condition}')
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_point" CHECK {condition}')
        return
    new = condition.replace(f'"{lat}"', f'NEW."{lat}"').replace(f'"{lon}"', f'NEW."{lon}"')
    for event in ("INSERT", "UPDATE"):
        db.execute_sql(f'CREATE TRIGGER IF NOT EXISTS "{table}_point_{event.lower()}" BEFORE {event} ON "{table}" '
                       f"FOR EACH ROW WHEN NOT {new} BEGIN SELECT RAISE(ABORT, '{table}_point'); END")
