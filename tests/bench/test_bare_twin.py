"""The bare twin (bench/bare.py) answers each of its pages, for a visitor and for its member: it renders
maillage's own templates from maillage's own functions, so a page whose view changes (a new value in its
context, a part drawn once and shared) must change in the twin too, or the suite compares against an error
page. On the small demo data set."""

import sys
from pathlib import Path

from starlette.testclient import TestClient

from core import demo, testing
from core.db import database
from core.models import Account, Entity

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench import bare  # noqa: E402

PLUGINS = ["groups", "forums", "wire", "blog", "directory", "agenda"]


def test_every_page_of_the_bare_twin_answers_as_maillage_does(tmp_path, monkeypatch):
    app = testing.make_app(tmp_path, plugins=PLUGINS)
    site = app.runtime("test")
    with database.connection_context():
        demo.generate(site, "small", progress=False)
        member = Account.select().where(Account.site == "test").order_by(Account.entity).first()
        cards = Entity.select().where(Entity.kind == "directory.organisation", Entity.access == "public").count()
    for name, value in (("MAILLAGE_HOME", app.instance.home), ("MAILLAGE_SITES", app.instance.sites_dir),
                        ("DATABASE_URL", app.instance.database_url), ("MAILLAGE_SECRET", "bench-secret-" + "x" * 32)):
        monkeypatch.setenv(name, str(value))
    monkeypatch.setattr(bare, "SITE", "test")
    monkeypatch.setattr(bare, "MEMBER", member.email)
    pages = ("/", "/feed", f"/members/{member.entity_id}", "/search?q=club", "/directory/?place=80000&km=1000",
             "/directory/map.json?bbox=-5,41,10,51&zoom=6", "/agenda/month")
    with TestClient(bare.create_app()) as twin:
        for cookie in ({}, {"cookie": "signed=1"}):
            for path in pages:
                if path == "/feed" and not cookie:
                    continue  # my network is a member's page
                response = twin.get(path, headers=cookie)
                assert response.status_code == 200, (path, cookie, response.text[-500:])
            near = twin.get("/directory/?place=80000&km=1000", headers=cookie).text
            assert cards and near.count('class="card item-card') == min(cards, 100)
            assert '<table class="calendar">' in twin.get("/agenda/month", headers=cookie).text
