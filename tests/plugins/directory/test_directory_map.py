"""The map's clusters and the theme counts: public part kept per worker, each viewer's extra cards
added live, new cards shown at once, access never leaked."""

import pytest

from core import entities
from core.db import database
from core.models import Entity
from plugins.directory import cards
from plugins.directory.models import Organisation

SITE_TOML = """
[[taxonomy]]
label = "Sport"
"""

pytestmark = pytest.mark.site(plugins=["directory"], toml=SITE_TOML)
PICARDIE = "bbox=1.3,48.8,4.3,50.4&zoom=7"


def _card(client, name, access="public", **extra):
    data = {"name": name, "postcode": "80000", "access": access, "themes": "Sport"}
    data.update(extra)
    response = client.post_form("/directory/new", data, follow_redirects=False)
    assert response.status_code == 303
    return int(response.headers["location"].rsplit("/", 1)[1])


def _total(client, query=PICARDIE):
    features = client.get(f"/directory/map.json?{query}").json()["features"]
    return sum(f["properties"]["count"] for f in features)


def test_clusters_follow_new_cards_and_access(signed_in, client, app, member_factory):
    ada = signed_in("ada")
    _card(ada, "Club public")
    assert _total(client) == 1
    _card(ada, "Deuxième club")  # created after the visitors' clusters were computed
    assert _total(client) == 2
    secret = _card(ada, "Club des membres", access="members")
    assert _total(client) == 2  # a visitor never sees it, not even as a count
    bob = signed_in("bob")
    assert _total(bob) == 3 and _total(ada) == 3
    assert client.get("/directory/").text.count("Sport</a> (2)") == 1
    assert "Sport</a> (3)" in bob.get("/directory/").text
    with database.connection_context():  # trashed: gone for members at once (the grid's members layer follows)
        entities.trash(app.runtime("test"), Entity.get_by_id(secret))
    assert _total(bob) == 2 and _total(client) == 2


def test_hidden_and_private_cards_stay_out_of_the_public_clusters(signed_in, client, app):
    ada = signed_in("ada")
    hidden = _card(ada, "Club caché")
    private = _card(ada, "Club privé", access="members")
    site = app.runtime("test")
    with database.connection_context():
        Entity.update(hidden=True).where(Entity.guid == hidden).execute()  # moderation
        Entity.update(access="private").where(Entity.guid == private).execute()
        cards.forget_aggregates(site)
        assert Organisation.select().count() == 2
    assert _total(client) == 0
    assert _total(ada) == 2  # the owner sees their hidden card and their private one
    assert _total(signed_in("bob")) == 0


def test_clusters_cross_the_greenwich_meridian_and_bbox_filters(signed_in, client):
    ada = signed_in("ada")
    _card(ada, "Brest", postcode="", lat="48.39", lon="-4.49")
    _card(ada, "Le Havre", postcode="", lat="49.49", lon="0.11")
    _card(ada, "Amiens", postcode="", lat="49.89", lon="2.30")
    assert _total(client, "bbox=-5.5,42,8.5,51.5&zoom=5") == 3
    assert _total(client, "bbox=-5.5,47,-3,49&zoom=8") == 1
    west = client.get("/directory/map.json?bbox=-5.5,47,-3,49&zoom=8").json()["features"][0]
    assert west["geometry"]["coordinates"] == pytest.approx([-4.49, 48.39])
    assert west["properties"]["name"] == "Brest"  # a lone card at low zoom shows its name


def test_json_answers_over_a_kilobyte_are_gzipped_and_pages_never(signed_in, client):
    ada = signed_in("ada")
    for n in range(12):
        _card(ada, f"Club numéro {n} de la plaine", postcode=["80000", "60000", "02000"][n % 3])
    zipped = client.get("/directory/export.geojson", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers.get("content-encoding") == "gzip" and "accept-encoding" in zipped.headers["vary"].lower()
    assert len(zipped.json()["features"]) == 12  # the client unzips it
    plain = client.get("/directory/export.geojson", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == zipped.json()
    page = ada.get("/directory/", headers={"Accept-Encoding": "gzip"})
    assert len(page.content) > 1024 and "content-encoding" not in page.headers  # BREACH: no page compressed
