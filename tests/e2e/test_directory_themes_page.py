"""The administrator edits the directory's themes in the browser: accessible page, error kept, saved."""

import pytest

from core import accounts
from core.db import database

pytestmark = pytest.mark.e2e

TAXONOMY = '[[taxonomy]]\nlabel = "Sport"\nchildren = ["Football"]\n'


def test_admin_edits_the_themes(live_site, new_page, check_a11y):
    url = live_site(plugins=["directory"], toml=TAXONOMY)
    with database.connection_context():
        accounts.create_account("test", "root@example.org", "Root", "password-root-123", role="admin")
    page = new_page()
    page.goto(url + "/signin")
    page.fill("#email", "root@example.org")
    page.fill("#password", "password-root-123")
    page.click("button.primary")
    page.goto(url + "/directory/themes")
    check_a11y(page)
    page.fill("#t-tree", "Sports [Sport]\n     Football")
    page.click("button.primary")
    assert page.locator("[role=alert]", has_text="Ligne 2").is_visible()
    assert page.input_value("#t-tree") == "Sports [Sport]\n     Football"
    check_a11y(page)
    page.fill("#t-tree", "Sports [Sport]\n  Football\nCulture")
    page.click("button.primary")
    page.goto(url + "/directory/")
    assert page.locator(".directory-themes", has_text="Culture").is_visible()
