"""The home page's "Next events" box lists the upcoming events, for visitors and for members."""

import datetime as dt

import pytest

from core.db import now

pytestmark = pytest.mark.site(plugins=["agenda"], language="en")


def create(client, title, days=10, access="public"):
    day = (now() + dt.timedelta(days=days)).date().isoformat()
    response = client.post_form("/agenda/new", {
        "title": title, "description": "", "start_date": day, "start_time": "14:00", "end_date": day,
        "end_time": "18:00", "tz": "Europe/Paris", "commune": "Amiens", "postcode": "80000", "access": access,
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


def _box(client) -> str:
    page = client.get("/").text
    return page[page.index("Next events"):page.index("The whole agenda")]


def test_visitors_share_the_next_events_and_members_get_theirs_merged_in(app, signed_in, client, monkeypatch):
    """What visitors see is kept a minute per worker and shared; a change to an event renews it at once; a
    member sees the members-only events in their place among the shared ones; an event that ended leaves."""
    from plugins.agenda import schedule

    ada = signed_in("ada")
    for days, title in ((3, "Troc de plantes"), (5, "Balade"), (7, "Concert")):
        create(ada, title, days)
    create(ada, "Réunion des membres", 4, access="members")
    read = []
    real = schedule.listing
    monkeypatch.setattr(schedule, "listing", lambda site, viewer, **kw: read.append(viewer) or real(site, viewer, **kw))
    first = _box(client)
    assert first.index("Troc de plantes") < first.index("Balade") < first.index("Concert")
    assert "Réunion des membres" not in first and read == [None]
    assert _box(client) == first and read == [None]  # the second visitor reads nothing
    member = _box(signed_in("bob"))
    assert member.index("Troc de plantes") < member.index("Réunion des membres") < member.index("Balade")
    assert len(read) == 2 and read[1] is not None  # only the events beyond the visitors' were read for bob
    create(ada, "Vide-grenier", 1)  # a new event shows at once
    assert _box(client).index("Vide-grenier") < _box(client).index("Troc de plantes")
    later = now() + dt.timedelta(days=3, hours=23)  # the first two have ended; the copy is not renewed yet
    monkeypatch.setattr(schedule, "now", lambda: later)
    box = _box(client)
    assert "Vide-grenier" not in box and "Troc de plantes" not in box and "Balade" in box
