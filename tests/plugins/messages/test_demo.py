"""Demo data: conversations between demo members (and the organisations they run, when they run some)."""

import pytest

from core import demo
from core.db import database
from core.models import Entity
from plugins.messages.models import Letter, Message

pytestmark = pytest.mark.site(plugins=["directory", "groups", "messages"], language="en")


def test_demo_conversations_are_there_and_readable(app, client):
    app.ensure()
    with database.connection_context():
        demo.generate(app.runtime("test"), "small", seed=5, progress=False)
        conversations = Entity.select().where(Entity.kind == "messages.conversation").count()
        answered = Message.select().count()
        letters = list(Letter.select())
        again = demo.generate(app.runtime("test"), "small", seed=5, progress=False)
        assert Entity.select().where(Entity.kind == "messages.conversation").count() == conversations  # idempotent
    assert conversations >= 4 and answered == 2 * conversations and again is not None
    assert letters and letters[0].archived and letters[0].status == "sent"
    assert client.get(f"/messages/letters/{letters[0].entity_id}").status_code == 200  # archived: public
    assert client.signin("member1@example.org", demo.DEMO_PASSWORD).status_code == 303
    assert client.get("/messages/").status_code == 200
