"""Who may do what with an ad: a visitor, a member, the manager of the organisation that published it,
an administrator. Ads belong to the site (no groups): public ones for everyone, members-only ones for
signed-in members; nothing of a members-only ad reaches a visitor (page, list, feed, search, card tab)."""

import pytest

from core.db import database
from plugins.offers.models import Ad

from .conftest import act_as, publish


@pytest.fixture
def board(offers_site, signed_in, client):
    mia = signed_in("mia")  # runs the organisation
    response = mia.post_form("/directory/new", {"name": "Les Amis du Stade", "postcode": "80000", "access": "public"},
                             token_from="/directory/new", follow_redirects=False)
    org = int(response.headers["location"].rsplit("/", 1)[1])
    act_as(mia, org)
    public = publish(mia, title="Arbitres bénévoles")
    members = publish(mia, title="Clés du local", access="members")
    return {"visitor": client, "member": signed_in("bob"), "manager": mia, "admin": signed_in("zoe", role="admin"),
            "org": org, "public": public, "members": members}


EXPECTED_VIEW = {  # (public ad, members-only ad)
    "visitor": (200, 404), "member": (200, 200), "manager": (200, 200), "admin": (200, 200)}


@pytest.mark.parametrize("who", list(EXPECTED_VIEW))
def test_who_sees_what(board, who):
    c = board[who]
    public, members = EXPECTED_VIEW[who]
    assert c.get(f"/offers/{board['public']}").status_code == public
    assert c.get(f"/offers/{board['members']}").status_code == members
    listing = c.get("/offers/").text
    assert ("Clés du local" in listing) == (members == 200)
    near = c.get("/offers/?place=Amiens&km=10&view=map").text
    assert ("Clés du local" in near) == (members == 200)
    by_org = c.get(f"/offers/by/{board['org']}").text
    assert ("Clés du local" in by_org) == (members == 200)
    found = c.get("/search?q=local").text
    assert ("Clés du local" in found) == (members == 200)


def test_the_feed_and_the_card_tab_count_public_ads_only(board):
    feed = board["member"].get("/offers/feed.atom").text
    assert "Arbitres bénévoles" in feed and "Clés du local" not in feed
    assert "(1)" in board["visitor"].get(f"/directory/{board['org']}").text.split("/offers/by/")[1][:200]


EXPECTED_EDIT = {"visitor": 303, "member": 403, "manager": 200, "admin": 200}  # visitors go to the sign-in page


@pytest.mark.parametrize("who", list(EXPECTED_EDIT))
def test_who_edits_closes_renews_and_deletes(board, who):
    c = board[who]
    guid = board["public"]
    expected = EXPECTED_EDIT[who]
    assert c.get(f"/offers/{guid}/edit", follow_redirects=False).status_code == expected
    token_page = f"/offers/{guid}" if who != "visitor" else "/signin"
    post = lambda path, data: c.post_form(path, data, token_from=token_page, follow_redirects=False)  # noqa: E731
    allowed = expected == 200
    assert post(f"/offers/{guid}/close", {"reason": "withdrawn"}).status_code == (303 if allowed else expected)
    with database.connection_context():
        assert (Ad.get_by_id(guid).state == "closed") == allowed
    assert post(f"/offers/{guid}/renew", {}).status_code == (303 if allowed else expected)
    assert post(f"/offers/{guid}/delete", {}).status_code == (303 if allowed else expected)
    gone = board["visitor"].get(f"/offers/{guid}").status_code
    assert gone == (404 if allowed else 200)  # deleted: in the trash, no longer shown


EXPECTED_ANSWER = {"visitor": 303, "member": 303, "manager": 403, "admin": 303}


@pytest.mark.parametrize("who", list(EXPECTED_ANSWER))
def test_who_answers(board, who, use_smtp):
    c = board[who]
    guid = board["public"]
    token_page = f"/offers/{guid}" if who != "visitor" else "/signin"
    response = c.post_form(f"/offers/{guid}/answer", {"body": "Je suis disponible."}, token_from=token_page,
                           follow_redirects=False)
    assert response.status_code == EXPECTED_ANSWER[who]
    if who == "visitor":
        assert "/signin" in response.headers["location"]
    page = c.get(f"/offers/{guid}").text
    assert (f'action="/offers/{guid}/answer"' in page) == (who in ("member", "admin"))


def test_a_member_cannot_answer_a_closed_ad(board):
    board["manager"].post_form(f"/offers/{board['public']}/close", {"reason": "answered"},
                               token_from=f"/offers/{board['public']}")
    response = board["member"].post_form(f"/offers/{board['public']}/answer", {"body": "Encore ?"},
                                         token_from=f"/offers/{board['public']}", follow_redirects=False)
    assert response.status_code == 403
