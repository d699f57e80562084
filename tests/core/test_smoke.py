"""The first things a newcomer sees: home page, sign-in, admin guard, unknown host."""

from core import testing


def test_home_page_answers_in_the_site_language(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Test site" in response.text


def test_unknown_host_gets_a_clear_404(app):
    other = testing.client(app, host="nowhere.example")
    response = other.get("/")
    assert response.status_code == 404
    assert "nowhere.example" in response.text


def test_admin_pages_need_an_administrator(signed_in, client):
    assert client.get("/admin", follow_redirects=False).headers["location"].startswith("/signin")
    member = signed_in("bob")
    assert member.get("/admin").status_code == 403
    admin = signed_in("ada", role="admin")
    assert admin.get("/admin").status_code == 200


def test_post_without_csrf_token_is_refused(client, member_factory):
    member_factory("ada")
    response = client.post("/signin", data={"email": "ada@example.org", "password": "password-ada-123"})
    assert response.status_code == 403
    assert "expired" in response.text or "expiré" in response.text
