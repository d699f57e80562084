"""Values read once per page (core.request_cache): kept within a GET, dropped when what they
come from changes, never kept across requests or outside one."""

import logging

import pytest

from core import delegation, entities, relationships, request_cache
from core.db import database
from core.models import Entity


def test_remember_within_a_scope_only():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert request_cache.remember("t", 1, compute) == 1
    assert request_cache.remember("t", 1, compute) == 2  # outside a request: computed each time
    with request_cache.scope():
        assert request_cache.remember("t", 1, compute) == 3
        assert request_cache.remember("t", 1, compute) == 3
        assert request_cache.remember("t", 2, compute) == 4  # another key
        request_cache.forget("other")
        assert request_cache.remember("t", 1, compute) == 3
        request_cache.forget("t")
        assert request_cache.remember("t", 1, compute) == 5
        request_cache.forget()
        assert request_cache.remember("t", 2, compute) == 6
    with request_cache.scope():  # a new request starts empty
        assert request_cache.remember("t", 1, compute) == 7


def test_relationship_and_delegation_changes_are_seen_in_the_same_request(app, member_factory):
    site = app.runtime("test")
    ada = member_factory("ada")
    with database.connection_context(), request_cache.scope():
        group = Entity.create(site="test", kind="user", title="Club", access="public")
        note = entities.create(site, "user", owner=None, title="inside", access_level="container", container=group)
        assert entities.get_visible(site, ada, note.guid) is None
        relationships.add(site, ada.guid, "member_of", group.guid)
        assert entities.get_visible(site, ada, note.guid) is not None
        relationships.remove(ada.guid, "member_of", group.guid)
        assert entities.get_visible(site, ada, note.guid) is None

        assert not delegation.allows(site, ada, "agenda.edit", None)
        held = delegation.grant(site, ada, "agenda")
        assert delegation.allows(site, ada, "agenda.edit", None)
        delegation.revoke(held.id)
        assert not delegation.allows(site, ada, "agenda.edit", None)


@pytest.mark.site(plugins=["groups", "forums"], language="en")
def test_a_forum_page_reads_the_members_ties_once(signed_in):
    ada = signed_in("ada")
    r = ada.post_form("/groups/new", {"name": "Jardins", "membership": "open", "visibility": "public"},
                      follow_redirects=False)
    group = int(r.headers["location"].rsplit("/", 1)[1])
    r = ada.post_form(f"/forums/in/{group}/new", {"title": "Semis", "body": "Quand ?"}, follow_redirects=False)
    topic = r.headers["location"]
    ada.get(topic)
    statements, asked = [], []

    class Seen(logging.Handler):
        def emit(self, record):
            statements.append(str(record.msg[0]) if isinstance(record.msg, tuple) else record.getMessage())
            asked.append(record.msg if isinstance(record.msg, tuple) else (record.getMessage(), ()))

    logger, handler = logging.getLogger("peewee"), Seen()
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        assert ada.get(topic).status_code == 200  # the topic's and the group's access, the permission checks
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    ties = [s for s in statements if s.startswith('SELECT "t1"."subject_id", "t1"."verb", "t1"."object_id"')
            and '"t1"."verb" IN' in s]  # not relationships.between (the pair's relationships, kept too)
    delegations = [s for s in statements if s.startswith('SELECT "t1"."scope", "t1"."target_id" FROM "delegation"')]
    # what ada is to the group (membership.verbs) and to the topic (following it): each pair once
    pairs = [(sql, tuple(params)) for sql, params in asked
             if sql.startswith('SELECT "t1"."subject_id", "t1"."verb", "t1"."object_id"') and '"t1"."verb" IN' not in sql]
    # ada holds no delegation: her session said so, and no permission check asks the table
    assert (len(ties), len(delegations)) == (1, 0), statements
    assert len(pairs) == len(set(pairs)) and any(group in params for _sql, params in pairs), pairs


@pytest.mark.site(plugins=["groups", "forums", "messages"], language="en")
def test_an_error_page_reads_the_members_ties_once(signed_in):
    ada = signed_in("ada")
    statements = []

    class Seen(logging.Handler):
        def emit(self, record):
            statements.append(str(record.msg[0]) if isinstance(record.msg, tuple) else record.getMessage())

    logger, handler = logging.getLogger("peewee"), Seen()
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        assert ada.get("/no-such-page").status_code == 404  # the router's 404: no endpoint, the site's error page
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    ties = [s for s in statements if s.startswith('SELECT "t1"."subject_id", "t1"."verb", "t1"."object_id"')]
    unread = [s for s in statements if "messages_participant" in s]
    assert len(ties) == 1 and len(unread) == 1, statements
