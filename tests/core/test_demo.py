"""Demonstration data is reproducible and idempotent."""

from core import demo
from core.db import database
from core.models import Account, Relationship


def _graph():
    return sorted(Relationship.select(Relationship.subject, Relationship.verb, Relationship.object).tuples())


def test_small_demo_is_reproducible_and_running_it_twice_changes_nothing(app):
    app.ensure()
    with database.connection_context():
        first = demo.generate(app.runtime("test"), "small", seed=7, progress=False)
        graph = _graph()
        again = demo.generate(app.runtime("test"), "small", seed=7, progress=False)
        assert again["members"] == first["members"] == 12
        assert _graph() == graph
        assert Account.select().where(Account.email == "member3@example.org").exists()
        assert any(verb == "connected" for _s, verb, _o in graph)


def test_demo_members_can_sign_in(app, client):
    app.ensure()
    with database.connection_context():
        demo.generate(app.runtime("test"), "small", progress=False)
    assert client.signin("member1@example.org", demo.DEMO_PASSWORD).status_code == 303


def test_demo_runs_plugins_after_what_they_require_and_adds_comments(make_app):
    from core.comments import Comment, Like
    from core.models import Entity

    app = make_app(plugins=["wire", "groups", "forums"])
    with database.connection_context():
        counts = demo.generate(app.runtime("test"), "small", seed=3, progress=False)
        assert Entity.select().where(Entity.kind == "forums.topic").count() > 0  # groups existed first
        assert counts["comments"] == Comment.select().count() == 20
        assert Like.select().count() == counts["likes"] > 0
        assert counts["activity"] >= 20
        again = demo.generate(app.runtime("test"), "small", seed=3, progress=False)
        assert again["comments"] == 0 and Comment.select().count() == 20  # idempotent
