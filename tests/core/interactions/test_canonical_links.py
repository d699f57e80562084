"""A site's canonical address (``base_url``) makes every absolute link in mail and feeds; the
List-Unsubscribe header is a plain <https://...> URL with List-Unsubscribe-Post (RFC 8058)."""

import pytest

from core import notifications, sites
from core.db import database

pytestmark = pytest.mark.site(plugins=["wire"])
BASE = "https://portail.example.org:8443"


@pytest.fixture
def canonical(app, use_smtp):
    with database.connection_context():
        sites.save_settings("test", {"base_url": BASE + "/"})
    app.invalidate()
    return use_smtp


def test_mail_and_feeds_link_to_the_canonical_address(app, signed_in, canonical, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    ada.post_form("/wire/", {"body": "@bob a long enough message to mail", "access": "public"})
    message = canonical.messages[-1]
    raw = dict(message.raw_items())
    assert raw["List-Unsubscribe"].startswith(f"<{BASE}/unsubscribe/") and raw["List-Unsubscribe"].endswith(">")
    assert "=?" not in raw["List-Unsubscribe"]
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"{BASE}/wire/" in body and "http://testserver" not in body
    bob.post_form("/notifications/settings", {"event_wire.mention": "daily"})
    ada.post_form("/wire/", {"body": "@bob once more, for the digest", "access": "public"})
    with database.connection_context():
        notifications.send_digests(app.runtime("test"), "daily")
    digest = canonical.messages[-1]
    assert f"{BASE}/wire/" in digest.get_body(preferencelist=("plain",)).get_content()
    assert dict(digest.raw_items())["List-Unsubscribe"].startswith(f"<{BASE}/unsubscribe/")
    feed = client.get("/feed/site.atom").text  # asked at http://testserver: links still canonical
    assert f'href="{BASE}/' in feed and "http://testserver" not in feed
