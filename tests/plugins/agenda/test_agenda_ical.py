"""iCalendar: one event and the feeds, parsed with icalendar, every field checked; the private feed."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from core.db import database
from core.models import Entity

from .conftest import event_helpers

TAXONOMY = """
[[taxonomy]]
id = "culture"
label = "Culture"

[[taxonomy]]
id = "sport"
label = "Sport"
"""
pytestmark = pytest.mark.site(plugins=["agenda"], language="en", toml=TAXONOMY)


form, create = event_helpers({"title": "Concert d'automne", "description": "Avec la **chorale**.",
                              "start_date": "2030-10-12", "start_time": "20:30", "end_date": "2030-10-12",
                              "end_time": "22:00", "place_name": "Église Saint-Leu",
                              "address": "Rue Saint-Leu", "commune": "Amiens", "postcode": "80000",
                              "lat": "49.897", "lon": "2.302", "categories": "culture"})


def events_of(body: bytes):
    cal = Calendar.from_ical(body)
    return cal, [c for c in cal.walk("VEVENT")]


def test_one_event_every_field(signed_in, client):
    ada = signed_in("ada")
    guid = create(ada)
    response = client.get(f"/agenda/{guid}/event.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    cal, (ev,) = events_of(response.content)
    assert str(cal["version"]) == "2.0" and "maillage" in str(cal["prodid"])
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(ev["uid"]) == f"agenda-{guid}@test.maillage"
    assert ev["sequence"] == 0
    assert str(ev["summary"]) == "Concert d'automne"
    assert "chorale" in str(ev["description"]) and "**" not in str(ev["description"])
    start = ev.decoded("dtstart")
    assert start == dt.datetime(2030, 10, 12, 20, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert ev["dtstart"].params["TZID"] == "Europe/Paris"
    assert ev.decoded("dtend") == dt.datetime(2030, 10, 12, 22, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert str(ev["location"]) == "Église Saint-Leu, Rue Saint-Leu, 80000, Amiens"
    assert ev["geo"].latitude == pytest.approx(49.897) and ev["geo"].longitude == pytest.approx(2.302)
    assert str(ev["url"]).endswith(f"/agenda/{guid}")
    assert str(ev["status"]) == "CONFIRMED"
    assert ev["organizer"].params["CN"] == "Ada"
    assert [str(c) for c in ev["categories"].cats] == ["culture"]
    assert ev.decoded("dtstamp").tzinfo is not None and "created" in ev and "last-modified" in ev
    # UID stable, SEQUENCE up on a significant edit, STATUS:CANCELLED on cancellation
    ada.post_form(f"/agenda/{guid}/edit", form(start_time="21:00"))
    ada.post_form(f"/agenda/{guid}/cancel", {}, token_from="/agenda/")
    _cal, (ev,) = events_of(client.get(f"/agenda/{guid}/event.ics").content)
    assert str(ev["uid"]) == f"agenda-{guid}@test.maillage" and ev["sequence"] == 2
    assert str(ev["status"]) == "CANCELLED"
    assert ev.decoded("dtstart").hour == 21


def test_recurrence_rule_and_exceptions(signed_in, client):
    ada = signed_in("ada")
    guid = create(ada, repeat="weekly", until="2030-12-31", exdates="2030-10-19\n2030-11-02")
    _cal, (ev,) = events_of(client.get(f"/agenda/{guid}/event.ics").content)
    rule = ev["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    until = rule["UNTIL"][0]
    assert until.tzinfo is not None and until.astimezone(dt.UTC) == dt.datetime(2030, 12, 31, 22, 59, 59,
                                                                                tzinfo=dt.UTC)
    exdates = ev["exdate"] if isinstance(ev["exdate"], list) else [ev["exdate"]]
    days = sorted(d.dt for e in exdates for d in e.dts)
    assert days == [dt.datetime(2030, 10, 19, 20, 30, tzinfo=ZoneInfo("Europe/Paris")),
                    dt.datetime(2030, 11, 2, 20, 30, tzinfo=ZoneInfo("Europe/Paris"))]


def test_all_day_uses_dates(signed_in, client):
    ada = signed_in("ada")
    guid = create(ada, all_day="1", start_time="", end_time="", end_date="2030-10-13")
    cal, (ev,) = events_of(client.get(f"/agenda/{guid}/event.ics").content)
    assert ev.decoded("dtstart") == dt.date(2030, 10, 12) and ev.decoded("dtend") == dt.date(2030, 10, 14)


def test_feeds_site_organiser_category_and_container(signed_in, client):
    ada, bob = signed_in("ada"), signed_in("bob")
    concert = create(ada)
    match = create(bob, title="Match de football", categories="sport")
    hidden = create(ada, title="Bureau", access="members")
    uids = lambda body: {str(e["uid"]) for e in events_of(body)[1]}  # noqa: E731
    site = uids(client.get("/agenda/feed.ics").content)
    assert site == {f"agenda-{concert}@test.maillage", f"agenda-{match}@test.maillage"}
    assert uids(client.get("/agenda/feed.ics?category=sport").content) == {f"agenda-{match}@test.maillage"}
    with database.connection_context():
        ada_guid = Entity.get_by_id(concert).owner_id
    assert uids(client.get(f"/agenda/by/{ada_guid}/feed.ics").content) == {f"agenda-{concert}@test.maillage"}
    assert f"agenda-{hidden}@" not in client.get(f"/agenda/by/{ada_guid}/feed.ics").text


def test_private_feed_of_my_events_and_revocation(signed_in, client):
    ada, ann = signed_in("ada"), signed_in("ann")
    guid = create(ada, access="members", title="Réunion interne")
    other = create(ada, title="Autre")
    ann.post_form(f"/agenda/{guid}/answer", {"answer": "going"}, token_from=f"/agenda/{guid}")
    page = ann.get("/agenda/mine")
    link = re.search(r'id="private-link" readonly value="([^"]+)"', page.text).group(1)
    path = link.split("testserver", 1)[1]
    body = client.get(path)  # no session: the token is the key
    assert body.status_code == 200
    found = {str(e["uid"]) for e in events_of(body.content)[1]}
    assert found == {f"agenda-{guid}@test.maillage"} and f"agenda-{other}@" not in body.text
    assert client.get(path.replace(".ics", "x.ics")).status_code == 404
    ann.post_form("/agenda/mine", {})  # a new address revokes the old one
    assert client.get(path).status_code == 404
