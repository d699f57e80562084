"""Agenda events: create, list, show, edit, time zones, all-day, recurrence with exceptions, cancel, filters."""

import datetime as dt

import pytest

from core.db import database, now
from core.models import Entity
from plugins.agenda.models import Event

from .conftest import event_helpers

pytestmark = pytest.mark.site(plugins=["agenda"], language="en")

SOON = (now() + dt.timedelta(days=10)).date()


form, create = event_helpers({"title": "Fête du jardin", "description": "Le **samedi** au jardin.",
                              "start_date": SOON.isoformat(), "start_time": "14:00",
                              "end_date": SOON.isoformat(), "end_time": "18:00",
                              "place_name": "Jardin partagé", "address": "3 rue des Lilas",
                              "commune": "Amiens", "postcode": "80000", "lat": "49.89", "lon": "2.29"})


def event(guid):
    with database.connection_context():
        return Event.get_by_id(guid)


def test_create_list_show(signed_in, client):
    ada = signed_in("ada")
    guid = create(ada)
    row = event(guid)
    # 14:00 in Paris is stored in UTC with the zone name
    local = dt.datetime.combine(SOON, dt.time(14)).replace(tzinfo=dt.UTC)
    assert row.tz == "Europe/Paris" and row.start.hour in (12, 13) and row.start.date() == local.date()
    assert (row.end - row.start) == dt.timedelta(hours=4)
    page = client.get("/agenda/")
    assert page.status_code == 200 and "Fête du jardin" in page.text and "Amiens" in page.text
    detail = client.get(f"/agenda/{guid}")
    assert detail.status_code == 200 and "<strong>samedi</strong>" in detail.text and "Jardin partagé" in detail.text
    assert "2 PM – 6 PM" in detail.text  # said for people, in the site's language (issue 16.10)


def test_coordinates_from_the_form_keep_their_precision(signed_in):
    """Double precision on both databases (PostgreSQL's ``real`` moved points by up to a metre)."""
    row = event(create(signed_in("ada"), lat="49.8940667123", lon="2.2957534321"))
    assert (row.lat, row.lon) == (49.8940667123, 2.2957534321)


def test_broken_form_comes_back_filled(signed_in):
    ada = signed_in("ada")
    response = ada.post_form("/agenda/new", form(title="", start_time="", description="Mon texte précieux",
                                                 end_time="10:00"))
    assert response.status_code == 400 and "Mon texte précieux" in response.text
    assert response.text.count('class="field-error"') == 2
    with database.connection_context():
        assert not Event.select().exists()


def test_all_day_event(signed_in, client):
    ada = signed_in("ada")
    guid = create(ada, all_day="1", start_time="", end_time="", title="Brocante")
    row = event(guid)
    assert row.all_day and (row.end - row.start) == dt.timedelta(days=1)
    assert "all day" in client.get(f"/agenda/{guid}").text


def test_weekly_recurrence_with_exceptions_keeps_wall_clock_time(signed_in, client):
    ada = signed_in("ada")
    monday = dt.date(2027, 3, 1)  # crosses the change to summer time on 28 March
    guid = create(ada, title="Atelier vélo", start_date=monday.isoformat(), end_date=monday.isoformat(),
                  start_time="18:00", end_time="20:00", repeat="weekly", until="2027-04-30",
                  exdates="2027-03-15\n2027-04-05")
    from plugins.agenda.events import occurrences

    row = event(guid)
    assert row.rrule == "FREQ=WEEKLY;UNTIL=20270430T235959" and row.exdates == ["2027-03-15", "2027-04-05"]
    with database.connection_context():
        row = Event.select(Event, Entity).join(Entity, on=(Event.entity == Entity.guid)).where(
            Event.entity == guid).get()
    occ = occurrences(row, dt.datetime(2027, 1, 1), dt.datetime(2028, 1, 1))
    days = [o.local_start.date() for o in occ]
    assert dt.date(2027, 3, 15) not in days and dt.date(2027, 4, 5) not in days
    assert len(days) == 9 - 2
    assert {o.local_start.hour for o in occ} == {18}  # 18:00 local before and after the DST change
    assert {o.start.hour for o in occ} == {17, 16}
    month = client.get("/agenda/month?month=2027-03")
    assert month.status_code == 200 and month.text.count("Atelier vélo") == 4  # 1, 8, 22, 29 March


