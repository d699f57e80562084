"""Directory: who manages a card — invitations (members, outsiders by mail), managers list, removals, claims
approved or refused by an administrator."""

import re
from email import message_from_bytes, policy

import pytest

from core import acting, entities, mail
from core.db import database
from core.models import Account, Relationship
from core.notifications import Notification
from plugins.directory import importer
from plugins.directory.models import Acceptance, Invitation, Organisation

pytestmark = pytest.mark.site(plugins=["directory"], toml='[plugins.directory]\nidentifiers = ["RNA"]\n')


def _card(client, name="Club de foot d'Amiens"):
    response = client.post_form("/directory/new", {"name": name, "postcode": "80000", "access": "public"},
                                follow_redirects=False)
    assert response.status_code == 303
    return int(response.headers["location"].rsplit("/", 1)[1])


def _invite(client, guid, email):
    return client.post_form(f"/directory/{guid}/managers", {"email": email}, token_from=f"/directory/{guid}",
                            follow_redirects=False)


def _mails(app, to):
    """(subject, text) of the mails written to the outbox for ``to``."""
    site = app.runtime("test")
    found = []
    for row in mail.outbox(site):
        msg = message_from_bytes(row.message.encode(), policy=policy.default)
        if msg["To"] == to:
            found.append((str(msg["Subject"]), msg.get_body(preferencelist=("plain",)).get_content()))
    return found


def _imported(app, email=""):
    app.ensure()
    site = app.runtime("test")
    rows = importer.read_rows(f"name,legal_id,postcode,email\nAmicale importée,Z1,80000,{email}\n")
    with database.connection_context():
        importer.import_rows(site, rows)
        return Organisation.get(Organisation.legal_id == "Z1").entity_id


