"""Issue 16: "an association signs up, fills its card, publishes its first event", in a real browser on a
desktop, counting the clicks (the validation link of the mail counts as one) and printing the browser time
(the issue asks under 3 minutes; measured, never asserted: the machine may be shared). docs/ui.md records
both; the issue measured 17 clicks before the header, the cards and the agenda were redone."""

import datetime as dt
import re
import time

import pytest

from core import mail
from core.db import now

pytestmark = pytest.mark.e2e

CLICKS_BEFORE = 17


def test_association_signs_up_fills_its_card_and_publishes_its_first_event(live_site, browser, check_a11y):
    url = live_site(plugins=["directory", "agenda"])
    site = live_site.app.runtime("test")
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    clicks = []
    started = time.monotonic()

    def click(selector):
        clicks.append(selector)
        page.click(selector)

    page.goto(url + "/")
    click("text=Créer un compte")
    page.fill("#f-name", "Camille Martin")
    page.fill("#f-email", "camille@example.org")
    page.fill("#f-password", "un-mot-de-passe-long")
    page.wait_for_function("document.querySelector('input[name=altcha]').value !== ''", timeout=30000)
    click("main button[type=submit]")
    page.wait_for_selector("text=camille@example.org")
    link = re.search(r"http://[^\s]+/validate/[^\s]+", mail.outbox(site)[0].message.replace("=\n", "")).group(0)
    clicks.append("the validation link in the mail")
    page.goto(link)
    click(".site-header >> text=Annuaire")
    click("text=Ajouter une organisation")
    page.fill("#f-name", "Les Amis du Jardin")
    page.fill("#f-short", "Le jardin partagé du quartier.")
    page.fill("#f-postcode", "80000")
    page.fill("#f-commune", "Amiens")
    click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/directory/\d+$"))
    assert page.locator("h1", has_text="Les Amis du Jardin").is_visible()
    click(".user-menu > summary")
    page.select_option("#acting-as", label="Les Amis du Jardin")
    clicks.append("#acting-as")
    click(".acting-switch button")
    click(".site-header >> text=Agenda")
    click("text=Nouvel événement")
    day = (now() + dt.timedelta(days=10)).date().isoformat()
    page.fill("#f-title", "Fête du jardin")
    page.fill("#f-start_date", day)
    page.fill("#f-start_time", "14:00")
    page.fill("#f-end_date", day)
    page.fill("#f-end_time", "17:00")
    click("main form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/agenda/\d+$"))
    assert page.locator("h1", has_text="Fête du jardin").is_visible()
    assert page.locator(".event-facts", has_text="Les Amis du Jardin").is_visible()  # signed by the association
    assert page.locator(".event-facts", has_text="14 h – 17 h").is_visible()
    elapsed = time.monotonic() - started
    check_a11y(page)
    print(f"\nclicks: {len(clicks)}: " + " | ".join(clicks) + f"\nbrowser time: {elapsed:.1f} s")
    assert len(clicks) < CLICKS_BEFORE, clicks
    page.context.close()
