"""Sign-up guards: a proof of work serves once, invitation limits, expired codes and links."""

import base64
import datetime as dt
import hashlib
import json

import pytest

from core import registration, tokens
from core.db import database
from core.registration import SignupCode


def _solve(challenge):
    for n in range(challenge["maxnumber"] + 1):
        if hashlib.sha256(f"{challenge['salt']}{n}".encode()).hexdigest() == challenge["challenge"]:
            payload = {key: challenge[key] for key in ("algorithm", "challenge", "salt", "signature")}
            return base64.b64encode(json.dumps({**payload, "number": n}).encode()).decode()
    raise AssertionError("no solution")


def test_a_solved_challenge_cannot_be_replayed(app):
    app.ensure()
    site = app.runtime("test")
    with database.connection_context():
        payload = _solve(registration.challenge(site))
        assert registration.pow_solved(site, payload)
        assert not registration.pow_solved(site, payload)  # the same solution again: refused
        assert registration.pow_solved(site, _solve(registration.challenge(site)))
        assert not registration.pow_solved(site, "not-base64!")
        assert not registration.pow_solved(site, "")


@pytest.mark.site(registration="invitation", toml="[settings]\ninvitations_per_member = 2\n")
def test_members_invite_within_the_site_limit_administrators_without(signed_in, use_smtp):
    ada = signed_in("ada")
    for n in range(2):
        assert ada.post_form("/invite", {"email": f"guest{n}@example.org"},
                             follow_redirects=False).status_code == 303
    refused = ada.post_form("/invite", {"email": "guest9@example.org"})
    assert refused.status_code == 400 and "guest9@example.org" in refused.text  # the form keeps the address
    assert not any("guest9@example.org" in m["To"] for m in use_smtp.messages)
    boss = signed_in("boss", role="admin")
    for n in range(3):
        assert boss.post_form("/invite", {"email": f"friend{n}@example.org"},
                              follow_redirects=False).status_code == 303


@pytest.mark.site(registration="code")
def test_an_expired_code_is_refused(app):
    app.ensure()
    site = app.runtime("test")
    with database.connection_context():
        code = registration.create_code(site, "old", days=1, max_uses=0)
        SignupCode.update(expires=dt.datetime(2000, 1, 1)).where(SignupCode.id == code.id).execute()
        with pytest.raises(registration.RegistrationError):
            registration.find_code(site, code.code)
        fresh = registration.create_code(site, "new", days=1, max_uses=0)
        assert registration.find_code(site, fresh.code).id == fresh.id


def test_forged_and_foreign_validation_links_are_refused(app, member_factory):
    ada = member_factory("ada")
    site = app.runtime("test")
    with database.connection_context():
        with pytest.raises(registration.RegistrationError):
            registration.validate(site, "forged-token")
        # a token made for another purpose (password reset) does not validate
        other = tokens.make(site, "reset", {"uid": ada.guid, "email": ada.email})
        with pytest.raises(registration.RegistrationError):
            registration.validate(site, other)
        # a token for an address the member has since changed does not validate
        stale = tokens.make(site, "validate", {"uid": ada.guid, "email": "old@example.org"})
        with pytest.raises(registration.RegistrationError):
            registration.validate(site, stale)


def test_the_header_offers_sign_up_only_where_one_can(client):
    assert 'href="/signup"' in client.get("/").text


def test_old_rate_limit_counters_are_purged(app):
    from core import ratelimit

    app.ensure()
    with database.connection_context():
        assert ratelimit.hit("test:old", 5, 60) and ratelimit.hit("test:new", 5, 60)
        ratelimit.RateLimit.update(window_start=dt.datetime(2000, 1, 1)).where(
            ratelimit.RateLimit.key == "test:old").execute()
        assert ratelimit.purge() >= 1
        keys = {row.key for row in ratelimit.RateLimit.select()}
    assert "test:old" not in keys and "test:new" in keys
