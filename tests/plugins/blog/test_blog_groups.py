"""The blog of a group: its members post there when the group's admins keep the blog tool on."""

import pytest

from core.db import database
from core.models import Entity, Relationship

pytestmark = pytest.mark.site(plugins=["blog", "groups"])


def write(client, **fields):
    form = {"title": "Sortie du dimanche", "body": "Départ à 9 h.", "excerpt": "", "tags": "", "access": "container",
            "comments": "1", "publish_at": "", "container": "", "action": "publish"}
    form.update(fields)
    return client.post_form("/blog/new", form, follow_redirects=False)


def make_group(owner_guid, member_guids):
    from plugins.groups.models import Group

    with database.connection_context():
        group = Entity.create(site="test", kind="groups.group", owner=owner_guid, title="Randonneurs", access="public")
        group.container = group.guid
        group.save()
        Group.create(entity=group.guid, description="", membership="open", themes=[], disabled_tools=[])
        for guid in member_guids:
            Relationship.create(site="test", subject=guid, verb="member_of", object=group.guid)
        Relationship.create(site="test", subject=owner_guid, verb="manages", object=group.guid)
        return group


def test_group_members_blog_in_their_group(signed_in, client):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    group = make_group(ada.account.guid, [ada.account.guid, bob.account.guid])
    assert f'value="{group.guid}"' in bob.get("/blog/new").text  # offered as a place to publish
    assert write(bob, container=str(group.guid)).status_code == 303
    with database.connection_context():
        post = Entity.get(Entity.kind == "blog.post")
    assert post.owner_id == bob.account.guid and post.container_id == group.guid
    assert "Sortie du dimanche" in ada.get(f"/blog/in/{group.guid}").text
    # access "container": members of the group only, nowhere else
    for outsider in (eve, client):
        assert "Sortie du dimanche" not in outsider.get(f"/blog/in/{group.guid}").text
        assert "Sortie du dimanche" not in outsider.get("/blog/").text
        assert outsider.get(f"/blog/{post.guid}/sortie-du-dimanche").status_code == 404
    assert "Sortie du dimanche" not in client.get(f"/blog/in/{group.guid}/feed.atom").text
    assert write(eve, container=str(group.guid), title="Intrusion").status_code == 400
    # the group's manager may edit a member's post in the group
    assert ada.get(f"/blog/{post.guid}/edit").status_code == 200
    assert eve.get(f"/blog/{post.guid}/edit").status_code in (403, 404)


def test_group_admins_switch_the_blog_off(signed_in):
    from plugins.groups.models import Group

    ada, bob = signed_in("ada"), signed_in("bob")
    group = make_group(ada.account.guid, [ada.account.guid, bob.account.guid])
    with database.connection_context():
        Group.update(disabled_tools=["blog"]).where(Group.entity == group.guid).execute()
    assert f'value="{group.guid}"' not in bob.get("/blog/new").text
    assert write(bob, container=str(group.guid)).status_code == 400
