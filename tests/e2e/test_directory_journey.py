"""A visitor finds the associations near a postal code on the list and on the map, finds one by a word
of its description, and opens one;
a manager edits their card and gives it a logo."""

import io

import pytest
from PIL import Image

from core import accounts, search
from core.db import database
from core.models import Entity, Relationship
from core.search import SearchDocument
from plugins.directory.models import Organisation

pytestmark = pytest.mark.e2e


def _png():
    """A wide logo (800 × 200), fitted within 400 × 400 on upload."""
    buf = io.BytesIO()
    Image.new("RGB", (800, 200), (30, 90, 160)).save(buf, "PNG")
    return buf.getvalue()


def _card(name, lat, lon, commune, postcode, description=""):
    entity = Entity.create(site="test", kind="directory.organisation", title=name, access="public")
    Organisation.create(entity=entity, commune=commune, postcode=postcode, lat=lat, lon=lon,
                        short_description=f"{name}, {commune}", description=description)
    SearchDocument.create(entity=entity, site="test", kind=entity.kind, title=search.fold(name),
                          body=search.fold(f"{name}, {commune} {description}"))
    return entity


def test_visitor_finds_nearby_associations_and_manager_edits(live_site, new_page, check_a11y):
    url = live_site(plugins=["directory"])
    with database.connection_context():
        ada = accounts.create_account("test", "ada@example.org", "Ada", "password-ada-123")
        club = _card("Club de randonnée d'Amiens", 49.895, 2.30, "Amiens", "80000")
        _card("Amicale de Corbie", 49.909, 2.51, "Corbie", "80800")
        _card("Foyer de Laon", 49.564, 3.62, "Laon", "02000", description="Atelier de poterie le mercredi")
        Relationship.create(site="test", subject=ada.guid, verb="manages", object=club.guid)
    visitor = new_page()
    visitor.goto(url + "/directory/")
    check_a11y(visitor)
    visitor.fill("#place", "80000")
    visitor.select_option("#km", "20")
    visitor.click("text=Chercher autour")
    items = visitor.locator("ol.directory-results li")
    assert items.count() == 2
    assert "Club de randonnée" in items.nth(0).inner_text() and "Corbie" in items.nth(1).inner_text()
    visitor.wait_for_selector("#directory-map .leaflet-marker-icon")  # markers from map.json
    check_a11y(visitor)
    visitor.goto(url + "/directory/")
    visitor.fill("#q", "Poterie")  # a word of a card's description, another case
    visitor.press("#q", "Enter")
    found = visitor.locator("ul.directory-results li")
    assert found.count() == 1 and "Foyer de Laon" in found.nth(0).inner_text()
    check_a11y(visitor)
    visitor.goto(url + "/directory/?place=80000&km=20")
    visitor.click("text=Club de randonnée d'Amiens")
    assert visitor.locator("h1", has_text="Club de randonnée").is_visible()
    check_a11y(visitor)

    manager = new_page()
    manager.goto(url + "/signin")
    manager.fill("#email", "ada@example.org")
    manager.fill("#password", "password-ada-123")
    manager.click("button.primary")
    manager.goto(url + f"/directory/{club.guid}/edit")
    check_a11y(manager)
    manager.fill("#f-short", "Sorties chaque dimanche")
    manager.set_input_files("#f-logo", files=[{"name": "logo.png", "mimeType": "image/png", "buffer": _png()}])
    manager.click("button[type=submit] >> text=Enregistrer")
    assert manager.locator("text=Sorties chaque dimanche").is_visible()
    logo = manager.locator("article.organisation img.directory-logo")
    assert logo.get_attribute("alt") == "Logo : Club de randonnée d'Amiens"
    manager.wait_for_function("img => img.complete && img.naturalWidth === 400", arg=logo.element_handle())
    box = logo.bounding_box()  # the fixed box of the card's head (8 × 6 rem), the image contained in it
    assert (round(box["width"]), round(box["height"])) == (128, 96)
    check_a11y(manager)
    manager.goto(url + f"/directory/{club.guid}/edit")  # the current logo, with "remove the logo"
    assert manager.locator(".directory-logo-current img").is_visible()
    assert manager.get_by_label("Retirer le logo").is_visible()
    check_a11y(manager)
    visitor.goto(url + "/directory/")  # the list shows it small, beside the name
    assert visitor.locator("ul.directory-results img.directory-logo-small").count() == 1
    check_a11y(visitor)
