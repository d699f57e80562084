"""Comments and likes: markdown cleaned, edit delay, deletion to the trash, blocks, counts with access."""

import datetime as dt
import re

import pytest

from core import comments
from core.db import database
from core.models import Entity, Relationship

pytestmark = pytest.mark.site(plugins=["wire"])


def status(client, body="Hello", access="public"):
    client.post_form("/wire/", {"body": body, "access": access})
    with database.connection_context():
        return Entity.select().where(Entity.kind == "wire.status").order_by(Entity.guid.desc()).first().guid


def comment(client, guid, body):
    return client.post_form(f"/comments/{guid}/add", {"body": body, "next": f"/wire/{guid}"},
                            token_from=f"/wire/{guid}", follow_redirects=False)


def test_comments_are_markdown_cleaned_of_scripts(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = status(ada)
    comment(bob, guid, "**Bravo** <script>alert(1)</script> [lien](javascript:alert(1))")
    page = client.get(f"/wire/{guid}").text
    assert "<strong>Bravo</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page


def test_author_edits_within_the_delay_only(app, signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = status(ada)
    comment(bob, guid, "First version")
    with database.connection_context():
        cid = Entity.select().where(Entity.kind == "comment").first().guid
    assert ada.get(f"/comments/{cid}/edit").status_code == 403  # not the author
    assert bob.post_form(f"/comments/{cid}/edit", {"body": "Second version"}, follow_redirects=False).status_code == 303
    assert "Second version" in bob.get(f"/wire/{guid}").text
    with database.connection_context():
        old = Entity.get_by_id(cid).created - dt.timedelta(hours=2)
        Entity.update(created=old).where(Entity.guid == cid).execute()
    assert bob.get(f"/comments/{cid}/edit").status_code == 403


def test_deleted_comments_go_to_the_trash_and_come_back(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = status(ada)
    comment(bob, guid, "Oops")
    with database.connection_context():
        cid = Entity.select().where(Entity.kind == "comment").first().guid
    bob.post_form(f"/comments/{cid}/delete", {"next": f"/wire/{guid}"}, token_from=f"/wire/{guid}")
    assert "Oops" not in ada.get(f"/wire/{guid}").text
    assert "Oops" in bob.get("/trash").text
    bob.post_form("/trash", {"entity": str(cid)})
    assert "Oops" in ada.get(f"/wire/{guid}").text


def test_blocked_members_cannot_comment(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = status(ada)
    with database.connection_context():
        Relationship.create(site="test", subject=ada.account.guid, verb="blocks", object=bob.account.guid)
    comment(bob, guid, "Let me in")
    assert "Let me in" not in ada.get(f"/wire/{guid}").text
    assert 'action="/comments/' not in bob.get(f"/wire/{guid}").text


def test_comment_notifies_the_owner(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = status(ada)
    comment(bob, guid, "Nice one")
    page = ada.get("/notifications").text
    assert "Nice one" in page
    assert re.search(r'href="/notifications"[^>]*>[^<]*<span class="badge badge-on[^"]*">1<', ada.get("/").text)


def test_likes_toggle_and_count(signed_in, app):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = status(ada)
    bob.post_form(f"/likes/{guid}", {"next": f"/wire/{guid}"}, token_from=f"/wire/{guid}")
    assert "1 like" in ada.get(f"/wire/{guid}").text or "1 j'aime" in ada.get(f"/wire/{guid}").text
    bob.post_form(f"/likes/{guid}", {"next": f"/wire/{guid}"}, token_from=f"/wire/{guid}")
    with database.connection_context():
        assert comments.likes(Entity.get_by_id(guid)) == 0


def test_counts_respect_access(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    guid = status(ada, access="members")
    comment(bob, guid, "Members talk")
    assert client.get(f"/wire/{guid}").status_code == 404  # visitors see neither the post nor its count
