"""Sign-up answers the same for an address that has an account and for a new one (issue 19, point 5):
the same page, a password hashed and a mail sent in both cases."""

import re

import pytest

pytestmark = pytest.mark.site(registration="open")


def _signup(client, email):
    return client.post_form("/signup", {"name": "Someone", "email": email, "password": "a-long-password-123"},
                            follow_redirects=False)


def _text(response, email):
    main = response.text.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'value="[^"]*"', "", main.replace(email, "ADDRESS"))


def _queued():
    from core import mail
    from core.db import database

    with database.connection_context():
        return [(m.recipient, m.subject) for m in mail.Mail.select().order_by(mail.Mail.id)]


def test_existing_and_new_addresses_get_the_same_answer_and_a_mail(app, client, member_factory):
    member_factory("ada")
    taken = _signup(client, "ada@example.org")
    after_taken = _queued()
    new = _signup(client, "newcomer@example.org")
    after_new = _queued()
    assert taken.status_code == new.status_code == 200
    assert _text(taken, "ada@example.org") == _text(new, "newcomer@example.org")
    assert [to for to, _subject in after_taken] == ["ada@example.org"]
    assert [to for to, _subject in after_new] == ["ada@example.org", "newcomer@example.org"]
