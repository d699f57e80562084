"""Entities announce their lifecycle (maillage_entity_changed) after commit; the search index follows
it inside the transaction; entity kinds declare their capabilities."""

from pathlib import Path

import pytest

from core import activity, entities, hookimpl, moderation, search
from core.db import database
from core.kinds import EntityKind
from core.models import Entity

pytestmark = pytest.mark.site(plugins=["wire"])
ROOT = Path(__file__).resolve().parents[2]


class Listener:
    def __init__(self):
        self.seen = []

    @hookimpl
    def maillage_entity_changed(self, site, entity, change):
        from plugins.wire.models import Status

        has_row = Status.get_or_none(Status.entity == entity.guid) is not None
        self.seen.append((change.action, change.old_access, entity.guid, has_row))


@pytest.fixture
def listener(app):
    site = app.runtime("test")
    plugin = Listener()
    site.pm.register(plugin, name="test-listener")
    yield plugin
    site.pm.unregister(plugin)


def test_every_change_is_announced_after_commit_with_the_old_access(app, signed_in, client, listener):
    ada = signed_in("ada")
    ada.post_form("/wire/", {"body": "Jardin partagé samedi", "access": "public"})
    site = app.runtime("test")
    with database.connection_context():
        entity = Entity.get(Entity.kind == "wire.status")
        guid = entity.guid
        # the wire's own row existed when the listener ran: the call came after the commit
        assert listener.seen == [("create", None, guid, True)]
        with database.atomic():
            entities.update(site, entity, access="members")
            assert len(listener.seen) == 1  # not yet: inside the transaction
        assert listener.seen[-1] == ("access", "public", guid, True)
        entities.update(site, entity, title="Jardin partagé dimanche")
        assert listener.seen[-1] == ("update", None, guid, True)
        entities.trash(site, entity)
        entities.restore(site, entity)
        assert [s[0] for s in listener.seen[-2:]] == ["trash", "restore"]
        with pytest.raises(RuntimeError), database.atomic():
            entities.update(site, entity, title="Never saved")
            raise RuntimeError
        assert listener.seen[-1][0] == "restore"  # a rolled-back change is never announced
        entities.trash(site, entity)
        assert moderation.purge(site, days=-1) == 1
        assert listener.seen[-1] == ("delete", None, guid, False)


def test_search_keeps_itself_up_to_date_through_the_lifecycle(app, signed_in, client):
    ada = signed_in("ada")
    ada.post_form("/wire/", {"body": "Vide-grenier rue des Lilas", "access": "public"})
    assert "Vide-grenier" in client.get("/search?q=lilas").text
    site = app.runtime("test")
    with database.connection_context():
        entity = Entity.get(Entity.kind == "wire.status")
        entities.update(site, entity, title="Brocante rue des Roses")
        assert search.SearchDocument.get_by_id(entity.guid).title == "brocante rue des roses"
        entities.trash(site, entity)
        moderation.purge(site, days=-1)
        assert search.SearchDocument.get_or_none(search.SearchDocument.entity == entity.guid) is None


class BrokenIndex:
    """The last write of a post fails: its search document cannot be made."""

    @hookimpl
    def maillage_search_documents(self, site, entity):
        if entity.kind == "wire.status":
            raise RuntimeError("search index unavailable")


def test_a_post_is_one_transaction_with_its_activity_and_search_document(app, signed_in):
    """A failure in the last write of a post (the search document, made right before the commit)
    leaves nothing behind: no entity, no status row, no activity item, no document."""
    from plugins.wire.models import Status

    ada = signed_in("ada")
    site = app.runtime("test")
    broken = BrokenIndex()
    site.pm.register(broken, name="test-broken-index")
    try:
        response = ada.post_form("/wire/", {"body": "Jamais publié", "access": "public"}, follow_redirects=False)
        assert response.status_code == 500
    finally:
        site.pm.unregister(broken)
    with database.connection_context():
        assert Entity.select().where(Entity.kind == "wire.status").count() == 0
        assert Status.select().count() == 0
        assert activity.Activity.select().where(activity.Activity.kind == "wire.status").count() == 0
        assert search.SearchDocument.select().count() == 0
    ada.post_form("/wire/", {"body": "Publié cette fois", "access": "public"})  # the same post, index working
    with database.connection_context():
        guid = Entity.get(Entity.kind == "wire.status").guid
        assert activity.Activity.get(activity.Activity.entity == guid).verb == "posted"
        assert search.SearchDocument.get_by_id(guid).title == "publie cette fois"


def test_before_commit_runs_inside_the_transaction(app):
    """core.db.before_commit: at once outside a transaction; inside one, right before COMMIT (what it
    writes is committed with the rest); a rollback drops it."""
    from core.db import before_commit

    calls = []
    with database.connection_context():
        before_commit(lambda: calls.append("at once"))
        assert calls == ["at once"]
        with database.atomic():
            before_commit(lambda: calls.append("deferred"))
            with database.atomic():  # a savepoint: still deferred to the outermost commit
                before_commit(lambda: calls.append("nested"))
            assert calls == ["at once"]
        assert calls == ["at once", "deferred", "nested"]
        with pytest.raises(RuntimeError), database.atomic():
            before_commit(lambda: calls.append("rolled back"))
            raise RuntimeError
        with database.atomic():
            pass
        assert "rolled back" not in calls


def test_no_plugin_indexes_search_by_hand():
    calls = [str(path.relative_to(ROOT)) for path in (ROOT / "plugins").rglob("*.py")
             if "search.index(" in path.read_text(encoding="utf-8")
             or "search.remove(" in path.read_text(encoding="utf-8")]
    assert calls == []


class Capabilities:
    @hookimpl
    def maillage_entity_kinds(self, site):
        return [EntityKind("test.note", "Note", url=lambda e: f"/notes/{e.guid}", restorable=False,
                           in_activity=False, to_json=lambda e: {"stars": 3})]

    @hookimpl
    def maillage_search_documents(self, site, entity):
        if entity.kind == "test.note":
            return {"title": entity.title, "body": ""}


def test_kinds_declare_what_they_can_do(app, member_factory):
    ada = member_factory("ada")
    site = app.runtime("test")
    plugin = Capabilities()
    site.pm.register(plugin, name="test-capabilities")
    site.entity_kinds.update({k.name: k for k in plugin.maillage_entity_kinds(site)})
    try:
        with database.connection_context():
            note = entities.create(site, "test.note", owner=ada.guid, title="Carnet secret")
            # not declared searchable: the search listener leaves it out although a plugin gives text
            assert search.SearchDocument.get_or_none(search.SearchDocument.entity == note.guid) is None
            entities.trash(site, note)
            assert note.guid not in [e.guid for e in moderation.trash_items(site, ada)]
            data = site.entity_kinds["test.note"].as_json(note)
            assert data["kind"] == "test.note" and data["url"] == f"/notes/{note.guid}" and data["stars"] == 3
            # not declared in_activity: its items stay out of feeds, in the SQL
            quiet = entities.create(site, "test.note", owner=ada.guid, title="Quiet note")
            activity.record(site, actor=ada.guid, verb="posted", entity=quiet)
            assert activity.enabled_kinds(site) == sorted(k for k in site.entity_kinds if k != "test.note")
            assert quiet.guid not in [row.entity_id for row in activity.site_feed(site, ada)]
        wire = site.entity_kinds["wire.status"]
        assert wire.searchable and wire.commentable and wire.likable and wire.in_activity and wire.restorable
    finally:
        site.pm.unregister(plugin)
        site.entity_kinds.pop("test.note")
