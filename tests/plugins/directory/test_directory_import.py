"""Directory import: mapping, dedup on the legal identifier, geocoding, dry run, rejects, re-runs; demo."""

import random

import pytest

from core.db import database
from core.models import Entity
from plugins.directory import demo, importer
from plugins.directory.models import Organisation

pytestmark = pytest.mark.site(plugins=["directory"], toml='[plugins.directory]\nidentifiers = ["RNA"]\n')

REGISTER = """Nom;RNA;CP;Ville;Latitude;Longitude
Amicale de Ham;W1;80400;Ham;;
Foyer rural;W2;;;49.5;2.9
Sans nom;W3;80000;Amiens;;
;W4;80000;Amiens;;
Nowhere club;W5;99999;Atlantis;;
"""
MAPPING = {"name": "Nom", "legal_id": "RNA", "postcode": "CP", "commune": "Ville", "lat": "Latitude",
           "lon": "Longitude"}


def test_import_dry_run_then_real_then_rerun(app):
    app.ensure()
    site = app.runtime("test")
    rows = importer.read_rows(REGISTER)
    with database.connection_context():
        dry = importer.import_rows(site, rows, MAPPING, dry_run=True)
        assert (dry.created, dry.updated, len(dry.rejected)) == (3, 0, 2)
        assert Organisation.select().count() == 0
        first = importer.import_rows(site, rows, MAPPING)
        assert [r[0] for r in first.rejected] == [5, 6]
        assert "line,reason" in importer.rejected_csv(first)
        ham = Organisation.get(Organisation.legal_id == "W1")
        assert abs(ham.lat - 49.747) < 0.01 and not ham.claimed
        rows[0]["Nom"] = "Amicale de Ham (nouveau nom)"
        again = importer.import_rows(site, rows, MAPPING)
        assert (again.created, again.updated) == (0, 3)
        assert Organisation.select().count() == 3
        assert Entity.get_by_id(ham.entity_id).title == "Amicale de Ham (nouveau nom)"


def test_cli_import(app, tmp_path, capsys, monkeypatch):
    app.ensure()
    from core import cli

    monkeypatch.setenv("MAILLAGE_HOME", str(app.instance.home))
    monkeypatch.setenv("MAILLAGE_SITES", str(app.instance.sites_dir))
    monkeypatch.setenv("DATABASE_URL", app.instance.database_url)
    path = tmp_path / "register.csv"
    path.write_text("name,legal_id,postcode\nClub A,X1,60000\nClub B,X2,02100\nClub C,X3,\n", encoding="utf-8")
    assert cli.main(["import-directory", str(path), "--site", "test", "--dry-run"]) == 0
    assert "2 created, 0 updated, 1 rejected (dry run" in capsys.readouterr().out
    assert cli.main(["import-directory", str(path), "--site", "test"]) == 0
    assert cli.main(["import-directory", str(path), "--site", "test"]) == 0
    out = capsys.readouterr().out
    assert "0 created, 2 updated, 1 rejected" in out
    assert "Club C" in (tmp_path / "register.csv.rejected.csv").read_text(encoding="utf-8")


def test_demo_cards_in_bulk(app):
    app.ensure()
    site = app.runtime("test")
    with database.connection_context():
        assert demo.bulk_cards(site, 2500, random.Random(1)) == 2500
        assert Organisation.select().where(Organisation.lat.is_null(False)).count() == 2500
        assert Entity.select().where(Entity.kind == "directory.organisation").count() == 2500


def test_claim_confirmed_by_the_link_mailed_to_the_card(app, signed_in, client):
    import re

    from core import mail

    app.ensure()
    site = app.runtime("test")
    rows = importer.read_rows("name,legal_id,postcode,email\nClub à revendiquer,Z1,80000,club@example.org\n")
    with database.connection_context():
        importer.import_rows(site, rows)
        guid = Organisation.get(Organisation.legal_id == "Z1").entity_id
    eve = signed_in("eve")
    eve.post_form(f"/directory/{guid}/claim", {}, token_from=f"/directory/{guid}")
    with database.connection_context():
        sent = [m.message for m in mail.outbox(site)]
    text = next(t for t in sent if "club@example.org" in t)
    text = text.replace("=\n", "").replace("=3D", "=")  # quoted-printable
    link = re.search(r"(/directory/\d+/claim/confirm\?token=[\w.\-]+)", text).group(1)
    assert client.get(f"/directory/{guid}/claim/confirm?token=forged").status_code == 404
    assert client.get(link, follow_redirects=False).status_code == 303
    from core import entities

    with database.connection_context():
        assert entities.manages(eve.account, guid)
        assert Organisation.get_by_id(guid).claimed
