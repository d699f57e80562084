"""Acting as an identity a plugin declares (``maillage_acting_identities``), not only ``manages``."""

from core import hookimpl, relationships
from core.db import database
from core.models import Entity, Relationship


class DeclaresIdentity:
    """A tiny plugin: the member ``user_guid`` may act as ``entity_guid``."""

    def __init__(self, user_guid, entity_guid):
        self.user_guid, self.entity_guid = user_guid, entity_guid

    @hookimpl
    def maillage_acting_identities(self, site, user):
        if user.guid == self.user_guid:
            return [Entity.get_by_id(self.entity_guid)]
        return []


def test_a_plugin_declared_identity_can_be_chosen_and_acts(app, signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    with database.connection_context():
        club = Entity.create(site="test", kind="user", title="Club de lecture", access="public")
    app.runtime("test").pm.register(DeclaresIdentity(ada.account.guid, club.guid), name="test-identities")
    assert "Club de lecture" in ada.get("/").text  # offered in the switch
    chosen = ada.post_form("/acting-as", {"actor": str(club.guid), "next": "/"}, token_from="/",
                           follow_redirects=False)
    assert chosen.status_code == 303
    ada.post_form(f"/social/{bob.account.guid}/do/connect", {"next": "/"}, token_from=f"/members/{bob.account.guid}")
    with database.connection_context():
        assert Relationship.select().where(Relationship.subject == club.guid, Relationship.object == bob.account.guid,
                                           Relationship.verb == "connection_requested").exists()
    # bob is not declared: refused, and his session keeps acting as himself
    assert bob.post_form("/acting-as", {"actor": str(club.guid), "next": "/"}, token_from="/").status_code == 403


def test_the_choice_is_dropped_when_the_plugin_stops_declaring_it(app, signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    with database.connection_context():
        club = Entity.create(site="test", kind="user", title="Club de lecture", access="public")
    plugin = DeclaresIdentity(ada.account.guid, club.guid)
    site = app.runtime("test")
    site.pm.register(plugin, name="test-identities")
    ada.post_form("/acting-as", {"actor": str(club.guid), "next": "/"}, token_from="/")
    site.pm.unregister(plugin)
    ada.post_form(f"/social/{bob.account.guid}/do/follow", {"next": "/"}, token_from=f"/members/{bob.account.guid}")
    with database.connection_context():
        assert relationships.state(ada.account.guid, bob.account.guid)["following"]  # as herself again
        assert not relationships.state(club.guid, bob.account.guid)["following"]


def test_lists_and_their_counts_leave_out_trashed_entities(app, signed_in):
    ada = signed_in("ada")
    site = app.runtime("test")
    with database.connection_context():
        kept = Entity.create(site="test", kind="user", title="Kept", access="public")
        gone = Entity.create(site="test", kind="user", title="Gone", access="public")
        for guid in (kept.guid, gone.guid):
            relationships.follow(site, guid, ada.account.guid)
        Entity.update(deleted_at=gone.created).where(Entity.guid == gone.guid).execute()
        rows = relationships.listing(ada.account.guid, "followers")
        assert [entity.title for _id, entity in rows] == ["Kept"]
        assert relationships.count(ada.account.guid, "followers") == 1
