"""Notification settings: one main choice first, per-kind exceptions folded under "advanced"; the
delegation of rights offers a labelled list of what can be delegated."""

import re

import pytest

from core import notifications
from core.db import database

pytestmark = pytest.mark.site(plugins=["wire", "blog"], language="en")


def test_one_main_choice_then_exceptions_under_advanced(app, signed_in):
    bob = signed_in("bob")
    page = bob.get("/notifications/settings").text
    assert len(re.findall(r'type="radio" name="main"', page)) == 4
    assert "Never by e-mail" in page and "In a weekly digest" in page
    before, advanced = page.split("<details", 1)
    assert "<select" not in before and advanced.count("<select") == len(app.runtime("test").notification_events)
    site = app.runtime("test")
    bob.post_form("/notifications/settings", {"main": "weekly"})
    with database.connection_context():
        assert {notifications.delivery_for(site, bob.account.guid, e) for e in site.notification_events} == {"weekly"}
    bob.post_form("/notifications/settings", {"main": "weekly", "event_wire.mention": "instant"})
    with database.connection_context():
        assert notifications.delivery_for(site, bob.account.guid, "wire.mention") == "instant"
        assert notifications.delivery_for(site, bob.account.guid, "core.connection_request") == "weekly"
    bob.post_form("/notifications/settings", {"main": "site", "event_wire.mention": ""})  # back to the main choice
    with database.connection_context():
        assert notifications.delivery_for(site, bob.account.guid, "wire.mention") == "site"
    assert 'value="site" checked' in bob.get("/notifications/settings").text


def test_delegation_offers_a_labelled_list(signed_in, member_factory):
    admin = signed_in("ada", role="admin")
    carl = member_factory("carl")
    page = admin.get(f"/admin/people/{carl.guid}").text
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page.split('name="scope"', 1)[1]))
    assert options["moderation"].startswith("Moderation") and options["blog"] == "Blog"
    assert admin.post_form(f"/admin/people/{carl.guid}", {"action": "delegate", "scope": "blog"},
                           follow_redirects=False).status_code == 303
    assert "Blog" in admin.get(f"/admin/people/{carl.guid}").text.split("Delegated rights", 1)[1]
    refused = admin.post_form(f"/admin/people/{carl.guid}", {"action": "delegate", "scope": "nothing"})
    assert refused.status_code == 400
