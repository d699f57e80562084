"""Queries compiled once (core.db.prepared): the same rows as the query built each time, one
compilation per database kind and shape, and a clear error for a value that shapes the query."""

import datetime as dt

import pytest
from peewee import JOIN

from core import sessions
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
