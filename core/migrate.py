"""Numbered migrations per component, recorded in the database.

A component (the core, each plugin) keeps ``migrations/NNNN_name.py`` files in
its package. Each defines ``up(migrator, db)`` with frozen model copies and
``playhouse.migrate`` operations (see peewee's ``playhouse.migrations``).
Applied migrations are recorded as ``component:NNNN_name`` in the
``maillage_migration`` table, so upgrading never needs hand-written SQL.
"""

from __future__ import annotations

from pathlib import Path

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
