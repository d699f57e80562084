"""The first-steps panel on a member's home: profile, organisation's card, an event, invitations;
each ticked when done, hidden for good on request."""

import datetime as dt

import pytest

from core.db import database, now
from core.profiles import Profile

pytestmark = pytest.mark.site(plugins=["directory", "agenda"], language="en")


def _panel(client):
    page = client.get("/").text
    if "Your first steps" not in page:
        return None
    return page.split("Your first steps", 1)[1].split("</form>", 1)[0]


def test_first_steps_are_ticked_as_they_are_done_and_can_be_hidden(signed_in, client):
    ada = signed_in("ada")
    assert _panel(client) is None  # visitors have no panel
    panel = _panel(ada)
    for label in ("Fill in your profile", "Add your organisation", "Publish an event",
                  "Invite the people you work with"):
        assert label in panel
    assert "(done)" not in panel
    with database.connection_context():
        Profile.create(entity=ada.account.guid, bio="Présidente du club de lecture")
    assert ada.post_form("/directory/new", {"name": "Club de lecture", "postcode": "80000", "access": "public"},
                         follow_redirects=False).status_code == 303
    day = (now() + dt.timedelta(days=5)).date().isoformat()
    assert ada.post_form("/agenda/new", {
        "title": "Lecture publique", "description": "", "start_date": day, "start_time": "18:00", "end_date": day,
        "end_time": "20:00", "tz": "Europe/Paris", "commune": "Amiens", "postcode": "80000", "access": "public",
        "show_participants": "organiser"}, follow_redirects=False).status_code == 303
    panel = _panel(ada)
    assert panel.count("(done)") == 3
    assert '<a href="/invite">' in panel  # the one left, as a link
    assert ada.post_form("/first-steps/hide", token_from="/", follow_redirects=False).status_code == 303
    assert _panel(ada) is None
