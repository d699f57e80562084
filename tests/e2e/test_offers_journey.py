"""An association's manager publishes a need as the association (a mistake in the commune first), sees
the offers nearby that match it; a member who saved a search is told; a visitor browses near a commune,
on the list and on the map; a member answers through the messages plugin; the manager closes the ad."""

import re

import pytest

from core.db import database
from core.models import Entity, Relationship
from plugins.directory.models import Organisation

TAXONOMY = """
[[taxonomy]]
label = "Sport"
children = ["Football", "Randonnée"]
"""

pytestmark = pytest.mark.e2e


def test_a_need_meets_an_offer(live_site, new_page, check_a11y, members, sign_in):
    url = live_site(plugins=["directory", "messages", "offers"], toml=TAXONOMY)
    site = live_site.app.runtime("test")
    mia, leo, *_ = members("Mia", "Léo", "Bob")
    with database.connection_context():
        club = Entity.create(site="test", kind="directory.organisation", title="Les Amis du Stade", access="public",
                             owner=mia.guid)
        Organisation.create(entity=club, commune="Amiens", postcode="80000", lat=49.895, lon=2.30)
        Relationship.create(site="test", subject=mia.guid, verb="manages", object=club.guid)
        from plugins.offers import ads
        from plugins.offers.ads import place_of

        ads.save(site, leo.entity, {"direction": "offer", "category": "equipment", "theme": "Football",
                                    "access": "public"},
                 {"title": "Chasubles et ballons à prêter", "body": "Vingt chasubles, dix ballons.", "link": "",
                  "quantity": 20, "starts": None, "ends": None, "expires": None, "place": place_of("Longueau")})

    member = new_page()  # Bob keeps a search on sport around Amiens
    sign_in(member, url, "bob")
    member.goto(url + "/offers/searches")
    check_a11y(member)
    member.select_option("#f-theme", "Sport")
    member.fill("#f-place", "Amiens")
    member.fill("#f-km", "30")
    member.click("text=Enregistrer la recherche")
    member.wait_for_selector(".list-group-item")
    assert member.locator(".list-group-item", has_text="Amiens (80000)").is_visible()

    manager = new_page()  # Mia publishes as the club
    sign_in(manager, url, "mia")
    manager.click(".user-menu > summary")
    manager.select_option("#acting-as", str(club.guid))
    manager.click(".acting-switch button")
    manager.goto(url + "/offers/new")
    check_a11y(manager)
    assert manager.locator("text=Vous publiez en tant que Les Amis du Stade").is_visible()
    manager.select_option("#f-direction", "need")
    manager.select_option("#f-category", "equipment")
    manager.fill("#f-title", "Des chasubles pour le tournoi")
    manager.fill("#f-body", "Pour le tournoi des **jeunes**, samedi.")
    manager.select_option("#f-theme", "Football")
    manager.fill("#f-commune", "Amiensville")
    manager.click("button.btn-primary")
    assert manager.locator("#f-commune-error").is_visible()  # the form comes back, filled
    assert manager.input_value("#f-title") == "Des chasubles pour le tournoi"
    check_a11y(manager)
    manager.fill("#f-commune", "80000")
    manager.click("button.btn-primary")
    manager.wait_for_url(re.compile(r"/offers/\d+$"))
    ad_url = manager.url
    assert manager.locator(".post-body strong", has_text="jeunes").is_visible()
    matches = manager.locator("section", has_text="Offres à proximité qui peuvent y répondre")
    assert matches.locator("text=Chasubles et ballons à prêter").is_visible()
    check_a11y(manager)

    visitor = new_page()  # browses near Amiens, list then map
    visitor.goto(url + "/offers/")
    visitor.fill("#f-place", "Amiens")
    visitor.fill("#f-km", "10")
    visitor.click(".filters button[type=submit]")
    assert visitor.locator("h2 a", has_text="Des chasubles pour le tournoi").is_visible()
    check_a11y(visitor)
    visitor.click("a.nav-link:has-text('Carte')")
    visitor.wait_for_selector("#offers-map .leaflet-marker-icon")
    check_a11y(visitor)
    visitor.goto(f"{url}/directory/{club.guid}")  # the club's card shows its open ads
    visitor.click("text=Besoins et offres (1)")
    assert visitor.locator("text=Des chasubles pour le tournoi").is_visible()

    with database.connection_context():  # Bob's saved search told him (daily by default)
        from core.notifications import Notification

        assert Notification.select().where(Notification.event == "offers.match").count() == 1

    member.goto(ad_url)  # Bob answers: a conversation with the club
    member.fill("#f-body", "Nous avons des chasubles à vous prêter.")
    member.click("text=Envoyer ma réponse")
    member.wait_for_url(re.compile(r"/messages/\d+$"))
    assert member.locator("text=Nous avons des chasubles à vous prêter.").is_visible()

    manager.goto(ad_url)
    manager.click("text=Clore : elle a trouvé réponse")
    assert manager.locator("text=Cette annonce est close (a trouvé réponse).").is_visible()
    check_a11y(manager)
