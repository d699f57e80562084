"""Status updates: length limit, clickable links, mentions, access, personal data, demo data."""

import pytest

from core import demo
from core.db import database
from core.models import Entity
from plugins.wire.models import Status

pytestmark = pytest.mark.site(plugins=["wire"])


def test_status_with_link_and_mention(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    response = ada.post_form("/wire/", {"body": "See https://example.org and @bob <b>now</b>", "access": "public"},
                             follow_redirects=False)
    assert response.status_code == 303
    page = client.get("/wire/").text
    assert '<a href="https://example.org" rel="nofollow noopener ugc">' in page
    assert f'<a href="/members/{bob.account.guid}" class="mention">@bob</a>' in page
    assert "<b>now</b>" not in page and "&lt;b&gt;now&lt;/b&gt;" in page
    assert "@bob" in bob.get("/notifications").text or "See" in bob.get("/notifications").text


def test_too_long_status_comes_back_with_its_text(signed_in):
    ada = signed_in("ada")
    response = ada.post_form("/wire/", {"body": "x" * 300, "access": "public"})
    assert response.status_code == 400
    assert "x" * 300 in response.text


def test_visitors_cannot_post(client):
    response = client.post_form("/wire/", {"body": "hi"}, token_from="/signin", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")


def test_personal_data_export_and_delete(app, signed_in):
    ada = signed_in("ada")
    ada.post_form("/wire/", {"body": "Mine", "access": "public"})
    site = app.runtime("test")
    with database.connection_context():
        parts = site.call("maillage_export_personal_data", site=site, user=ada.account)
        assert any(p.get("wire/statuses.json", [{}])[0].get("body") == "Mine" for p in parts)
        site.call("maillage_delete_personal_data", site=site, user=ada.account, mode="delete")
        assert Status.select().count() == 0


def test_demo_data_is_created_once(app):
    app.ensure()
    with database.connection_context():
        demo.generate(app.runtime("test"), "small", progress=False)
        demo.generate(app.runtime("test"), "small", progress=False)
        assert Entity.select().where(Entity.kind == "wire.status").count() == 12
