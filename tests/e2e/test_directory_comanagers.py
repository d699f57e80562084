"""A manager invites a member to co-manage a card; the member signs in, answers the invitation, and acts
as the organisation; both see the managers list (axe checks on each page)."""

import pytest

from core.db import database
from core.models import Entity, Relationship
from plugins.directory.models import Organisation

pytestmark = pytest.mark.e2e


def test_manager_invites_a_member_who_accepts(live_site, new_page, check_a11y, members, sign_in):
    url = live_site(plugins=["directory"])
    ada, *_ = members("Ada", "Bob")
    with database.connection_context():
        club = Entity.create(site="test", kind="directory.organisation", title="Club de randonnée d'Amiens",
                             access="public", owner=ada.guid)
        Organisation.create(entity=club, commune="Amiens", postcode="80000", lat=49.895, lon=2.30)
        Relationship.create(site="test", subject=ada.guid, verb="manages", object=club.guid)
    manager = new_page()
    sign_in(manager, url, "ada")
    manager.goto(f"{url}/directory/{club.guid}")
    managers = manager.locator("#managers")
    assert "Ada" in managers.inner_text() and "seul gestionnaire" in managers.inner_text()
    check_a11y(manager)
    manager.fill("#manager-email", "ada@example.org")  # already a manager: the address stays, with the reason
    manager.click("#managers button:has-text('Inviter')")
    assert manager.locator("#manager-email-error").is_visible()
    assert manager.input_value("#manager-email") == "ada@example.org"
    check_a11y(manager)
    manager.fill("#manager-email", "bob@example.org")
    manager.click("#managers button:has-text('Inviter')")
    assert manager.locator(".flash", has_text="bob@example.org").is_visible()
    assert manager.locator("#managers li", has_text="Bob").is_visible()  # pending invitation
    check_a11y(manager)

    member = new_page()
    sign_in(member, url, "bob")
    member.goto(url + "/notifications")
    member.click(f"a[href='/directory/{club.guid}']")
    member.click("text=Répondre à l'invitation")
    assert "Ada vous invite" in member.inner_text("main")
    check_a11y(member)
    member.click("button[value=accept]")
    assert member.locator(".flash", has_text="Vous gérez maintenant").is_visible()
    # the card is now among his identities, and he sees the managers list
    assert member.locator("#acting-as option", has_text="Club de randonnée").count() == 1
    assert "Ada" in member.locator("#managers").inner_text()
    check_a11y(member)
    member.click(".user-menu > summary")  # the acting-as switch is in the account menu
    member.select_option("#acting-as", str(club.guid))
    member.click(".acting-switch button")
    assert member.locator(".acting-as", has_text="Club de randonnée").is_visible()
    manager.reload()
    assert manager.locator("#managers li", has_text="Bob").is_visible()
    assert manager.locator("#managers button", has_text="Arrêter de gérer cette fiche").is_visible()
