"""Coordinates of organisation cards in double precision on PostgreSQL (SQLite's REAL already is); see
``core.migrate.double_precision``."""

from core.migrate import double_precision


def up(migrator, db):
    double_precision(db, "directory_organisation", "lat", "lon")
