"""The relationship partial on a profile: buttons follow the state; nothing offered to a blocked member."""

from core.db import database
from core.models import Relationship


def test_buttons_follow_the_state_and_a_blocked_member_gets_none(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    profile = f"/members/{ada.account.guid}"
    assert f"/social/{ada.account.guid}/do/follow" in bob.get(profile).text
    assert "/do/follow" not in ada.get(profile).text  # not about oneself
    visitor = client.get(profile).text
    assert "/do/" not in visitor and f"/social/{ada.account.guid}/followers" in visitor  # counts, no buttons
    with database.connection_context():
        Relationship.create(site="test", subject=ada.account.guid, verb="blocks", object=bob.account.guid)
    page = bob.get(profile).text
    assert "/do/follow" not in page and "/do/connect" not in page


def test_the_partials_show_nothing_without_an_entity(app):
    site = app.runtime("test")
    for name in ("core/_relationship_actions.html", "core/_member_feed.html"):
        assert site.templates.get_template(name).render({}).strip() == ""
