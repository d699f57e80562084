"""Keep each reply's rendered HTML (markdown is rendered once, on first display, not on every view)."""

from peewee import TextField


def up(migrator, db):
    migrator.migrate(migrator.add_column("forums_reply", "html", TextField(default="")))
