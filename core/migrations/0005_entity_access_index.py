"""Index entities by (site, kind, access): listings and aggregates that want only the few
non-public entities of a kind (a member's extra cards on the directory map) seek them
instead of reading every entity of the kind."""


def up(migrator, db):
    migrator.migrate(migrator.add_index("entity", ("site", "kind", "access"), False))
