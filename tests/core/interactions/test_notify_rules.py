"""Who notify() tells: never the actor, a blocker or someone who cannot see; managers of an organisation;
mail in each member's own language."""

import pytest

from core import entities, notifications, relationships
from core.db import database
from core.models import Account, Entity, Relationship
from core.notifications import Notification

pytestmark = pytest.mark.site(plugins=["wire"])


def told(guid, event="core.comment"):
    return Notification.select().where(Notification.recipient == guid, Notification.event == event).count()


def test_actor_blockers_and_those_who_cannot_see_are_not_told(app, signed_in):
    ada, bob, eve, zoe = (signed_in(n) for n in ("ada", "bob", "eve", "zoe"))
    site = app.runtime("test")
    with database.connection_context():
        a, b, e, z = (Entity.get_by_id(c.account.guid) for c in (ada, bob, eve, zoe))
        public = entities.create(site, "wire.status", owner=a, title="public", access_level="public")
        private = entities.create(site, "wire.status", owner=a, title="private", access_level="private")
        relationships.block(site, e.guid, b.guid)  # eve blocks bob
        assert notifications.notify(site, "core.comment", [a, b.guid, e, z], actor=b, entity=public) == 2
        assert told(a.guid) == 1 and told(z.guid) == 1 and told(b.guid) == 0 and told(e.guid) == 0
        # zoe cannot see a private status: she is not told about it, ada (the owner) is
        assert notifications.notify(site, "core.comment", [a, z], actor=b, entity=private) == 1
        assert told(z.guid) == 1 and told(a.guid) == 2


def test_content_of_an_organisation_notifies_the_people_who_run_it(app, signed_in):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    site = app.runtime("test")
    with database.connection_context():
        club = Entity.create(site="test", kind="user", title="Club de lecture", access="public")
        for manager in (ada, eve):
            Relationship.create(site="test", subject=manager.account.guid, verb="manages", object=club.guid)
        post = entities.create(site, "wire.status", owner=club, title="Lecture", access_level="public")
        bob_e = Entity.get_by_id(bob.account.guid)
        assert notifications.notify(site, "core.comment", [club.guid], actor=bob_e, entity=post) == 2
        assert told(ada.account.guid) == 1 and told(eve.account.guid) == 1
        # eve comments herself (acting as herself or as the club): she is not told, ada is
        notifications.notify(site, "core.comment", [club.guid], actor=Entity.get_by_id(eve.account.guid), entity=post)
        notifications.notify(site, "core.comment", [club.guid], actor=club, entity=post)
        assert told(eve.account.guid) == 1 and told(ada.account.guid) == 2


def test_mail_is_written_in_each_members_language(app, signed_in, use_smtp):
    ada, bob = signed_in("ada"), signed_in("bob")
    authors = [signed_in("eve"), signed_in("zoe")]
    site = app.runtime("test")
    with database.connection_context():
        Account.update(language="fr").where(Account.entity == bob.account.guid).execute()
        Account.update(language="en").where(Account.entity == ada.account.guid).execute()
        for who in (ada, bob):
            notifications.set_preference(who.account.guid, "core.comment", "daily")
        status = entities.create(site, "wire.status", owner=Entity.get_by_id(ada.account.guid), title="Sortie",
                                 access_level="public")
        for member in authors:
            notifications.notify(site, "core.comment", [ada.account.guid, bob.account.guid],
                                 actor=Entity.get_by_id(member.account.guid), entity=status)
        assert notifications.send_digests(site, "daily")["members"] == 2
    by_to = {m["To"]: m for m in use_smtp.messages}
    assert "Votre résumé du jour" in by_to["bob@example.org"]["Subject"] or \
        "Votre r" in str(by_to["bob@example.org"]["Subject"])
    assert "Your daily digest" in by_to["ada@example.org"]["Subject"]
    assert "2 new comments on Sortie" in use_smtp.texts()[[m["To"] for m in use_smtp.messages].index("ada@example.org")]


def test_the_list_leaves_out_what_was_trashed_or_hidden_since(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    ada.post_form("/wire/", {"body": "@bob premier message", "access": "public"})
    ada.post_form("/wire/", {"body": "@bob second message", "access": "public"})
    assert "premier message" in bob.get("/notifications").text or "second message" in bob.get("/notifications").text
    with database.connection_context():
        first = Entity.select().where(Entity.kind == "wire.status").order_by(Entity.guid).first()
        Entity.update(hidden=True).where(Entity.guid == first.guid).execute()
    page = bob.get("/notifications").text
    assert "premier message" not in page and "second message" in page
