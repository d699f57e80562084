"""A GET never changes a member's account (issue 19, point 11): the saved language changes by POST only."""

from core.db import database
from core.models import Account


def _language(account):
    with database.connection_context():
        return Account.get_by_id(account.entity_id).language


def test_a_get_of_language_does_not_change_the_saved_language_a_post_does(signed_in):
    ada = signed_in("ada")
    before = _language(ada.account)
    assert ada.get("/language?lang=en&next=/", follow_redirects=False).status_code == 303
    assert _language(ada.account) == before != "en"
    page = ada.get("/").text
    assert 'action="/language"' in page and 'href="/language?lang=' not in page
    response = ada.post_form("/language", {"lang": "en", "next": "/"}, token_from="/", follow_redirects=False)
    assert response.status_code == 303 and _language(ada.account) == "en"


def test_the_language_post_needs_its_csrf_token(signed_in):
    ada = signed_in("ada")
    assert ada.post("/language", data={"lang": "en"}).status_code == 403
    assert _language(ada.account) != "en"


def test_visitors_keep_plain_links(client):
    page = client.get("/").text
    assert 'href="/language?lang=en' in page and 'action="/language"' not in page


def test_markup_defects_of_the_outside_test_are_gone(signed_in, make_app):
    """A duplicate id on /account, a double-escaped accept attribute on /groups/new (issue 19, point 11)."""
    import re

    make_app(plugins=["groups"])
    ada = signed_in("ada")
    page = ada.get("/account").text
    ids = re.findall(r'<[^>]*\sid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids))
    assert 'accept="image/*"' in ada.get("/groups/new").text


def test_requests_over_https_get_a_secure_cookie_and_hsts(app):
    """Behind a proxy uvicorn trusts (--forwarded-allow-ips), X-Forwarded-Proto: https makes the request's
    scheme https: the session cookie is then Secure and HSTS is sent (issue 19, point 11)."""
    from core import testing

    with testing.Client(app, base_url="https://testserver") as secure:
        response = secure.get("/signin")
        assert "secure" in response.headers["set-cookie"].lower()
        assert response.headers["strict-transport-security"].startswith("max-age=")
    with testing.client(app) as plain:
        response = plain.get("/signin")
        assert "secure" not in response.headers["set-cookie"].lower()
        assert "strict-transport-security" not in response.headers
