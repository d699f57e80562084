"""An animator (not an administrator) opens the adoption dashboard, finds the département with the most
silent cards on the territory page, introduces two of its organisations; their managers connect from
the introduction in one click each (axe checks on each page)."""

import datetime as dt

import pytest

from core import delegation
from core.db import database, now
from core.models import Entity, Relationship
from plugins.animation.aggregate import aggregate
from plugins.directory.models import Organisation

pytestmark = pytest.mark.e2e


def _card(title, manager, postcode, commune, lat, lon, age_days):
    when = now() - dt.timedelta(days=age_days)
    card = Entity.create(site="test", kind="directory.organisation", title=title, access="public",
                         owner=manager.guid, created=when, updated=when)
    Organisation.create(entity=card, commune=commune, postcode=postcode, lat=lat, lon=lon)
    Relationship.create(site="test", subject=manager.guid, verb="manages", object=card.guid)
    return card


def test_an_animator_finds_silent_cards_and_introduces_two_organisations(live_site, new_page, check_a11y, members, sign_in):
    url = live_site(plugins=["directory", "animation"])
    app = live_site.app
    cleo, ada, bob = members("Cléo", "Ada", "Bob")
    with database.connection_context():
        delegation.grant(app.runtime("test"), cleo, "animation")
        first = _card("Chorale de Beauvais", ada, "60000", "Beauvais", 49.43, 2.08, 400)
        second = _card("Théâtre de Compiègne", bob, "60200", "Compiègne", 49.42, 2.82, 420)
        _card("Club d'Amiens", ada, "80000", "Amiens", 49.89, 2.30, 3)
        aggregate(app.runtime("test"))

    animator = new_page()
    sign_in(animator, url, "cleo")
    animator.goto(url + "/animation/?period=365")
    assert animator.locator("h1", has_text="Tableau de bord").is_visible()
    assert animator.locator(".animation-figure", has_text="Fiches non mises à jour depuis un an") \
        .locator(".animation-value").inner_text() == "2"
    check_a11y(animator)
    animator.click("text=Tous les départements et communes, avec une carte")
    top = animator.locator("table.animation-areas tbody tr").first
    assert "60 · Beauvais" in top.inner_text()  # the most silent département comes first
    check_a11y(animator)

    animator.click("a.nav-link:has-text('Présentations')")
    animator.fill("#first", f"{url}/directory/{first.guid}")
    animator.fill("#second", "Théâtre de Compiègne")
    animator.fill("#message", "Vous cherchez tous deux une salle le samedi.")
    animator.click("button:has-text('Les présenter')")
    assert animator.locator("h1", has_text="Chorale de Beauvais et Théâtre de Compiègne").is_visible()
    check_a11y(animator)
    introduction = animator.url

    for name, other in (("ada", "Théâtre de Compiègne"), ("bob", "Chorale de Beauvais")):
        manager = new_page()
        sign_in(manager, url, name)
        manager.goto(url + "/notifications")
        assert f"vous présente {other}" in manager.inner_text("main")
        manager.goto(introduction)
        assert manager.locator("h1", has_text=f"Cléo vous présente {other}").is_visible()
        check_a11y(manager)
        manager.click(f"button:has-text('Se mettre en relation avec {other}')")
    assert manager.locator("text=Vous êtes en relation avec Chorale de Beauvais").is_visible()
    with database.connection_context():
        assert Relationship.select().where(Relationship.subject == first.guid, Relationship.verb == "connected",
                                           Relationship.object == second.guid).exists()
    animator.goto(url + "/animation/?period=30")
    assert animator.locator(".animation-figure", has_text="Présentations").locator(".animation-trend") \
        .inner_text().startswith("1")
