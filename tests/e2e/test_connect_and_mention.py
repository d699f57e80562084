"""Two members connect (request, accept); one mentions the other, who sees it in the feed and notifications."""

import pytest

pytestmark = pytest.mark.e2e


def test_connect_then_mention(live_site, new_page, check_a11y, members, sign_in):
    url = live_site(plugins=["wire"])
    ada, _ = members("Ada", "Bob")
    bob_page, ada_page = new_page(), new_page()
    sign_in(bob_page, url, "bob")
    bob_page.goto(f"{url}/members/{ada.guid}")
    check_a11y(bob_page)
    bob_page.click("button[formaction$='/do/connect']")
    assert bob_page.locator("text=Demande envoyée").first.is_visible()
    sign_in(ada_page, url, "ada")
    ada_page.goto(f"{url}/social/{ada.guid}/requests")
    check_a11y(ada_page)
    ada_page.click("button[formaction$='/do/accept']")
    ada_page.goto(f"{url}/members/{ada.guid}")
    bob_page.goto(f"{url}/wire/")
    bob_page.fill("#wire-body", "Merci @ada pour l'atelier compost !")
    with bob_page.expect_navigation():  # the post and its mention notification are written before the redirect
        bob_page.click("button.primary")
    ada_page.goto(url + "/feed")
    assert ada_page.locator("text=Merci @ada pour l'atelier compost").first.is_visible()
    check_a11y(ada_page)
    ada_page.click("a[href='/notifications']")
    assert ada_page.locator("text=Merci @ada pour l'atelier compost").first.is_visible()
    check_a11y(ada_page)
