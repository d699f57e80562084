"""Full-text search: one document per entity; FTS5 on SQLite, a GIN index on PostgreSQL."""

from peewee import CharField, ForeignKeyField, PostgresqlDatabase, TextField

from core.migrate import stubs


def up(migrator, db):
    Base, Entity = stubs(db, legacy_table_names=True)

    class SearchDocument(Base):
        entity = ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE")
        site = CharField(max_length=64)
        kind = CharField(max_length=64)
        title = TextField(default="")
        body = TextField(default="")

        class Meta:
            table_name = "search_document"
            indexes = ((("site", "kind"), False),)

    db.create_tables([SearchDocument])
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("CREATE INDEX search_document_tsv ON search_document "
                       "USING GIN (to_tsvector('simple', title || ' ' || body))")
        return
    db.execute_sql("CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_document', "
                   "content_rowid='entity_id', tokenize='unicode61 remove_diacritics 2')")
    db.execute_sql("CREATE TRIGGER search_ai AFTER INSERT ON search_document BEGIN "
                   "INSERT INTO search_fts(rowid, title, body) VALUES (new.entity_id, new.title, new.body); END")
    db.execute_sql("CREATE TRIGGER search_ad AFTER DELETE ON search_document BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, title, body) "
                   "VALUES ('delete', old.entity_id, old.title, old.body); END")
    db.execute_sql("CREATE TRIGGER search_au AFTER UPDATE ON search_document BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, title, body) "
                   "VALUES ('delete', old.entity_id, old.title, old.body); "
                   "INSERT INTO search_fts(rowid, title, body) VALUES (new.entity_id, new.title, new.body); END")
