"""The map's grid table (``plugins.directory.grid``): after every kind of write to a card it holds exactly what
a rebuild from the cards gives; members see their extra cards on top of it, visitors never; a wide view gets
clusters instead of a cut list; answers stay small."""

import random

import pytest

from core import entities, gazetteer, moderation, relationships
from core.db import database
from core.models import Entity
from plugins.directory import demo, geo, grid
from plugins.directory.models import MapCell, MapGrid, MapPoint
from tests.plugins.directory.conftest import THEMES

pytestmark = pytest.mark.site(plugins=["directory"], language="en", toml=THEMES)
WIDE = "bbox=1.3,48.8,4.3,50.4"


def _form(name, lat, lon, themes="Football", access="public"):
    return {"name": name, "postcode": "", "lat": str(lat), "lon": str(lon), "access": access, "themes": themes}


def _card(client, *args, **kwargs):
    response = client.post_form("/directory/new", _form(*args, **kwargs), follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _edit(client, guid, *args, **kwargs):
    response = client.post_form(f"/directory/{guid}/edit", _form(*args, **kwargs), follow_redirects=False)
    assert response.status_code == 303, response.text


def _cells() -> dict:
    return {(c.audience, c.theme, c.zoom, c.row, c.col): (c.count, round(c.sum_lat, 6), round(c.sum_lon, 6), c.guid)
            for c in MapCell.select().where(MapCell.site == "test")}


def _check_against_rebuild(site) -> dict:
    """The grid as the writes left it equals the grid built again from the cards; return it."""
    with database.connection_context():
        kept, points = _cells(), {p.guid: (p.audience, p.lat, p.lon, p.themes) for p in MapPoint.select()}
        grid.rebuild(site)
        assert _cells() == kept
        assert {p.guid: (p.audience, p.lat, p.lon, p.themes) for p in MapPoint.select()} == points
    return kept


def _total(client, query=f"{WIDE}&zoom=7", theme=""):
    data = client.get(f"/directory/map.json?{query}" + (f"&theme={theme}" if theme else "")).json()
    return sum(f["properties"]["count"] for f in data["features"])


def test_the_grid_follows_every_kind_of_write(app, signed_in, client):
    site = app.runtime("test")
    ada = signed_in("ada")
    amiens = _card(ada, "Foot Amiens", 49.89, 2.30)
    assert _total(client) == 1  # the first map request builds the grid of the site
    with database.connection_context():
        assert MapGrid.get_by_id("test").fingerprint == grid.fingerprint(grid.parents_of(THEMES_TREE))
    corbie = _card(ada, "Foot Corbie", 49.909, 2.51)  # created: counted at once
    cells = _check_against_rebuild(site)
    assert cells[("public", "", 0, *grid.cell_of(49.89, 2.30, 0))][0] == 2
    assert cells[("public", "Sport", 5, *grid.cell_of(49.89, 2.30, 5))][0] == 2  # a sub-theme counts for its parent
    assert cells[("public", "Football", 14, *grid.cell_of(49.909, 2.51, 14))][3] == corbie  # a lone card is named
    assert _total(client, theme="Sport") == 2 and _total(client, theme="Culture") == 0

    _edit(ada, corbie, "Foot Corbie", 49.565, 3.62)  # moved to Laon
    cells = _check_against_rebuild(site)
    assert ("public", "", 14, *grid.cell_of(49.909, 2.51, 14)) not in cells
    assert cells[("public", "", 14, *grid.cell_of(49.565, 3.62, 14))][0] == 1
    _edit(ada, corbie, "Théâtre de Laon", 49.565, 3.62, themes="Culture")  # another theme
    cells = _check_against_rebuild(site)
    assert _total(client, theme="Sport") == 1 and _total(client, theme="Culture") == 1
    assert cells[("public", "", 0, *grid.cell_of(49.89, 2.30, 0))][0] == 2

    _edit(ada, corbie, "Théâtre de Laon", 49.565, 3.62, themes="Culture", access="members")  # access changed
    cells = _check_against_rebuild(site)  # moved to the members' layer
    assert cells[("members", "Culture", 14, *grid.cell_of(49.565, 3.62, 14))] == (1, 49.565, 3.62, corbie)
    assert ("public", "Culture", 14, *grid.cell_of(49.565, 3.62, 14)) not in cells
    bob = signed_in("bob")
    assert _total(client) == 1 and _total(bob) == 2 and _total(bob, theme="Culture") == 1
    _edit(ada, corbie, "Théâtre de Laon", 49.565, 3.62, themes="Culture")
    _check_against_rebuild(site)
    assert _total(client) == 2

    moderator = signed_in("mod", role="moderator")
    with database.connection_context():  # hidden by moderation, then shown again
        moderation.resolve(site, moderator.account, Entity.get_by_id(amiens), "hide")
    _check_against_rebuild(site)
    assert _total(client) == 1 and _total(bob) == 1
    assert _total(ada) == 2 and _total(moderator) == 2  # its owner and the moderators still see it
    with database.connection_context():
        moderation.resolve(site, moderator.account, Entity.get_by_id(amiens), "restore")
    _check_against_rebuild(site)
    assert _total(client) == 2

    with database.connection_context():  # trashed, restored, deleted for good
        entities.trash(site, Entity.get_by_id(amiens))
    _check_against_rebuild(site)
    assert _total(client) == 1 and _total(ada) == 1
    with database.connection_context():
        entities.restore(site, Entity.get_by_id(amiens))
    _check_against_rebuild(site)
    assert _total(client) == 2
    with database.connection_context():
        entities.delete(site, Entity.get_by_id(amiens))
    cells = _check_against_rebuild(site)
    assert _total(client) == 1 and cells[("public", "", 0, *grid.cell_of(49.565, 3.62, 0))] == (1, 49.565, 3.62, corbie)


THEMES_TREE = [{"key": "Sport", "label": "Sport", "children": [{"key": "Football", "label": "Football"},
                                                                {"key": "Randonnée", "label": "Randonnée"}]},
               {"key": "Culture", "label": "Culture", "children": []}]


def test_a_new_theme_tree_rebuilds_the_grid(app, signed_in, client):
    ada = signed_in("ada", role="admin")
    _card(ada, "Foot Amiens", 49.89, 2.30)
    assert _total(client, theme="Sport") == 1
    response = ada.post_form("/directory/themes", {"tree": "Culture\n  Football\nSport\n  Randonnée"},
                             follow_redirects=False)
    assert response.status_code == 303, response.text
    assert _total(client, theme="Culture") == 1 and _total(client, theme="Sport") == 0
    _check_against_rebuild(app.runtime("test"))


def test_members_only_cards_are_added_for_members_only(app, signed_in, client, member_factory):
    ada = signed_in("ada")
    for n in range(3):
        _card(ada, f"Public {n}", 49.89 + n * 0.1, 2.30)
    _card(ada, "Members' club", 49.89, 2.30, access="members")  # in the same cells as a public card
    bob = signed_in("bob")
    for query in (f"{WIDE}&zoom=7", f"{WIDE}&zoom=11", "bbox=2.2,49.85,2.4,50.15&zoom=14"):
        assert _total(client, query) == 3 and _total(bob, query) == 4, query
    shared = bob.get("/directory/map.json?bbox=2.29,49.88,2.31,49.90&zoom=11").json()["features"]
    assert [f["properties"]["count"] for f in shared] == [2] and "name" not in shared[0]["properties"]
    alone = client.get("/directory/map.json?bbox=2.29,49.88,2.31,49.90&zoom=11").json()["features"]
    assert [f["properties"]["name"] for f in alone] == ["Public 0"]
    visitor = client.get(f"/directory/map.json?{WIDE}&zoom=7")
    member = bob.get(f"/directory/map.json?{WIDE}&zoom=7")
    assert visitor.headers["cache-control"].startswith("public")
    assert member.headers["cache-control"].startswith("private") and "cookie" in member.headers["vary"].lower()


def test_a_wide_view_gets_clusters_never_a_cut_list(app, signed_in, client, monkeypatch):
    monkeypatch.setattr(geo, "MAX_POINTS", 5)
    monkeypatch.setattr(geo, "MAX_CLUSTERS", 4)
    ada = signed_in("ada")
    for n in range(12):
        _card(ada, f"Club {n}", 49.0 + n * 0.1, 1.5 + n * 0.2)
    for n in range(0, 12, 2):  # members-only cards, in the public cards' cells and in cells of their own
        _card(ada, f"Members' club {n}", 49.0 + n * 0.1 + (0.05 if n % 4 else 0), 1.5 + n * 0.2, access="members")
    bob = signed_in("bob")
    few = client.get("/directory/map.json?bbox=1.45,48.95,1.75,49.15&zoom=13").json()  # 2 cards: themselves
    assert few["zoom"] is None and [f["properties"]["count"] for f in few["features"]] == [1, 1]
    for zoom in (7, 10, 13, 16):
        data = client.get(f"/directory/map.json?{WIDE}&zoom={zoom}").json()
        assert data["zoom"] is not None and data["zoom"] <= min(zoom, grid.MAX_ZOOM), zoom
        assert len(data["features"]) <= 4  # coarser cells rather than more of them
        assert sum(f["properties"]["count"] for f in data["features"]) == 12, zoom  # every card is counted
        data = bob.get(f"/directory/map.json?{WIDE}&zoom={zoom}").json()  # both layers of the grid
        assert data["zoom"] is not None and len(data["features"]) <= 4, zoom
        assert sum(f["properties"]["count"] for f in data["features"]) == 18, zoom


def test_the_grid_is_counted_only_for_a_box_spanning_more_cells_than_an_answer_holds(app, signed_in, client,
                                                                                   monkeypatch):
    """A box spanning at most MAX_CLUSTERS cells holds no more than that: its cells are read without counting
    them first (a screen-sized view never counts); a wide view counts only at zooms where it spans more."""
    ada = signed_in("ada")
    for n in range(6):
        _card(ada, f"Club {n}", 49.0 + n * 0.1, 1.5 + n * 0.2)
    counted, real = [], grid.count_cells
    monkeypatch.setattr(grid, "count_cells", lambda *args, **kw: counted.append(args[3]) or real(*args, **kw))
    screen = client.get("/directory/map.json?bbox=1.4,48.9,1.8,49.1&zoom=11").json()
    assert screen["zoom"] == 11 and sum(f["properties"]["count"] for f in screen["features"]) == 2  # 49.0 and 49.1
    assert counted == []
    monkeypatch.setattr(geo, "MAX_CLUSTERS", 4)
    for zoom in (6, 8, 10, 11):  # clusters (the cards themselves from POINTS_FROM_ZOOM)
        wide = client.get(f"/directory/map.json?{WIDE}&zoom={zoom}").json()
        assert len(wide["features"]) <= 4 and sum(f["properties"]["count"] for f in wide["features"]) == 6
    box = tuple(float(v) for v in WIDE.removeprefix("bbox=").split(","))
    assert counted and all(geo._spanned(box, z) > 4 for z in counted)


def test_street_zoom_shows_the_cards_a_viewer_may_see_and_a_crowded_box_gets_clusters(app, signed_in, client,
                                                                                     monkeypatch):
    ada = signed_in("ada")
    shown = _card(ada, "Café de la gare", 49.891, 2.301)
    _card(ada, "Club des membres", 49.892, 2.302, access="members")
    trashed = _card(ada, "Club fermé", 49.893, 2.303)
    with database.connection_context():
        entities.trash(app.runtime("test"), Entity.get_by_id(trashed))
    street = "bbox=2.29,49.88,2.31,49.90&zoom=15"
    answer = client.get(f"/directory/map.json?{street}")
    assert answer.json()["zoom"] is None  # the cards themselves
    assert [(f["properties"]["guid"], f["properties"]["name"]) for f in answer.json()["features"]] == [
        (shown, "Café de la gare")]
    assert "Café de la gare".encode() in answer.content and answer.headers["content-type"] == "application/json"
    member = signed_in("bob").get(f"/directory/map.json?{street}").json()
    assert sorted(f["properties"]["name"] for f in member["features"]) == ["Café de la gare", "Club des membres"]
    monkeypatch.setattr(geo, "BOX_ROWS", 2)  # more cards in the box, seen or not, than the points are chosen from
    crowded = client.get(f"/directory/map.json?{street}").json()
    assert crowded["zoom"] is not None  # clusters, which count every card a visitor sees
    assert [(f["properties"]["count"], f["properties"].get("name")) for f in crowded["features"]] == [
        (1, "Café de la gare")]


def test_map_answers_stay_small_with_many_cards(app, client):
    """2,000 cards around a few communes (a town's density at region scale): every view, wide or close,
    answers under 50 KB compressed, and counts every card of its box."""
    site = app.runtime("test")
    app.ensure()
    with database.connection_context():
        places = gazetteer.within([[49.7, 2.0], [50.1, 2.6]])[:30]
        demo.bulk_cards(site, 2000, random.Random(7), themes=("Football", "Culture"), places=places)
    views = [(f"{WIDE}", z) for z in (5, 8, 10, 11, 12, 13, 14, 16)]
    views += [("bbox=2.2,49.85,2.4,49.95", z) for z in (12, 13, 14)]
    views += [("bbox=2.28,49.88,2.32,49.9", z) for z in (15, 17)]
    shown = set()
    for box, zoom in views:
        response = client.get(f"/directory/map.json?{box}&zoom={zoom}", headers={"Accept-Encoding": "gzip"})
        body = response.json()  # the client unzips it; content-length is what crossed the wire
        size = int(response.headers["content-length"])
        assert size < 50_000 and (len(response.content) < 1024 or response.headers["content-encoding"] == "gzip")
        assert len(body["features"]) <= max(geo.MAX_POINTS, geo.MAX_CLUSTERS)
        shown.add(body["zoom"] is None)
        if box == WIDE:
            assert sum(f["properties"]["count"] for f in body["features"]) == 2000, zoom
    assert shown == {True, False}  # both points and clusters were tried


def test_a_large_import_rebuilds_the_grid_once(app, client):
    from plugins.directory import importer

    site = app.runtime("test")
    app.ensure()
    assert _total(client) == 0  # the grid is built (empty) before the import
    rows = [{"name": f"Club {n}", "lat": f"{49.5 + n * 0.002:.4f}", "lon": f"{2.0 + n * 0.003:.4f}",
             "themes": "Football"} for n in range(grid.BULK_CHANGES + 1)]
    with database.connection_context():
        report = importer.import_rows(site, rows)
    assert report.created == grid.BULK_CHANGES + 1
    _check_against_rebuild(site)
    assert _total(client) == _total(client, theme="Sport") == grid.BULK_CHANGES + 1


def test_each_member_sees_the_shared_layers_and_their_own_cards_once(app, signed_in, client, member_factory):
    """Public and members-only cards come from the grid (a layer each); a card for a group's members or for
    the owner's connections is added for those members only, counted once; a member the owner blocks does not
    get the owner's members-only card; the layers equal a rebuild after each of these writes."""
    site = app.runtime("test")
    ada, gus = signed_in("ada"), signed_in("gus")
    bob, carol, dan, erin = (signed_in(name) for name in ("bob", "carol", "dan", "erin"))
    assert _total(client) == 0  # the grid is built (empty): the cards below are followed one by one
    _card(ada, "Public", 49.89, 2.30)
    _card(ada, "Members' club", 49.90, 2.31, access="members")
    _card(gus, "Gus's members' club", 49.60, 3.60, access="members")
    grouped = _card(ada, "Group only", 49.90, 2.31)  # beside the members' club: in the same cells
    befriended = _card(ada, "Connections only", 49.50, 2.00)
    with database.connection_context():
        team = entities.create(site, "test.group", owner=gus.account.guid, title="Team")
        relationships.add(site, bob.account.guid, "manages", team.guid)  # bob is in the group
        relationships.add(site, ada.account.guid, "connected", dan.account.guid)
        relationships.add(site, dan.account.guid, "connected", ada.account.guid)
        relationships.block(site, ada.account.guid, erin.account.guid)
        entities.update(site, Entity.get_by_id(grouped), access="container", container=team.guid)
        entities.update(site, Entity.get_by_id(befriended), access="connections")
    cells = _check_against_rebuild(site)
    here = grid.cell_of(49.90, 2.31, 14)
    assert cells[("members", "", 14, *here)][0] == 1 and ("public", "", 14, *here) not in cells
    assert not [key for key in cells if key[0] not in grid.AUDIENCES]
    with database.connection_context():
        assert {p.guid for p in MapPoint.select()}.isdisjoint({grouped, befriended})  # personal: never in the grid

    for query in (f"{WIDE}&zoom=7", f"{WIDE}&zoom=11", "bbox=1.9,49.4,3.7,50.0&zoom=13"):
        assert _total(client, query) == 1, query  # the public card
        assert _total(carol, query) == 3, query  # and both members' clubs
        assert _total(bob, query) == 4, query  # and the group's card, once
        assert _total(dan, query) == 4, query  # and ada's card for her connections
        assert _total(ada, query) == 5, query  # her own, whatever their access
        assert _total(erin, query) == 2, query  # blocked by ada: her public card and gus's members' club
    near = "bbox=2.29,49.88,2.33,49.92"
    names = {f["properties"].get("name") for f in bob.get(f"/directory/map.json?{near}&zoom=13").json()["features"]}
    assert names == {"Public", "Members' club", "Group only"}
    names = {f["properties"].get("name") for f in carol.get(f"/directory/map.json?{near}&zoom=13").json()["features"]}
    assert names == {"Public", "Members' club"}
    shared = bob.get(f"/directory/map.json?{near}&zoom=9").json()["features"]  # clusters: one cell for all three
    assert [f["properties"]["count"] for f in shared] == [3]
    assert [f["properties"]["count"] for f in carol.get(f"/directory/map.json?{near}&zoom=9").json()["features"]] \
        == [2]

    with database.connection_context():  # unblocked: erin reads the members' layer again
        relationships.unblock(site, ada.account.guid, erin.account.guid)
    assert _total(erin) == 3
