"""Tabs of the content plugins the site enabled, switched per group; post_in follows them."""

import pytest

from core import entities
from core.db import database
from core.models import Entity

pytestmark = pytest.mark.site(plugins=["groups", "blog", "documents"], language="en")


def test_tabs_follow_site_plugins_and_group_choice(app, signed_in):
    ada, bob, cy = signed_in("ada"), signed_in("bob"), signed_in("cy")
    r = ada.post_form("/groups/new", {"name": "Club", "membership": "open", "visibility": "public"},
                      follow_redirects=False)
    g = int(r.headers["location"].rsplit("/", 1)[1])
    bob.post_form(f"/groups/{g}/join", token_from=f"/groups/{g}")
    page = ada.get(f"/groups/{g}").text
    assert f'href="/blog/in/{g}"' in page and f'href="/documents/in/{g}"' in page
    assert "/forums/in/" not in page and "/agenda/in/" not in page  # not enabled on this site
    site = app.runtime("test")
    with database.connection_context():
        group = Entity.get_by_id(g)
        assert entities.can(site, bob.account, "blog.post_in", group)
        assert not entities.can(site, cy.account, "blog.post_in", group)  # not a member
    # the group keeps documents only
    ada.post_form(f"/groups/{g}/edit", {"name": "Club", "membership": "open", "visibility": "public",
                                        "tools": "documents"})
    page = ada.get(f"/groups/{g}").text
    assert f'href="/blog/in/{g}"' not in page and f'href="/documents/in/{g}"' in page
    with database.connection_context():
        group = Entity.get_by_id(g)
        assert not entities.can(site, bob.account, "blog.post_in", group)
        assert entities.can(site, bob.account, "documents.post_in", group)
        assert entities.can(site, ada.account, "edit", group) and not entities.can(site, bob.account, "edit", group)


@pytest.mark.site(plugins=["groups", "blog", "documents", "forums"], language="en")
def test_group_pages_use_the_core_tabs_with_the_current_one_marked(signed_in):
    ada = signed_in("ada")
    r = ada.post_form("/groups/new", {"name": "Club", "membership": "open", "visibility": "public"},
                      follow_redirects=False)
    g = int(r.headers["location"].rsplit("/", 1)[1])
    for path, current in [(f"/groups/{g}", "Activity"), (f"/groups/{g}/members", "Members"),
                          (f"/forums/in/{g}", "Forum")]:
        page = ada.get(path).text
        nav = page.split('aria-label="Group sections"', 1)[1].split("</nav>", 1)[0]
        assert '<ul class="nav nav-tabs">' in nav and 'class="tabs"' not in page
        assert nav.count('aria-current="page"') == 1
        assert f'class="nav-link active" href="{path}" aria-current="page">{current}</a>' in nav
        assert f'href="/blog/in/{g}"' in nav and f'href="/documents/in/{g}"' in nav


@pytest.mark.site(plugins=["groups"], language="en")
def test_group_members_are_cards_with_their_picture_and_the_admins_buttons(signed_in):
    ada, bob = signed_in("ada"), signed_in("bob")
    r = ada.post_form("/groups/new", {"name": "Club", "membership": "open", "visibility": "public"},
                      follow_redirects=False)
    g = int(r.headers["location"].rsplit("/", 1)[1])
    bob.post_form(f"/groups/{g}/join", token_from=f"/groups/{g}")
    page = ada.get(f"/groups/{g}/members").text
    members = page.split('card-list grid group-members"', 1)[1].split("</ul>", 1)[0]
    assert members.count('class="card item-card') == 2 and members.count('class="initials') == 2
    assert members.count('<span class="badge">administrator</span>') == 1  # Ada, who created it
    assert members.count("Make administrator") == 1 and 'btn btn-sm btn-outline-danger">Ban<' in members  # Bob's
    assert "Make administrator" not in bob.get(f"/groups/{g}/members").text
