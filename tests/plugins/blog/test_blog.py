"""The blog: drafts, preview, publication now or later, history, slugs, containers, feeds, hooks."""

import datetime as dt
import io

import feedparser
import pytest
from PIL import Image

from core.db import database, now
from core.models import Entity, Relationship
from plugins.blog.models import Post, Revision

pytestmark = pytest.mark.site(plugins=["blog"])


def write(client, action="publish", **fields):
    form = {"title": "Fête du jardin", "body": "Le **samedi** à 14 h.", "excerpt": "", "tags": "jardin, fête",
            "access": "public", "comments": "1", "publish_at": "", "container": "", "action": action}
    form.update(fields)
    return client.post_form("/blog/new", form, follow_redirects=False)


def last_post():
    with database.connection_context():
        return Entity.select().where(Entity.kind == "blog.post").order_by(Entity.guid.desc()).first()


def test_draft_preview_then_publish(signed_in, client):
    ada = signed_in("ada")
    preview = write(ada, action="preview")
    assert preview.status_code == 200 and "<strong>samedi</strong>" in preview.text
    assert last_post() is None  # a preview saves nothing
    assert write(ada, action="draft").status_code == 303
    entity = last_post()
    url = f"/blog/{entity.guid}/fete-du-jardin"
    assert client.get(url).status_code == 404 and "Fête du jardin" not in client.get("/blog/").text
    assert ada.get(url).status_code == 200
    assert "Fête du jardin" in ada.get("/blog/drafts").text
    edit = {"title": "Fête du jardin", "body": "Le **samedi** à 14 h.", "excerpt": "", "tags": "jardin",
            "access": "public", "comments": "1", "publish_at": "", "action": "publish"}
    ada.post_form(f"/blog/{entity.guid}/edit", edit)
    assert client.get(url).status_code == 200
    assert "Fête du jardin" in client.get("/blog/?tag=jardin").text
    assert "Fête du jardin" not in client.get("/blog/?tag=autre").text


def test_a_broken_form_comes_back_filled(signed_in):
    ada = signed_in("ada")
    response = write(ada, title="", body="Mon texte précieux", publish_at="demain")
    assert response.status_code == 400
    assert "Mon texte précieux" in response.text
    assert response.text.count('class="field-error"') == 2


