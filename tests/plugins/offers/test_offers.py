"""The board of needs and offers: publishing, browsing near a commune, matching, closing, the owner's
tab on an organisation's card, the Atom feed, hostile input and CSRF."""

import feedparser
import pytest

from core.db import database
from core.models import Entity
from plugins.offers.models import Ad

from .conftest import act_as, ad_form, publish


def test_publish_and_read(offers_site, signed_in, client):
    ada = signed_in("ada")
    guid = publish(ada)
    page = client.get(f"/offers/{guid}")
    assert page.status_code == 200
    assert "Bénévoles pour la fête" in page.text
    assert "<strong>cinq</strong>" in page.text  # markdown, cleaned
    with database.connection_context():
        ad = Ad.get_by_id(guid)
        assert (ad.commune, ad.postcode, ad.state) == ("Amiens", "80000", "open")
        assert 49.8 < ad.lat < 50.0 and 2.2 < ad.lon < 2.4
        assert 59 <= (ad.expires - Entity.get_by_id(guid).created).days <= 60  # 60 days by default
    listing = client.get("/offers/")
    assert f"/offers/{guid}" in listing.text
    # the ads first, the filters after them (beside them on a desktop, below them on a phone), as in the agenda
    assert listing.text.index(f"/offers/{guid}") < listing.text.index('class="filters card')


def test_markdown_is_cleaned(offers_site, signed_in, client):
    ada = signed_in("ada")
    guid = publish(ada, body='<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>')
    page = client.get(f"/offers/{guid}").text
    assert "<script>alert" not in page and "javascript:alert" not in page and "onerror" not in page


def test_browse_by_kind_theme_commune_and_radius(offers_site, signed_in, client):
    ada = signed_in("ada")
    amiens = publish(ada, title="Bénévoles à Amiens")
    football = publish(ada, title="Ballons à prêter", direction="offer", category="equipment", theme="Football",
                       commune="Abbeville")
    lille = publish(ada, title="Salle à Lille", category="premises", theme="Culture", commune="59000")
    near_amiens = client.get("/offers/?place=80000&km=20").text
    assert "Bénévoles à Amiens" in near_amiens
    assert "Ballons à prêter" not in near_amiens  # Abbeville is 40 km away
    assert "Salle à Lille" not in near_amiens
    wide = client.get("/offers/?place=Amiens&km=60").text
    assert "Ballons à prêter" in wide and "Salle à Lille" not in wide  # Lille is 100 km away
    sport = client.get("/offers/?theme=Sport").text  # a theme holds its sub-themes
    assert "Bénévoles à Amiens" in sport and "Ballons à prêter" in sport and "Salle à Lille" not in sport
    offers = client.get("/offers/?direction=offer").text
    assert "Ballons à prêter" in offers and "Bénévoles à Amiens" not in offers
    premises = client.get("/offers/?category=premises").text
    assert "Salle à Lille" in premises and "Ballons à prêter" not in premises
    assert f'/offers/{amiens}"' in client.get("/offers/?lat=49.894&lon=2.2957&km=5").text
    unknown = client.get("/offers/?place=Nullepartville")
    assert unknown.status_code == 200 and "This commune is unknown" in unknown.text
    map_page = client.get("/offers/?view=map&theme=Sport")
    assert map_page.status_code == 200 and 'id="offers-points"' in map_page.text
    assert "Ballons à prêter" in map_page.text and "Salle à Lille" not in map_page.text
    assert lille and football


@pytest.mark.parametrize("query", ["lat=91&lon=2", "lat=nan&lon=2", "lat=1e999&lon=2", "km=99999999999999999999999",
                                   "km=-3", "before=99999999999999999999999", "lat=49.8&lon=javascript:1"])
def test_hostile_queries_are_refused(offers_site, client, query):
    assert client.get(f"/offers/?{query}").status_code == 400


