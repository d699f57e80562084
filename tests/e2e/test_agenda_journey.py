"""An association creates a weekly event with two seats; three members register, the third waits;
one withdraws and the third moves up. Axe on the list, the month and the event pages."""

import datetime as dt

import pytest

from core.db import database, now
from core.models import Entity, Relationship

pytestmark = pytest.mark.e2e


def test_waiting_list_moves_up(live_site, new_page, check_a11y, members, sign_in):
    url = live_site(plugins=["agenda"])
    ada, *_ = members("Ada", "Ann", "Ben", "Cid")
    with database.connection_context():
        org = Entity.create(site="test", kind="user", title="Les Amis du Jardin", access="public")
        Relationship.create(site="test", subject=ada.guid, verb="manages", object=org.guid)
    day = (now() + dt.timedelta(days=7)).date().isoformat()

    manager = new_page()
    sign_in(manager, url, "ada")
    manager.click(".user-menu > summary")  # the acting-as switch is in the account menu
    manager.select_option("#acting-as", str(org.guid))
    manager.click(".acting-switch button")
    manager.goto(url + "/agenda/new")
    check_a11y(manager)
    manager.fill("#f-title", "Atelier semis")
    manager.fill("#f-description", "Apportez vos **graines**.")
    manager.fill("#f-start_date", day)
    manager.fill("#f-start_time", "18:00")
    manager.fill("#f-end_time", "20:00")
    manager.select_option("#f-repeat", "weekly")
    manager.fill("#f-count", "6")
    manager.fill("#f-commune", "Amiens")
    manager.fill("#f-lat", "49.894")
    manager.fill("#f-lon", "2.296")
    manager.fill("#f-capacity", "2")
    manager.click("form.form button[type=submit]")
    manager.wait_for_url(lambda u: u.rstrip("/").split("/")[-1].isdigit())
    event_url = manager.url
    assert manager.locator(".event-facts", has_text="Les Amis du Jardin").is_visible()
    assert manager.locator("text=Toutes les semaines").is_visible()
    check_a11y(manager)

    members = {}
    for name in ("ann", "ben", "cid"):
        members[name] = page = new_page()
        sign_in(page, url, name)
        page.goto(event_url)
        page.click("button[value=going]")
    assert members["ann"].locator("text=Vous êtes inscrit·e.").first.is_visible()
    assert members["cid"].locator("text=Vous êtes en liste d'attente.").first.is_visible()

    members["ann"].click("button[value='']")
    assert members["ann"].locator("text=Votre réponse est retirée.").is_visible()
    members["cid"].goto(event_url)
    assert members["cid"].locator("p[role=status]", has_text="Vous êtes inscrit·e.").is_visible()
    assert members["cid"].locator("text=2 places prises sur 2").is_visible()

    visitor = new_page()
    visitor.goto(url + "/agenda/")
    assert visitor.locator("text=Atelier semis").first.is_visible()
    check_a11y(visitor)
    visitor.goto(url + "/agenda/month?month=" + day[:7])
    assert visitor.locator("table.calendar", has_text="Atelier semis").is_visible()
    check_a11y(visitor)
    visitor.goto(event_url)
    check_a11y(visitor)
