"""An event's categories come from the site's list: an unknown one gets the form back, filled, with its
message, and nothing is stored (issue 19, point 11)."""

import html

import pytest

from core.db import database
from plugins.agenda.models import Event

TAXONOMY = """
[[taxonomy]]
id = "culture"
label = "Culture"
"""
pytestmark = pytest.mark.site(plugins=["agenda"], language="en", toml=TAXONOMY)

FORM = {"title": "Bal populaire du quartier", "description": "Sous les tilleuls.", "start_date": "2030-07-13",
        "start_time": "20:00", "end_date": "2030-07-13", "end_time": "23:30", "tz": "Europe/Paris", "repeat": "",
        "until": "", "count": "", "exdates": "", "place_name": "Place du marché", "address": "", "commune": "Amiens",
        "postcode": "80000", "lat": "", "lon": "", "online_url": "", "capacity": "120",
        "show_participants": "organiser", "access": "public", "container": ""}


def test_an_unknown_category_gets_the_form_back_filled(signed_in):
    ada = signed_in("ada")
    response = ada.post_form("/agenda/new", {**FORM, "categories": ["culture", "no-such-category"]},
                             follow_redirects=False)
    assert response.status_code == 400
    page = html.unescape(response.text)
    assert "Choose categories from the list." in page
    assert 'value="Bal populaire du quartier"' in page and 'value="Place du marché"' in page
    assert 'value="120"' in page and "Sous les tilleuls." in page
    with database.connection_context():
        assert Event.select().count() == 0
    # the known category alone is accepted
    response = ada.post_form("/agenda/new", {**FORM, "categories": "culture"}, follow_redirects=False)
    assert response.status_code == 303
    with database.connection_context():
        assert [e.categories for e in Event.select()] == [["culture"]]