def test_invited_member_is_notified_and_mailed_then_accepts_and_acts_as_the_card(app, signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _card(ada)
    response = _invite(ada, guid, "Bob@Example.org ")
    assert response.status_code == 303
    assert "bob@example.org" in ada.get(f"/directory/{guid}").text  # listed as pending
    with database.connection_context():
        note = Notification.get(Notification.recipient == bob.account.guid)
        assert note.event == "directory.invitation" and note.entity_id == guid
        assert not entities.manages(bob.account, guid)  # nothing before the answer
    [(subject, text)] = _mails(app, "bob@example.org")
    assert f"/directory/{guid}\n" in text and "Club de foot" in subject  # the card, which offers the answer
    assert "invité" in bob.get(f"/directory/{guid}").text  # the card shows the invitation
    page = bob.get(f"/directory/{guid}/invitation")
    assert page.status_code == 200 and "Ada" in page.text
    assert bob.post_form(f"/directory/{guid}/invitation", {"answer": "accept"},
                         follow_redirects=False).status_code == 303
    site = app.runtime("test")
    with database.connection_context():
        assert entities.manages(bob.account, guid)
        assert not Invitation.select().exists()
        assert guid in [e.guid for e in acting.identities(site, bob.account)]
    switched = bob.post_form("/acting-as", {"actor": str(guid), "next": f"/directory/{guid}"},
                              token_from="/")
    assert "Club de foot" in switched.text and 'class="acting-as"' in switched.text
    managers = bob.get(f"/directory/{guid}").text
    assert "Ada" in managers and "Arrêter de gérer cette fiche" in managers


def test_a_member_declines(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _card(ada)
    _invite(ada, guid, "bob@example.org")
    bob.post_form(f"/directory/{guid}/invitation", {"answer": "decline"})
    with database.connection_context():
        assert not entities.manages(bob.account, guid) and not Invitation.select().exists()
    assert bob.get(f"/directory/{guid}/invitation").status_code == 404
    # only the invitee answers: another member has no invitation to accept
    _invite(ada, guid, "bob@example.org")
    eve = signed_in("eve")
    assert eve.post_form(f"/directory/{guid}/invitation", {"answer": "accept"},
                         token_from=f"/directory/{guid}").status_code == 404
    with database.connection_context():
        assert not entities.manages(eve.account, guid)


def _notes(event):
    return [(n.recipient_id, n.actor_id, n.entity_id) for n in Notification.select().where(Notification.event == event)]


def test_the_inviter_is_told_of_each_answer_and_managers_see_who_accepted(signed_in):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    guid = _card(ada)
    _invite(ada, guid, "bob@example.org")
    bob.post_form(f"/directory/{guid}/invitation", {"answer": "accept"})
    _invite(bob, guid, "eve@example.org")  # a co-manager invites in turn
    eve.post_form(f"/directory/{guid}/invitation", {"answer": "decline"})
    with database.connection_context():
        assert _notes("directory.invitation_accepted") == [(ada.account.guid, bob.account.guid, guid)]
        assert _notes("directory.invitation_declined") == [(bob.account.guid, eve.account.guid, guid)]
    for client in (ada, bob):  # every manager sees whose invitation Bob accepted; Ada created the card
        section = client.get(f"/directory/{guid}").text.split('id="managers"', 1)[1].split("</ul>", 1)[0]
        assert section.count("invitation de") == 1 and "invitation de Ada acceptée" in section
    notes = ada.get("/notifications").text
    assert "Un membre a accepté mon invitation" in notes and f'href="/directory/{guid}"' in notes
    # the record goes when he stops managing the card
    ada.post_form(f"/directory/{guid}/managers/{bob.account.guid}/remove", {}, token_from=f"/directory/{guid}")
    with database.connection_context():
        assert not Acceptance.select().exists()


def test_the_invitation_notification_links_to_the_card_without_a_raw_address(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _card(ada)
    _invite(ada, guid, "bob@example.org")
    with database.connection_context():
        assert Notification.get(Notification.event == "directory.invitation").text == ""
    page = bob.get("/notifications").text
    line = page.split('card-list notifications"', 1)[1].split("</li>", 1)[0]
    assert f'<a href="/directory/{guid}">' in line and "/invitation" not in line and "http" not in line
    # the card it links to offers the answer
    assert f'href="/directory/{guid}/invitation"' in bob.get(f"/directory/{guid}").text


def test_an_outsider_gets_a_link_signs_up_and_accepts(app, signed_in, client):
    ada = signed_in("ada")
    guid = _card(ada)
    response = _invite(ada, guid, "carol@example.org")
    assert response.status_code == 303
    [(_subject, text)] = _mails(app, "carol@example.org")
    link = re.search(r"https?://[^/\s]+(/directory/\d+/invitation\?token=[\w.\-]+)", text).group(1)
    assert "14" in text
    assert client.get(f"/directory/{guid}/invitation?token=forged").status_code == 404
    page = client.get(link)  # not signed in yet: asked to sign in or sign up
    assert page.status_code == 200 and "/signin?next=" in page.text
    # she signs up with another address, validates it, then opens the link again
    client.post_form("/signup", {"name": "Carol", "email": "carol.perso@example.org",
                                 "password": "a-long-password", "website": ""})
    [(_s, validation)] = _mails(app, "carol.perso@example.org")
    client.get(re.search(r"https?://[^/\s]+(/validate/\S+)", validation).group(1))
    page = client.get(link)
    assert page.status_code == 200 and 'value="accept"' in page.text
    token = link.split("token=", 1)[1]
    assert client.post_form(link, {"answer": "accept", "token": token},
                            follow_redirects=False).status_code == 303
    with database.connection_context():
        carol = Account.get(Account.email == "carol.perso@example.org")
        assert entities.manages(carol, guid)
        assert _notes("directory.invitation_accepted") == [(ada.account.guid, carol.guid, guid)]
    assert client.get(link).status_code == 404  # used


def test_cancelled_invitation_link_stops_working(app, signed_in, client):
    ada = signed_in("ada")
    guid = _card(ada)
    _invite(ada, guid, "carol@example.org")
    [(_subject, text)] = _mails(app, "carol@example.org")
    link = re.search(r"(/directory/\d+/invitation\?token=[\w.\-]+)", text).group(1)
    with database.connection_context():
        ident = Invitation.get().id
    ada.post_form(f"/directory/{guid}/invitations/{ident}/cancel", {}, token_from=f"/directory/{guid}")
    assert "annulée" in client.get(link).text


def test_already_manager_and_already_invited_messages_keep_the_address(signed_in):
    ada, _bob = signed_in("ada"), signed_in("bob")
    guid = _card(ada)
    response = _invite(ada, guid, "ada@example.org")
    assert response.status_code == 400 and "gère déjà cette fiche" in response.text
    assert 'value="ada@example.org"' in response.text
    _invite(ada, guid, "bob@example.org")
    response = _invite(ada, guid, "bob@example.org")
    assert response.status_code == 400 and "déjà invité" in response.text
    assert 'value="bob@example.org"' in response.text
    response = _invite(ada, guid, "not an address")
    assert response.status_code == 400 and 'value="not an address"' in response.text


def test_pending_invitations_are_capped(signed_in):
    ada = signed_in("ada")
    guid = _card(ada)
    from plugins.directory import managing

    with database.connection_context():
        for i in range(managing.MAX_PENDING):
            Invitation.create(site="test", card=guid, email=f"p{i}@example.org", inviter=ada.account.guid)
    response = _invite(ada, guid, "one.more@example.org")
    assert response.status_code == 400 and "annulez-en" in response.text


def test_non_manager_cannot_invite_nor_remove_nor_see_the_list(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _card(ada)
    assert _invite(bob, guid, "eve@example.org").status_code == 403
    assert bob.post_form(f"/directory/{guid}/managers/{ada.account.guid}/remove", {},
                         token_from=f"/directory/{guid}").status_code == 403
    assert "Inviter un cogestionnaire" not in bob.get(f"/directory/{guid}").text
    # a POST without the CSRF token is refused
    assert ada.post(f"/directory/{guid}/managers", data={"email": "bob@example.org"}).status_code == 403


def _co_managed(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _card(ada)
    _invite(ada, guid, "bob@example.org")
    bob.post_form(f"/directory/{guid}/invitation", {"answer": "accept"})
    return ada, bob, guid


def test_remove_a_co_manager_takes_the_identity_away_at_once(app, signed_in):
    ada, bob, guid = _co_managed(signed_in)
    bob.post_form("/acting-as", {"actor": str(guid), "next": "/"}, token_from="/")
    ada.post_form(f"/directory/{guid}/managers/{bob.account.guid}/remove", {}, token_from=f"/directory/{guid}")
    with database.connection_context():
        assert not entities.manages(bob.account, guid)
        assert Notification.select().where(Notification.recipient == bob.account.guid,
                                           Notification.event == "directory.manager_removed").exists()
    page = bob.get("/")
    assert 'class="acting-as"' not in page.text  # back to acting as himself
    assert bob.get(f"/directory/{guid}/edit").status_code == 403


def test_the_creator_removed_by_a_co_manager_can_no_longer_edit(signed_in):
    ada, bob, guid = _co_managed(signed_in)
    bob.post_form(f"/directory/{guid}/managers/{ada.account.guid}/remove", {}, token_from=f"/directory/{guid}")
    assert ada.get(f"/directory/{guid}/edit").status_code == 403  # though she owns the card's entity


def test_last_manager_cannot_step_down_but_an_admin_can_remove_them(app, signed_in):
    ada, bob, guid = _co_managed(signed_in)
    bob.post_form(f"/directory/{guid}/managers/{bob.account.guid}/remove", {}, token_from=f"/directory/{guid}")
    page = ada.post_form(f"/directory/{guid}/managers/{ada.account.guid}/remove", {},
                         token_from=f"/directory/{guid}")
    assert "au moins un gestionnaire" in page.text
    with database.connection_context():
        assert entities.manages(ada.account, guid) and not entities.manages(bob.account, guid)
    root = signed_in("root", role="admin")
    root.post_form(f"/directory/{guid}/managers/{ada.account.guid}/remove", {}, token_from=f"/directory/{guid}")
    with database.connection_context():
        assert not entities.manages(ada.account, guid)
        assert not Organisation.get_by_id(guid).claimed  # nobody manages it: it may be claimed again


def test_admin_approves_and_refuses_claims(app, signed_in):
    guid = _imported(app)
    eve, dan = signed_in("eve"), signed_in("dan")
    eve.post_form(f"/directory/{guid}/claim", {}, token_from=f"/directory/{guid}")
    dan.post_form(f"/directory/{guid}/claim", {}, token_from=f"/directory/{guid}")
    card = eve.get(f"/directory/{guid}").text
    assert "attend une réponse" in card and "revendiquer la fiche" not in card
    assert eve.get("/directory/claims").status_code == 403
    root = signed_in("root", role="admin")
    page = root.get("/directory/claims")
    assert page.status_code == 200 and "Amicale importée" in page.text and "Eve" in page.text
    assert "la fiche n’a pas d’adresse" in page.text or "pas d'adresse" in page.text
    assert "/directory/claims" in root.get("/admin").text  # in the admin menu
    card = root.get(f"/directory/{guid}").text  # an administrator manages who manages any card
    assert "Personne ne gère cette fiche" in card and "revendiquer la fiche" in card
    root.post_form("/directory/claims", {"card": guid, "claimant": eve.account.guid, "answer": "approve"})
    root.post_form("/directory/claims", {"card": guid, "claimant": dan.account.guid, "answer": "refuse"})
    with database.connection_context():
        assert entities.manages(eve.account, guid) and not entities.manages(dan.account, guid)
        assert not Relationship.select().where(Relationship.verb == "directory.claims").exists()
        events = {(n.recipient_id, n.event) for n in Notification.select()}
        assert (eve.account.guid, "directory.claim_approved") in events
        assert (dan.account.guid, "directory.claim_refused") in events
    assert "Aucune revendication" in root.get("/directory/claims").text
    again = root.post_form("/directory/claims", {"card": guid, "claimant": dan.account.guid, "answer": "approve"})
    assert "déjà reçu une réponse" in again.text


def test_claim_confirmed_by_mail_clears_the_pending_claim(app, signed_in, client):
    guid = _imported(app, "club@example.org")
    eve = signed_in("eve")
    eve.post_form(f"/directory/{guid}/claim", {}, token_from=f"/directory/{guid}")
    root = signed_in("root", role="admin")
    assert "club@example.org" in root.get("/directory/claims").text  # the mail was sent there
    [(_subject, text)] = _mails(app, "club@example.org")
    link = re.search(r"(/directory/\d+/claim/confirm\?token=[\w.\-]+)", text).group(1)
    assert client.get(link, follow_redirects=False).status_code == 303
    with database.connection_context():
        assert entities.manages(eve.account, guid)
        assert not Relationship.select().where(Relationship.verb == "directory.claims").exists()
    assert "Amicale importée" not in root.get("/directory/claims").text


def test_invitations_in_personal_data_export_and_deletion(app, signed_in):
    from core import personal_data

    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _card(ada)
    _invite(ada, guid, "bob@example.org")
    site = app.runtime("test")
    with database.connection_context():
        exported = personal_data.collect(site, bob.account)["directory/invitations.json"]
        assert exported[0]["card"] == "Club de foot d'Amiens" and exported[0]["direction"] == "received"
        personal_data.delete_account(site, bob.account, "anonymise")
        assert not Invitation.select().exists()
