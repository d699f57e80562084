"""A newcomer's journey in a real browser: sign up, validate by mail, complete the profile, sign out and in."""

import re

import pytest

from core import mail

pytestmark = pytest.mark.e2e

PROFILE = """
[profile]
[[profile.fields]]
name = "competences"
label = "Compétences"
type = "tags"
max = 7
"""


def test_newcomer_signs_up_validates_completes_profile_and_signs_in_again(live_site, page, check_a11y):
    url = live_site(toml=PROFILE)
    site = live_site.app.runtime("test")
    page.goto(url + "/")
    page.click("text=Créer un compte")
    check_a11y(page)
    page.fill("#f-name", "Camille Martin")
    page.fill("#f-email", "camille@example.org")
    page.fill("#f-password", "un-mot-de-passe-long")
    page.wait_for_function("document.querySelector('input[name=altcha]').value !== ''", timeout=30000)
    page.click("button.primary")
    page.wait_for_selector("text=camille@example.org")
    message = mail.outbox(site)[0].message
    link = re.search(r"http://[^\s]+/validate/[^\s]+", message.replace("=\n", "")).group(0)
    assert link.startswith(url)  # the link points at the site the newcomer used
    page.goto(link)
    page.wait_for_url(re.compile(r"/members/\d+/edit"))
    check_a11y(page)
    page.fill("#f-bio", "Bénévole au jardin partagé.")
    page.fill("#f-competences", "compost, apiculture")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/members/\d+$"))
    assert page.locator("text=apiculture").is_visible()
    check_a11y(page)
    page.click(".user-menu > summary")
    page.click("text=Se déconnecter")
    page.goto(url + "/signin")
    page.fill("#email", "camille@example.org")
    page.fill("#password", "un-mot-de-passe-long")
    page.click("button.primary")
    assert page.locator("text=Bienvenue, Camille Martin.").is_visible()
