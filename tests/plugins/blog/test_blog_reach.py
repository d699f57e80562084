"""The blog's reach: followers told, feeds of containers, author filter and pages, personal data, bulk demo."""

import datetime as dt
import io
import random

import feedparser
import pytest
from PIL import Image

from core.db import database, now
from core.models import Activity, Entity, Relationship
from plugins.blog.models import Post, Revision

pytestmark = pytest.mark.site(plugins=["blog"])


def write(client, action="publish", **fields):
    form = {"title": "Fête du jardin", "body": "Le **samedi** à 14 h.", "excerpt": "", "tags": "jardin",
            "access": "public", "comments": "1", "publish_at": "", "container": "", "action": action}
    form.update(fields)
    return client.post_form("/blog/new", form, follow_redirects=False)


def notified(guid, event="blog.new_post"):
    from core.notifications import Notification

    with database.connection_context():
        return [n.entity_id for n in Notification.select().where(Notification.recipient == guid,
                                                                 Notification.event == event)]


def test_followers_are_told_when_a_post_becomes_public(signed_in):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    with database.connection_context():
        Relationship.create(site="test", subject=bob.account.guid, verb="follows", object=ada.account.guid)
    write(ada, action="draft", title="Brouillon")
    assert notified(bob.account.guid) == []  # a draft tells nobody
    later = (now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    write(ada, title="Plus tard", publish_at=later)
    assert notified(bob.account.guid) == []  # nor does a scheduled post before its time
    write(ada, title="Maintenant")
    with database.connection_context():
        public = Entity.get(Entity.title == "Maintenant")
    assert notified(bob.account.guid) == [public.guid]
    assert notified(eve.account.guid) == []  # eve follows nobody


def test_container_feed_shows_only_public_and_due_posts(signed_in, client):
    ada = signed_in("ada")
    with database.connection_context():
        org = Entity.create(site="test", kind="user", title="Les Amis du Jardin", access="public")
        Relationship.create(site="test", subject=ada.account.guid, verb="manages", object=org.guid)
    ada.post_form("/acting-as", {"actor": str(org.guid), "next": "/"}, token_from="/")
    later = (now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    write(ada, title="Ouvert à tous", container=str(org.guid))
    write(ada, title="Pour les membres", container=str(org.guid), access="members")
    write(ada, title="Pour plus tard", container=str(org.guid), publish_at=later)
    for path in (f"/blog/in/{org.guid}/feed.atom", "/blog/feed.atom", f"/blog/by/{org.guid}/feed.atom"):
        response = client.get(path)
        assert response.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.bozo_exception
        assert [e.title for e in parsed.entries] == ["Ouvert à tous"], path
        entry = parsed.entries[0]
        assert entry.author == "Les Amis du Jardin"
        assert entry.link.endswith("/ouvert-a-tous") and "samedi" in entry.summary
    listing = ada.get(f"/blog/in/{org.guid}").text
    assert "Pour les membres" in listing and "Pour plus tard" not in listing
    assert "Pour plus tard" in ada.get("/blog/drafts").text


def test_author_filter_and_keyset_pages(app, signed_in, client):
    from core import sites

    with database.connection_context():
        app.ensure()
        sites.save_plugin_settings("test", "blog", {"per_page": 5})
    app.invalidate()
    ada, bob = signed_in("ada"), signed_in("bob")
    for i in range(6):
        write(ada, title=f"Article {i}")
    write(bob, title="Texte de Bob")
    first = client.get(f"/blog/?author={ada.account.guid}").text
    assert "Texte de Bob" not in first and "Article 5" in first and "Article 1" in first
    assert "Article 0" not in first and 'class="pagination"' in first
    with database.connection_context():
        fifth = Entity.get(Entity.title == "Article 1").guid
    second = client.get(f"/blog/?author={ada.account.guid}&before={fifth}").text
    assert "Article 0" in second and "Article 1" not in second and "Texte de Bob" not in second
    assert "Texte de Bob" in client.get("/blog/").text
    assert client.get("/blog/?author=999999").status_code == 404


def test_personal_data_deletion_removes_posts_and_covers(app, signed_in):
    from core import personal_data
    from core.storage import storage
    from core.testing import CSRF_RE

    ada, bob = signed_in("ada"), signed_in("bob")
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(buf, "JPEG")
    token = CSRF_RE.search(ada.get("/blog/new").text).group(1)
    ada.post("/blog/new", data={"csrf_token": token, "title": "Avec image", "body": "x", "access": "public",
                                "comments": "1", "action": "publish", "tags": ""},
             files={"cover": ("c.jpg", buf.getvalue(), "image/jpeg")})
    write(bob, title="Texte de Bob")
    site = app.runtime("test")
    with database.connection_context():
        cover = Post.select().join(Entity, on=(Post.entity == Entity.guid)).where(Entity.title == "Avec image").get().cover
        assert storage(site).read(cover)
        personal_data.delete_account(site, ada.account, "delete")
        assert [p.entity.title for p in Post.select(Post, Entity).join(Entity, on=(Post.entity == Entity.guid))] == [
            "Texte de Bob"]
        assert not Activity.select().where(Activity.kind == "blog.post", Activity.actor == ada.account.guid).exists()
    with pytest.raises(Exception):  # noqa: B017 - the storage's own error type
        storage(site).read(cover)


def test_anonymised_author_keeps_posts_without_name(app, signed_in, client):
    from core import personal_data

    ada = signed_in("ada")
    write(ada, title="Souvenirs")
    site = app.runtime("test")
    with database.connection_context():
        personal_data.delete_account(site, ada.account, "anonymise")
    page = client.get("/blog/").text
    assert "Souvenirs" in page and "Ada" not in page


def test_region_demo_inserts_in_bulk(app):
    from core import demo
    from plugins.blog import demo as blog_demo
    from plugins.blog import posts

    app.ensure()
    site = app.runtime("test")
    with database.connection_context():
        demo.ensure_members("test", 6, random.Random(1))
        blog_demo.bulk(site, 40, random.Random(1))
        assert Post.select().count() == 40 and Revision.select().count() == 40
        assert Activity.select().where(Activity.verb == "published").count() == 40
        page = posts.listing(site, None, limit=50)
        assert page and all(p.entity.access == "public" for p in page)
        assert [p.entity_id for p in page] == sorted((p.entity_id for p in page), reverse=True)
        from core import search

        found = search.search(site, None, "vie associative")
        assert found and all(e.kind == "blog.post" for e in found)


def test_a_public_post_cannot_be_scheduled_again(signed_in):
    ada = signed_in("ada")
    write(ada, title="Déjà publié")
    with database.connection_context():
        entity = Entity.get(Entity.title == "Déjà publié")
    later = (now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = ada.post_form(f"/blog/{entity.guid}/edit", {"title": "Déjà publié", "body": "x", "tags": "",
                                                           "access": "public", "comments": "1", "publish_at": later,
                                                           "action": "publish"})
    assert response.status_code == 400 and 'value="x"' not in response.text and ">x</textarea>" in response.text
    with database.connection_context():
        assert Activity.select().where(Activity.entity == entity.guid).count() == 1


def test_live_preview_endpoint_and_script(signed_in, client):
    ada = signed_in("ada")
    page = ada.get("/blog/new").text
    assert 'src="/static/blog/editor.js"' in page and 'data-preview-url="/blog/preview"' in page
    assert "<script>" not in page  # no inline script (CSP)
    response = ada.post_form("/blog/preview", {"body": "**gras** <script>alert(1)</script>"}, token_from="/blog/new")
    assert response.status_code == 200 and "<strong>gras</strong>" in response.text and "<script>" not in response.text
    assert client.get("/static/blog/editor.js").status_code == 200
    assert client.post("/blog/preview", data={"body": "x"}).status_code in (303, 401, 403)


def test_nobody_comments_on_a_draft(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    write(ada, action="draft", title="Pas encore")
    with database.connection_context():
        entity = Entity.get(Entity.title == "Pas encore")
    bob.post_form(f"/comments/{entity.guid}/add", {"body": "Je devine l'adresse"}, token_from="/blog/")
    with database.connection_context():
        assert not Entity.select().where(Entity.kind == "comment", Entity.container == entity.guid).exists()


def test_history_names_who_changed_the_summary(signed_in):
    ada = signed_in("ada")
    write(ada, title="Bilan", excerpt="Premier résumé")
    with database.connection_context():
        entity = Entity.get(Entity.title == "Bilan")
    ada.post_form(f"/blog/{entity.guid}/edit", {"title": "Bilan", "body": "Le **samedi** à 14 h.\n\nAjout.",
                                                "excerpt": "Second résumé", "tags": "", "access": "public",
                                                "comments": "1", "action": "draft"})
    page = ada.get(f"/blog/{entity.guid}/history").text
    assert "Second résumé" in page and "+Ajout." in page and page.count("Ada") >= 2


def test_publish_scheduled_command_announces_once(app, signed_in, monkeypatch, capsys):
    from core import cli

    ada, bob = signed_in("ada"), signed_in("bob")
    with database.connection_context():
        Relationship.create(site="test", subject=bob.account.guid, verb="follows", object=ada.account.guid)
    later = (now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    write(ada, title="À l'heure dite", publish_at=later)
    with database.connection_context():
        entity = Entity.get(Entity.title == "À l'heure dite")
        Post.update(publish_at=now() - dt.timedelta(minutes=1)).where(Post.entity == entity.guid).execute()
    monkeypatch.setenv("MAILLAGE_HOME", str(app.instance.home))
    monkeypatch.setenv("MAILLAGE_SITES", str(app.instance.sites_dir))
    monkeypatch.setenv("DATABASE_URL", app.instance.database_url)
    assert cli.main(["publish-scheduled", "--site", "test"]) == 0
    assert "test: 1 post(s) published" in capsys.readouterr().out
    assert cli.main(["publish-scheduled", "--site", "test"]) == 0
    assert "test: 0 post(s) published" in capsys.readouterr().out
    assert notified(bob.account.guid) == [entity.guid]
    with database.connection_context():
        assert Activity.select().where(Activity.entity == entity.guid, Activity.verb == "published").count() == 1
