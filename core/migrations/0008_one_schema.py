"""One schema: the models say what the migrations create (tests/core/test_schema.py checks it).

Drops the seven indexes that a longer index already starts with (entity: site, owner, container;
activity: actor, container; relationship: subject, object): every query they served is served by
the longer one, and each cost a write on every insert. Drops ``activity.access``: a copy of the
entity's access taken when the item was written, which nothing read (feeds apply the entity's
live access through the join) and which went stale when the entity's access changed.
"""

REDUNDANT = ("entity_site", "entity_owner_id", "entity_container_id", "activity_actor_id",
             "activity_container_id", "relationship_subject_id", "relationship_object_id")


def up(migrator, db):
    for name in REDUNDANT:
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
    if "access" in {c.name for c in db.get_columns("activity")}:
        migrator.migrate(migrator.drop_column("activity", "access"))
