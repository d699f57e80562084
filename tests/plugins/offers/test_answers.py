"""Answering an ad: a private conversation when the site has the messages plugin, a mail to the owner
(its managers, for an organisation) with the answerer's address to reply to otherwise."""

import pytest

from core.db import database
from plugins.offers.models import Answer

from .conftest import TAXONOMY, act_as, publish


def answer(client, guid, body="Je peux venir samedi."):
    return client.post_form(f"/offers/{guid}/answer", {"body": body}, token_from=f"/offers/{guid}",
                            follow_redirects=False)


def test_through_the_messages_plugin(make_app, signed_in):
    make_app(plugins=["directory", "messages", "offers"], toml=TAXONOMY, language="en")
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = publish(ada, title="Bénévoles pour la buvette")
    assert "opens a private conversation with Ada" in bob.get(f"/offers/{guid}").text
    response = answer(bob, guid)
    assert response.status_code == 303
    conversation = response.headers["location"]
    assert conversation.startswith("/messages/")
    page = ada.get(conversation).text  # Ada reads it in her messages
    assert "About: Bénévoles pour la buvette" in page and "Je peux venir samedi." in page
    assert f"http://testserver/offers/{guid}" in page
    assert ada.get(f"/offers/{guid}").text.count("<dt>Answers</dt><dd>1</dd>") == 1
    with database.connection_context():
        assert [a.via for a in Answer.select()] == ["messages"]


def test_the_messages_rules_apply(make_app, signed_in):
    make_app(plugins=["directory", "messages", "offers"], toml=TAXONOMY, language="en")
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = publish(ada)
    ada.post_form("/messages/settings", {f"who-{ada.account.guid}": "admins"},
                  token_from="/messages/settings")  # nobody but the administrators writes to Ada
    response = answer(bob, guid)
    assert response.status_code == 400
    assert "You cannot write to Ada" in response.text and "Je peux venir samedi." in response.text
    with database.connection_context():
        assert Answer.select().count() == 0


def test_by_mail_without_the_messages_plugin(offers_site, signed_in, use_smtp):
    mia, leo, bob = signed_in("mia"), signed_in("leo"), signed_in("bob")
    response = mia.post_form("/directory/new", {"name": "Les Amis du Stade", "postcode": "80000", "access": "public"},
                             token_from="/directory/new", follow_redirects=False)
    org = int(response.headers["location"].rsplit("/", 1)[1])
    act_as(mia, org)
    guid = publish(mia, title="Arbitres bénévoles")
    assert "is mailed to Les Amis du Stade" in bob.get(f"/offers/{guid}").text
    response = answer(bob, guid)
    assert response.status_code == 303 and response.headers["location"] == f"/offers/{guid}"
    mails = [m for m in use_smtp.messages if "An answer to your ad" in m["Subject"]]
    assert [m["To"] for m in mails] == ["mia@example.org"]  # the organisation's manager, not Leo
    assert mails[0]["Reply-To"] == "bob@example.org"
    text = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert "Je peux venir samedi." in text and f"http://testserver/offers/{guid}" in text
    assert leo


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_an_empty_or_huge_answer_is_refused(offers_site, signed_in, use_smtp, body):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = publish(ada)
    response = answer(bob, guid, body)
    assert response.status_code == 400 and 'aria-invalid="true"' in response.text
    assert not [m for m in use_smtp.messages if "An answer" in m["Subject"]]
