"""Numbered migrations per component: recorded, applied once, upgrades keep existing rows."""

import shutil
from pathlib import Path

from core import migrate, testing
from core.db import configure, database

CORE_MIGRATIONS = Path(migrate.__file__).parent / "migrations"
HELLO = Path(__file__).resolve().parent.parent / "fixtures" / "testplugins" / "src" / "maillage_testplugins" / \
    "hello" / "migrations"


def _only(files, folder: Path) -> Path:
    folder.mkdir(parents=True)
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def test_upgrade_from_an_older_migration_set_keeps_rows(tmp_path):
    db = configure(testing.fresh_database_url(tmp_path))
    first_core = sorted(CORE_MIGRATIONS.glob("0001_*.py"))
    first_hello = sorted(HELLO.glob("0001_*.py"))
    with database.connection_context():
        # the database as an older release left it: core 0001 and the plugin's 0001 only
        applied = migrate.migrate(db, only=[("core", _only(first_core, tmp_path / "old-core")),
                                            ("hello", _only(first_hello, tmp_path / "old-hello"))])
        assert applied == ["core:0001_initial", "hello:0001_initial"]
        db.execute_sql("INSERT INTO site (id, name, plugins, settings, plugin_settings, revision, created) "
                       "VALUES ('old', 'Old site', '[]', '{}', '{}', 3, '2024-01-01 00:00:00')")
        db.execute_sql("INSERT INTO hello_greeting (text) VALUES ('from the old release')")
        # the upgrade: every component's full migration set
        done = migrate.migrate(db, only=[("core", CORE_MIGRATIONS), ("hello", HELLO)])
        assert "hello:0002_add_lang" in done
        assert "core:0001_initial" not in done  # never applied twice
        assert db.execute_sql("SELECT name, revision FROM site WHERE id = 'old'").fetchone() == ("Old site", 3)
        assert db.execute_sql("SELECT text, lang FROM hello_greeting").fetchone() == ("from the old release", "fr")
        assert migrate.migrate(db, only=[("core", CORE_MIGRATIONS), ("hello", HELLO)]) == []
        recorded = [r[0] for r in db.execute_sql("SELECT name FROM maillage_migration ORDER BY name")]
        assert "hello:0002_add_lang" in recorded and "core:0001_initial" in recorded


def test_pending_lists_what_migrate_would_apply(tmp_path):
    db = configure(testing.fresh_database_url(tmp_path))
    with database.connection_context():
        waiting = migrate.pending(db)
        assert "core:0001_initial" in waiting
        migrate.migrate(db)
        assert migrate.pending(db) == []
