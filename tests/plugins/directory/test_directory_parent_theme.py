"""A parent theme holds the cards of its sub-themes: in the list, the counts, the map and the exports."""

import pytest

SITE_TOML = """
[[taxonomy]]
label = "Sport et loisirs"
key = "sport"
children = ["Football", "Randonnée"]

[[taxonomy]]
label = "Culture"
"""

pytestmark = pytest.mark.site(plugins=["directory"], language="en", toml=SITE_TOML)
PICARDIE = "bbox=1.3,48.8,4.3,50.4"


def _card(client, name, themes):
    data = {"name": name, "postcode": "80000", "access": "public", "themes": themes}
    response = client.post_form("/directory/new", data, follow_redirects=False)
    assert response.status_code == 303, response.text


def test_a_parent_theme_includes_its_sub_themes(signed_in, client):
    ada = signed_in("ada")
    _card(ada, "Foot Amiens", "Football")
    _card(ada, "Marcheurs de la Somme", "Randonnée")
    _card(ada, "Foot et rando", ["Football", "Randonnée"])  # counted once in the parent
    _card(ada, "Théâtre", "Culture")
    page = client.get("/directory/?theme=sport").text
    for name in ("Foot Amiens", "Marcheurs de la Somme", "Foot et rando"):
        assert name in page
    assert "Théâtre" not in page
    assert "Sport et loisirs</a> (3)" in page and "Football</a> (2)" in page
    for zoom in (7, 13):  # clusters and points
        features = client.get(f"/directory/map.json?{PICARDIE}&zoom={zoom}&theme=sport").json()["features"]
        assert sum(f["properties"]["count"] for f in features) == 3
    csv_text = client.get("/directory/export.csv?theme=sport").text
    assert "Marcheurs de la Somme" in csv_text and "Théâtre" not in csv_text
    geo = client.get("/directory/export.geojson?theme=sport").json()["features"]
    assert {f["properties"]["name"] for f in geo} == {"Foot Amiens", "Marcheurs de la Somme", "Foot et rando"}
    assert 'href="/directory/export.csv?theme=sport"' in page
    assert "Football" not in client.get("/directory/export.csv?theme=Culture").text
