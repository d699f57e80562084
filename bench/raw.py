"""The raw twin: hand-written SQL through the database driver and a minimal Jinja2 template.

A second reference for bench/suite.py, below the bare twin (bench/bare.py, which shares
maillage's query functions and templates): the network feed, a forum thread and the
directory's list of cards, each read with one or two SQL statements written by hand and sent
through ``sqlite3`` or ``psycopg`` directly (no peewee), rendered by a template that prints the
items and nothing else. The rows are the ones maillage's page lists for the same viewer (the
same access rule, written out in SQL below; tests/bench/test_raw_twin.py checks the ids on a
small data set), so ``maillage req/s ÷ raw req/s`` measures the query layer, the templates and
the framework together.

The viewer is the benchmark member (``BENCH_MEMBER``) when the request carries a cookie, a
visitor otherwise. What is read once at start (the member's id and role, the site's enabled
kinds and membership verbs) comes from maillage's configuration; every request runs only SQL.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from urllib.parse import unquote, urlparse

import jinja2
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

SITE = os.environ.get("BENCH_SITE", "portail")
MEMBER = os.environ.get("BENCH_MEMBER", "member1@example.org")
PAGE, THREAD_PAGE, CARDS_PAGE, FEW_SOURCES = 20, 50, 30, 300

TEMPLATES = jinja2.Environment(autoescape=True, loader=jinja2.DictLoader({
    "base": "<!doctype html><html lang=fr><meta charset=utf-8><title>{{ title }}</title>"
            "<h1>{{ title }}</h1>{% block items %}{% endblock %}</html>",
    "feed": '{% extends "base" %}{% block items %}<ol class=feed>{% for r in rows %}'
            '<li data-id="{{ r[0] }}"><a href="/members/{{ r[1] }}">{{ r[7] }}</a> {{ r[2] }} '
            '<a href="/e/{{ r[4] }}">{{ r[5] }}</a> <time>{{ r[6] }}</time></li>{% endfor %}</ol>'
            '{% if rows|length == 20 %}<a href="?before={{ rows[-1][0] }}">older</a>{% endif %}{% endblock %}',
    "thread": '{% extends "base" %}{% block items %}<article>{{ topic[1] }}</article><ol>{% for r in rows %}'
              '<li id="r{{ r[1] }}"><a href="/members/{{ r[2] }}">{{ r[5] or "?" }}</a> <time>{{ r[4] }}</time>'
              '<div>{% if r[6] %}(deleted){% else %}{{ r[3]|safe }}{% endif %}</div></li>{% endfor %}</ol>'
              '{% endblock %}',
    "cards": '{% extends "base" %}{% block items %}<ul class=cards>{% for r in rows %}'
             '<li><a href="/directory/{{ r[0] }}">{{ r[1] }}</a> {{ r[2] }} {{ r[3] }} · {{ r[4] }}</li>'
             '{% endfor %}</ul>{% endblock %}',
}))


class Raw:
    """One connection per thread to the database of ``url`` (``sqlite:///`` or ``postgresql://``),
    and the queries of the three pages."""

    def __init__(self, url: str, site_id: str, kinds: list[str], membership_verbs: list[str]):
        self.url, self.site_id = url, site_id
        self.postgres = urlparse(url).scheme in ("postgres", "postgresql")
        self.kinds = sorted(kinds)
        self.verbs = sorted({*membership_verbs, "manages"})
        self.local = threading.local()

    def connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            if self.postgres:
                import psycopg

                conn = psycopg.connect(self.url, autocommit=True)
            else:
                path = unquote(urlparse(self.url).path)
                path = "/" + path.lstrip("/") if self.url.startswith("sqlite:////") else path[1:]
                conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
                for pragma in ("journal_mode=wal", "cache_size=-32000", "mmap_size=268435456",
                               "temp_store=memory", "busy_timeout=10000"):
                    conn.execute(f"PRAGMA {pragma}")
            self.local.conn = conn
        return conn

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.postgres:
            sql = sql.replace("?", "%s")
        return list(self.connection().execute(sql, params).fetchall())

    # -- who the viewer is, and what they may see ------------------------------------------------
    def viewer(self, email: str) -> tuple[int, str]:
        (guid, role), = self.rows("SELECT entity_id, role FROM account WHERE site = ? AND email = ?",
                                  (self.site_id, email))
        return guid, role

    def ties(self, me: int) -> dict[str, set[int]]:
        """The member's containers, managed entities, connections and blockers (core.access's ties)."""
        ties: dict[str, set[int]] = {"containers": set(), "managed": set(), "connected": set(), "blockers": set()}
        marks = ",".join("?" * len(self.verbs))
        for subject, verb, obj in self.rows(
                f"SELECT subject_id, verb, object_id FROM relationship WHERE (subject_id = ? AND verb IN ({marks}))"
                " OR (object_id = ? AND verb IN ('connected', 'blocks'))", (me, *self.verbs, me)):
            if subject == me and verb in self.verbs:
                ties["containers"].add(obj)
                if verb == "manages":
                    ties["managed"].add(obj)
            if obj == me and verb == "connected":
                ties["connected"].add(subject)
            elif obj == me and verb == "blocks":
                ties["blockers"].add(subject)
        if ties["managed"]:
            ties["connected"].update(s for (s,) in self.rows(
                f"SELECT subject_id FROM relationship WHERE verb = 'connected' AND object_id IN ({ids(ties['managed'])})"))
        return ties

    def visible(self, viewer: tuple[int, str] | None, e: str = "e") -> str:
        """The SQL condition on entity alias ``e``: the rule of core.access.visible (ids written as literals)."""
        live = f"{e}.site = '{self.site_id}' AND {e}.deleted_at IS NULL AND {e}.kind NOT IN " \
               "('messages.conversation', 'messages.message')"
        if viewer is None:
            return f"{live} AND {e}.access = 'public' AND NOT {e}.hidden"
        me, role = viewer
        if role == "admin":
            return live
        ties = self.ties(me)
        manages_owner = f"{e}.owner_id IN ({ids(ties['managed'])})"
        if role == "moderator":
            return f"{live} AND ({e}.access <> 'private' OR {e}.owner_id = {me} OR {manages_owner})"
        restricted = (f"({e}.access = 'members'"
                      f" OR ({e}.access = 'connections' AND {e}.owner_id IN ({ids(ties['connected'])}))"
                      f" OR ({e}.access = 'container' AND ({e}.container_id IN ({ids(ties['containers'])})"
                      f" OR EXISTS (SELECT 1 FROM entity c WHERE c.guid = {e}.container_id AND c.owner_id = {me})))"
                      f" OR {manages_owner} OR {e}.guid IN ({ids(ties['managed'])}))")
        if ties["blockers"]:
            restricted = f"({restricted} AND {e}.owner_id NOT IN ({ids(ties['blockers'])}))"
        return (f"{live} AND (NOT {e}.hidden OR {e}.owner_id = {me})"
                f" AND ({e}.access = 'public' OR {e}.owner_id = {me} OR {restricted})")

    # -- the three pages' rows -----------------------------------------------------------------
    def network(self, viewer: tuple[int, str], before: int | None = None) -> list[tuple]:
        """The network feed (core.activity.network_feed): (id, actor, verb, kind, entity guid, title,
        created, actor's name) of the newest visible items of followed sources and the member's groups."""
        me = viewer[0]
        marks = ",".join("?" * len(self.verbs))
        groups = [g for (g,) in self.rows(
            f"SELECT object_id FROM relationship WHERE subject_id = ? AND verb IN ({marks})", (me, *self.verbs))]
        followed = [o for (o,) in self.rows(
            "SELECT object_id FROM relationship WHERE subject_id = ? AND verb IN ('follows', 'connected')", (me,))]
        older = f" AND a.id < {int(before)}" if before else ""
        if len(followed) > FEW_SOURCES:  # walk the river from the newest item ("+ 0": keep the (site, id) index)
            sources = (f"(a.actor_id + 0 IN (SELECT object_id FROM relationship WHERE subject_id = {me}"
                       f" AND verb IN ('follows', 'connected')) OR a.container_id + 0 IN ({ids(groups)})"
                       f" OR a.actor_id + 0 = {me}) AND a.site = '{self.site_id}'")
        else:  # the newest items of each source, through the (actor, id) and (container, id) indexes
            theirs = (f"SELECT id FROM (SELECT id FROM activity WHERE actor_id IN ({ids([*followed, me])}){older.replace('a.', '')}"
                      f" ORDER BY id DESC LIMIT {PAGE * 25}) t")
            within = (f" UNION SELECT id FROM (SELECT id FROM activity WHERE container_id IN ({ids(groups)}){older.replace('a.', '')}"
                      f" ORDER BY id DESC LIMIT {PAGE * 25}) w") if groups else ""
            sources = f"a.id IN ({theirs}{within})"
        return self.rows(
            "SELECT a.id, a.actor_id, a.verb, a.kind, e.guid, e.title, a.created, actor.title"
            " FROM activity a JOIN entity e ON e.guid = a.entity_id LEFT JOIN entity actor ON actor.guid = a.actor_id"
            f" WHERE {sources}{older} AND e.kind IN ({quoted(self.kinds)}) AND {self.visible(viewer)}"
            f" ORDER BY a.id DESC LIMIT {PAGE}")

    def thread(self, viewer: tuple[int, str] | None, guid: int, page: int = 1) -> tuple[tuple, list[tuple]] | None:
        """A forum topic the viewer may see, in a group they may see, and one page of its replies:
        (id, number, author, html, created, author's name, deleted)."""
        topics = self.rows(
            "SELECT e.guid, e.title, e.container_id FROM entity e JOIN forums_topic t ON t.entity_id = e.guid"
            f" WHERE e.guid = ? AND e.kind = 'forums.topic' AND {self.visible(viewer)}"
            f" AND EXISTS (SELECT 1 FROM entity g WHERE g.guid = e.container_id AND g.kind = 'groups.group'"
            f" AND {self.visible(viewer, 'g')})", (guid,))
        if not topics:
            return None
        first = (page - 1) * THREAD_PAGE + 1
        return topics[0], self.rows(
            "SELECT r.id, r.number, r.author_id, r.html, r.created, a.title, r.deleted FROM forums_reply r"
            " LEFT JOIN entity a ON a.guid = r.author_id WHERE r.topic_id = ? AND r.number >= ? AND r.number < ?"
            " ORDER BY r.number", (guid, first, first + THREAD_PAGE))

    def cards(self, viewer: tuple[int, str] | None, before: int | None = None) -> list[tuple]:
        """The directory's list without a search (plugins.directory.views.index): the newest visible
        cards, (guid, name, acronym, commune, short description)."""
        older = f" AND e.guid < {int(before)}" if before else ""
        return self.rows(
            "SELECT e.guid, e.title, o.acronym, o.commune, o.short_description FROM directory_organisation o"
            f" JOIN entity e ON e.guid = o.entity_id WHERE e.kind = 'directory.organisation'{older}"
            f" AND {self.visible(viewer)} ORDER BY e.guid DESC LIMIT {CARDS_PAGE}")


def ids(values) -> str:
    """A literal list of integers for ``IN (...)``; ``0`` (no entity has it) when empty."""
    return ",".join(str(int(v)) for v in sorted(values)) or "0"


def quoted(values) -> str:
    return ",".join("'" + v.replace("'", "''") + "'" for v in values)


def create_app():
    """The raw twin's app for uvicorn (``bench.raw:create_app``, a factory)."""
    from core import keepalive
    from core.config import Instance, load_sites
    from core.db import configure, database
    from core.models import Site
    from core.runtime import SiteRuntime

    instance = Instance.from_env()
    configure(instance.database_url)
    with database.connection_context():
        site = SiteRuntime(instance, load_sites(instance.sites_dir)[SITE], Site.get_by_id(SITE))
    kinds = [name for name, kind in site.entity_kinds.items() if kind.in_activity]
    raw = Raw(instance.database_url, SITE, kinds, list(site.membership_verbs))
    member = raw.viewer(MEMBER)

    def viewer_of(request):
        return member if request.headers.get("cookie") else None

    def html(template: str, **context) -> HTMLResponse:
        return HTMLResponse(TEMPLATES.get_template(template).render(**context))

    def network(request):
        viewer = viewer_of(request)
        if viewer is None:
            return RedirectResponse("/signin", 303)
        return html("feed", title="Mon réseau", rows=raw.network(viewer))

    def thread(request):
        found = raw.thread(viewer_of(request), request.path_params["guid"])
        if found is None:
            return HTMLResponse("not found", 404)
        topic, rows = found
        return html("thread", title=topic[1], topic=topic, rows=rows)

    def directory(request):
        return html("cards", title="Annuaire", rows=raw.cards(viewer_of(request)))

    return keepalive.spread(Starlette(routes=[Route("/feed", network), Route("/forums/{guid:int}", thread),
                             Route("/directory/", directory)], lifespan=same_threads))


@contextlib.asynccontextmanager
async def same_threads(app):
    """As many requests at once per worker as maillage runs (core.app.limit_request_threads)."""
    from core.app import limit_request_threads

    limit_request_threads()
    yield
