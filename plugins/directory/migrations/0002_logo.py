"""Organisation cards get a logo: the storage key of the resized image ("" when there is none)."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("directory_organisation", "logo", CharField(max_length=128, default="")))
