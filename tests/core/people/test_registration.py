"""Joining a site: every registration mode, validation mail, bots and rate limits, password reset."""

import re

import pytest

from core import registration
from core.db import database
from core.models import Account


def _link(collector, path):
    text = collector.texts()[-1]
    match = re.search(rf"https?://[^/\s]+({path}[^\s]+)", text)
    assert match, text
    return match.group(1)


def _solved_pow(client):
    """Solve the page's proof of work the way pow.js does."""
    import base64
    import hashlib
    import html
    import json

    page = client.get("/signup")
    data = json.loads(html.unescape(re.search(r'data-pow="([^"]+)"', page.text).group(1)))
    for n in range(data["maxnumber"] + 1):
        if hashlib.sha256(f"{data['salt']}{n}".encode()).hexdigest() == data["challenge"]:
            payload = {"algorithm": data["algorithm"], "challenge": data["challenge"], "number": n,
                       "salt": data["salt"], "signature": data["signature"]}
            return base64.b64encode(json.dumps(payload).encode()).decode()
    raise AssertionError("no solution")


def signup(client, **fields):
    form = {"name": "Nina", "email": "nina@example.org", "password": "a-long-password", "website": ""}
    form.update(fields)
    if "altcha" not in form:
        form["altcha"] = _solved_pow(client)
    return client.post_form("/signup", form, follow_redirects=False)


def test_open_sign_up_validation_mail_then_sign_in(client, use_smtp):
    response = signup(client)
    assert response.status_code == 200 and "nina@example.org" in response.text
    assert client.signin("nina@example.org", "a-long-password").status_code == 403  # not validated yet
    link = _link(use_smtp, "/validate/")
    response = client.get(link, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/edit")
    with database.connection_context():
        assert Account.get(Account.email == "nina@example.org").state == "active"


def test_a_broken_form_comes_back_filled_with_clear_messages(client):
    response = signup(client, name="", email="not-an-address", password="short")
    assert response.status_code == 400
    assert 'value="not-an-address"' in response.text
    assert "Tell us your name" in response.text or "Indiquez votre nom" in response.text
    assert response.text.count('class="field-error"') == 3


def test_signing_up_twice_reveals_nothing_and_warns_the_owner(client, use_smtp, member_factory):
    member_factory("ada")
    response = signup(client, email="ada@example.org")
    assert response.status_code == 200
    assert "ada@example.org" in response.text  # the same page as for a new address
    assert "/reset" in use_smtp.texts()[-1] and "Test site" in use_smtp.texts()[-1]


def test_the_honeypot_silently_drops_bots(client, use_smtp):
    response = signup(client, website="http://spam.example")
    assert response.status_code == 200
    assert use_smtp.messages == []
    with database.connection_context():
        assert not Account.select().where(Account.email == "nina@example.org").exists()


def test_without_proof_of_work_the_address_limit_is_stricter(client, use_smtp):
    for i in range(registration_limit := 3):
        assert signup(client, email=f"p{i}@example.org", altcha="").status_code == 200
    refused = signup(client, email="p9@example.org", altcha="")
    assert refused.status_code == 400
    assert registration_limit == 3
    assert signup(client, email="p10@example.org").status_code == 200  # a solved challenge passes


@pytest.mark.site(registration="code")
def test_code_mode_needs_a_usable_code(app, client):
    with database.connection_context():
        code = registration.create_code(app.runtime("test"), "federation", days=10, max_uses=1)
    assert signup(client, code="wrong").status_code == 400
    assert signup(client, code=code.code).status_code == 200
    assert signup(client, email="other@example.org", code=code.code).status_code == 400  # used up


@pytest.mark.site(registration="invitation")
def test_invitation_mode_only_invited_people_join(app, client, signed_in, use_smtp):
    assert client.get("/signup").status_code == 403
    ada = signed_in("ada")
    assert ada.post_form("/invite", {"email": "zoe@example.org"}, follow_redirects=False).status_code == 303
    link = _link(use_smtp, "/signup")
    page = client.get(link)
    assert page.status_code == 200 and "zoe@example.org" in page.text
    response = client.post_form(link, {"name": "Zoé", "password": "a-long-password", "website": "",
                                       "altcha": ""}, token_from=link, follow_redirects=False)
    assert response.status_code == 303
    with database.connection_context():
        assert Account.get(Account.email == "zoe@example.org").state == "active"
    from core import testing

    assert testing.client(app).get(link).status_code == 403  # an invitation serves once


@pytest.mark.site(registration="approval")
def test_approval_mode_waits_for_an_administrator(client, use_smtp):
    signup(client)
    response = client.get(_link(use_smtp, "/validate/"))
    assert response.status_code == 200 and "administrator" in response.text.lower() or "administrat" in response.text
    with database.connection_context():
        assert Account.get(Account.email == "nina@example.org").state == "awaiting_approval"


@pytest.mark.site(registration="closed")
def test_closed_sites_offer_no_sign_up(client):
    assert client.get("/signup").status_code == 403
    assert 'href="/signup"' not in client.get("/").text


def test_sign_in_is_rate_limited_per_account_with_the_same_message_for_unknown_addresses(client, member_factory):
    member_factory("ada")
    unknown = client.signin("nobody@example.org", "whatever-password")
    wrong = client.signin("ada@example.org", "wrong-password")
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.text.count("form-error") == wrong.text.count("form-error")
    for _ in range(8):
        client.signin("ada@example.org", "wrong-password")
    locked = client.signin("ada@example.org", "password-ada-123")
    assert locked.status_code == 429
    assert "15 minutes" in locked.text


def test_password_reset_by_mail_ends_other_sessions(client, signed_in, use_smtp):
    ada = signed_in("ada")
    response = client.post_form("/reset", {"email": "ada@example.org"})
    assert response.status_code == 200
    unknown = client.post_form("/reset", {"email": "nobody@example.org"})
    assert unknown.status_code == 200  # same answer, no enumeration
    assert len(use_smtp.messages) == 1
    link = _link(use_smtp, "/reset/")
    assert client.post_form(link, {"password": "brand-new-password"}, follow_redirects=False).status_code == 303
    assert "/signin" in ada.get("/account", follow_redirects=False).headers["location"]  # old session ended
    assert client.post_form(link, {"password": "yet-another-one"}).status_code == 400  # link used


def test_change_of_password_ends_the_other_sessions_only(signed_in, app):
    from core import testing

    ada = signed_in("ada")
    other = testing.client(app)
    other.signin("ada@example.org", "password-ada-123")
    response = ada.post_form("/account", {"action": "password", "current_password": "password-ada-123",
                                          "new_password": "a-new-long-password"}, follow_redirects=False)
    assert response.status_code == 303
    assert ada.get("/account").status_code == 200
    assert other.get("/account", follow_redirects=False).status_code == 303


def test_change_of_e_mail_is_validated_again(signed_in, use_smtp):
    ada = signed_in("ada")
    response = ada.post_form("/account", {"action": "email", "email": "ada@new.example",
                                          "current_password": "password-ada-123"}, follow_redirects=False)
    assert response.status_code == 303
    with database.connection_context():
        assert Account.get(Account.username == "ada").email == "ada@example.org"
    ada.get(_link(use_smtp, "/account/email/"))
    with database.connection_context():
        assert Account.get(Account.username == "ada").email == "ada@new.example"