def test_scheduled_post_appears_when_its_time_comes(signed_in, client):
    ada = signed_in("ada")
    later = (now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    write(ada, publish_at=later, title="Annonce future")
    entity = last_post()
    assert "Annonce future" not in client.get("/blog/").text
    assert "Annonce future" not in client.get("/").text  # no activity item yet
    with database.connection_context():
        Post.update(publish_at=now() - dt.timedelta(minutes=1)).where(Post.entity == entity.guid).execute()
    assert "Annonce future" in client.get("/blog/").text
    assert "Annonce future" in client.get("/").text


def test_title_change_redirects_old_addresses_and_history_restores(signed_in, client):
    ada = signed_in("ada")
    write(ada)
    entity = last_post()
    ada.post_form(f"/blog/{entity.guid}/edit", {"title": "Grande fête", "body": "Nouveau texte", "access": "public",
                                                "comments": "1", "action": "publish", "tags": ""})
    old = client.get(f"/blog/{entity.guid}/fete-du-jardin", follow_redirects=False)
    assert old.status_code == 301 and old.headers["location"] == f"/blog/{entity.guid}/grande-fete"
    history = ada.get(f"/blog/{entity.guid}/history").text
    assert "Nouveau texte" in history and "Ada" in history
    with database.connection_context():
        first = Revision.select().where(Revision.post == entity.guid).order_by(Revision.id).first()
    ada.post_form(f"/blog/{entity.guid}/history", {"revision": str(first.id)})
    assert "samedi" in client.get(f"/blog/{entity.guid}/fete-du-jardin").text
    assert signed_in("bob").get(f"/blog/{entity.guid}/history").status_code == 403


def test_post_as_an_organisation_in_its_blog(app, signed_in, client):
    ada = signed_in("ada")
    with database.connection_context():
        org = Entity.create(site="test", kind="user", title="Les Amis du Jardin", access="public")
        Relationship.create(site="test", subject=ada.account.guid, verb="manages", object=org.guid)
    ada.post_form("/acting-as", {"actor": str(org.guid), "next": "/"}, token_from="/")
    write(ada, title="Mot du président", container=str(org.guid))
    entity = last_post()
    assert entity.owner_id == org.guid and entity.container_id == org.guid
    assert "Mot du président" in client.get(f"/blog/in/{org.guid}").text
    assert "Mot du président" in client.get(f"/blog/by/{org.guid}").text
    parsed = feedparser.parse(client.get(f"/blog/in/{org.guid}/feed.atom").content)
    assert not parsed.bozo and [e.title for e in parsed.entries] == ["Mot du président"]
    assert parsed.entries[0].author == "Les Amis du Jardin"
    refused = write(signed_in("bob"), title="Intrus", container=str(org.guid))
    assert refused.status_code == 400


def test_atom_feeds_are_valid_and_public_only(signed_in, client):
    ada = signed_in("ada")
    write(ada, title="Article public")
    write(ada, title="Article réservé", access="members")
    for path in ("/blog/feed.atom", f"/blog/by/{ada.account.guid}/feed.atom"):
        parsed = feedparser.parse(client.get(path).content)
        assert not parsed.bozo, parsed.bozo_exception
        titles = [e.title for e in parsed.entries]
        assert titles == ["Article public"]
        entry = parsed.entries[0]
        assert entry.link.startswith("http://testserver/blog/") and entry.author == "Ada"
        assert entry.published_parsed and entry.updated_parsed


def test_comments_can_be_switched_off(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    write(ada, comments="0", title="Sans commentaires")
    entity = last_post()
    page = bob.get(f"/blog/{entity.guid}/sans-commentaires").text
    assert f'action="/comments/{entity.guid}/add"' not in page
    write(ada, title="Avec commentaires")
    entity = last_post()
    bob.post_form(f"/comments/{entity.guid}/add", {"body": "Bravo !"}, token_from=f"/blog/{entity.guid}/avec-commentaires")
    assert "Bravo !" in ada.get(f"/blog/{entity.guid}/avec-commentaires").text
    assert "Bravo !" in ada.get("/notifications").text


def test_cover_image_is_resized_and_served_with_access(signed_in, client):
    ada = signed_in("ada")
    buf = io.BytesIO()
    Image.new("RGB", (3000, 2000), "blue").save(buf, "JPEG")
    from core.testing import CSRF_RE

    token = CSRF_RE.search(ada.get("/blog/new").text).group(1)
    ada.post("/blog/new", data={"csrf_token": token, "title": "Avec image", "body": "x", "access": "members",
                                "comments": "1", "action": "publish", "tags": ""},
             files={"cover": ("c.jpg", buf.getvalue(), "image/jpeg")})
    entity = last_post()
    image = Image.open(io.BytesIO(ada.get(f"/blog/{entity.guid}/cover").content))
    assert image.size[0] <= 1200
    assert client.get(f"/blog/{entity.guid}/cover").status_code == 404  # members only


def test_search_personal_data_and_demo(app, signed_in, client):
    ada = signed_in("ada")
    write(ada, title="Compostage collectif", body="Apportez vos épluchures.")
    assert "Compostage collectif" in client.get("/search?q=epluchures").text
    site = app.runtime("test")
    with database.connection_context():
        parts = site.call("maillage_export_personal_data", site=site, user=ada.account)
        assert any("blog/posts.json" in p for p in parts)



def test_demo_posts(app):
    from core import demo

    app.ensure()
    with database.connection_context():
        demo.generate(app.runtime("test"), "small", progress=False)
        demo.generate(app.runtime("test"), "small", progress=False)
        assert Entity.select().where(Entity.kind == "blog.post").count() == 3
