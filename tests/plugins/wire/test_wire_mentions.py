"""Mentions: only members who may see the status are told; blocks and e-mail addresses respected."""

import pytest

from core.db import database
from core.models import Relationship
from core.notifications import Notification
from plugins.wire.text import mentioned

pytestmark = pytest.mark.site(plugins=["wire"])


def told(account):
    with database.connection_context():
        return Notification.select().where(Notification.recipient == account.guid,
                                           Notification.event == "wire.mention").count()


def test_a_mention_in_a_connections_status_tells_only_connections(signed_in):
    ada, bob, cyd = signed_in("ada"), signed_in("bob"), signed_in("cyd")
    with database.connection_context():
        Relationship.create(site="test", subject=ada.account.guid, verb="connected", object=bob.account.guid)
        Relationship.create(site="test", subject=bob.account.guid, verb="connected", object=ada.account.guid)
    ada.post_form("/wire/", {"body": "Merci @bob et @cyd, à jeudi.", "access": "connections"})
    assert told(bob.account) == 1
    assert told(cyd.account) == 0  # cyd may not see it: not told either


def test_a_member_who_blocks_the_author_is_not_told(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    with database.connection_context():
        Relationship.create(site="test", subject=bob.account.guid, verb="blocks", object=ada.account.guid)
    ada.post_form("/wire/", {"body": "Hello @bob", "access": "public"})
    assert told(bob.account) == 0


def test_addresses_and_unknown_names_are_not_mentions(signed_in, client):
    signed_in("bob")
    with database.connection_context():
        assert [a.username for a in mentioned("test", "write to bob@example.org or @BOB, not @nobody")] == ["bob"]
    ada = signed_in("ada")
    ada.post_form("/wire/", {"body": "Ask @nobody, please.", "access": "public"})
    page = client.get("/wire/").text
    assert "Ask @nobody, please." in page and 'class="mention"' not in page


def test_a_refused_status_keeps_the_chosen_audience(signed_in):
    ada = signed_in("ada")
    response = ada.post_form("/wire/", {"body": "y" * 300, "access": "connections"})
    assert response.status_code == 400
    assert '<option value="connections" selected>' in response.text
