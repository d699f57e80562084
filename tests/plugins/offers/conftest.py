"""What the offers tests share: publishing an ad through the real form."""

import pytest

TAXONOMY = """
[[taxonomy]]
label = "Sport"
children = ["Football", "Randonnée"]

[[taxonomy]]
label = "Culture"
"""


def ad_form(**changes):
    data = {"direction": "need", "category": "volunteers", "title": "Bénévoles pour la fête",
            "body": "Nous cherchons **cinq** bénévoles.", "theme": "Sport", "commune": "Amiens",
            "link": "", "quantity": "5", "starts": "", "ends": "", "expires": "", "access": "public"}
    data.update(changes)
    return data


def publish(client, **changes) -> int:
    response = client.post_form("/offers/new", ad_form(**changes), token_from="/offers/new", follow_redirects=False)
    assert response.status_code == 303, response.text[:3000]
    return int(response.headers["location"].rsplit("/", 1)[1])


def act_as(client, guid):
    response = client.post_form("/acting-as", {"actor": str(guid), "next": "/"}, token_from="/", follow_redirects=False)
    assert response.status_code == 303


@pytest.fixture
def offers_site(make_app):
    """A site with the board, the directory (organisations, themes) and a theme tree."""
    return make_app(plugins=["directory", "offers"], toml=TAXONOMY, language="en")
