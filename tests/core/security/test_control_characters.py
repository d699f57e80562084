"""NUL and other control characters never reach the database: the core strips them from every form field,
query parameter and path parameter, so feeds built from what members wrote keep working (issue 19, point 3)."""

import feedparser
import pytest

from core.db import database
from core.models import Entity

pytestmark = pytest.mark.site(plugins=["blog", "wire"])

HOSTILE = "Fête\x00 du\x07 village\x1b\x7f\r\nsuite\tfin"


def test_a_nul_in_a_blog_title_and_a_status_keeps_the_atom_feeds_working(signed_in, client):
    ada = signed_in("ada")
    response = ada.post_form("/blog/new", {"title": HOSTILE, "body": "Texte\x00 " + HOSTILE, "access": "public",
                                           "comments": "1", "action": "publish"}, follow_redirects=False)
    assert response.status_code == 303
    assert ada.post_form("/wire/", {"body": "Statut\x00 " + HOSTILE, "access": "public"}).status_code == 200
    with database.connection_context():
        titles = [e.title for e in Entity.select().where(Entity.kind.in_(["blog.post", "wire.status"]))]
    assert titles and all("\x00" not in t and "\x07" not in t and "\x1b" not in t for t in titles)
    for path in ("/blog/feed.atom", "/wire/feed.atom"):
        feed = client.get(path)
        assert feed.status_code == 200, path
        parsed = feedparser.parse(feed.content)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries


def test_query_and_path_parameters_lose_their_control_characters(client):
    assert client.get("/blog/?q=a%00b").status_code < 500
    assert client.get("/blog/1/a%00b").status_code == 404
    assert client.get("/search?q=f%C3%AAte%00%01").status_code == 200
