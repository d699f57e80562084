"""Only participants read a conversation: pages, inbox, counts, search and attachments, for a visitor,
an unrelated member, a former participant who left, an administrator (who reads a message only once it
is reported, with the few messages before it) and the participants themselves."""

import pytest

from core.db import database
from core.models import Entity

from .conftest import reply, started

pytestmark = pytest.mark.site(plugins=["directory", "messages"], language="en")

SECRET = "Quetzalcoatlpaprika"


@pytest.fixture
def thread(world, signed_in):
    carl = signed_in("carl")
    conv = started(world.ada, [world.bob.account.guid, carl.account.guid], f"First {SECRET}", subject="Plans")
    reply(world.bob, conv, f"Second {SECRET}")
    reply(carl, conv, "Third, from Carl")
    carl.post_form(f"/messages/{conv}/do/leave", token_from=f"/messages/{conv}")
    with database.connection_context():
        messages = [e.guid for e in Entity.select().where(Entity.container == conv, Entity.kind == "messages.message")
                    .order_by(Entity.guid)]
    world.carl, world.conv, world.messages = carl, conv, messages
    return world


def _outsider_sees_nothing(c, w):
    assert c.get(f"/messages/{w.conv}").status_code == 404
    for m in w.messages:
        assert c.get(f"/messages/message/{m}").status_code == 404
        assert c.get(f"/messages/message/{m}/report", follow_redirects=False).status_code in (303, 404)
        assert c.get(f"/messages/message/{m}/attachment", follow_redirects=False).status_code in (303, 404)
    assert c.post_form(f"/messages/{w.conv}", {"body": "intrusion"}, token_from="/signin").status_code == 404
    assert c.post_form(f"/messages/{w.conv}/do/read", token_from="/signin", follow_redirects=False).status_code in (303, 404)


def test_participants_read(thread):
    for c in (thread.ada, thread.bob):
        page = c.get(f"/messages/{thread.conv}").text
        assert f"First {SECRET}" in page and f"Second {SECRET}" in page
        assert SECRET in c.get(f"/messages/search?q={SECRET}").text
        assert "Plans" in c.get("/messages/").text


def test_nobody_else_reads_not_even_the_administrator(thread, client):
    for who, c in [("visitor", client), ("eve", thread.eve), ("carl who left", thread.carl), ("admin", thread.admin)]:
        _outsider_sees_nothing(c, thread)
        if who != "visitor":
            assert "Plans" not in c.get("/messages/").text, who
            assert "Plans" not in c.get("/messages/?archived=1").text, who
            assert "Nothing found." in c.get(f"/messages/search?q={SECRET}").text, who
            assert f"Second {SECRET}" not in c.get(f"/search?q={SECRET}").text, who
            assert 'href="/messages/">Messages <span class="badge' not in c.get("/").text, who
        # nor through the core's generic pages about an entity (all of them read through access.visible)
        for guid in [thread.conv, *thread.messages]:
            assert c.get(f"/report/{guid}", follow_redirects=False).status_code in (303, 404), who
    # the visitor is not even sent to the sign-in page: the address reveals nothing
    assert client.get(f"/messages/{thread.conv}", follow_redirects=False).status_code == 404


def test_a_reported_message_is_read_by_moderators_with_its_context_only(thread):
    first, second, third = thread.messages[:3]
    r = thread.bob.post_form(f"/messages/message/{third}/report", {"reason": "rude"}, follow_redirects=False)
    assert r.status_code == 303
    queue = thread.admin.get("/moderation").text
    assert f"/messages/message/{third}" in queue
    page = thread.admin.get(f"/messages/message/{third}")
    assert page.status_code == 200 and "Third, from Carl" in page.text and f"Second {SECRET}" in page.text
    assert thread.admin.get(f"/messages/{thread.conv}").status_code == 404  # never the whole conversation
    assert thread.admin.get(f"/messages/message/{second}").status_code == 404  # an unreported one: no
    assert thread.eve.get(f"/messages/message/{third}").status_code == 404  # a member who is no moderator: no
    # the moderators hide it: the participants see it was hidden
    thread.admin.post_form("/moderation", {"entity": str(third), "decision": "hide"})
    assert "hidden by the moderators" in thread.ada.get(f"/messages/{thread.conv}").text


def test_the_new_conversation_form_reveals_no_hidden_name(world):
    with database.connection_context():
        hidden = Entity.create(site="test", kind="directory.organisation", title="Cercle discret", access="private",
                               owner=world.ada.account.guid)
    assert "Cercle discret" not in world.eve.get(f"/messages/new?to={hidden.guid}").text
    response = world.eve.post_form("/messages/new", {"to": str(hidden.guid), "body": "hello"},
                                   token_from="/messages/new")
    assert response.status_code == 400 and "Cercle discret" not in response.text
    assert "Cercle discret" in world.ada.get(f"/messages/new?to={hidden.guid}").text  # its owner sees it
