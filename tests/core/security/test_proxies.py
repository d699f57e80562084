"""X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies the installation names
(``MAILLAGE_TRUSTED_PROXIES``; issue 19, point 11). By default none is trusted, not even 127.0.0.1."""

import pytest

from core import proxies, sessions, testing
from core.db import ConfigurationError, database

FORWARDED = {"x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https"}


def _client(app, address):
    return testing.Client(app, base_url="http://testserver", client=(address, 50000))


def _session_address(client) -> str:
    """The address recorded with the client's session (shown on /account/sessions)."""
    with database.connection_context():
        return sessions.Session.get_by_id(sessions.digest(client.session_token)).address


def _sign_in(client, name):
    response = client.post_form("/signin", {"email": f"{name}@example.org", "password": f"password-{name}-123"},
                                headers=FORWARDED, follow_redirects=False)
    assert response.status_code == 303
    import base64
    import json

    cookie = response.headers["set-cookie"].split("maillage=", 1)[1].split(";", 1)[0]
    client.session_token = json.loads(base64.b64decode(cookie.split(".", 1)[0] + "=="))["sid"]
    return response


def test_without_configuration_forwarded_headers_are_ignored_even_from_loopback(app, member_factory):
    member_factory("ada")
    with _client(app, "127.0.0.1") as ada:
        response = _sign_in(ada, "ada")
        assert "secure" not in response.headers["set-cookie"].lower()
        assert "strict-transport-security" not in response.headers
        assert _session_address(ada) == "127.0.0.1"


def test_a_configured_proxy_is_believed(app, make_app, member_factory):
    make_app(trusted_proxies="127.0.0.1, 10.0.0.0/8")
    member_factory("ada")
    with _client(app, "10.1.2.3") as ada:
        response = _sign_in(ada, "ada")
        assert "secure" in response.headers["set-cookie"].lower()
        assert response.headers["strict-transport-security"].startswith("max-age=")
        assert _session_address(ada) == "203.0.113.7"


def test_anyone_else_cannot_pose_as_another_address_nor_as_https(app, make_app, member_factory):
    make_app(trusted_proxies="127.0.0.1")
    member_factory("ada")
    with _client(app, "198.51.100.20") as outsider:
        response = _sign_in(outsider, "ada")
        assert "secure" not in response.headers["set-cookie"].lower()
        assert _session_address(outsider) == "198.51.100.20"
    # changing X-Forwarded-For at each attempt does not escape the sign-in throttling
    with _client(app, "198.51.100.21") as attacker:
        answers = [attacker.post_form("/signin", {"email": "ada@example.org", "password": f"wrong-{i}"},
                                      headers={"x-forwarded-for": f"192.0.2.{i}"}).status_code for i in range(10)]
        assert answers[:8] == [400] * 8 and answers[8:] == [429, 429]


def test_the_right_most_untrusted_address_is_the_client():
    networks = proxies.parse("127.0.0.1,10.0.0.0/8")
    scope = {"client": ("127.0.0.1", 1), "headers": [(b"x-forwarded-for", b"192.0.2.1, 203.0.113.9, 10.0.0.5")]}
    proxies.resolve(scope, networks)
    assert scope["client"][0] == "203.0.113.9"  # 192.0.2.1 was written by the client itself: not believed
    with pytest.raises(ConfigurationError):
        proxies.parse("localhost")


def test_the_deployment_guide_names_nginx_as_the_trusted_proxy():
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    admin = (root / "docs" / "admin.md").read_text(encoding="utf-8")
    nginx = (root / "deploy" / "nginx" / "maillage.conf").read_text(encoding="utf-8")
    env_line = next(line.strip() for line in admin.splitlines() if line.strip().startswith("MAILLAGE_TRUSTED_PROXIES="))
    assert proxies.trusted("127.0.0.1", proxies.parse(env_line.split("=", 1)[1]))
    assert "proxy_set_header X-Forwarded-For" in nginx and "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "MAILLAGE_TRUSTED_PROXIES" in nginx
