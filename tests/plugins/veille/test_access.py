"""Who sees a shared link: visitor, member, member and non-member of a group (members-only or
hidden), administrator; in the lists, the link's page, the feeds, search and the syntheses' pages."""

import feedparser
import pytest

from core.db import database
from core.models import Entity, Relationship

pytestmark = pytest.mark.site(plugins=["veille", "groups"], language="en")


def make_group(owner_guid, member_guids, access="public", title="Randonneurs"):
    from plugins.groups.models import Group

    with database.connection_context():
        group = Entity.create(site="test", kind="groups.group", owner=owner_guid, title=title, access=access)
        group.container = group.guid
        group.save()
        Group.create(entity=group.guid, description="", membership="open", themes=[], disabled_tools=[])
        for guid in member_guids:
            Relationship.create(site="test", subject=guid, verb="member_of", object=group.guid)
        Relationship.create(site="test", subject=owner_guid, verb="manages", object=group.guid)
        return group


def share(client, title, access="public", container="", url=None):
    form = {"url": url or f"https://example.org/{title.lower().replace(' ', '-')}", "title": title,
            "description": "", "note": f"Note sur {title}", "rating": "", "tags": "", "access": access,
            "container": container}
    response = client.post_form("/veille/new", form, token_from="/veille/new", follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
def world(signed_in, client, member_factory):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    root = signed_in("root", role="admin")
    hidden = make_group(ada.account.guid, [ada.account.guid, bob.account.guid], access="container", title="Cercle caché")
    closed = make_group(ada.account.guid, [ada.account.guid, bob.account.guid], access="members", title="Club fermé")
    links = {
        "public": share(ada, "Lien public"),
        "members": share(ada, "Lien membres", access="members"),
        "private": share(ada, "Lien privé", access="private"),
        "hidden": share(bob, "Lien du cercle", access="container", container=str(hidden.guid)),
        "closed": share(bob, "Lien du club", access="container", container=str(closed.guid)),
        "public_in_hidden": share(bob, "Lien public du cercle", container=str(hidden.guid)),
    }
    return {"visitor": client, "owner": ada, "group_member": bob, "outsider": eve, "admin": root,
            "links": links, "hidden": hidden, "closed": closed}


# who sees which link (by the key of world["links"])
SEES = {
    "visitor": {"public", "public_in_hidden"},
    "outsider": {"public", "members", "public_in_hidden"},
    "group_member": {"public", "members", "hidden", "closed", "public_in_hidden"},
    "owner": {"public", "members", "private", "hidden", "closed", "public_in_hidden"},
    "admin": {"public", "members", "private", "hidden", "closed", "public_in_hidden"},
}
TITLES = {"public": "Lien public", "members": "Lien membres", "private": "Lien privé", "hidden": "Lien du cercle",
          "closed": "Lien du club", "public_in_hidden": "Lien public du cercle"}


@pytest.mark.parametrize("who", sorted(SEES))
def test_access_matrix(world, who):
    reader = world[who]
    listing = reader.get("/veille/").text
    found = reader.get("/search?q=note").text  # every link's note says "Note sur ..."
    for key, guid in world["links"].items():
        visible = key in SEES[who]
        assert (f">{TITLES[key]}<" in listing) == visible, (who, key)
        assert (f">{TITLES[key]}<" in found) == visible, (who, key, "search")
        assert reader.get(f"/veille/{guid}").status_code == (200 if visible else 404), (who, key)
        if visible:
            assert f"Note sur {TITLES[key]}" in reader.get(f"/veille/{guid}").text
    # the hidden group's name never shows to those who may not see the group
    assert ("Cercle caché" in reader.get(f"/veille/{world['links']['public_in_hidden']}").text) == (
        who in ("group_member", "owner", "admin"))
    in_hidden = reader.get(f"/veille/in/{world['hidden'].guid}")
    assert in_hidden.status_code == (200 if who in ("group_member", "owner", "admin") else 404)


def test_feeds_show_what_visitors_see_only(world):
    member = world["group_member"]
    feed = feedparser.parse(member.get("/veille/feed.atom").content)
    assert {e.title for e in feed.entries} == {"Lien public", "Lien public du cercle"}
    assert member.get(f"/veille/in/{world['hidden'].guid}/feed.atom").status_code == 404  # the group is hidden
    closed = member.get(f"/veille/in/{world['closed'].guid}/feed.atom")
    assert closed.status_code == 404  # members-only group: not a visitor's feed


def test_only_members_of_a_group_share_in_it(world):
    eve = world["outsider"]
    form = {"url": "https://example.org/intrusion", "title": "Intrusion", "container": str(world["closed"].guid),
            "access": "public"}
    response = eve.post_form("/veille/new", form, follow_redirects=False)
    assert response.status_code == 400 and "You cannot share there." in response.text
    assert f'value="{world["closed"].guid}"' in world["group_member"].get("/veille/new").text


def test_a_group_manager_edits_a_members_link_in_the_group(world):
    guid = world["links"]["closed"]
    assert world["owner"].get(f"/veille/{guid}/edit").status_code == 200  # Ada manages the club
    assert world["outsider"].get(f"/veille/{guid}/edit").status_code == 404


def test_a_trashed_group_takes_its_synthesis_subscriptions_with_it(world, app):
    from core import entities
    from plugins.veille import synthesis

    bob, group = world["group_member"], world["closed"]
    bob.post_form("/veille/subscribe", {"in": str(group.guid)}, token_from="/veille/")
    assert ("in", str(group.guid)) in synthesis.subscriptions(bob.account.guid)
    with database.connection_context():
        entities.trash(app.runtime("test"), Entity.get_by_id(group.guid))
    assert ("in", str(group.guid)) not in synthesis.subscriptions(bob.account.guid)