def test_monthly_with_count(signed_in):
    ada = signed_in("ada")
    guid = create(ada, start_date="2027-01-10", end_date="2027-01-10", repeat="monthly", count="3")
    row = event(guid)
    assert row.rrule == "FREQ=MONTHLY;COUNT=3"
    assert row.last_end.date() == dt.date(2027, 3, 10)


def test_edit_and_cancel_keep_the_event(signed_in, client):
    ada = signed_in("ada")
    guid = create(ada)
    assert event(guid).sequence == 0
    ada.post_form(f"/agenda/{guid}/edit", form(title="Fête du jardin (nouveau titre)"))
    assert event(guid).sequence == 0  # the title is not a significant change
    ada.post_form(f"/agenda/{guid}/edit", form(start_time="15:00"))
    assert event(guid).sequence == 1
    ada.post_form(f"/agenda/{guid}/cancel", {}, token_from="/agenda/")
    assert event(guid).cancelled and event(guid).sequence == 2
    assert "This event is cancelled" in client.get(f"/agenda/{guid}").text
    assert "Cancelled" in client.get("/agenda/").text
    bob = signed_in("bob")
    assert bob.post_form(f"/agenda/{guid}/cancel", {}, token_from="/agenda/").status_code == 403


def test_filters_and_keyset_pages(signed_in, client):
    ada = signed_in("ada")
    for i in range(23):
        day = (SOON + dt.timedelta(days=i)).isoformat()
        create(ada, title=f"Réunion {i:02d}", start_date=day, end_date=day,
               commune="Laon" if i % 2 else "Amiens", lat="49.56" if i % 2 else "49.89",
               lon="3.62" if i % 2 else "2.29")
    first = client.get("/agenda/")
    assert "Réunion 00" in first.text and "Réunion 19" in first.text and "Réunion 20" not in first.text
    import re

    nxt = re.search(r'rel="next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    second = client.get(nxt)
    assert "Réunion 20" in second.text and "Réunion 22" in second.text and "Réunion 19" not in second.text
    laon = client.get("/agenda/?commune=laon")
    assert "Réunion 01" in laon.text and "Réunion 02" not in laon.text
    near = client.get("/agenda/?near=49.89,2.30&km=5")
    assert "Réunion 02" in near.text and "Réunion 01" not in near.text
    ranged = client.get(f"/agenda/?from={(SOON + dt.timedelta(days=3)).isoformat()}"
                        f"&to={(SOON + dt.timedelta(days=4)).isoformat()}")
    assert "Réunion 03" in ranged.text and "Réunion 04" in ranged.text and "Réunion 05" not in ranged.text
    data = client.get("/agenda/map.json").json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 23


def test_access_applies_in_listings(signed_in, client):
    ada = signed_in("ada")
    guid = create(ada, title="Réunion du bureau", access="members")
    assert "Réunion du bureau" not in client.get("/agenda/").text
    assert client.get(f"/agenda/{guid}").status_code == 404
    assert "Réunion du bureau" in ada.get("/agenda/").text
    assert "Réunion du bureau" not in client.get("/agenda/feed.ics").text


def test_past_list_and_recurring_occurrences_in_pages(signed_in, client):
    ada = signed_in("ada")
    yesterday = (now() - dt.timedelta(days=1)).date().isoformat()
    create(ada, title="Hier", start_date=yesterday, end_date=yesterday)
    create(ada, title="Chaque semaine", repeat="weekly", count="30")
    upcoming = client.get("/agenda/")
    assert "Hier" not in upcoming.text and upcoming.text.count("Chaque semaine") == 20  # one per occurrence
    past = client.get("/agenda/?past=1")
    assert "Hier" in past.text and "Chaque semaine" not in past.text


def test_image_checked_by_content(signed_in, client):
    import io

    from PIL import Image

    ada = signed_in("ada")
    fake = ada.post("/agenda/new", data={**form(), "csrf_token": ada.csrf("/agenda/new")},
                    files={"image": ("photo.jpg", b"<script>alert(1)</script>", "image/jpeg")})
    assert fake.status_code == 400 and "Fête du jardin" in fake.text
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(buf, "PNG")
    ok = ada.post("/agenda/new", data={**form(), "csrf_token": ada.csrf("/agenda/new")},
                  files={"image": ("photo.png", buf.getvalue(), "image/png")}, follow_redirects=False)
    assert ok.status_code == 303
    guid = int(ok.headers["location"].rsplit("/", 1)[1])
    image = client.get(f"/agenda/{guid}/image")
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/")


def test_members_can_post_setting(make_app, signed_in):
    make_app(plugins=["agenda"], language="en", toml="[plugins.agenda]\nmembers_can_post = false\n")
    ada = signed_in("ada")
    assert ada.get("/agenda/new").status_code == 403


def test_a_busy_day_of_the_month_view_lists_four_and_links_to_the_rest(signed_in, client):
    ada = signed_in("ada")
    for n in range(6):
        create(ada, title=f"Atelier {n}", start_date="2027-05-12", end_date="2027-05-12",
               start_time=f"1{n}:00", end_time=f"1{n}:30")
    month = client.get("/agenda/month?month=2027-05").text
    assert sum(f"Atelier {n}" in month for n in range(6)) == 4
    assert "2 more" in month and "/agenda/?from=2027-05-12&amp;to=2027-05-12" in month
    day = client.get("/agenda/?from=2027-05-12&to=2027-05-12").text
    assert all(f"Atelier {n}" in day for n in range(6))


def test_month_days_places_events_on_their_own_local_days(signed_in, app):
    """A three-day event counts on each of its days; a late event in Nouméa (UTC+11) sits on its
    local day, not on the UTC one; the earliest events of a day are the ones shown."""
    from plugins.agenda import schedule

    ada = signed_in("ada")
    create(ada, title="Festival", start_date="2027-06-10", end_date="2027-06-12", start_time="10:00",
           end_time="18:00")
    create(ada, title="Soirée Nouméa", start_date="2027-06-15", end_date="2027-06-15", start_time="08:00",
           end_time="09:00", tz="Pacific/Noumea")  # 21:00 UTC on the 14th
    for n in range(3):
        create(ada, title=f"Atelier {n}", start_date="2027-06-20", end_date="2027-06-20",
               start_time=f"1{n}:00", end_time=f"1{n}:30")
    site = app.runtime("test")
    with database.connection_context():
        by_day, counts = schedule.month_days(site, None, dt.date(2027, 5, 31), dt.date(2027, 7, 4), per_day=2)
    assert [counts.get(dt.date(2027, 6, d)) for d in (9, 10, 11, 12, 13)] == [None, 1, 1, 1, None]
    assert counts.get(dt.date(2027, 6, 15)) == 1 and dt.date(2027, 6, 14) not in counts
    assert counts[dt.date(2027, 6, 20)] == 3
    assert [o.entity.title for o in by_day[dt.date(2027, 6, 20)]] == ["Atelier 0", "Atelier 1"]
    assert by_day[dt.date(2027, 6, 11)][0].local_start.hour == 10


def test_a_members_month_is_the_shared_month_with_their_own_events_merged(signed_in, app):
    """A member's month is the visitors' shared month plus the events only they (and members) see,
    merged: the members-only event is counted and shown in order of start among the public ones,
    per-day limit kept; visitors do not see it; a member sees exactly what the whole computation gives."""
    from plugins.agenda import schedule

    ada, bob = signed_in("ada"), signed_in("bob")
    for n in (0, 2):
        create(ada, title=f"Public {n}", start_date="2027-09-14", end_date="2027-09-14",
               start_time=f"1{n}:00", end_time=f"1{n}:30")
    create(ada, title="Members 1", start_date="2027-09-14", end_date="2027-09-14", start_time="11:00",
           end_time="11:30", access="members")
    create(ada, title="Members only", start_date="2027-09-20", end_date="2027-09-20", access="members")
    site = app.runtime("test")
    first, last = dt.date(2027, 8, 30), dt.date(2027, 10, 3)
    day, other = dt.date(2027, 9, 14), dt.date(2027, 9, 20)
    with database.connection_context():
        visitor_days, visitor_counts = schedule.month_days(site, None, first, last, per_day=2)  # now shared
        member_days, member_counts = schedule.month_days(site, bob.account, first, last, per_day=2)
        whole = schedule._month_days(site, bob.account, first, last, 2, "Europe/Paris", 10_000, {})
    assert visitor_counts[day] == 2 and other not in visitor_counts
    assert [o.entity.title for o in visitor_days[day]] == ["Public 0", "Public 2"]
    assert member_counts[day] == 3 and member_counts[other] == 1
    assert [o.entity.title for o in member_days[day]] == ["Public 0", "Members 1"]
    assert member_counts == whole[1]
    assert {d: [o.entity.guid for o in cell] for d, cell in member_days.items()} == {
        d: [o.entity.guid for o in cell] for d, cell in whole[0].items()}


def test_the_visitors_calendar_is_kept_and_forgotten_when_an_event_changes(signed_in, client):
    """Visitors share one computed month per worker; saving or cancelling an event here drops it."""

    ada = signed_in("ada")
    guid = create(ada, title="Bal du printemps", start_date="2027-04-17", end_date="2027-04-17")
    assert "Bal du printemps" in client.get("/agenda/month?month=2027-04").text
    with database.connection_context():  # changed behind the agenda's back: visitors keep the month they share
        Entity.update(title="Bal changé en douce").where(Entity.guid == guid).execute()
    assert "Bal du printemps" in client.get("/agenda/month?month=2027-04").text
    ada.post_form(f"/agenda/{guid}/edit", form(title="Bal de printemps", start_date="2027-04-17",
                                               end_date="2027-04-17"))
    month = client.get("/agenda/month?month=2027-04").text
    assert "Bal de printemps" in month and "Bal du printemps" not in month


def test_the_month_grid_is_drawn_once_for_visitors_and_members_with_nothing_of_their_own(signed_in, client, app,
                                                                                       monkeypatch):
    """The grid of the visitors' month is drawn once a minute per worker and language, and shared with the
    members who see nothing more; a member who sees a members-only event gets a grid of their own with it."""
    ada, bob = signed_in("ada"), signed_in("bob")
    create(ada, title="Fête des voisins", start_date="2027-05-21", end_date="2027-05-21")
    site = app.runtime("test")
    drawn, real = [], site.templates.get_template
    monkeypatch.setattr(site.templates, "get_template",
                        lambda name, *a, **kw: (drawn.append(name) if "_month_table" in name else None) or real(name, *a, **kw))
    pages = [who.get("/agenda/month?month=2027-05").text for who in (client, client, bob)]
    assert all("Fête des voisins" in page for page in pages)
    assert drawn == ["agenda/_month_table.html"]  # once for the visitors, and bob sees nothing more
    grid = pages[0][pages[0].index('<table class="calendar">'):pages[0].index("</table>")]
    assert grid in pages[2]
    create(ada, title="Réunion du bureau", start_date="2027-05-12", end_date="2027-05-12", access="members")
    visitor, member = client.get("/agenda/month?month=2027-05").text, bob.get("/agenda/month?month=2027-05").text
    assert "Réunion du bureau" not in visitor and "Réunion du bureau" in member and "Fête des voisins" in member
    assert len(drawn) == 3  # the visitors' grid again (an event was created), and bob's own
