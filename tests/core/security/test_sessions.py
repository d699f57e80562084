"""A change of password ends the account's other sessions (docs/security.md, "Sessions")."""

from core import testing


def test_changing_the_password_signs_the_other_sessions_out(app, member_factory):
    member_factory("ada")
    with testing.client(app) as here, testing.client(app) as elsewhere:
        for client in (here, elsewhere):
            assert client.signin("ada@example.org", "password-ada-123").status_code == 303
        assert elsewhere.get("/account", follow_redirects=False).status_code == 200
        response = here.post_form("/account", {"action": "password", "current_password": "password-ada-123",
                                               "new_password": "another-password-456"}, follow_redirects=False)
        assert response.status_code == 303
        assert here.get("/account", follow_redirects=False).status_code == 200
        assert elsewhere.get("/account", follow_redirects=False).headers["location"].startswith("/signin")
