"""A member creates a group "on request"; another asks to join and is accepted, opens a topic;
the first replies and marks the reply as the answer. axe on the group page and the topic page."""

import pytest

pytestmark = pytest.mark.e2e


def test_group_on_request_then_forum_answer(live_site, new_page, check_a11y, members, sign_in):
    url = live_site(plugins=["groups", "forums"], language="en")
    members("Ada", "Bob")
    ada, bob = new_page(locale="en-GB"), new_page(locale="en-GB")
    sign_in(ada, url, "ada")
    ada.goto(url + "/groups/")
    ada.click("text=Create a group")
    ada.fill("#f-name", "Jardins partagés")
    ada.fill("#f-description", "Pour les **jardiniers** du quartier.")
    ada.select_option("#f-membership", "request")
    ada.click("button:has-text('Create the group')")
    group_url = ada.url
    assert ada.locator("h1", has_text="Jardins partagés").is_visible()
    check_a11y(ada)

    sign_in(bob, url, "bob")
    bob.goto(group_url)
    bob.click("text=Ask to join")
    assert bob.locator("text=waiting for the administrators").first.is_visible()

    ada.goto(group_url + "/members")
    ada.click("button:has-text('Accept')")
    assert ada.locator("#members ~ ul >> text=Bob").first.is_visible() or ada.locator("text=Bob").first.is_visible()

    bob.goto(group_url)
    bob.click("nav[aria-label='Group sections'] >> text=Forum")
    bob.click("text=New topic")
    bob.fill("#f-title", "Quand semer les tomates ?")
    bob.fill("#f-body", "Je débute, des conseils ?")
    bob.click("button:has-text('Publish the topic')")
    topic_url = bob.url
    assert bob.locator("h1", has_text="Quand semer les tomates").is_visible()

    ada.goto(topic_url)
    ada.fill("#f-body", "Après les saints de glace, mi-mai.")
    ada.click("#reply button:has-text('Reply')")
    assert ada.locator("text=Après les saints de glace").first.is_visible()
    ada.click("button:has-text('Mark as the answer')")
    assert ada.locator(".forum-post.answer >> text=Après les saints de glace").is_visible()
    check_a11y(ada)
    bob.goto(topic_url)
    assert bob.locator(".forum-post.answer").is_visible()
    check_a11y(bob)
