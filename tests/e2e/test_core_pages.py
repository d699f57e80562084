"""The core pages in a real browser: they render, work without errors and pass axe (both themes)."""

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("theme", ["default", "civic"])
def test_core_pages_are_accessible(live_site, page, check_a11y, theme):
    url = live_site(theme=theme)
    from core import accounts
    from core.db import database

    with database.connection_context():
        accounts.create_account("test", "admin@example.org", "Admin", "admin-password-1", role="admin")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/")
    assert page.locator("h1").first.is_visible()
    check_a11y(page)
    page.goto(url + "/signin")
    check_a11y(page)
    page.fill("#email", "admin@example.org")
    page.fill("#password", "wrong-password")
    page.click("button.primary")
    assert page.locator("[role=alert]").is_visible()
    assert page.input_value("#email") == "admin@example.org"  # the form comes back filled
    check_a11y(page)
    page.fill("#password", "admin-password-1")
    page.click("button.primary")
    page.wait_for_url(url + "/")
    for path in ("/admin", "/admin/plugins", "/admin/settings", "/admin/errors", "/no-such-page"):
        page.goto(url + path)
        check_a11y(page)
    page.goto(url + "/admin/settings")
    page.fill("#f-trash_days", "0")
    page.click("main form button[type=submit].btn-primary")
    assert page.locator(".field-error").first.is_visible()
    assert errors == []


def test_language_switch_without_javascript(live_site, browser):
    url = live_site()
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(url + "/signin")
    assert page.locator("h1").inner_text() == "Se connecter"
    page.click(".language-switch a[hreflang=en]")
    assert page.locator("h1").inner_text() == "Sign in"
    context.close()
