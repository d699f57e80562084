"""The home page's "Next events" box lists the upcoming events, for visitors and for members."""

import datetime as dt

import pytest

from core.db import now

pytestmark = pytest.mark.site(plugins=["agenda"], language="en")


def create(client, title):
    day = (now() + dt.timedelta(days=10)).date().isoformat()
    response = client.post_form("/agenda/new", {
        "title": title, "description": "", "start_date": day, "start_time": "14:00", "end_date": day,
        "end_time": "18:00", "tz": "Europe/Paris", "commune": "Amiens", "postcode": "80000", "access": "public",
        "show_participants": "organiser"}, follow_redirects=False)
    assert response.status_code == 303, response.text


def test_home_box_lists_the_upcoming_events(signed_in, client):
    ada = signed_in("ada")
    create(ada, "Fête du jardin")
    create(ada, "Assemblée générale")
    for who in (client, ada):
        page = who.get("/").text
        box = page[page.index("Next events"):]
        assert "Fête du jardin" in box and "Assemblée générale" in box
        assert "No upcoming event." not in page
