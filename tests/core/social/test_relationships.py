"""Follow, connect (request, accept, decline, withdraw, remove), block, lists, acting as."""

import pytest

from core import relationships
from core.db import database
from core.models import Entity, Relationship


def act(client, target, action):
    return client.post_form(f"/social/{target}/do/{action}", {"next": f"/members/{target}"},
                            token_from=f"/members/{target}", follow_redirects=False)


def verbs(a, b):
    with database.connection_context():
        return set(Relationship.select(Relationship.verb).where(Relationship.subject == a, Relationship.object == b)
                   .tuples())


def test_follow_and_unfollow_is_one_way(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    assert act(ada, bob.account.guid, "follow").status_code == 303
    assert verbs(ada.account.guid, bob.account.guid) == {("follows",)}
    assert verbs(bob.account.guid, ada.account.guid) == set()
    assert "1 follower" in ada.get(f"/members/{bob.account.guid}").text or "1 abonné" in ada.get(
        f"/members/{bob.account.guid}").text
    act(ada, bob.account.guid, "unfollow")
    assert verbs(ada.account.guid, bob.account.guid) == set()


def test_connection_request_accept_remove(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    a, b = ada.account.guid, bob.account.guid
    act(ada, b, "connect")
    assert verbs(a, b) == {("connection_requested",)}
    requests = bob.get(f"/social/{b}/requests").text
    assert "Ada" in requests
    assert ada.get(f"/social/{b}/requests").status_code == 403  # only the owner sees pending requests
    act(bob, a, "accept")
    assert verbs(a, b) == {("connected",)} and verbs(b, a) == {("connected",)}
    act(ada, b, "disconnect")
    assert verbs(a, b) == set() and verbs(b, a) == set()


def test_decline_and_withdraw(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    a, b = ada.account.guid, bob.account.guid
    act(ada, b, "connect")
    act(bob, a, "decline")  # gone from bob's requests received; ada still sees it waiting
    assert verbs(a, b) == {("connection_declined",)}
    act(ada, b, "connect")  # asking again changes nothing
    assert verbs(a, b) == {("connection_declined",)}
    act(ada, b, "withdraw")
    assert verbs(a, b) == set()


def test_crossed_requests_connect_at_once(app, signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    act(ada, bob.account.guid, "connect")
    act(bob, ada.account.guid, "connect")
    assert ("connected",) in verbs(ada.account.guid, bob.account.guid)


def test_block_cuts_links_and_forbids_following_and_requests(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    a, b = ada.account.guid, bob.account.guid
    act(bob, a, "follow")
    act(ada, b, "block")
    assert verbs(b, a) == set()  # bob no longer follows ada
    act(bob, a, "follow")
    act(bob, a, "connect")
    assert verbs(b, a) == set()
    with database.connection_context():
        with pytest.raises(relationships.RelationshipError):
            relationships.follow(None, b, a)


@pytest.mark.site(toml="[settings]\nconnection_word = \"partner\"\n")
def test_the_word_for_connections_is_a_site_setting(signed_in, app):
    ada, bob = signed_in("ada"), signed_in("bob")
    page = ada.get(f"/members/{bob.account.guid}").text
    assert "partenariat" in page.lower() or "partnership" in page.lower()


def test_acting_as_an_entity_one_manages(app, signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    with database.connection_context():
        org = Entity.create(site="test", kind="user", title="Les Amis du Jardin", access="public")
        Relationship.create(site="test", subject=ada.account.guid, verb="manages", object=org.guid)
    home = ada.get("/").text
    assert "Les Amis du Jardin" in home  # the switch offers it
    ada.post_form("/acting-as", {"actor": str(org.guid), "next": "/"}, token_from="/")
    assert "Les Amis du Jardin" in ada.get("/").text
    act(ada, bob.account.guid, "follow")
    assert verbs(org.guid, bob.account.guid) == {("follows",)}  # followed under the organisation's name
    refused = bob.post_form("/acting-as", {"actor": str(org.guid), "next": "/"}, token_from="/")
    assert refused.status_code == 403


@pytest.mark.site(language="en")
def test_counts_are_shared_by_members_and_visitors_and_forgotten_when_a_follow_changes(
        signed_in, member_factory, client, app):
    """Members and visitors share a profile's counts for a minute; following or unfollowing through
    core.relationships forgets them, so the figure moves at once for everyone."""
    ada, bob = signed_in("ada"), signed_in("bob")
    eve, zoe = member_factory("eve"), member_factory("zoe")
    page = f"/members/{bob.account.guid}"
    assert "0 followers" in client.get(page).text
    act(ada, bob.account.guid, "follow")
    assert "1 follower" in ada.get(page).text and "1 follower" in client.get(page).text  # forgotten on write
    with database.connection_context():  # written behind core.relationships' back: the shared figure stays
        for other in (eve, zoe):
            Relationship.create(site="test", subject=other.guid, verb="follows", object=bob.account.guid)
    assert "1 follower" in ada.get(page).text and "1 follower" in client.get(page).text
    act(ada, bob.account.guid, "unfollow")
    assert "2 followers" in ada.get(page).text and "2 followers" in client.get(page).text
    app.runtime("test").forget("core.relationship_counts")  # what the minute's end does
    assert "2 followers" in client.get(page).text
