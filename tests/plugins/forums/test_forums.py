"""Forums: topics and replies in groups, quotes, edit delay, pin/lock/move, answers, unread, pages, notices."""

import datetime as dt

import pytest

from core.db import database
from core.models import Entity

pytestmark = pytest.mark.site(plugins=["groups", "forums"], language="en")


def _group(c, name="Jardins", membership="open"):
    r = c.post_form("/groups/new", {"name": name, "membership": membership, "visibility": "public"},
                    follow_redirects=False)
    return int(r.headers["location"].rsplit("/", 1)[1])


def _join(c, guid):
    c.post_form(f"/groups/{guid}/join", token_from=f"/groups/{guid}")


def _topic(c, group, title="Semis", body="Quand **semer** ?"):
    r = c.post_form(f"/forums/in/{group}/new", {"title": title, "body": body}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def _reply(c, topic, body):
    return c.post_form(f"/forums/{topic}/reply", {"body": body}, token_from=f"/forums/{topic}",
                       follow_redirects=False)


def test_requires_groups():
    from core.plugins import PluginRuleError, check_disable, check_enable

    with pytest.raises(PluginRuleError, match="requires groups"):
        check_enable("forums", {"blog"})
    check_enable("forums", {"groups"})
    with pytest.raises(PluginRuleError, match="needed by forums"):
        check_disable("groups", {"groups", "forums"})


def test_forum_tab_topic_reply_quote_answer(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    g = _group(ada)
    assert f'href="/forums/in/{g}"' in client.get(f"/groups/{g}").text
    assert bob.get(f"/forums/in/{g}/new").status_code == 403  # not a member yet
    _join(bob, g)
    t = _topic(bob, g)
    page = bob.get(f"/forums/{t}").text
    assert "<strong>semer</strong>" in page
    assert client.get(f"/forums/{t}").status_code == 404  # access "container": members only
    assert _reply(ada, t, "En *mars*").status_code == 303
    with database.connection_context():
        from plugins.forums.models import Reply

        rid = Reply.get().id
    quoted = ada.get(f"/forums/{t}?quote={rid}").text
    assert "&gt; **Ada** (#1):" in quoted and "&gt; En *mars*" in quoted
    assert signed_in("cy").post_form(f"/forums/{t}/answer", {"reply": rid},
                                     token_from="/groups/").status_code == 404  # cy cannot even see it
    bob.post_form(f"/forums/{t}/answer", {"reply": rid}, token_from=f"/forums/{t}")
    assert 'class="forum-post answer"' in bob.get(f"/forums/{t}").text
    assert "replied to the topic" in ada.get(f"/groups/{g}").text


def test_tool_switched_off_hides_forum(signed_in):
    ada = signed_in("ada")
    g = _group(ada)
    ada.post_form(f"/groups/{g}/edit", {"name": "Jardins", "membership": "open", "visibility": "public"})
    assert f'href="/forums/in/{g}"' not in ada.get(f"/groups/{g}").text
    assert ada.get(f"/forums/in/{g}").status_code == 404
    ada.post_form(f"/groups/{g}/edit", {"name": "Jardins", "membership": "open", "visibility": "public",
                                        "tools": "forums"})
    assert ada.get(f"/forums/in/{g}").status_code == 200


def test_edit_delay_and_lock_pin_move(app, signed_in):
    from core import sites

    ada, bob = signed_in("ada"), signed_in("bob")
    g, g2 = _group(ada), _group(ada, "Vélo")
    _join(bob, g)
    t = _topic(bob, g)
    _reply(bob, t, "premier")
    with database.connection_context():
        from plugins.forums.models import Reply

        rid = Reply.get().id
    assert bob.post_form(f"/forums/{t}/edit?reply={rid}", {"body": "corrigé"},
                         follow_redirects=False).status_code == 303
    assert "corrigé" in bob.get(f"/forums/{t}").text
    with database.connection_context():
        Reply.update(created=Reply.get().created - dt.timedelta(hours=2)).execute()
    assert bob.get(f"/forums/{t}/edit?reply={rid}", follow_redirects=False).status_code == 303
    with database.connection_context():
        sites.save_plugin_settings("test", "forums", {"edit_minutes": 600})
    app.invalidate()
    assert bob.get(f"/forums/{t}/edit?reply={rid}").status_code == 200
    # pin and lock: group admins; members cannot
    assert bob.post_form(f"/forums/{t}/lock", token_from=f"/forums/{t}").status_code == 403
    ada.post_form(f"/forums/{t}/lock", token_from=f"/forums/{t}")
    ada.post_form(f"/forums/{t}/pin", token_from=f"/forums/{t}")
    assert _reply(bob, t, "encore").status_code == 403
    assert "This topic is locked" in bob.get(f"/forums/{t}").text
    _topic(ada, g, "Autre")
    listing = ada.get(f"/forums/in/{g}").text
    assert listing.index("Semis") < listing.index("Autre")  # pinned first
    ada.post_form(f"/forums/{t}/move", {"group": g2}, token_from=f"/forums/{t}")
    with database.connection_context():
        assert Entity.get_by_id(t).container_id == g2


def test_unread_markers_and_notifications(signed_in):
    from core.notifications import Notification

    ada, bob, cy = signed_in("ada"), signed_in("bob"), signed_in("cy")
    g = _group(ada)
    _join(bob, g)
    _join(cy, g)
    t = _topic(bob, g)
    with database.connection_context():
        assert {n.recipient_id for n in Notification.select().where(Notification.event == "forums.new_topic")} \
            == {ada.account.guid, cy.account.guid}
    assert "New</span>" in cy.get(f"/forums/in/{g}").text
    cy.get(f"/forums/{t}")
    assert "New</span>" not in cy.get(f"/forums/in/{g}").text
    _reply(ada, t, "réponse")  # ada now follows; bob (author) follows already
    with database.connection_context():
        assert {n.recipient_id for n in Notification.select().where(Notification.event == "forums.reply")} \
            == {bob.account.guid}
    assert "New replies" in cy.get(f"/forums/in/{g}").text
    r = cy.get(f"/forums/{t}/unread", follow_redirects=False)
    assert r.headers["location"].endswith("#r1")


def test_long_thread_pages_by_reply_number(signed_in, db):
    from plugins.forums import threads
    from plugins.forums.models import Reply

    ada = signed_in("ada")
    g = _group(ada)
    t = _topic(ada, g)
    Reply.insert_many([{"topic": t, "number": n, "author": ada.account.guid, "body": f"message {n}"}
                       for n in range(1, 131)]).execute()
    from plugins.forums.models import Topic

    Topic.update(reply_count=130).where(Topic.entity == t).execute()
    page = ada.get(f"/forums/{t}?page=3").text
    assert "message 101" in page and "message 130" in page and "message 100<" not in page
    assert f'href="/forums/{t}?page=1"' in page and "Replies 1–50" in page
    assert threads.page_of(101) == 3
    assert _reply(ada, t, "la suite").headers["location"].endswith("?page=3#r131")


def test_thread_page_reads_html_not_body(signed_in):
    """A page of a thread reads each reply's stored HTML, not its markdown source: the body is read
    (and rendered once) only for a reply whose HTML is not stored yet, as after an edit."""
    from plugins.forums import threads
    from plugins.forums.models import Reply, Topic

    ada = signed_in("ada")
    t = _topic(ada, _group(ada))
    _reply(ada, t, "first **draft**")
    assert "first <strong>draft</strong>" in ada.get(f"/forums/{t}").text  # rendered and stored
    # the source changes behind the stored HTML: the page still shows the HTML, so it did not read the body
    Reply.update(body="source only").where(Reply.topic == t).execute()
    page = ada.get(f"/forums/{t}").text
    assert "first <strong>draft</strong>" in page and "source only" not in page
    rows = threads.replies(Topic.get_by_id(t), 1)
    assert rows and all(not hasattr(row, "body") for row in rows)
    # an edit empties the HTML: the body of that reply is read and rendered again
    Reply.update(html="").where(Reply.topic == t).execute()
    assert "source only" in ada.get(f"/forums/{t}").text
    assert Reply.get(Reply.topic == t).html.strip() == "<p>source only</p>"


def test_personal_data(app, signed_in):
    ada = signed_in("ada")
    g = _group(ada)
    t = _topic(ada, g)
    _reply(ada, t, "mine")
    site = app.runtime("test")
    with database.connection_context():
        parts = site.call("maillage_export_personal_data", site=site, user=ada.account)
        assert any(p.get("forums/replies.json", [{}])[0].get("body") == "mine" for p in parts if "forums/replies.json" in p)
        site.call("maillage_delete_personal_data", site=site, user=ada.account, mode="delete")
        from plugins.forums.models import Reply

        assert Reply.get().deleted and Reply.get().body == ""


def test_demo_data(app):
    from core import demo

    app.ensure()
    with database.connection_context():
        demo.generate(app.runtime("test"), "small", progress=False)
        demo.generate(app.runtime("test"), "small", progress=False)
        assert Entity.select().where(Entity.kind == "groups.group").count() == 5
        assert Entity.select().where(Entity.kind == "forums.topic").count() == 10
