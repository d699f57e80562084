"""The administrator edits the directory's theme tree: add, rename (keys kept), reorder, remove
(warned when cards use it), validation with line numbers, reload from the site file."""

import pytest

from plugins.directory import themes

from .conftest import THEMES

pytestmark = pytest.mark.site(plugins=["directory"], language="en", toml=THEMES)


def test_parse_and_format_round_trip_with_line_numbered_errors():
    tree, errors = themes.parse("Sports [Sport]\n  Football\n  Marche [Randonnée]\n\nCulture\n")
    assert not errors
    assert tree == [{"key": "Sport", "label": "Sports", "children": [
        {"key": "Football", "label": "Football"}, {"key": "Randonnée", "label": "Marche"}]},
        {"key": "Culture", "label": "Culture", "children": []}]
    assert themes.parse(themes.to_text(tree)) == (tree, [])
    _tree, errors = themes.parse("  Orphan\nA\n   Three\nA\n [x]")
    assert [e.split(":")[0] for e in errors] == ["Line 1", "Line 3", "Line 4", "Line 5"]


def test_non_admin_gets_403_and_visitor_is_asked_to_sign_in(signed_in, client):
    assert signed_in("ada").get("/directory/themes").status_code == 403
    assert client.get("/directory/themes", follow_redirects=False).status_code in (302, 303, 401, 403)


def test_admin_edits_renames_and_reorders_and_cards_keep_their_theme(signed_in, client):
    admin = signed_in("root", role="admin")
    page = admin.get("/directory/themes").text
    assert "Sport\n  Football\n  Randonnée\nCulture" in page
    assert "[Football] · 0 cards" in page
    admin.post_form("/directory/new", {"name": "Club de foot", "postcode": "80000", "access": "public",
                                       "themes": "Football"})
    response = admin.post_form("/directory/themes", {
        "tree": "Culture\n  Théâtre\nSports [Sport]\n  Ballon rond [Football]\n  Randonnée\nSolidarité"},
        follow_redirects=False)
    assert response.status_code == 303
    index = client.get("/directory/").text
    assert index.index("Culture") < index.index("Sports") and "Solidarité" in index and "Théâtre" in index
    assert "Ballon rond</a> (1)" in index
    assert "Club de foot" in client.get("/directory/?theme=Football").text
    card = client.get("/directory/?theme=Football").text
    assert "Theme: Ballon rond" in card
    assert "[Football] · 1 card<" in admin.get("/directory/themes").text
    edit = admin.get("/directory/new").text
    assert "Ballon rond" in edit and "Solidarité" in edit


def test_validation_error_keeps_the_text(signed_in):
    admin = signed_in("root", role="admin")
    bad = "Sport\n    Trop loin\nCulture\nCulture"
    response = admin.post_form("/directory/themes", {"tree": bad})
    assert response.status_code == 400
    assert "Line 2" in response.text and "Line 4" in response.text
    assert "Sport\n    Trop loin\nCulture\nCulture</textarea>" in response.text
    assert "Sport\n  Football" in admin.get("/directory/themes").text  # nothing saved


def test_removing_a_used_theme_warns_then_reload_from_the_file(signed_in, client):
    admin = signed_in("root", role="admin")
    for name in ("A", "B"):
        admin.post_form("/directory/new", {"name": name, "postcode": "80000", "access": "members",
                                           "themes": "Football"})
    response = admin.post_form("/directory/themes", {"tree": "Sport\n  Randonnée\nCulture"})
    assert response.status_code == 400
    assert "2 cards" in response.text and "Remove them anyway" in response.text
    assert "Football" in client.get("/directory/").text  # not saved yet
    response = admin.post_form("/directory/themes", {"tree": "Sport\n  Randonnée\nCulture", "confirm_remove": "1"},
                               follow_redirects=False)
    assert response.status_code == 303
    assert "Football" not in client.get("/directory/").text
    page = admin.get("/directory/themes").text
    assert "Reload the themes from the site file" in page
    admin.post_form("/directory/themes", {"action": "reload"})
    assert "Football" in client.get("/directory/").text
    assert "Reload the themes" not in admin.get("/directory/themes").text
