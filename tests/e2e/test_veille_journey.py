"""Shared links in the browser: a member shares a page with a note, themes and a rating; another
shares the same page (merged, both notes kept), finds it useful and subscribes to the weekly
synthesis; a visitor browses by theme and reads it; on a phone the list fits the screen."""

import re

import pytest

pytestmark = pytest.mark.e2e

TAXONOMY = """
[[taxonomy]]
key = "culture"
label = "Culture et patrimoine"
children = [{ key = "musique", label = "Musique" }]

[[taxonomy]]
key = "solidarite"
label = "Solidarité"
"""


def test_members_share_qualify_and_subscribe(live_site, new_page, check_a11y, members, sign_in):
    url = live_site(plugins=["veille"], toml=TAXONOMY)
    members("Ada", "Bob")

    ada = new_page()
    sign_in(ada, url, "ada")
    ada.goto(url + "/veille/")
    ada.click("text=Partager un lien")
    check_a11y(ada)
    ada.fill("#f-url", "javascript:alert(1)")
    ada.fill("#f-title", "Piège")
    ada.click("button:has-text('Partager')")
    ada.wait_for_selector(".field-error")  # refused, the form kept
    assert ada.input_value("#f-title") == "Piège"
    ada.fill("#f-url", "https://www.example.org/festival-de-musique")
    ada.fill("#f-title", "Festival de musique : l'appel à bénévoles")
    ada.fill("#f-note", "Ils cherchent **20 bénévoles** pour l'accueil.")
    ada.select_option("#f-rating", "4")
    ada.check("text=— Musique")
    ada.fill("#f-tags", "bénévolat, été")
    ada.click("button:has-text('Partager')")
    ada.wait_for_url(re.compile(r"/veille/\d+$"))
    link_url = ada.url
    assert ada.locator(".post-body strong", has_text="20 bénévoles").is_visible()
    check_a11y(ada)

    bob = new_page()
    sign_in(bob, url, "bob")
    bob.goto(url + "/veille/new")
    bob.fill("#f-url", "http://example.org/festival-de-musique/")
    bob.fill("#f-note", "Le formulaire d'inscription est en bas de page.")
    bob.click("button:has-text('Partager')")
    bob.wait_for_url(link_url)
    assert bob.locator("text=déjà partagée ici").is_visible()
    assert bob.locator(".veille-notes li").count() == 2  # merged: both notes kept
    bob.click("button:has-text('Utile')")
    bob.wait_for_selector("button[aria-pressed=true]:has-text('Utile')")
    bob.goto(url + "/veille/")
    bob.click("text=Recevoir la synthèse hebdomadaire")
    bob.wait_for_selector("text=Arrêter la synthèse hebdomadaire")
    bob.click("text=Mes abonnements")
    bob.wait_for_url(re.compile(r"/veille/subscriptions$"))
    assert bob.is_checked("#f-sub-site")
    check_a11y(bob)
    bob.click("text=Les plus utiles de la semaine")
    bob.wait_for_url(re.compile(r"/veille/useful$"))
    assert bob.locator(".veille-card", has_text="Festival de musique").is_visible()
    check_a11y(bob)

    visitor = new_page()
    visitor.goto(url + "/veille/")
    visitor.select_option("#f-theme", "culture")
    visitor.click("button:has-text('Filtrer')")
    visitor.wait_for_url(re.compile(r"theme=culture"))
    assert visitor.locator(".veille-card", has_text="Festival de musique").is_visible()  # a sub-theme's link
    assert visitor.locator(".veille-card", has_text="1 l'a trouvé utile").is_visible()
    check_a11y(visitor)
    visitor.click("text=Festival de musique : l'appel à bénévoles")
    visitor.wait_for_url(link_url)
    assert visitor.locator(".veille-notes li").count() == 2
    assert visitor.locator("button", has_text="Utile").count() == 0  # visitors do not vote

    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(url + "/veille/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    check_a11y(phone)
