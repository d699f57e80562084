"""The Relations page: requests received and sent, connections, followers and followed, for the member
and each organisation they manage; a declined request tells the requester nothing and stays waiting."""

import pytest

from core.db import database
from core.models import Entity, Relationship

pytestmark = pytest.mark.site(language="en")


def _do(client, guid, action, **extra):
    response = client.post_form(f"/social/{guid}/do/{action}", {"next": "/relations", **extra},
                                token_from="/relations", follow_redirects=False)
    assert response.status_code == 303, response.text


def test_relations_of_the_member_and_of_the_organisation_they_manage(signed_in):
    ada, bob, carl = signed_in("ada"), signed_in("bob"), signed_in("carl")
    with database.connection_context():
        club = Entity.create(site="test", kind="user", title="Club de lecture", access="public")
        Relationship.create(site="test", subject=ada.account.guid, verb="manages", object=club.guid)
    _do(bob, ada.account.guid, "connect")
    _do(bob, club.guid, "connect")
    _do(carl, ada.account.guid, "follow")
    _do(ada, carl.account.guid, "connect")
    page = ada.get("/relations")
    assert page.status_code == 200
    text = page.text
    mine, club_part = text.split("Club de lecture</h2>") if "Club de lecture</h2>" in text else (text, "")
    assert "Bob" in mine and "Carl" in mine
    assert "Bob" in club_part  # the organisation's request received, beside the member's
    # accept the organisation's request from the page, as the organisation, without switching identity
    _do(ada, bob.account.guid, "accept", **{"as": str(club.guid)})
    with database.connection_context():
        assert Relationship.select().where(Relationship.subject == club.guid, Relationship.verb == "connected",
                                           Relationship.object == bob.account.guid).exists()
    # another member cannot act for the club
    response = carl.post_form(f"/social/{bob.account.guid}/do/follow", {"as": str(club.guid), "next": "/"},
                              token_from="/relations")
    assert response.status_code == 403


def test_a_declined_request_stays_waiting_for_the_requester(signed_in, use_smtp):
    ada, bob = signed_in("ada"), signed_in("bob")
    _do(bob, ada.account.guid, "connect")
    sent_before = len(use_smtp.messages)
    _do(ada, bob.account.guid, "decline")
    assert len(use_smtp.messages) == sent_before  # the requester is told nothing
    received = ada.get("/relations").text
    assert "Requests received (0)" in received
    waiting = bob.get("/relations").text
    assert "Requests sent, waiting for an answer (1)" in waiting and "Ada" in waiting
    assert "Request sent" in bob.get(f"/members/{ada.account.guid}").text
    _do(bob, ada.account.guid, "connect")  # asking again notifies nobody and changes nothing
    assert len(use_smtp.messages) == sent_before
    assert "Requests received (0)" in ada.get("/relations").text
    _do(ada, bob.account.guid, "connect")  # ada changes her mind: both asked, they are connected
    with database.connection_context():
        assert Relationship.select().where(Relationship.subject == bob.account.guid,
                                           Relationship.verb == "connected").exists()
