"""The board in French, its demo data (small and region scale, once), the member's archive."""

import random

import pytest

from core import demo
from core.db import database
from core.models import Entity
from plugins.offers import demo as offers_demo
from plugins.offers.models import Ad

from .conftest import TAXONOMY, publish


@pytest.mark.site(plugins=["directory", "offers"], toml=TAXONOMY, language="fr")
def test_the_pages_speak_french(signed_in, client):
    ada = signed_in("ada")
    guid = publish(ada)
    listing = client.get("/offers/").text
    assert "Besoins et offres" in listing and "Filtrer les annonces" in listing and "Besoin" in listing
    assert "Bénévoles" in client.get(f"/offers/{guid}").text
    form = ada.get("/offers/new").text
    assert "Publier une annonce" in form and "Matériel prêté ou donné" in form
    refused = ada.post_form("/offers/new", {"title": "", "commune": "Atlantide"}, token_from="/offers/new")
    assert refused.status_code == 400 and "Cette commune est inconnue" in refused.text


def test_demo_data_small_and_once(make_app, app):
    make_app(plugins=["directory", "offers"], toml=TAXONOMY)
    site = app.runtime("test")
    with database.connection_context():
        demo.generate(site, "small", progress=False)
        count = Ad.select().count()
        assert count == len(offers_demo.SAMPLES)
        offers_demo.generate(site, "small", random.Random(1))  # a second run changes nothing
        assert Ad.select().count() == count
        assert Ad.select().where(Ad.lat.is_null()).count() == 0


def test_region_bulk_is_spread_over_the_territory(make_app, app):
    make_app(plugins=["offers"], toml="[territory]\ncenter = [49.65, 2.75]\nbounds = [[48.83, 1.37], [50.37, 4.26]]\n")
    site = app.runtime("test")
    rng = random.Random(2)
    with database.connection_context():
        demo.ensure_members("test", 5, rng)
        assert offers_demo.bulk(site, 300, rng, themes=["Sport"], batch=100) == 300
        rows = list(Ad.select())
        assert len(rows) == 300 and Entity.select().where(Entity.kind == "offers.ad").count() == 300
        assert all(48.7 < a.lat < 50.5 and 1.2 < a.lon < 4.4 for a in rows)
        assert {a.direction for a in rows} == {"need", "offer"}


def test_personal_data_archive_and_deletion(offers_site, signed_in, app):
    from plugins.offers.models import SavedSearch

    ada = signed_in("ada")
    publish(ada, title="Tables à prêter")
    ada.post_form("/offers/searches", {"theme": "Sport", "km": "20"}, token_from="/offers/searches")
    site = app.runtime("test")
    with database.connection_context():
        archive = {}
        for part in site.call("maillage_export_personal_data", site=site, user=ada.account):
            archive.update(part)
        assert [a["title"] for a in archive["offers/ads.json"]] == ["Tables à prêter"]
        assert [s["theme"] for s in archive["offers/saved_searches.json"]] == ["Sport"]
        site.call("maillage_delete_personal_data", site=site, user=ada.account, mode="delete")
        assert SavedSearch.select().count() == 0
