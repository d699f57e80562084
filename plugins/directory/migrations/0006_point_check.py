"""A card's point is whole and within range, in the database too: both coordinates or neither, latitude
-90..90, longitude -180..180 (a CHECK constraint on PostgreSQL, triggers on SQLite; see
``core.migrate.add_point_check``). A card that had half a point or one out of range loses it."""

from core.migrate import add_point_check


def up(migrator, db):
    add_point_check(db, "directory_organisation")
