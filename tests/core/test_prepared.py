"""Queries compiled once (core.db.prepared): the same rows as the query built each time, one
compilation per database kind and shape, and a clear error for a value that shapes the query."""

import datetime as dt

import pytest
from peewee import JOIN

from core import access, entities, relationships, request_cache, sessions
from core.db import database, prepared
from core.models import Account, Entity, Relationship

built = []


@prepared
def _followed(subject: int, *, verb: str):
    built.append(subject)
    return (Relationship.select(Relationship.object).where(Relationship.subject == subject, Relationship.verb == verb)
            .order_by(Relationship.object).tuples())


@prepared
def _accounts_with_sessions(site_id: str, since: dt.datetime, *guids: int):
    return (Account.select(Account, Entity, sessions.Session).join(Entity)
            .switch(Account).join(sessions.Session, JOIN.LEFT_OUTER,
                                  on=(sessions.Session.account == Account.entity), attr="session_row")
            .where(Account.site == site_id, Account.entity.in_(guids),
                   (sessions.Session.last_seen >= since) | sessions.Session.id.is_null())
            .order_by(Account.entity))


def test_a_prepared_query_reads_what_the_built_query_reads_and_compiles_once(app, member_factory):
    site = app.runtime("test")
    ada, bob, cyd = (member_factory(name) for name in ("ada", "bob", "cyd"))
    with database.connection_context():
        for subject, obj in ((ada, bob), (ada, cyd), (bob, cyd)):
            Relationship.create(site="test", subject=subject.guid, verb="follows", object=obj.guid)
        Relationship.create(site="test", subject=bob.guid, verb="blocks", object=ada.guid)
        built.clear()
        assert _followed(ada.guid, verb="follows") == [(bob.guid,), (cyd.guid,)]
        assert _followed(bob.guid, verb="follows") == [(cyd.guid,)]
        assert _followed(cyd.guid, verb="follows") == []
        assert len(built) == 1, "built and compiled once for the three calls"
        assert _followed(bob.guid, verb="blocks") == [(ada.guid,)]
        assert len(built) == 2, "another shape is another compilation"
        assert _followed.first(ada.guid, verb="follows") == (bob.guid,)
        assert _followed.first(cyd.guid, verb="follows") is None

        token = sessions.open_session(site.id, bob.guid, "test browser", "127.0.0.1")
        since = dt.datetime(2000, 1, 1)
        rows = _accounts_with_sessions(site.id, since, ada.guid, bob.guid)
        assert [(row.guid, row.entity.title) for row in rows] == [(ada.guid, ada.entity.title), (bob.guid, bob.entity.title)]
        assert rows[1].session_row.id == sessions.digest(token)
        assert _accounts_with_sessions(site.id, since, cyd.guid)[0].guid == cyd.guid  # one value fewer: its own SQL
        assert _accounts_with_sessions("another-site", since, ada.guid, bob.guid) == []


@prepared
def _since(subject: int):
    return Relationship.select(Relationship.object, Relationship.created).where(Relationship.subject == subject).tuples()


def test_tuples_of_integers_and_strings_come_from_the_driver_and_others_are_converted(app, member_factory):
    ada, bob = member_factory("ada"), member_factory("bob")
    with database.connection_context():
        Relationship.create(site="test", subject=ada.guid, verb="follows", object=bob.guid)
        _followed(ada.guid, verb="follows")
        assert next(iter(_followed._compiled.values()))[-1] is True  # (object,): integers only
        (obj, created), = _since(ada.guid)
        assert next(iter(_since._compiled.values()))[-1] is False  # a date: peewee's reader converts it
        assert obj == bob.guid and isinstance(created, dt.datetime)


def test_a_value_that_shapes_the_query_is_refused():
    @prepared
    def shaped(limit: int):
        return Relationship.select().limit(10 if limit > 5 else 1)

    @prepared
    def flagged(flag: bool):
        return Relationship.select().where(Relationship.verb == ("a" if flag else "b"))

    with database.connection_context():
        with pytest.raises(ValueError, match="shape="):
            shaped(7)
        with pytest.raises(TypeError, match="str, int or datetime"):
            flagged(True)


def test_the_compiled_access_condition_takes_each_querys_alias_and_follows_the_ties(app, member_factory):
    """access.visible is compiled once per worker for a viewer's ties (issue 21): placed in a query where
    Entity is the first table, a joined one or a subquery's, it names that table; a new tie is a new
    condition on the next page."""
    site = app.runtime("test")
    ada, bob = member_factory("ada"), member_factory("bob")
    with database.connection_context():
        group = Entity.create(site="test", kind="user", title="Club", access="public", owner=bob.guid)
        inside = entities.create(site, "user", owner=bob.entity, title="inside", access_level="container", container=group)
        public = entities.create(site, "user", owner=bob.entity, title="outside", access_level="public")

        def seen() -> tuple[set, set, set]:
            with request_cache.scope():
                first = {e.guid for e in Entity.select().where(access.visible(ada, site))}
                joined = {guid for (guid,) in Relationship.select(Entity.guid).join(
                    Entity, on=(Relationship.object == Entity.guid)).where(
                    Relationship.subject == bob.guid, Relationship.verb == "likes", access.visible(ada, site)).tuples()}
                nested = {guid for (guid,) in Relationship.select(Relationship.object).where(Relationship.verb == "likes",
                    Relationship.object.in_(Entity.select(Entity.guid).where(access.visible(ada, site)))).tuples()}
            return first, joined, nested

        Relationship.create(site="test", subject=bob.guid, verb="likes", object=inside.guid)
        Relationship.create(site="test", subject=bob.guid, verb="likes", object=public.guid)
        first, joined, nested = seen()
        assert public.guid in first and inside.guid not in first
        assert joined == {public.guid} and nested == {public.guid}
        with request_cache.scope():
            relationships.add(site, ada.guid, "member_of", group.guid)
        first, joined, nested = seen()
        assert inside.guid in first and joined == {public.guid, inside.guid} and nested == joined
