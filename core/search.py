"""Full-text search over every entity kind, with access applied inside the SQL.

Plugins declare their kinds ``searchable`` and answer ``maillage_search_documents(site, entity)``
with ``{"title", "body"}``; every change announced by :mod:`core.entities` calls :func:`keep_up`
inside its transaction, right before the commit, which calls :func:`index` for a searchable entity
(:func:`remove` when it is deleted), so plugins never call them by hand and an entity is never
committed without its document. A plugin whose text lives in rows the entity does not own
announces the change with ``entities.update(site, entity)``. Text is stored lower-case without accents; SQLite searches it with an FTS5 table,
PostgreSQL with a GIN index on a stored ``tsvector`` column (migration 0006). Results are the entities the viewer may see, newest
first, paginated by guid.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

import peewee as pw
from peewee import SQL

from core import access, activity
from core.db import BaseModel, database, in_ids, is_postgres
from core.models import Account, Entity

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

PAGE = 20
SLICE = 500


class SearchDocument(BaseModel):
    """The indexed text of one entity."""

    entity = pw.ForeignKeyField(Entity, primary_key=True, on_delete="CASCADE", backref="+")
    site = pw.CharField(max_length=64)
    kind = pw.CharField(max_length=64)
    title = pw.TextField(default="")
    body = pw.TextField(default="")

    class Meta:
        table_name = "search_document"
        indexes = ((("site", "kind"), False),)


def fold(text: str) -> str:
    """Lower-case text without accents, so "fete" finds "Fête" on every database."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def keep_up(site: SiteRuntime, entity: Entity, change) -> None:
    """Follow one change of an entity (a :class:`core.entities.Change`): a searchable kind is
    (re)indexed when created, updated, its access changed or restored; a deleted entity is forgotten.

    :func:`core.entities.announce` calls it inside the change's transaction, right before it
    commits: the document is committed with the entity, or neither is."""
    if change.action == "delete":
        remove(site, entity)
        return
    kind = site.entity_kinds.get(entity.kind)
    if kind is not None and kind.searchable and change.action in ("create", "update", "access", "restore"):
        index(site, entity)


def index(site: SiteRuntime, entity: Entity) -> bool:
    """(Re)index ``entity`` with the text its plugin gives; with no text (no plugin answers, or it
    gives None: a draft) the entity is not found, and False is returned."""
    doc = site.pm.hook.maillage_search_documents(site=site, entity=entity)
    if not doc:
        remove(site, entity)
        return False
    title, body = fold(doc.get("title") or "")[:1000], fold(doc.get("body") or "")[:100_000]
    SearchDocument.insert(entity=entity.guid, site=site.id, kind=entity.kind, title=title, body=body).on_conflict(
        conflict_target=[SearchDocument.entity],
        update={SearchDocument.title: title, SearchDocument.body: body}).execute()
    return True


def remove(site: SiteRuntime, entity: Entity) -> None:
    """Forget ``entity``'s text."""
    SearchDocument.delete().where(SearchDocument.entity == entity.guid).execute()


def _fts_query(text: str) -> str:
    """An FTS5 query: every word must appear (as a prefix for the last one)."""
    words = re.findall(r"\w+", fold(text))
    if not words:
        return ""
    words = words[:20]
    terms = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return " ".join(terms)


def _ts_query(text: str) -> str:
    """The PostgreSQL twin of :func:`_fts_query`: every word, the last one as a prefix."""
    words = re.findall(r"\w+", fold(text))[:20]
    if not words:
        return ""
    return " & ".join(words[:-1] + [f"{words[-1]}:*"])


def search(site: SiteRuntime, viewer: Account | None, text: str, kinds=None, before: int | None = None,
           limit: int = PAGE) -> list[Entity]:
    """The entities matching ``text`` that ``viewer`` may see, newest first."""
    text = (text or "").strip()
    if not text:
        return []
    def visible_among(matching, wanted: int, below: int | None) -> list[Entity]:
        query = (Entity.select()
                 .where(in_ids(Entity.guid, matching) if isinstance(matching, list) else Entity.guid.in_(matching),
                        access.visible(viewer, site))
                 .order_by(Entity.guid.desc()).limit(wanted))
        query = query.where(Entity.kind.in_(activity.enabled_kinds(site, kinds, "searchable")))
        if below:
            query = query.where(Entity.guid < below)
        return list(query)

    if is_postgres():
        tsq = _ts_query(text)
        if not tsq:
            return []
        return visible_among(SQL("(SELECT entity_id FROM search_document WHERE "
                                 "tsv @@ to_tsquery('simple', %s))", [tsq]),
                             limit, before)
    fts = _fts_query(text)
    if not fts:
        return []
    # FTS5 hands matches newest first by rowid (= guid): check access on one slice at a
    # time, so a common word costs a few hundred rows, not every match
    found: list[Entity] = []
    below = before
    while len(found) < limit:
        sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?"
        params: list = [fts]
        if below:
            sql += " AND rowid < ?"
            params.append(below)
        ids = [row[0] for row in database.execute_sql(sql + f" ORDER BY rowid DESC LIMIT {SLICE}", params)]
        if not ids:
            break
        found += visible_among(ids, limit - len(found), None)
        if len(ids) < SLICE:
            break
        below = ids[-1]
    return found


def matching(text: str):
    """A subquery of the guids of entities whose indexed text matches ``text`` (every word, the last
    one as a prefix), for a plugin's own filtered listing: ``Entity.guid.in_(search.matching(words))``.

    Access and kind are NOT applied here: the caller's query must apply ``access.visible`` (and its
    kind, order and keyset) itself. Returns None when ``text`` has no word.
    """
    if is_postgres():
        tsq = _ts_query(text)
        return SQL("(SELECT entity_id FROM search_document WHERE "
                   "tsv @@ to_tsquery('simple', %s))", [tsq]) if tsq else None
    fts = _fts_query(text)
    return SQL("(SELECT rowid FROM search_fts WHERE search_fts MATCH ?)", [fts]) if fts else None
