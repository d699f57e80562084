"""Saved searches: a new ad matching a member's search (kind, theme or the theme above it, commune and
radius) notifies them the way they chose; other ads, their own, and ads they may not see do not."""

from core import notifications
from core.db import database
from core.notifications import Notification
from plugins.offers.models import SavedSearch

from .conftest import publish


def save_search(client, **data):
    fields = {"direction": "", "category": "", "theme": "", "place": "", "km": "20"} | data
    return client.post_form("/offers/searches", fields, token_from="/offers/searches", follow_redirects=False)


def told(guid):
    with database.connection_context():
        return list(Notification.select().where(Notification.recipient == guid, Notification.event == "offers.match"))


def test_a_matching_ad_notifies_by_mail_when_the_member_chose_instant(offers_site, signed_in, use_smtp):
    ada, bob = signed_in("ada"), signed_in("bob")
    assert save_search(bob, direction="offer", theme="Sport", place="Amiens", km="15").status_code == 303
    with database.connection_context():
        notifications.set_preference(bob.account.guid, "offers.match", "instant")
    publish(ada, title="Ballons à donner", direction="offer", category="equipment", theme="Football",
            commune="Longueau")  # a sub-theme of Sport, 6 km from Amiens
    publish(ada, title="Un besoin", direction="need", theme="Sport", commune="Amiens")  # a need
    publish(ada, title="Trop loin", direction="offer", theme="Sport", commune="Lille")
    publish(ada, title="Autre thème", direction="offer", theme="Culture", commune="Amiens")
    texts = [m for m in use_smtp.messages if m["To"] == "bob@example.org"]
    assert len(texts) == 1
    assert "Ballons à donner" in texts[0].get_body(preferencelist=("plain",)).get_content()
    assert [n.delivery for n in told(bob.account.guid)] == ["instant"]


def test_by_default_it_waits_for_the_daily_digest_and_respects_access(offers_site, signed_in, client, use_smtp):
    ada, bob = signed_in("ada"), signed_in("bob")
    save_search(bob)  # every ad of the site
    save_search(ada)  # her own ads never notify her
    publish(ada, title="Clés du local", access="members")
    rows = told(bob.account.guid)
    assert [n.delivery for n in rows] == ["daily"]  # the event's default, no mail at once
    assert not [m for m in use_smtp.messages if m["To"] == "bob@example.org"]
    assert told(ada.account.guid) == []


def test_the_search_form_refuses_hostile_input_and_keeps_what_was_typed(offers_site, signed_in):
    bob = signed_in("bob")
    for data in ({"km": "9" * 30}, {"km": "-1"}, {"place": "Atlantide-sur-Mer"}, {"theme": "<script>"},
                 {"direction": "everything"}):
        response = save_search(bob, **data)
        assert response.status_code == 400, data
        assert 'aria-invalid="true"' in response.text
    assert "Atlantide-sur-Mer" in save_search(bob, place="Atlantide-sur-Mer").text
    with database.connection_context():
        assert SavedSearch.select().count() == 0


def test_a_member_lists_and_deletes_their_searches(offers_site, signed_in):
    bob, eve = signed_in("bob"), signed_in("eve")
    save_search(bob, theme="Culture", place="80000", km="30")
    page = bob.get("/offers/searches").text
    assert "within 30 km of Amiens (80000)" in page and "Culture" in page
    with database.connection_context():
        sid = SavedSearch.get().id
    eve.post_form("/offers/searches", {"drop": str(sid)}, token_from="/offers/searches")  # not hers
    with database.connection_context():
        assert SavedSearch.select().count() == 1
    bob.post_form("/offers/searches", {"drop": str(sid)}, token_from="/offers/searches")
    with database.connection_context():
        assert SavedSearch.select().count() == 0


def test_the_list_offers_to_save_its_filters(offers_site, signed_in):
    bob = signed_in("bob")
    page = bob.get("/offers/?direction=need&category=premises&place=Amiens&km=25").text
    assert "/offers/searches?direction=need&amp;category=premises&amp;place=Amiens+%2880000%29&amp;km=25" in page
    form = bob.get("/offers/searches?direction=need&category=premises&place=Amiens+%2880000%29&km=25").text
    assert 'value="Amiens (80000)"' in form and 'value="25"' in form


def test_the_managers_of_the_publishing_organisation_are_not_told(offers_site, signed_in):
    from .conftest import act_as

    mia, bob = signed_in("mia"), signed_in("bob")
    save_search(mia)
    save_search(bob)
    response = mia.post_form("/directory/new", {"name": "Les Amis du Stade", "postcode": "80000", "access": "public"},
                             token_from="/directory/new", follow_redirects=False)
    act_as(mia, int(response.headers["location"].rsplit("/", 1)[1]))
    publish(mia, title="Arbitres bénévoles")
    assert told(mia.account.guid) == []
    assert len(told(bob.account.guid)) == 1
