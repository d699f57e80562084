"""Directory browse: full-text search (words of any card field, accents ignored, access in the query),
combined with a theme and with "near a place", keyset pagination, helpful empty results."""

import logging

import pytest
from peewee import fn

from core import gazetteer, testing
from core.db import analyze, database, is_postgres, now
from core.models import Entity
from plugins.directory import geo
from plugins.directory.cards import KIND
from plugins.directory.models import Organisation

from .conftest import THEMES

pytestmark = pytest.mark.site(plugins=["directory"], language="en", toml=THEMES)


def _card(client, name, **extra):
    data = {"name": name, "postcode": "80000", "access": "public", "themes": "Culture"}
    data.update(extra)
    response = client.post_form("/directory/new", data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


def test_words_of_description_competences_and_accented_commune_are_found(signed_in, client):
    ada = signed_in("ada")
    _card(ada, "Atelier du Val", description="Nous réparons les **vélos** anciens", commune="Abbéville",
          postcode="80100")
    _card(ada, "Club Nord", competences="Arbitrage\nSecourisme", acronym="CNX")
    _card(ada, "Chorale", short_description="Chant choral")
    assert "Atelier du Val" in client.get("/directory/?q=velos").text
    page = client.get("/directory/?q=SECOURISME").text
    assert "Club Nord" in page and "Atelier du Val" not in page
    assert "Atelier du Val" in client.get("/directory/?q=abbeville").text
    assert "Club Nord" in client.get("/directory/?q=cnx").text
    assert "Chorale" in client.get("/directory/?q=chan").text  # the last word as a prefix
    empty = client.get("/directory/?q=xylophone").text
    assert "No organisation matches" in empty and "Check the spelling" in empty


def test_a_members_only_card_is_not_found_by_a_visitor(signed_in, client):
    ada = signed_in("ada")
    _card(ada, "Cercle privé", description="Échecs du jeudi", access="members")
    assert "Cercle privé" not in client.get("/directory/?q=echecs").text
    assert "Cercle privé" in ada.get("/directory/?q=echecs").text


def test_a_members_list_is_the_public_cards_and_theirs_merged_newest_first(signed_in, client):
    """A member's list reads the cards shown to everyone (the visitor's query) and the few beyond them
    apart, then merges them newest first: a members-only card sits among the public ones in order,
    for another member and for its author; a visitor sees the public ones only."""
    ada, bob = signed_in("ada"), signed_in("bob")
    _card(ada, "Alpha public")
    _card(ada, "Bravo membres", access="members")
    _card(ada, "Delta public")
    page = bob.get("/directory/").text  # (ada's header names the cards she may act as)
    assert page.index("Delta public") < page.index("Bravo membres") < page.index("Alpha public")
    assert "Bravo membres" in ada.get("/directory/?theme=Culture").text
    visitor = client.get("/directory/").text
    assert "Alpha public" in visitor and "Delta public" in visitor and "Bravo membres" not in visitor


def test_a_members_list_and_its_theme_counts_find_the_cards_beyond_the_public_ones_once(signed_in, caplog):
    """The list and the theme counts both need the cards a member sees beyond the public ones: read once."""
    ada, bob = signed_in("ada"), signed_in("bob")
    _card(ada, "Bravo membres", access="members")
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        caplog.clear()
        page = bob.get("/directory/").text
    assert "Bravo membres" in page
    checks = [r.getMessage() for r in caplog.records if r.name == "peewee" and "SELECT 1 FROM entity WHERE" in r.getMessage()]
    assert len(checks) == len(set(checks)) == 2, checks  # are there cards of other levels, has the member hidden ones: each asked once


def test_near_a_place_merges_a_members_cards_with_the_public_ones(signed_in, client):
    """Near a place, a member gets the cards shown to everyone (the visitors' query) and their own
    beyond them, merged by distance; a visitor only the public ones."""
    ada, bob = signed_in("ada"), signed_in("bob")
    _card(ada, "Proche public")
    _card(ada, "Proche membres", access="members")
    _card(ada, "Loin public", postcode="80100")  # Abbeville, about 40 km away
    near = bob.get("/directory/?place=80000&km=60").text
    assert "Proche public" in near and "Proche membres" in near and "Loin public" in near
    assert near.index("Proche membres") < near.index("Loin public")
    visitor = client.get("/directory/?place=80000&km=60").text
    assert "Proche public" in visitor and "Loin public" in visitor and "Proche membres" not in visitor


def test_words_combine_with_a_theme_and_with_near_a_place(signed_in, client):
    ada = signed_in("ada")
    _card(ada, "Foot Amiens", themes="Football", description="Tournoi des jeunes")
    _card(ada, "Théâtre Amiens", themes="Culture", description="Tournoi d'improvisation")
    _card(ada, "Foot Laon", themes="Football", description="Tournoi régional", postcode="02000")
    page = client.get("/directory/?q=tournoi&theme=Football").text
    assert "Foot Amiens" in page and "Foot Laon" in page and "Théâtre Amiens" not in page
    assert "clear the words" in page and "all themes" in page
    near = client.get("/directory/?q=tournoi&place=80000&km=20").text
    assert "Foot Amiens" in near and "Théâtre Amiens" in near and "Foot Laon" not in near
    near = client.get("/directory/?q=improvisation&place=80000&km=20").text
    assert "Théâtre Amiens" in near and "Foot Amiens" not in near
    near = client.get("/directory/?q=tournoi&place=80000&km=20&theme=Football").text
    assert "Foot Amiens" in near and "Théâtre Amiens" not in near
    none = client.get("/directory/?q=piscine&place=80000&km=20").text
    assert "km matches “piscine”" in none and "Try a larger radius" in none


def test_search_results_are_paginated_by_keyset(signed_in, client, app):
    from plugins.directory import views

    ada = signed_in("ada")
    for i in range(5):
        _card(ada, f"Jardin numéro {i}", description="potager partagé")
    _card(ada, "Autre chose", description="rien")
    old = views.PAGE
    views.PAGE = 2
    try:
        seen, url = [], "/directory/?q=potager"
        for _ in range(4):
            page = client.get(url).text
            seen += [f"numéro {i}" for i in range(5) if f"Jardin numéro {i}" in page]
            if "?before=" not in page:
                break
            start = page.index("/directory/?before=")
            url = page[start:page.index('"', start)].replace("&amp;", "&")
            assert "q=potager" in url
    finally:
        views.PAGE = old
    assert sorted(seen) == [f"numéro {i}" for i in range(5)] and len(seen) == 5


def test_imported_and_demo_cards_are_found_by_the_search_box(app, client):
    import random

    from core import gazetteer
    from core.db import database
    from plugins.directory import demo, importer

    app.ensure()
    site = app.runtime("test")
    rows = importer.read_rows("name;commune;postcode;short_description\n"
                              "Amicale de Ham;Ham;80400;Concours de belote\n")
    with database.connection_context():
        importer.import_rows(site, rows, {"name": "name", "commune": "commune", "postcode": "postcode",
                                          "short_description": "short_description"})
        demo.bulk_cards(site, 3, random.Random(1), places=gazetteer.lookup("Péronne", limit=1))
    assert "Amicale de Ham" in client.get("/directory/?q=belote").text
    page = client.get("/directory/?q=peronne").text
    assert page.count(">Péronne ") == 3  # the commune in each result card's meta line


def test_near_a_place_reads_the_cards_of_its_latitudes_only(app):
    """Near a place reads the lat/lon index over the box's latitudes: two thousand cards far south add no
    work (SQLite's virtual-machine instructions, counted by a progress handler: work, not time; the
    statistics refreshed as an import does). With a second condition on lat (-90..90, "a real point")
    beside the box, SQLite read the whole index."""
    site = app.runtime("test")
    amiens = gazetteer.lookup("80000")[0]

    def add_cards(count, lat, lon):
        with database.atomic():
            first = Entity.select(fn.MAX(Entity.guid)).scalar() or 0
            Entity.insert_many([("test", KIND, "public", "Carte")] * count,
                               fields=[Entity.site, Entity.kind, Entity.access, Entity.title]).execute()
            Organisation.insert_many([{"entity": guid, "lat": lat, "lon": lon}
                                      for (guid,) in Entity.select(Entity.guid).where(Entity.guid > first).tuples()
                                      ]).execute()
        analyze()  # as an import does after its rows

    def work():
        found, steps = testing.sqlite_work(lambda: geo.near(site, None, amiens.lat, amiens.lon, 10, limit=100))
        return len(found), steps

    with database.connection_context():
        add_cards(50, amiens.lat, amiens.lon)
        found, before = work()
        add_cards(2000, 43.3, 5.4)  # Marseille
        found_after, after = work()
    assert found == found_after == 50
    if not is_postgres():
        assert after < 1.5 * before, (before, after)


def test_near_a_place_reads_past_the_nearest_cards_nobody_sees(app):
    """The nearest cards of the box are read first and their access checked after: when those are all
    hidden from visitors (trashed, private, members only), more of the box is read, so the public cards
    behind them are still found, nearest first, and nothing hidden is shown."""
    site = app.runtime("test")
    amiens = gazetteer.lookup("80000")[0]

    def add(count, access, step, title, deleted=False):
        with database.atomic():
            for n in range(count):
                entity = Entity.create(site="test", kind=KIND, access=access, title=f"{title} {n}",
                                       deleted_at=now() if deleted else None)
                Organisation.create(entity=entity.guid, lat=amiens.lat + step * (n + 1), lon=amiens.lon)

    with database.connection_context():
        add(20, "private", 0.0001, "Privée")
        add(10, "members", 0.0002, "Membres")
        add(10, "public", 0.0003, "Corbeille", deleted=True)
        add(3, "public", 0.01, "Publique")  # 1 to 3 km north, behind forty nearer cards nobody sees
        found = geo.near(site, None, amiens.lat, amiens.lon, 10, limit=2)
    assert [title for _d, _guid, title, *_rest in found] == ["Publique 0", "Publique 1"]
