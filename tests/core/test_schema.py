"""One schema: what every model declares (columns, types, NULL, indexes) is what the migrations
create, on SQLite and on PostgreSQL (``MAILLAGE_TEST_POSTGRES=1``)."""

import importlib
import pkgutil

import peewee

import core
import plugins
from core import migrate, testing
from core.db import BaseModel, configure, database

# What a migration creates beside the model, on purpose
EXTRA_COLUMNS = {("search_document", "tsv")}  # PostgreSQL's generated tsvector column (core 0006), read in SQL
EXTRA_INDEXES = {("search_document", ("tsv",))}  # its GIN index (core 0006)

# information_schema's names of PostgreSQL types, as peewee writes them in CREATE TABLE
PG_TYPES = {"character varying": "VARCHAR", "integer": "INTEGER", "bigint": "BIGINT", "text": "TEXT",
            "timestamp without time zone": "TIMESTAMP", "real": "REAL", "double precision": "DOUBLE PRECISION",
            "boolean": "BOOLEAN", "date": "DATE", "bytea": "BYTEA", "numeric": "NUMERIC", "smallint": "SMALLINT",
            "uuid": "UUID", "time without time zone": "TIME"}
SERIALS = {"SERIAL": "INTEGER", "BIGSERIAL": "BIGINT"}


def _models() -> dict[str, type]:
    """Every model of the core and the bundled plugins, by table name."""
    for package in (core, plugins):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" not in module.name and module.name != "core.testing_postgres":
                importlib.import_module(module.name)
    found, stack = {}, list(BaseModel.__subclasses__())
    while stack:
        model = stack.pop()
        stack += model.__subclasses__()
        if model.__module__.split(".")[0] in ("core", "plugins"):  # not a model another test imported
            found[model._meta.table_name] = model
    return found


def _declared_type(db, field) -> str:
    field_type = field.rel_field.field_type if isinstance(field, peewee.ForeignKeyField) else field.field_type
    if field_type == "AUTO" and isinstance(field, peewee.ForeignKeyField):
        field_type = "INT"
    name = db.get_context_options()["field_types"].get(field_type, field_type).upper()
    return SERIALS.get(name, name)


def _stored_type(db, column) -> str:
    if isinstance(db, peewee.PostgresqlDatabase):
        return PG_TYPES.get(column.data_type, column.data_type.upper())
    return column.data_type.split("(")[0].upper()


def _differences(db, table: str, model) -> list[str]:
    found = []
    columns = {c.name: c for c in db.get_columns(table)}
    fields = {f.column_name: f for f in model._meta.sorted_fields}
    if not columns:
        return [f"{table}: no table, the model {model.__name__} has no migration"]
    for name in sorted(set(columns) - set(fields)):
        if (table, name) not in EXTRA_COLUMNS:
            found.append(f"{table}.{name}: in the database, not in {model.__name__}")
    for name in sorted(set(fields) - set(columns)):
        found.append(f"{table}.{name}: in {model.__name__}, not in the database")
    for name in sorted(set(fields) & set(columns)):
        field, column = fields[name], columns[name]
        if not field.primary_key and column.null != field.null:
            found.append(f"{table}.{name}: NULL {column.null} in the database, {field.null} in the model")
        if _stored_type(db, column) != _declared_type(db, field):
            found.append(f"{table}.{name}: {_stored_type(db, column)} in the database, "
                         f"{_declared_type(db, field)} in the model")
    primary = tuple(f.column_name for f in model._meta.get_primary_keys())
    stored = {(tuple(i.columns), i.unique) for i in db.get_indexes(table)
              if tuple(i.columns) != primary and (table, tuple(i.columns)) not in EXTRA_INDEXES}
    declared = {(tuple(f.column_name for f in index._expressions), bool(index._unique))
                for index in model._meta.fields_to_index()}
    declared = {d for d in declared if d[0] != primary}
    for columns_, unique in sorted(stored - declared):
        found.append(f"{table}: index {columns_} (unique={unique}) in the database, not in {model.__name__}")
    for columns_, unique in sorted(declared - stored):
        found.append(f"{table}: index {columns_} (unique={unique}) in {model.__name__}, not in the database")
    return found


def test_models_and_migrations_describe_the_same_schema(tmp_path):
    db = configure(testing.fresh_database_url(tmp_path))
    with database.connection_context():
        migrate.migrate(db)
        differences = [d for table, model in sorted(_models().items()) for d in _differences(db, table, model)]
    assert differences == []


def test_the_check_sees_a_model_that_drifted(tmp_path):
    db = configure(testing.fresh_database_url(tmp_path))

    class Drifted(peewee.Model):
        guid = peewee.AutoField()
        site = peewee.CharField(max_length=64, index=True)  # core 0008 dropped this index
        colour = peewee.CharField(max_length=20)  # no migration adds it

        class Meta:
            database = db
            table_name = "entity"

    with database.connection_context():
        migrate.migrate(db)
        found = _differences(db, "entity", Drifted)
    assert any("entity.colour: in Drifted, not in the database" in d for d in found)
    assert any("index ('site',)" in d and "in Drifted, not in the database" in d for d in found)
    assert any("entity.kind: in the database, not in Drifted" in d for d in found)


def test_the_redundant_indexes_and_the_activity_copy_of_access_are_gone(tmp_path):
    db = configure(testing.fresh_database_url(tmp_path))
    with database.connection_context():
        migrate.migrate(db)
        names = {i.name for table in ("entity", "activity", "relationship") for i in db.get_indexes(table)}
        assert not names & {"entity_site", "entity_owner_id", "entity_container_id", "activity_actor_id",
                            "activity_container_id", "relationship_subject_id", "relationship_object_id"}
        assert "access" not in {c.name for c in db.get_columns("activity")}
