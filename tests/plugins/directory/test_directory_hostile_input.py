"""Directory cards refuse dangerous links, half or impossible points, bad e-mail and postcode (issue 19)."""

import json

import pytest

from core.db import database
from plugins.directory.models import Organisation

pytestmark = pytest.mark.site(plugins=["directory"])


def _card(client, **extra):
    data = {"name": "Club", "access": "public", "lat": "49.9", "lon": "2.3"}
    data.update(extra)
    return client.post_form("/directory/new", data, follow_redirects=False)


@pytest.mark.parametrize("field, value", [("website", "javascript:alert(1)"),
                                          ("website", "data:text/html,x"),
                                          ("links", "https://ok.example.org\njavascript:alert(1)"),
                                          ("email", "not-an-address"),
                                          ("postcode", "8" * 1000),
                                          ("lat", "91"), ("lon", "181"), ("lat", "inf"), ("lon", "1e400"),
                                          ("lon", ""), ("founded", "9999-12-31")])
def test_a_hostile_value_gives_the_form_back_with_a_message_and_saves_nothing(signed_in, field, value):
    ada = signed_in("ada")
    response = _card(ada, **{field: value})
    assert response.status_code == 400
    assert 'class="form-error"' in response.text or "role=\"alert\"" in response.text
    assert 'value="Club"' in response.text  # the form keeps what was typed
    with database.connection_context():
        assert Organisation.select().count() == 0


def test_http_website_and_links_are_kept(signed_in, client):
    ada = signed_in("ada")
    response = _card(ada, website="https://club.example.org", links="https://social.example/@club")
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert 'href="https://club.example.org"' in page and 'href="https://social.example/@club"' in page


def test_a_javascript_link_stored_before_the_check_is_not_rendered_as_a_link(signed_in, client):
    ada = signed_in("ada")
    location = _card(ada).headers["location"]
    guid = int(location.rsplit("/", 1)[1])
    with database.connection_context():
        Organisation.update(website="javascript:alert(1)", links="javascript:alert(2)").where(
            Organisation.entity == guid).execute()
    page = client.get(location).text
    assert "javascript:" not in page


def test_the_database_refuses_half_a_point_and_a_point_out_of_range(app, signed_in):
    guid = int(_card(signed_in("ada")).headers["location"].rsplit("/", 1)[1])
    import peewee

    with database.connection_context():
        for lat, lon in ((91, 2), (49, None), (None, 2), (49, -181)):
            with pytest.raises(peewee.IntegrityError), database.atomic():
                Organisation.update(lat=lat, lon=lon).where(Organisation.entity == guid).execute()
        Organisation.update(lat=None, lon=None).where(Organisation.entity == guid).execute()


def test_the_migration_clears_bad_points_and_the_map_and_export_skip_them(app, signed_in, client):
    """Rows stored before the check (written here with the triggers/constraint lifted) are skipped."""
    from core.migrate import add_point_check

    ada = signed_in("ada")
    good = int(_card(ada).headers["location"].rsplit("/", 1)[1])
    bad = int(_card(ada, name="Bad").headers["location"].rsplit("/", 1)[1])
    with database.connection_context():
        _drop_check(database)
        Organisation.update(lat=91.0, lon=None).where(Organisation.entity == bad).execute()
    for zoom in (5, 14):
        response = client.get(f"/directory/map.json?bbox=-180,-90,180,90&zoom={zoom}")
        assert response.status_code == 200
        assert all(None not in f["geometry"]["coordinates"] for f in response.json()["features"])
    exported = json.loads(client.get("/directory/export.geojson").text)
    assert [f["properties"]["guid"] for f in exported["features"]] == [good]
    with database.connection_context():
        add_point_check(database, "directory_organisation")
        assert Organisation.get_by_id(bad).lat is None and Organisation.get_by_id(good).lat == 49.9


def _drop_check(db):
    from peewee import PostgresqlDatabase

    if isinstance(getattr(db, "obj", None) or db, PostgresqlDatabase):
        db.execute_sql('ALTER TABLE "directory_organisation" DROP CONSTRAINT "directory_organisation_point"')
    else:
        for event in ("insert", "update"):
            db.execute_sql(f'DROP TRIGGER "directory_organisation_point_{event}"')


@pytest.mark.parametrize("query", ["bbox=-inf,0,inf,1&zoom=5", "bbox=0,0,1,1e400&zoom=5", "bbox=0,0,1,1&zoom=99999999",
                                   "bbox=0,0,1&zoom=5", "bbox=nan,0,1,1&zoom=5"])
def test_map_json_answers_400_to_impossible_boxes(client, query):
    assert client.get(f"/directory/map.json?{query}").status_code == 400


def test_import_skips_bad_points_and_links(app, db):
    from plugins.directory import importer

    site = app.runtime("test")
    rows = [{"name": "A", "lat": "91", "lon": "2", "website": "javascript:alert(1)"},
            {"name": "B", "lat": "49.9", "lon": "", "website": "https://b.example.org"},
            {"name": "C", "lat": "49.9", "lon": "2.3", "email": "nope", "postcode": "8" * 50}]
    report = importer.import_rows(site, rows)
    assert report.created == 1 and len(report.rejected) == 2
    org = Organisation.get()
    assert (org.lat, org.lon, org.email, len(org.postcode)) == (49.9, 2.3, "", 10)


@pytest.mark.parametrize("query", ["km=-3", "km=abc", "km=1e400", "lat=91&lon=2", "lat=nan&lon=2&km=10",
                                   "lat=49.9&lon=181"])
def test_a_hacked_radius_or_position_gives_the_page_back_with_a_message(client, query):
    """The search form only offers valid radii; an address edited by hand gets the directory page with a
    message and what was typed, not a bare error page."""
    response = client.get(f"/directory/?q=club%20<b>&place=Amiens&{query}")
    assert response.status_code == 400
    assert 'id="directory-near"' in response.text and 'class="error" role="alert"' in response.text
    assert "cannot be read" in response.text or "est illisible" in response.text  # the site's language
    assert 'value="club &lt;b&gt;"' in response.text and 'value="Amiens"' in response.text
