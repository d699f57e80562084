"""Is the demo data the same on SQLite and PostgreSQL? Generate it on both and compare.

    .venv/bin/python bench/same_data.py                  # the small data set (seconds)
    .venv/bin/python bench/same_data.py --scale region   # the region (about 4 minutes)

The generator draws from a seeded random source; every list it draws from must be read in
a fixed order, or the two databases get different data from the same seed and the suite's
SQLite and PostgreSQL figures would measure different sites. Each table is reduced to a
fingerprint of its rows (the columns that do not depend on the clock), sorted; the script
prints both fingerprints per table and exits 1 when one differs.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PLUGINS = ["groups", "forums", "wire", "blog", "agenda", "directory", "documents"]
TABLES = {  # table: the columns compared (what the seed decides, not the time of the run)
    "entity": "guid, kind, owner_id, container_id, access, title",
    "relationship": "subject_id, verb, object_id",
    "activity": "actor_id, verb, entity_id, container_id",
    "directory_organisation": "entity_id, commune, postcode, lat, lon, themes",
    "forums_reply": "topic_id, number, author_id, body",
    "comment": "entity_id, body",
    "agenda_event": "entity_id, description, lat, lon",
}


def fingerprints(database_url: str | None, scale: str, home: Path) -> dict[str, tuple[int, str]]:
    from core import demo, testing
    from core.db import database

    app = testing.make_app(home, plugins=PLUGINS, database_url=database_url)
    site = app.runtime("test")
    result = {}
    with database.connection_context():
        demo.generate(site, scale, progress=True)
        tables = set(database.get_tables())
        for table, columns in TABLES.items():
            if table not in tables:
                continue
            digest, count = hashlib.sha1(), 0
            for row in database.execute_sql(f"SELECT {columns} FROM {table} ORDER BY {columns}"):
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
                count += 1
            result[table] = (count, digest.hexdigest()[:12])
    return result


def _plain(value):
    """The same Python value whichever driver read it (floats rounded to the stored precision)."""
    if isinstance(value, float):
        return round(value, 6)
    return str(value) if value is not None else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("small", "region"), default="small")
    args = parser.parse_args()
    from core import testing
    from core.testing_postgres import PostgresServer

    with tempfile.TemporaryDirectory() as tmp:
        sqlite = fingerprints(None, args.scale, Path(tmp) / "sqlite")
        server = PostgresServer().start()
        try:
            postgres = fingerprints(testing.new_postgres_database(server.url), args.scale, Path(tmp) / "postgres")
        finally:
            server.stop()
    differ = [t for t in sqlite if sqlite[t] != postgres.get(t)]
    for table in sqlite:
        mark = "DIFFERENT" if table in differ else "same"
        print(f"{table:24} sqlite {sqlite[table][0]:>8} rows {sqlite[table][1]}   "
              f"postgresql {postgres.get(table, (0, '-'))[0]:>8} rows {postgres.get(table, (0, '-'))[1]}   {mark}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
