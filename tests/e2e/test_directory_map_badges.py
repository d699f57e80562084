"""The directory map at region scale: each badge reads the number of cards it stands for; the server's
clusters (neighbouring grid cells) are shown as they are, never grouped again by the browser."""

import pytest

from core.db import database
from core.models import Entity
from plugins.directory.models import Organisation

pytestmark = pytest.mark.e2e

TERRITORY = """
[territory]
center = [49.9, 2.4]
zoom = 7
"""


def test_badges_add_up_the_cards_of_the_server_clusters(live_site, page):
    url = live_site(plugins=["directory"], toml=TERRITORY)
    with database.connection_context():
        # two neighbouring grid cells at zoom 7 (0.7° wide): 5 cards in one, 7 in the other, ~64 px apart
        for i, (count, lon) in enumerate(((5, 2.05), (7, 2.78))):
            for j in range(count):
                entity = Entity.create(site="test", kind="directory.organisation", title=f"Club {i}-{j}",
                                       access="public")
                Organisation.create(entity=entity, commune="Amiens", postcode="80000", lat=49.9 + j * 0.001,
                                    lon=lon + j * 0.001)
    page.goto(url + "/directory/")
    page.wait_for_selector("#directory-map .marker-cluster span")
    page.wait_for_load_state("networkidle")
    badges = [int(t) for t in page.locator("#directory-map .marker-cluster span").all_inner_texts()]
    assert sorted(badges) == [5, 7], badges  # the server's clusters as they are: not grouped again by the browser
