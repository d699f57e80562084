"""An owner throttled by someone else's wrong passwords gets in through a link mailed to them (through the
outbox, to a real SMTP server); the link works once and expires, and the attacker stays throttled (issue 19,
point 7; docs/security.md, "Sign-in throttling")."""

import re
import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from core import testing

pytestmark = pytest.mark.site(language="en")

ADDRESS = "203.0.113.50"  # the owner and the attacker share it (the same café's network)


def _client(app):
    return testing.Client(app, base_url="http://testserver", client=(ADDRESS, 50000))


def _signed_in(client) -> bool:
    return client.get("/account", follow_redirects=False).status_code == 200


def _throttle(attacker):
    answers = [attacker.signin("ada@example.org", f"wrong-{i}").status_code for i in range(9)]
    assert answers[-1] == 429


def test_the_owner_gets_in_through_the_mailed_link_while_the_attacker_stays_throttled(app, member_factory, use_smtp):
    member_factory("ada")
    with _client(app) as attacker, _client(app) as owner:
        _throttle(attacker)
        page = owner.signin("ada@example.org", "password-ada-123")
        assert page.status_code == 429 and 'action="/signin/unlock"' in page.text
        assert not _signed_in(owner)
        # the owner asks for the link from the throttled page; it comes through the outbox
        answer = owner.post_form("/signin/unlock", {"email": "ada@example.org"}, token_from="/signin")
        assert answer.status_code == 200 and "we sent it a link" in answer.text
        [message] = use_smtp.messages
        assert message["To"] == "ada@example.org"
        link = re.search(r"https?://\S+/signin/unlock/(\S+)", use_smtp.texts()[0])
        path = f"/signin/unlock/{link.group(1)}"
        # opening it (a GET, as a mail scanner would) changes nothing; its button signs in
        assert "Sign in" in owner.get(path).text and not _signed_in(owner)
        assert owner.post_form(path, {}, follow_redirects=False).status_code == 303
        assert _signed_in(owner)
        # once only
        assert owner.get(path).status_code == 400
        with _client(app) as replay:
            assert replay.post_form(path, {}, token_from="/signin", follow_redirects=False).status_code == 400
            assert not _signed_in(replay)
        # the attacker, who has no access to the mailbox, stays throttled, even with the right password
        assert attacker.signin("ada@example.org", "password-ada-123").status_code == 429
        assert not _signed_in(attacker)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, member_factory, use_smtp):
    member_factory("ada")
    with _client(app) as someone:
        answer = someone.post_form("/signin/unlock", {"email": "nobody@example.org"}, token_from="/signin")
        assert answer.status_code == 200 and "we sent it a link" in answer.text
    assert use_smtp.messages == []


def test_an_expired_or_forged_link_is_refused(app, member_factory):
    ada = member_factory("ada")
    site = app.runtime("test")
    serializer = URLSafeTimedSerializer(site.instance.secret, salt="test:unlock")
    signer = serializer.make_signer(serializer.salt)
    signer.get_timestamp = lambda: int(time.time()) - 31 * 60  # made 31 minutes ago
    old = signer.sign(serializer.dump_payload({"uid": ada.guid, "seen": ""})).decode()
    forged = URLSafeTimedSerializer("another-secret", salt="test:unlock").dumps({"uid": ada.guid, "seen": ""})
    with _client(app) as someone:
        for token, message in ((old, "expired"), (forged, "not valid")):
            answer = someone.post_form(f"/signin/unlock/{token}", {}, token_from="/signin", follow_redirects=False)
            assert answer.status_code == 400 and message in answer.text
            assert not _signed_in(someone)
