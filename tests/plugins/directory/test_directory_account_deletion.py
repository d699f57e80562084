"""Directory: deleting a member's account never takes away a card other members still manage.

Cards the member created pass to the longest-standing other manager; those nobody else manages go with the
member's content ("delete") or stay without owner ("anonymise"); a card left without manager may be claimed
again."""

import pytest

from core import acting, entities, personal_data
from core.db import database
from core.models import Activity, Entity
from core.storage import storage
from plugins.directory import importer
from plugins.directory.models import Acceptance, Organisation

pytestmark = pytest.mark.site(plugins=["directory"], toml='[plugins.directory]\nidentifiers = ["RNA"]\n')


def _card(client, name):
    response = client.post_form("/directory/new", {"name": name, "postcode": "80000", "access": "public"},
                                follow_redirects=False)
    assert response.status_code == 303
    return int(response.headers["location"].rsplit("/", 1)[1])


def _co_manage(inviter, member, guid):
    inviter.post_form(f"/directory/{guid}/managers", {"email": member.account.email},
                      token_from=f"/directory/{guid}")
    member.post_form(f"/directory/{guid}/invitation", {"answer": "accept"})


def _delete(client, mode):
    response = client.post_form("/account/delete", {"mode": mode, "password": "password-ada-123"},
                                follow_redirects=False)
    assert response.status_code == 303


def _cards(app, signed_in):
    """Ada's situation before she leaves: cards she co-manages, runs alone, created and left, claimed."""
    ada, bob, carl = signed_in("ada"), signed_in("bob"), signed_in("carl")
    shared = _card(ada, "Club partagé")
    _co_manage(ada, bob, shared)
    _co_manage(ada, carl, shared)  # Carl came after Bob: Bob takes over
    alone = _card(ada, "Club d'Ada seule")
    left = _card(ada, "Club quitté")
    _co_manage(ada, bob, left)
    ada.post_form(f"/directory/{left}/managers/{ada.account.guid}/remove", {}, token_from=f"/directory/{left}")
    bobs = _card(bob, "Club de Bob")
    _co_manage(bob, ada, bobs)
    site = app.runtime("test")
    with database.connection_context():
        importer.import_rows(site, importer.read_rows("name,legal_id,postcode\nAmicale importée,Z1,80000\n"))
        imported = Organisation.get(Organisation.legal_id == "Z1").entity_id
    root = signed_in("root", role="admin")
    ada.post_form(f"/directory/{imported}/claim", {}, token_from=f"/directory/{imported}")
    root.post_form("/directory/claims", {"card": imported, "claimant": ada.account.guid, "answer": "approve"})
    with database.connection_context():
        key = storage(site).save(b"logo of the card only Ada runs")
        Organisation.update(logo=key).where(Organisation.entity == alone).execute()
        assert entities.manages(ada.account, imported)
    return ada, bob, carl, dict(shared=shared, alone=alone, left=left, bobs=bobs, imported=imported, key=key)


def test_deleting_an_account_hands_co_managed_cards_over_and_deletes_only_those_nobody_else_runs(app, signed_in):
    ada, bob, carl, c = _cards(app, signed_in)
    site = app.runtime("test")
    _delete(ada, "delete")
    with database.connection_context():
        assert Entity.get_or_none(Entity.guid == ada.account.guid) is None
        shared = Entity.get_by_id(c["shared"])
        assert shared.owner_id == bob.account.guid  # the longest-standing remaining manager
        assert entities.manages(bob.account, shared) and entities.manages(carl.account, shared)
        assert Activity.select().where(Activity.entity == shared.guid).exists()  # its history stays
        assert Entity.get_by_id(c["left"]).owner_id == bob.account.guid
        assert Entity.get_or_none(Entity.guid == c["alone"]) is None  # hers alone: deleted with her content
        assert Organisation.get_or_none(Organisation.entity == c["alone"]) is None
        assert not storage(site).exists(c["key"])  # its logo file too
        bobs = Entity.get_by_id(c["bobs"])
        assert bobs.owner_id == bob.account.guid and entities.manages(bob.account, bobs)
        assert Organisation.get_by_id(c["bobs"]).claimed
        imported = Organisation.get_by_id(c["imported"])  # from the register: stays, claimable again
        assert imported.entity.owner_id is None and not imported.claimed
        assert not Acceptance.select().where((Acceptance.member == ada.account.guid)
                                             | (Acceptance.inviter == ada.account.guid)).exists()
        identities = {e.guid for e in acting.identities(site, bob.account)}
        assert {c["shared"], c["left"], c["bobs"]} <= identities
    assert bob.get(f"/directory/{c['shared']}/edit").status_code == 200
    managers = bob.get(f"/directory/{c['shared']}").text.split('id="managers"', 1)[1].split("</ul>", 1)[0]
    assert "invitation acceptée" in managers and "Ada" not in managers  # the inviter's name left with her
    listing = carl.get("/directory/").text
    assert "Club partagé" in listing and "Club quitté" in listing and "Amicale importée" in listing
    assert "Club d&#39;Ada seule" not in listing and "Club d'Ada seule" not in listing
    assert "revendiquer la fiche" in carl.get(f"/directory/{c['imported']}").text


def test_anonymising_an_account_keeps_every_card(app, signed_in):
    ada, bob, _carl, c = _cards(app, signed_in)
    _delete(ada, "anonymise")
    with database.connection_context():
        assert Entity.get_by_id(c["shared"]).owner_id == bob.account.guid
        alone = Organisation.get_by_id(c["alone"])  # kept without owner, claimable
        assert alone.entity.owner_id is None and not alone.claimed and alone.entity.deleted_at is None
        assert not Organisation.get_by_id(c["imported"]).claimed
    assert "revendiquer la fiche" in bob.get(f"/directory/{c['alone']}").text


def test_accepted_invitations_in_the_data_archive(app, signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = _card(ada, "Club partagé")
    _co_manage(ada, bob, guid)
    site = app.runtime("test")
    with database.connection_context():
        [mine] = personal_data.collect(site, bob.account)["directory/invitations.json"]
        assert mine["direction"] == "accepted" and mine["inviter"] == "Ada" and mine["guid"] == guid
        [sent] = personal_data.collect(site, ada.account)["directory/invitations.json"]
        assert sent["direction"] == "sent and accepted" and sent["member"] == "Bob"
