"""Demo data: links over the last four weeks, a merged share, votes, subscriptions, past syntheses."""

import pytest

from core import demo
from core.db import database
from core.models import Entity
from plugins.veille.models import Link, Note, Subscription, Synthesis

pytestmark = pytest.mark.site(plugins=["groups", "veille"], language="fr", toml="""
[[taxonomy]]
key = "solidarite"
label = "Solidarité"
children = [{ key = "aide", label = "Aide" }]

[[taxonomy]]
key = "culture"
label = "Culture"
""")


def test_demo_links_show_on_the_pages(app, client):
    app.ensure()
    with database.connection_context():
        demo.generate(app.runtime("test"), "small", seed=3, progress=False)
        count = Link.select().count()
        demo.generate(app.runtime("test"), "small", seed=3, progress=False)
        assert Link.select().count() == count  # a second run changes nothing
        merged = Link.select().join(Entity, on=(Link.entity == Entity.guid)).where(
            Link.url == "https://www.associations.gouv.fr/le-compte-asso.html").get()
        assert Note.select().where(Note.link == merged.entity_id).count() == 2
        assert Subscription.select().exists() and Synthesis.select().exists()
        assert Link.select().where(Link.useful > 0).exists()
    assert count >= 10
    assert "Le Compte Asso" in client.get("/veille/").text
    assert "Le Compte Asso" in client.get("/veille/?theme=solidarite").text
    assert client.get("/veille/useful").text.count('class="card item-card veille-card') >= 1
    assert "Semaine du" in client.get("/veille/syntheses").text
