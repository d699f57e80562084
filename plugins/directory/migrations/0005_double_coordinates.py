"""Coordinates of organisation cards in double precision on PostgreSQL (SQLite's REAL already is).

peewee's FloatField is PostgreSQL's 4-byte ``real``: about 7 significant digits, so a point
moved by up to a metre and the same data differed between SQLite and PostgreSQL."""

from peewee import PostgresqlDatabase


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('ALTER TABLE "directory_organisation" ALTER COLUMN "lat" TYPE double precision, '
                       'ALTER COLUMN "lon" TYPE double precision')
