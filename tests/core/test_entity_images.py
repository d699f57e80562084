"""Issue 16 point 11: lists show each entity's picture (a card's logo, a group's image, a member's avatar)
through one hook, ``maillage_entity_images``, asked once for a whole feed page, and initials without one."""

import io
import logging
import re

import pytest
from PIL import Image

from core import activity, entities
from core.db import database
from core.models import Entity
from plugins.directory.models import Organisation
from plugins.groups.models import Group

pytestmark = pytest.mark.site(plugins=["directory", "groups"])


def _png(size=(300, 200)):
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buf, "PNG")
    return buf.getvalue()


def _card(client, name):
    response = client.post_form("/directory/new", {"name": name, "short_description": "Club", "postcode": "80000",
                                                  "access": "public"},
                                files={"logo": ("logo.png", _png(), "image/png")}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _as_actor(app, guid):
    """An activity item signed by the organisation itself (what it published while a manager acted as it)."""
    site = app.runtime("test")
    with database.connection_context():
        org = Entity.get_by_id(guid)
        activity.record(site, org, "update", org)


def test_feed_items_of_organisations_show_their_logo(signed_in, client, app):
    ada = signed_in("ada")
    guid = _card(ada, "Club de Voile du Crotoy")
    _as_actor(app, guid)
    with database.connection_context():
        key = Organisation.get_by_id(guid).logo
    html = client.get("/").text
    item = html[html.index('class="feed-item'):]
    item = item[:item.index("</li>")]
    assert re.search(rf'<img class="avatar square" src="/directory/{guid}/logo\?v={key[:8]}"', item), item
    assert 'class="initials' not in item
    assert client.get(f"/directory/{guid}/logo?v={key[:8]}").status_code == 200


def test_a_card_without_logo_and_a_member_without_avatar_show_initials(signed_in, client, app):
    ada = signed_in("ada")
    response = ada.post_form("/directory/new", {"name": "Amicale Laïque", "short_description": "Club",
                                                "postcode": "80000", "access": "public"}, follow_redirects=False)
    guid = int(response.headers["location"].rsplit("/", 1)[1])
    _as_actor(app, guid)
    html = client.get("/").text
    assert re.search(r'<span class="initials s40 c\d square" aria-hidden="true">AL</span>', html)
    assert f"/members/{ada.account.guid}/avatar" not in html  # no picture: initials, not a placeholder image


def test_groups_and_members_answer_with_their_image(signed_in, app):
    from core import entity_images, profiles

    site = app.runtime("test")
    ada = signed_in("ada")
    with database.connection_context():
        group = entities.create(site, "groups.group", owner=ada.account.entity, title="Jardiniers", access_level="public")
        Group.create(entity=group, image="a1b2c3d4e5f6")
        profile = profiles.get(ada.account.guid)
        profile.avatar = "0f0f0f0f0f"
        profile.save(force_insert=profiles.Profile.get_or_none(profiles.Profile.entity == ada.account.guid) is None)
        member = Entity.get_by_id(ada.account.guid)
        found = entity_images.urls(site, [group, member])
    assert found == {group.guid: f"/groups/{group.guid}/image?v=a1b2c3d4",
                     member.guid: f"/members/{member.guid}/avatar?v=0f0f0f0f"}


def test_a_feed_page_asks_the_pictures_once_not_per_item(signed_in, client, app, caplog):
    ada = signed_in("ada")
    guids = [_card(ada, f"Association numéro {n}") for n in range(6)]
    for guid in guids:
        _as_actor(app, guid)
    logger = logging.getLogger("peewee")
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        caplog.clear()
        html = client.get("/").text
    assert all(f"/directory/{guid}/logo?v=" in html for guid in guids)
    logo_queries = [r for r in caplog.records if r.name == logger.name and "directory_organisation" in r.getMessage()
                    and '"logo"' in r.getMessage()]
    assert len(logo_queries) == 1, [r.getMessage() for r in logo_queries]


def test_the_member_list_shows_avatars_and_initials(signed_in, client, app):
    from core import profiles

    ada, bob = signed_in("ada"), signed_in("bob")
    with database.connection_context():
        profile = profiles.get(ada.account.guid)
        profile.avatar = "abcdef0123"
        profile.save(force_insert=profiles.Profile.get_or_none(profiles.Profile.entity == ada.account.guid) is None)
    html = client.get("/members").text
    assert f'<img class="avatar" src="/members/{ada.account.guid}/avatar?v=abcdef01"' in html
    assert f"/members/{bob.account.guid}/avatar" not in html and re.search(r'class="initials s48 c\d"', html)


def test_a_profile_shows_the_same_initials_as_the_lists(signed_in, client):
    """The profile's head uses the core's avatar (two coloured initials, or the picture), not the grey
    one-letter placeholder image it drew before."""
    ada = signed_in("ada")
    page = client.get(f"/members/{ada.account.guid}").text
    head = page.split('class="profile-head"', 1)[1].split("</h1>", 1)[0]
    assert re.search(r'<span class="initials s96 c\d" aria-hidden="true">[A-Z]{1,2}</span>', head)
    assert f"/members/{ada.account.guid}/avatar" not in head


def test_a_profile_page_reads_its_members_avatars_once(signed_in, caplog):
    """The signed-in member's avatar comes with their session, the profile's with the profile row:
    the header and the profile head show them without asking the profile table again."""
    from core import profiles

    ada, bob = signed_in("ada"), signed_in("bob")
    with database.connection_context():
        for who, key in ((ada, "aaaa1111bb"), (bob, "bbbb2222cc")):
            profile = profiles.get(who.account.guid)
            profile.avatar = key
            profile.save(force_insert=profiles.Profile.get_or_none(profiles.Profile.entity == who.account.guid) is None)
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        caplog.clear()
        html = ada.get(f"/members/{bob.account.guid}").text
    head = html.split('class="profile-head"', 1)[1].split("</h1>", 1)[0]
    assert f'src="/members/{bob.account.guid}/avatar?v=bbbb2222"' in head
    assert f'src="/members/{ada.account.guid}/avatar?v=aaaa1111"' in html.split('class="profile-head"', 1)[0]
    reads = [r.getMessage() for r in caplog.records if r.name == "peewee" and 'FROM "profile"' in r.getMessage()]
    assert len(reads) == 1, reads  # bob's profile row; ada's avatar came with her session