def test_matching_shows_offers_of_the_same_theme_nearby(offers_site, signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    near = publish(bob, title="Chasubles à prêter", direction="offer", category="equipment", commune="Amiens")
    publish(bob, title="Offre lointaine", direction="offer", category="equipment", commune="Lille")
    publish(bob, title="Offre d'un autre thème", direction="offer", theme="Culture", commune="Amiens")
    publish(bob, title="Autre besoin", direction="need", commune="Amiens")
    need = publish(ada, title="Besoin de chasubles", commune="Longueau")  # next to Amiens
    page = client.get(f"/offers/{need}").text
    assert "Offers nearby that may answer it" in page
    assert "Chasubles à prêter" in page
    assert "Offre lointaine" not in page and "Offre d'un autre thème" not in page and "Autre besoin" not in page
    reverse = client.get(f"/offers/{near}").text  # the offer shows the need
    assert "Needs nearby this offer may answer" in reverse and "Besoin de chasubles" in reverse


def test_hostile_form_is_refused_with_the_form_back(offers_site, signed_in):
    ada = signed_in("ada")
    cases = {"link": "javascript:alert(1)", "quantity": "9" * 40, "commune": "Atlantide-sur-Mer",
             "expires": "9999-12-31", "starts": "2026-13-45", "theme": "<b>nope</b>", "direction": "both"}
    for field, value in cases.items():
        response = ada.post_form("/offers/new", ad_form(title=f"Essai {field}", **{field: value}),
                                 token_from="/offers/new")
        assert response.status_code == 400, field
        assert 'aria-invalid="true"' in response.text and f"Essai {field}" in response.text  # typed text kept
    with database.connection_context():
        assert not Entity.select().where(Entity.kind == "offers.ad").exists()


def test_forms_need_the_csrf_token(offers_site, signed_in):
    ada = signed_in("ada")
    guid = publish(ada)
    for path, data in (("/offers/new", ad_form()), (f"/offers/{guid}/close", {"reason": "answered"}),
                       (f"/offers/{guid}/answer", {"body": "Hello"}), ("/offers/searches", {"km": "10"})):
        assert ada.post(path, data=data).status_code == 403, path
    with database.connection_context():
        assert Ad.get_by_id(guid).state == "open"


def test_every_form_carries_the_token(offers_site, signed_in):
    import re

    ada, bob = signed_in("ada"), signed_in("bob")
    guid = publish(ada)
    for client, path in ((ada, "/offers/new"), (ada, f"/offers/{guid}"), (ada, f"/offers/{guid}/edit"),
                         (bob, f"/offers/{guid}"), (bob, "/offers/searches")):
        page = client.get(path).text
        token = client.csrf(path)
        forms = re.findall(r'<form method="post".*?</form>', page, re.S)
        assert forms, path
        for form in forms:
            assert f'value="{token}"' in form, (path, form[:200])


def test_atom_feed(offers_site, signed_in, client):
    ada = signed_in("ada")
    publish(ada, title="Annonce publique")
    publish(ada, title="Annonce des membres", access="members")
    publish(ada, title="Offre de salle", direction="offer", category="premises")
    feed = feedparser.parse(client.get("/offers/feed.atom").content)
    titles = [e.title for e in feed.entries]
    assert not feed.bozo
    assert "Annonce publique" in titles and "Offre de salle" in titles
    assert "Annonce des membres" not in titles  # the feed is what a visitor sees
    offers = feedparser.parse(client.get("/offers/feed.atom?direction=offer").content)
    assert [e.title for e in offers.entries] == ["Offre de salle"]
    assert offers.entries[0].link.endswith("/offers/" + offers.entries[0].id.rsplit(":", 1)[1])


def test_owner_closes_and_renews_and_the_ad_stays(offers_site, signed_in, client):
    ada = signed_in("ada")
    guid = publish(ada)
    response = ada.post_form(f"/offers/{guid}/close", {"reason": "answered"}, token_from=f"/offers/{guid}")
    assert response.status_code == 200
    page = client.get(f"/offers/{guid}")
    assert page.status_code == 200 and "This ad is closed (answered)" in page.text
    assert f"/offers/{guid}\"" not in client.get("/offers/").text  # not among the open ads
    ada.post_form(f"/offers/{guid}/renew", {}, token_from=f"/offers/{guid}")
    with database.connection_context():
        assert Ad.get_by_id(guid).state == "open"
    assert f"/offers/{guid}\"" in client.get("/offers/").text


def test_organisation_card_shows_its_open_ads(offers_site, signed_in, client):
    ada = signed_in("ada")
    response = ada.post_form("/directory/new", {"name": "Les Amis du Stade", "postcode": "80000", "access": "public"},
                             token_from="/directory/new", follow_redirects=False)
    org = int(response.headers["location"].rsplit("/", 1)[1])
    assert f'href="/offers/by/{org}"' not in client.get(f"/directory/{org}").text  # no open ad yet
    act_as(ada, org)
    guid = publish(ada, title="Arbitres bénévoles")
    publish(ada, title="Réservé aux membres", access="members")
    with database.connection_context():
        assert Entity.get_by_id(guid).owner_id == org  # published as the organisation
    card = client.get(f"/directory/{org}").text
    assert "Needs and offers (1)" in card and f'href="/offers/by/{org}"' in card  # public ads only are counted
    by_org = client.get(f"/offers/by/{org}").text
    assert "Arbitres bénévoles" in by_org and "Réservé aux membres" not in by_org
