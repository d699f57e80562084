"""Agenda hooks and places: geocoding through a local imitation of the services, search, personal data,
home widget, demo data, French dates."""

import datetime as dt
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.db import database, now
from core.models import Account, Entity
from plugins.agenda.models import Event, Participation

from .conftest import event_helpers

pytestmark = pytest.mark.site(plugins=["agenda"], language="en")

SOON = (now() + dt.timedelta(days=3)).date().isoformat()


form, create = event_helpers({"title": "Nettoyage des berges", "description": "Gants fournis.",
                              "start_date": SOON, "start_time": "09:00", "end_date": SOON,
                              "end_time": "12:00", "place_name": "Pont", "address": "1 quai Bélu",
                              "commune": "Amiens", "postcode": "80000"})


class FakeGeocoder(BaseHTTPRequestHandler):
    """Answers like Nominatim (/search?format=json) and the national address API (/search/?q=)."""

    seen: list = []

    def do_GET(self):  # noqa: N802
        FakeGeocoder.seen.append(self.path)
        if "format=json" in self.path:
            body = [{"lat": "49.8950", "lon": "2.3010", "display_name": "quai Bélu, Amiens"}]
        else:
            body = {"type": "FeatureCollection", "features": [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.3020, 49.8960]},
                 "properties": {"label": "1 Quai Bélu 80000 Amiens"}}]}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def geocoder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGeocoder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeGeocoder.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("service,lat", [("nominatim", 49.895), ("ban", 49.896)])
def test_address_geocoded_server_side_when_configured(make_app, signed_in, geocoder, service, lat):
    make_app(plugins=["agenda"], toml=f'[plugins.agenda]\ngeocoder = "{service}"\ngeocoder_url = "{geocoder}"\n')
    ada = signed_in("ada")
    guid = create(ada)
    with database.connection_context():
        row = Event.get_by_id(guid)
    assert row.lat == pytest.approx(lat) and row.lon == pytest.approx(2.301 if service == "nominatim" else 2.302)
    assert len(FakeGeocoder.seen) == 1 and "B%C3%A9lu" in FakeGeocoder.seen[0]


def test_no_service_no_call_and_chosen_point_kept(make_app, signed_in, geocoder):
    make_app(plugins=["agenda"], toml=f'[plugins.agenda]\ngeocoder = "none"\ngeocoder_url = "{geocoder}"\n')
    ada = signed_in("ada")
    guid = create(ada, lat="49.9", lon="2.28")
    with database.connection_context():
        row = Event.get_by_id(guid)
    assert (row.lat, row.lon) == (49.9, 2.28) and FakeGeocoder.seen == []


def test_gazetteer_finds_the_commune_offline(signed_in):
    gazetteer = pytest.importorskip("core.gazetteer")
    places = gazetteer.lookup("80000")
    if not places:
        pytest.skip("the gazetteer has no data for 80000")
    ada = signed_in("ada")
    guid = create(ada, address="")
    with database.connection_context():
        row = Event.get_by_id(guid)
    assert row.lat == pytest.approx(places[0].lat) and row.lon == pytest.approx(places[0].lon)


def test_search_activity_and_widget(signed_in, client, app):
    ada = signed_in("ada")
    guid = create(ada)
    from core import search

    site = app.runtime("test")
    with database.connection_context():
        found = search.search(site, None, "berges")
        assert [e.guid for e in found] == [guid]
        from core.models import Activity

        assert Activity.select().where(Activity.entity == guid, Activity.verb == "published").exists()
    home = client.get("/")
    assert "Nettoyage des berges" in home.text


def test_personal_data_export_and_delete(signed_in, app):
    ada, ann = signed_in("ada"), signed_in("ann")
    guid = create(ada)
    ann.post_form(f"/agenda/{guid}/answer", {"answer": "going"}, token_from=f"/agenda/{guid}")
    site = app.runtime("test")
    with database.connection_context():
        ada_account = Account.get(Account.email == "ada@example.org")
        ann_account = Account.get(Account.email == "ann@example.org")
        exported = {}
        for part in site.call("maillage_export_personal_data", site=site, user=ada_account):
            exported.update(part or {})
        assert exported["agenda/events.json"][0]["title"] == "Nettoyage des berges"
        answers = {}
        for part in site.call("maillage_export_personal_data", site=site, user=ann_account):
            answers.update(part or {})
        assert answers["agenda/answers.json"][0]["status"] == "going"
        site.call("maillage_delete_personal_data", site=site, user=ann_account, mode="delete")
        assert not Participation.select().where(Participation.member == ann_account.guid).exists()


def test_demo_small_and_bulk(app, member_factory):
    for i in range(3):
        member_factory(f"member{i}")
    site = app.runtime("test")
    from plugins.agenda import demo

    with database.connection_context():
        demo.generate(site, "small", random.Random(1))
        rows = list(Event.select())
        assert len(rows) == 12 and sum(1 for r in rows if r.rrule) == 1
        organisers = list(Account.select().where(Account.email.startswith("member")))
        demo.bulk(site, organisers, random.Random(2), 1500)
        assert Event.select().count() == 1512
        assert Entity.select().where(Entity.kind == "agenda.event").count() == 1512
        from core.models import Activity
        from core.search import SearchDocument

        assert Activity.select().where(Activity.kind == "agenda.event").count() == 1512
        assert SearchDocument.select().where(SearchDocument.kind == "agenda.event").count() == 1512


def test_dates_in_french(make_app, signed_in):
    make_app(plugins=["agenda"], language="fr")
    ada = signed_in("ada")
    guid = create(ada, start_date="2030-06-14", end_date="2030-06-14")
    page = ada.get(f"/agenda/{guid}", headers={"Accept-Language": "fr"})
    assert "vendredi 14 juin 2030" in page.text and "Viendrez-vous" in page.text
    month = ada.get("/agenda/month?month=2030-06")
    assert "juin 2030" in month.text


def test_an_event_found_by_the_search_shows_when_it_takes_place(signed_in, client):
    """Search results show an event as the agenda does (date badge, day and hours), not the day it was
    published, which read as its date."""
    ada = signed_in("ada")
    create(ada)
    page = client.get("/search?q=berges").text
    result = page.split('card-list search-results"', 1)[1].split("</li>", 1)[0]
    day = dt.date.fromisoformat(SOON)
    assert 'class="date-badge"' in result and f'<span class="day">{day.day}</span>' in result
    assert f'<time datetime="{SOON}T09:00:00' in result and "9:00" in result
    assert f'datetime="{now().date().isoformat()}' not in result  # the day it was published (SOON is 3 days on)
    assert "By Ada</p>" in result  # its organiser, read with the event in one query
