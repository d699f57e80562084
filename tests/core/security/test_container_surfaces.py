"""The name and link of a hidden group (and of a members-only group, for visitors) reach nobody who may not
see the group, on every surface beyond the post and event pages (issue 19, point 4): feeds, search, calendars,
exports, activity items, notifications and digests, home widgets. The group may be where a public item was
published (its container) or who published it (a group administrator acting as the group)."""

import re

import pytest

from core import notifications
from core.db import database

TAXONOMY = """
[[taxonomy]]
label = "Culture"
"""
pytestmark = pytest.mark.site(plugins=["groups", "blog", "agenda", "wire", "documents", "directory", "offers"],
                              language="en", toml=TAXONOMY)

HIDDEN = "Cercle Zanzibarquinoa"
MEMBERS = "Amicale Quetzalcoatlus"


def _group(client, name, visibility):
    response = client.post_form("/groups/new", {"name": name, "membership": "invitation", "visibility": visibility},
                                follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _publish(client, container="", title="Open"):
    post = client.post_form("/blog/new", {"title": f"{title} letter", "body": "Text", "access": "public",
                                          "comments": "1", "container": str(container), "action": "publish"},
                            follow_redirects=False)
    assert post.status_code == 303, post.text
    event = client.post_form("/agenda/new", {"title": f"{title} day", "start_date": "2030-05-04",
                                             "start_time": "10:00", "access": "public", "container": str(container)},
                             follow_redirects=False)
    assert event.status_code == 303, event.text
    status = client.post_form("/wire/", {"body": f"{title} status", "access": "public"}, follow_redirects=False)
    assert status.status_code == 303, status.text
    return post.headers["location"], int(event.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
def world(signed_in, client):
    ada, eve = signed_in("ada"), signed_in("eve")
    assert eve.post_form(f"/social/{ada.account.guid}/do/follow", {}, token_from=f"/members/{ada.account.guid}",
                         follow_redirects=False).status_code == 303
    hidden, members = _group(ada, HIDDEN, "public"), _group(ada, MEMBERS, "members")
    # eve followed the hidden group while it was public; then it was hidden
    assert eve.post_form(f"/social/{hidden}/do/follow", {}, token_from=f"/members/{ada.account.guid}",
                         follow_redirects=False).status_code == 303
    tools = re.findall(r'name="tools" value="([^"]+)"', ada.get(f"/groups/{hidden}/edit").text)
    assert ada.post_form(f"/groups/{hidden}/edit", {"name": HIDDEN, "membership": "invitation", "tools": tools,
                                                    "visibility": "hidden"}, follow_redirects=False).status_code == 303
    assert eve.get(f"/groups/{hidden}").status_code == 404
    _publish(ada, hidden, "Open")
    _publish(ada, members, "Club")
    # ada, administrator of the hidden group, publishes as the group
    assert ada.post_form("/acting-as", {"actor": str(hidden), "next": "/"}, token_from="/",
                         follow_redirects=False).status_code == 303
    post, event = _publish(ada, title="Public")
    ad = ada.post_form("/offers/new", {"direction": "offer", "category": "equipment", "title": "Public ad",
                                       "body": "Chairs to lend.", "theme": "Culture", "commune": "Amiens", "link": "",
                                       "quantity": "", "starts": "", "ends": "", "expires": "", "access": "public"},
                       follow_redirects=False)
    assert ad.status_code == 303, ad.text
    assert HIDDEN in ada.get(post).text  # who may see the group sees its name
    return {"ada": ada, "eve": eve, "visitor": client, "hidden": hidden, "members": members, "event": event,
            "ad": ad.headers["location"]}


def _leaks(body: str, world, also_members: bool) -> list[str]:
    found = [HIDDEN] if HIDDEN in body or f"/groups/{world['hidden']}" in body else []
    if also_members and (MEMBERS in body or f"/groups/{world['members']}" in body):
        found.append(MEMBERS)
    return found


SURFACES = ["/", "/feed/site.atom", "/blog/", "/blog/feed.atom", "/agenda/", "/agenda/feed.ics", "/wire/",
            "/wire/feed.atom", "/search?q=Open", "/search?q=Public", "/search?q=Club", "/documents/",
            "/directory/export.csv", "/directory/export.geojson", "/offers/", "/offers/feed.atom"]


def test_no_surface_names_a_group_to_those_who_may_not_see_it(world):
    ada = world["ada"]
    surfaces = SURFACES + [f"/agenda/{world['event']}/event.ics", world["ad"], f"/members/{ada.account.guid}",
                           f"/feed/entity/{ada.account.guid}", f"/feed/entity/{ada.account.guid}.atom",
                           f"/blog/by/{ada.account.guid}", f"/agenda/by/{ada.account.guid}"]
    problems = []
    for who, also_members in (("visitor", True), ("eve", False)):
        for path in surfaces:
            response = world[who].get(path)
            assert response.status_code == 200, (who, path, response.status_code)
            problems += [f"{who} {path}: {name}" for name in _leaks(response.text, world, also_members)]
    assert not problems, "\n".join(problems)


def test_notifications_and_digests_do_not_name_the_group(app, world, use_smtp):
    """eve still follows the group hidden since: she is told about its public post and event, without its
    name, on the notifications page and in her digest (a real SMTP server)."""
    eve = world["eve"]
    page = eve.get("/notifications").text
    assert "Public letter" in page and "Public day" in page
    assert not _leaks(page, world, False)
    with database.connection_context():
        notifications.send_digests(app.runtime("test"), "daily")
    texts = [t for t, m in zip(use_smtp.texts(), use_smtp.messages, strict=True) if m["To"] == "eve@example.org"]
    assert texts and "Public letter" in "".join(texts)
    assert not [t for t in texts if HIDDEN in t or re.search(rf"/groups/{world['hidden']}\b", t)]
