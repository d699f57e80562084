"""Directory: cards (create, edit, managers, acting as, post_in), near a place, map GeoJSON, exports."""

import csv
import io
import json

import geojson
import pytest

from core import acting
from core.db import database
from core.models import Entity
from plugins.directory.models import Organisation

from .conftest import THEMES

SITE_TOML = THEMES + """
[plugins.directory]
identifiers = ["RNA", "SIRET"]
fields = ["Agrément"]
max_competences = 3
"""

pytestmark = pytest.mark.site(plugins=["directory"], toml=SITE_TOML)


def _card(client, **extra):
    data = {"name": "Club de foot d'Amiens", "acronym": "CFA", "postcode": "80000", "access": "public",
            "themes": "Football", "id_RNA": "W801234567", "email": "cfa@example.org", "phone": "03 22 00 00 00",
            "competences": "Arbitrage\nFormation", "contacts_public": "1",
            "description": "**Fondé** en 1920 <script>x</script>"}
    data.update(extra)
    return client.post_form("/directory/new", data, follow_redirects=False)


def test_member_creates_a_card_geocoded_from_the_postcode(signed_in, client, app):
    ada = signed_in("ada")
    response = _card(ada)
    assert response.status_code == 303
    guid = int(response.headers["location"].rsplit("/", 1)[1])
    with database.connection_context():
        org = Organisation.get_by_id(guid)
        assert org.commune == "Amiens" and abs(org.lat - 49.89) < 0.05
        assert org.legal_id == "W801234567" and json.loads(org.identifiers) == {"RNA": "W801234567"}
        assert org.themes == "|Football|"
    page = client.get(f"/directory/{guid}").text
    assert "Club de foot" in page and "<strong>Fondé</strong>" in page and "<script>x" not in page
    assert "cfa@example.org" in page


def test_coordinates_keep_their_precision(signed_in):
    """Double precision on both databases (PostgreSQL's ``real`` moved points by up to a metre)."""
    guid = int(_card(signed_in("ada")).headers["location"].rsplit("/", 1)[1])
    with database.connection_context():
        Organisation.update(lat=48.8239636907786, lon=1.7708258094506018).where(
            Organisation.entity == guid).execute()
        org = Organisation.get_by_id(guid)
        assert (org.lat, org.lon) == (48.8239636907786, 1.7708258094506018)


def test_bad_input_keeps_values(signed_in):
    ada = signed_in("ada")
    response = _card(ada, name="", competences="a\nb\nc\nd", founded="31/12/2020")
    assert response.status_code == 400
    assert "3 compétences au plus" in response.text and "cfa@example.org" in response.text


def test_members_only_contacts_and_managers(signed_in, client, app, member_factory):
    ada = signed_in("ada")
    guid = int(_card(ada, contacts_public="").headers["location"].rsplit("/", 1)[1])
    assert "cfa@example.org" not in client.get(f"/directory/{guid}").text
    bob = signed_in("bob")
    assert "cfa@example.org" in bob.get(f"/directory/{guid}").text
    assert bob.get(f"/directory/{guid}/edit").status_code == 403
    ada.post_form(f"/directory/{guid}/managers", {"email": bob.account.email}, token_from=f"/directory/{guid}")
    assert bob.get(f"/directory/{guid}/edit").status_code == 403  # invited, not yet a manager
    bob.post_form(f"/directory/{guid}/invitation", {"answer": "accept"})
    edit = bob.post_form(f"/directory/{guid}/edit", {"name": "CFA renamed", "postcode": "80000",
                                                     "access": "public"}, follow_redirects=False)
    assert edit.status_code == 303
    site = app.runtime("test")
    with database.connection_context():
        card = Entity.get_by_id(guid)
        assert card.title == "CFA renamed"
        names = [e.title for e in acting.identities(site, bob.account)]
        assert "CFA renamed" in names
        from core import entities

        assert entities.can(site, bob.account, "blog.post_in", card)


def test_near_a_postcode_sorted_by_distance_and_map(signed_in, client):
    ada = signed_in("ada")
    _card(ada, name="Near Amiens", postcode="", lat="49.90", lon="2.30")
    _card(ada, name="Corbie club", postcode="80800", id_RNA="W2")
    _card(ada, name="Far Laon", postcode="02000", id_RNA="W3")
    page = client.get("/directory/?place=80000&km=20").text
    assert page.index("Near Amiens") < page.index("Corbie club") and "Far Laon" not in page
    assert "km</span>" in page
    data = client.get("/directory/map.json?bbox=1.3,48.8,4.3,50.4&zoom=6").json()
    assert geojson.FeatureCollection(**data).is_valid
    assert sum(f["properties"]["count"] for f in data["features"]) == 3
    points = client.get("/directory/map.json?bbox=2.0,49.7,2.6,50.0&zoom=13").json()
    assert {f["properties"]["name"] for f in points["features"]} == {"Near Amiens", "Corbie club"}
    assert client.get("/directory/map.json?bbox=x").status_code == 400
    assert client.get("/directory/?place=zzzz").status_code == 400
    assert "Corbie club" in client.get("/directory/?q=Corbie").text
    tree = client.get("/directory/?theme=Football").text
    assert "Football</a> (3)" in tree


def test_exports_are_valid(signed_in, client):
    ada = signed_in("ada")
    _card(ada)
    _card(ada, name="Hidden one", access="members", id_RNA="W9")
    rows = list(csv.DictReader(io.StringIO(client.get("/directory/export.csv").text)))
    assert [r["name"] for r in rows] == ["Club de foot d'Amiens"]
    data = geojson.loads(client.get("/directory/export.geojson").text)
    assert data.is_valid and len(data["features"]) == 1
    assert len(ada.get("/directory/export.geojson").json()["features"]) == 2
