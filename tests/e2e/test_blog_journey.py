"""An association's manager writes a draft as the association, previews and publishes it;
a visitor reads it and a member comments."""

import re

import pytest

from core.db import database
from core.models import Entity, Relationship

pytestmark = pytest.mark.e2e


def test_manager_publishes_as_the_association(live_site, new_page, check_a11y, members, sign_in):
    url = live_site(plugins=["blog"])
    ada, *_ = members("Ada", "Bob")
    with database.connection_context():
        org = Entity.create(site="test", kind="user", title="Les Amis du Jardin", access="public")
        Relationship.create(site="test", subject=ada.guid, verb="manages", object=org.guid)
    manager = new_page()
    sign_in(manager, url, "ada")
    manager.click(".user-menu > summary")  # the acting-as switch is in the account menu
    manager.select_option("#acting-as", str(org.guid))
    manager.click(".acting-switch button")
    manager.goto(url + "/blog/new")
    check_a11y(manager)
    manager.fill("#f-title", "Fête du jardin partagé")
    manager.fill("#f-body", "Rendez-vous **samedi** à 14 h.")
    manager.wait_for_selector("#live-preview strong")  # the live preview (static/editor.js)
    manager.select_option("#f-container", str(org.guid))
    manager.click("button[value=draft]")
    assert manager.locator("text=Brouillon").first.is_visible()
    manager.click("text=Modifier")
    manager.click("button[value=preview]")
    assert manager.locator(".preview strong", has_text="samedi").is_visible()
    manager.click("button[value=publish]")
    manager.wait_for_url(re.compile(r"/blog/\d+/fete-du-jardin-partage$"))
    post_url = manager.url
    assert manager.locator(".meta", has_text="Les Amis du Jardin").first.is_visible()

    visitor = new_page()
    visitor.goto(url + "/blog/")
    check_a11y(visitor)  # the listing
    visitor.click("text=Fête du jardin partagé")
    assert visitor.locator(".post-body strong", has_text="samedi").is_visible()
    check_a11y(visitor)

    member = new_page()
    sign_in(member, url, "bob")
    member.goto(post_url)
    member.fill("#comment-body", "Nous viendrons avec des semis !")
    member.click("text=Publier le commentaire")
    assert member.locator(".comment-body", has_text="Nous viendrons avec des semis").is_visible()
    check_a11y(member)
