"""A public post or event published in a hidden group does not show the group's name nor its link to
visitors and non-members (issue 19, point 4: the pages of posts and events)."""

import pytest

pytestmark = pytest.mark.site(plugins=["groups", "blog", "agenda"], language="en")

SECRET = "Cercle Zanzibarquinoa"


def _group(ada):
    response = ada.post_form("/groups/new", {"name": SECRET, "membership": "invitation", "visibility": "hidden"},
                             follow_redirects=False)
    assert response.status_code == 303
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_a_public_post_and_event_in_a_hidden_group_keep_its_name_from_outsiders(signed_in, client):
    ada, eve = signed_in("ada"), signed_in("eve")
    group = _group(ada)
    post = ada.post_form("/blog/new", {"title": "Open letter", "body": "Text", "access": "public", "comments": "1",
                                       "container": str(group), "action": "publish"}, follow_redirects=False)
    assert post.status_code == 303, post.text
    event = ada.post_form("/agenda/new", {"title": "Open day", "start_date": "2030-05-04", "start_time": "10:00",
                                          "access": "public", "container": str(group)}, follow_redirects=False)
    assert event.status_code == 303, event.text
    for path in (post.headers["location"], event.headers["location"]):
        assert SECRET in ada.get(path).text  # its members see where it was published
        for outsider in (client, eve):
            page = outsider.get(path)
            assert page.status_code == 200 and "Open" in page.text
            assert SECRET not in page.text and f"/in/{group}" not in page.text
