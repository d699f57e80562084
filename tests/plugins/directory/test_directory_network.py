"""Organisations in the network: cards follow and connect with each other (their managers acting as
them), and what a card publishes through the blog, the agenda and the documents shows on the card
and in the feeds of the cards that follow it, under the card's name."""

import datetime as dt
import io

import pytest
from PIL import Image

from core.db import database, now
from core.models import Activity, Entity, Relationship

pytestmark = pytest.mark.site(plugins=["directory", "blog", "agenda", "documents"], language="en")

CLUB_A, CLUB_B = "Les Amis du Jardin", "Club de randonnée"
SOON = (now() + dt.timedelta(days=10)).date().isoformat()


def _card(client, name):
    response = client.post_form("/directory/new", {"name": name, "postcode": "80000", "access": "public"},
                                follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _act_as(client, guid):
    response = client.post_form("/acting-as", {"actor": str(guid), "next": "/"}, token_from="/",
                                follow_redirects=False)
    assert response.status_code == 303


def _do(client, guid, action, page):
    response = client.post_form(f"/social/{guid}/do/{action}", {"next": page}, token_from=page,
                                follow_redirects=False)
    assert response.status_code == 303


def _ties(*guids):
    with database.connection_context():
        return set(Relationship.select(Relationship.subject, Relationship.verb, Relationship.object).where(
            Relationship.subject.in_(guids), Relationship.object.in_(guids),
            Relationship.verb != "manages").tuples())


def _feed_section(page):
    """The news section of a card page (core/_member_feed.html)."""
    assert '<section class="member-feed"' in page
    return page.split('<section class="member-feed"', 1)[1].split("</section>", 1)[0]


def _post(client, title, access="public"):
    form = {"title": title, "body": "Départ à 9 h.", "excerpt": "", "tags": "", "access": access,
            "comments": "1", "publish_at": "", "container": "", "action": "publish"}
    assert client.post_form("/blog/new", form, follow_redirects=False).status_code == 303


def _event(client, title):
    form = {"title": title, "description": "Au marais.", "start_date": SOON, "start_time": "09:00",
            "end_date": SOON, "end_time": "12:00", "tz": "Europe/Paris", "repeat": "", "until": "", "count": "",
            "exdates": "", "place_name": "Marais", "address": "", "commune": "Amiens", "postcode": "80000",
            "lat": "49.89", "lon": "2.29", "online_url": "", "capacity": "", "show_participants": "organiser",
            "access": "public", "container": ""}
    assert client.post_form("/agenda/new", form, follow_redirects=False).status_code == 303


def _document(client, title):
    png = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(png, "PNG")
    response = client.post("/documents/upload",
                           data={"csrf_token": client.csrf("/documents/upload"), "access": "public", "title": title},
                           files=[("files", ("carte.png", png.getvalue(), "application/octet-stream"))],
                           follow_redirects=False)
    assert response.status_code == 303, response.text


@pytest.fixture
def two_cards(signed_in):
    """Ada manages card A, Bob card B; each acts as their card."""
    ada, bob = signed_in("ada"), signed_in("bob")
    a, b = _card(ada, CLUB_A), _card(bob, CLUB_B)
    _act_as(ada, a)
    _act_as(bob, b)
    return ada, bob, a, b


def test_cards_follow_and_connect_with_each_other(two_cards, client):
    ada, bob, a, b = two_cards
    card_b = ada.get(f"/directory/{b}").text
    assert f"/social/{b}/do/follow" in card_b and f"/social/{b}/do/connect" in card_b  # on the card page
    _do(ada, b, "follow", f"/directory/{b}")
    _do(ada, b, "connect", f"/directory/{b}")
    assert _ties(a, b) == {(a, "follows", b), (a, "connection_requested", b)}
    requests = bob.get(f"/social/{b}/requests").text  # B's requests, seen by its manager acting as B
    assert f'<a href="/directory/{a}">{CLUB_A}</a>' in requests and f"/social/{a}/do/accept" in requests
    _do(bob, a, "accept", f"/social/{b}/requests")
    # between the two cards, never their managers
    assert _ties(a, b) == {(a, "follows", b), (a, "connected", b), (b, "connected", a)}
    members = (ada.account.guid, bob.account.guid)
    assert _ties(*members, a, b) == _ties(a, b)
    assert "You are connected" in ada.get(f"/directory/{b}").text
    # the public lists, as a visitor reads them
    assert f'<a href="/directory/{b}">{CLUB_B}</a>' in client.get(f"/social/{a}/following").text
    assert f'<a href="/directory/{b}">{CLUB_B}</a>' in client.get(f"/social/{a}/connections").text
    followers = client.get(f"/social/{b}/followers").text
    assert f'<a href="/directory/{a}">{CLUB_A}</a>' in followers and "Ada" not in followers
    assert f'<a href="/directory/{a}">{CLUB_A}</a>' in client.get(f"/social/{b}/connections").text
    card_a = client.get(f"/directory/{a}").text
    assert "0 followers" in card_a and "1 followed" in card_a and "Connections: 1" in card_a


def test_what_a_card_publishes_shows_on_it_and_in_the_feed_of_who_follows_it(two_cards, client):
    ada, bob, a, b = two_cards
    _do(ada, b, "follow", f"/directory/{b}")
    _post(bob, "Sortie au marais")
    _event(bob, "Nettoyage de printemps")
    _document(bob, "Carte des sentiers")
    _post(bob, "Réunion des bénévoles", access="members")
    titles = ("Sortie au marais", "Nettoyage de printemps", "Carte des sentiers", "Réunion des bénévoles")
    with database.connection_context():
        published = {e.title: e for e in Entity.select().where(Entity.title.in_(titles))}
        assert {e.owner_id for e in published.values()} == {b}
        for entity in published.values():  # each activity item has the card as its actor
            assert {row.actor_id for row in Activity.select().where(Activity.entity == entity.guid)} == {b}
    by_b = f'<a href="/directory/{b}">{CLUB_B}</a>'
    expected = (f"{by_b} published a post: <a href=\"/blog/{published['Sortie au marais'].guid}/",
                f"{by_b} published an event: <a href=\"/agenda/{published['Nettoyage de printemps'].guid}\"",
                f"{by_b} added a document <a href=\"/documents/{published['Carte des sentiers'].guid}\"",
                f"{by_b} published a post: <a href=\"/blog/{published['Réunion des bénévoles'].guid}/")
    # on B's card, seen by a member
    news = _feed_section(ada.get(f"/directory/{b}").text)
    for line in expected:
        assert line in news, line
    # in A's network feed while Ada acts as A...
    feed = ada.get("/feed").text
    for line in expected:
        assert line in feed, line
    # ...not in hers: she follows nobody
    _act_as(ada, ada.account.guid)
    assert not any(t in ada.get("/feed").text for t in titles)
    # a visitor sees B's public news on its card, not the members-only post
    news = _feed_section(client.get(f"/directory/{b}").text)
    for line in expected[:3]:
        assert line in news, line
    assert "Réunion des bénévoles" not in client.get(f"/directory/{b}").text


@pytest.mark.parametrize("long_lists", [False, True], ids=["literal-lists", "subqueries"])
def test_a_cards_connections_only_news_reaches_the_managers_of_connected_cards(two_cards, signed_in, long_lists,
                                                                                monkeypatch):
    """Shared with its connections: another card's managers see it, whichever identity they act as
    (with short tie lists written into the query, and with the subqueries used for long ones)."""
    if long_lists:
        from core import access

        monkeypatch.setattr(access, "LIST_LIMIT", 0)
    ada, bob, a, b = two_cards
    carol = signed_in("carol")
    _do(ada, b, "connect", f"/directory/{b}")
    _do(bob, a, "accept", f"/social/{b}/requests")
    _post(bob, "Bureau élargi", access="connections")
    with database.connection_context():
        post = Entity.get(Entity.title == "Bureau élargi").guid
    _act_as(ada, ada.account.guid)  # back to herself: she still runs A
    assert "Bureau élargi" in _feed_section(ada.get(f"/directory/{b}").text)
    assert ada.get(f"/blog/{post}/").status_code == 200
    assert carol.get(f"/blog/{post}/").status_code == 404  # a member connected to neither
    assert "Bureau élargi" not in carol.get(f"/directory/{b}").text
    _act_as(ada, a)
    _do(ada, b, "disconnect", f"/directory/{b}")
    assert ada.get(f"/blog/{post}/").status_code == 404
