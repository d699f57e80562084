"""Administration of people, delegations, and personal data (archive, deletion)."""

import io
import json
import zipfile

import pytest

from core import entities
from core.db import database
from core.models import Account, Activity, Entity, Relationship


def test_admin_lists_filters_and_searches_members(signed_in, member_factory):
    admin = signed_in("root", role="admin")
    member_factory("ada")
    member_factory("bob", state="pending")
    assert "Ada" in admin.get("/admin/people?q=ada").text
    pending = admin.get("/admin/people?state=pending").text
    assert "Bob" in pending and "Ada" not in pending
    assert "Root" in admin.get("/admin/people?role=admin").text
    assert signed_in("eve").get("/admin/people").status_code == 403


def test_validate_ban_with_reason_and_unban(signed_in, member_factory, client):
    admin = signed_in("root", role="admin")
    bob = member_factory("bob", state="pending")
    admin.post_form(f"/admin/people/{bob.guid}", {"action": "validate"})
    assert client.signin("bob@example.org", "password-bob-123").status_code == 303
    refused = admin.post_form(f"/admin/people/{bob.guid}", {"action": "ban", "reason": ""})
    assert refused.status_code == 400
    admin.post_form(f"/admin/people/{bob.guid}", {"action": "ban", "reason": "spam"})
    assert client.get("/account", follow_redirects=False).status_code == 303  # signed out at once
    banned = client.signin("bob@example.org", "password-bob-123")
    assert banned.status_code == 403
    with database.connection_context():
        assert Account.get_by_id(bob.guid).ban_reason == "spam"
    admin.post_form(f"/admin/people/{bob.guid}", {"action": "unban"})
    assert client.signin("bob@example.org", "password-bob-123").status_code == 303


@pytest.mark.site(plugins=["agenda"])  # what can be delegated: moderation and the enabled plugins
def test_delegation_gives_rights_over_one_part_of_the_site(app, signed_in, member_factory):
    admin = signed_in("root", role="admin")
    bob = member_factory("bob")
    site = app.runtime("test")
    with database.connection_context():
        other = member_factory("eve")
        event = entities.create(site, "agenda.event", owner=other.guid, title="Fête")
        assert not entities.can(site, bob, "agenda.edit", event)
    admin.post_form(f"/admin/people/{bob.guid}", {"action": "delegate", "scope": "agenda", "target": ""})
    with database.connection_context():
        assert entities.can(site, bob, "agenda.edit", event)
        assert entities.can(site, bob, "edit", event)  # on the agenda's own content
        post = entities.create(site, "blog.post", owner=other.guid, title="Billet")
        assert not entities.can(site, bob, "edit", post)  # not elsewhere


def test_a_member_downloads_everything_in_one_archive(signed_in):
    ada = signed_in("ada")
    response = ada.get("/account/data?download=1")
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"account.json", "profile.json", "relationships.json", "activity.json"} <= set(archive.namelist())
    assert json.loads(archive.read("account.json"))["email"] == "ada@example.org"
    assert "password" not in archive.read("account.json").decode()


def _content(app, owner):
    site = app.runtime("test")
    with database.connection_context():
        post = entities.create(site, "test.note", owner=owner.guid, title="Ma note")
        Activity.create(site="test", actor=owner.guid, verb="published", entity=post, kind="test.note")
    return post


def test_deleting_an_account_with_anonymised_content(app, signed_in):
    ada = signed_in("ada")
    post = _content(app, ada.account)
    response = ada.post_form("/account/delete", {"mode": "anonymise", "password": "password-ada-123"},
                             follow_redirects=False)
    assert response.status_code == 303
    with database.connection_context():
        assert not Account.select().where(Account.email == "ada@example.org").exists()
        kept = Entity.get_by_id(post.guid)
        assert kept.owner.title in ("Former member", "Ancien membre")


def test_deleting_an_account_with_its_content(app, signed_in, member_factory):
    ada = signed_in("ada")
    bob = member_factory("bob")
    post = _content(app, ada.account)
    with database.connection_context():
        Relationship.create(site="test", subject=bob.guid, verb="follows", object=ada.account.guid)
    wrong = ada.post_form("/account/delete", {"mode": "delete", "password": "nope"})
    assert wrong.status_code == 400
    ada.post_form("/account/delete", {"mode": "delete", "password": "password-ada-123"})
    with database.connection_context():
        assert not Entity.select().where(Entity.guid.in_([post.guid, ada.account.guid])).exists()
        assert not Relationship.select().where(Relationship.subject == bob.guid).exists()
        assert Account.select().where(Account.email == "bob@example.org").exists()


def test_administrators_export_and_delete_on_request(signed_in, member_factory):
    admin = signed_in("root", role="admin")
    bob = member_factory("bob")
    assert admin.get(f"/admin/people/{bob.guid}/export").headers["content-type"] == "application/zip"
    admin.post_form(f"/admin/people/{bob.guid}/delete", {"mode": "delete"})
    with database.connection_context():
        assert not Account.select().where(Account.email == "bob@example.org").exists()


def test_sign_up_codes_are_managed_in_the_admin(signed_in):
    admin = signed_in("root", role="admin")
    response = admin.post_form("/admin/signup-codes", {"label": "Fédération", "days": "10", "max_uses": "5"})
    assert response.status_code == 200 and "Fédération" in response.text
    assert admin.post_form("/admin/signup-codes", {"label": "x", "days": "soon", "max_uses": "1"}).status_code == 400


def test_a_delegated_member_moderates_through_their_session(signed_in):
    """The session reads whether the member holds delegations; one who does gets their powers on pages."""
    admin, bob = signed_in("root", role="admin"), signed_in("bob")
    assert bob.get("/moderation").status_code == 403
    admin.post_form(f"/admin/people/{bob.account.guid}", {"action": "delegate", "scope": "moderation", "target": ""})
    assert bob.get("/moderation").status_code == 200
