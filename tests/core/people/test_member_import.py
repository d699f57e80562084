"""Importing a member file: mapping, recognition by e-mail, rejected rows, dry run, idempotence."""

import re

import pytest

from core import cli, testing
from core.db import database
from core.models import Account

PROFILE = """
[profile]
[[profile.fields]]
name = "commune"
label = "Commune"
type = "text"
"""

CSV = """Courriel;Nom;Role;Ville
ada@example.org;Ada L.;admin;Amiens
nouveau@example.org;Nouveau Membre;member;Laon
pas-une-adresse;X;member;Beauvais
bis@example.org;Bis;chef;Soissons
nouveau@example.org;Doublon;member;Laon
"""

pytestmark = pytest.mark.site(toml=PROFILE)


@pytest.fixture
def cli_env(app, monkeypatch, tmp_path):
    app.ensure()
    monkeypatch.setenv("MAILLAGE_HOME", str(app.instance.home))
    monkeypatch.setenv("MAILLAGE_SITES", str(app.instance.sites_dir))
    monkeypatch.setenv("DATABASE_URL", app.instance.database_url)
    path = tmp_path / "membres.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def _import(capsys, path, *extra):
    code = cli.main(["import-members", str(path), "--site", "test", "--map", "email=Courriel", "--map", "name=Nom",
                     "--map", "role=Role", "--map", "commune=Ville", *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_dry_run_reports_and_changes_nothing(cli_env, capsys, member_factory):
    member_factory("ada")
    code, out, _ = _import(capsys, cli_env, "--dry-run")
    assert code == 0
    assert "would have created 1, updated 1, unchanged 0" in out
    assert "line 4: invalid e-mail address: pas-une-adresse" in out
    assert "line 5: unknown role chef" in out
    assert "line 6: nouveau@example.org appears twice" in out
    with database.connection_context():
        assert not Account.select().where(Account.email == "nouveau@example.org").exists()


def test_import_creates_invites_updates_and_a_second_run_changes_nothing(app, cli_env, capsys, member_factory):
    member_factory("ada")
    code, out, _ = _import(capsys, cli_env)
    assert code == 0 and "created 1, updated 1, unchanged 0, invited 1, rejected 3" in out
    with database.connection_context():
        assert Account.get(Account.email == "ada@example.org").role == "admin"
        assert Account.get(Account.email == "nouveau@example.org").state == "invited"
    code, out, _ = _import(capsys, cli_env)
    assert "created 0, updated 0, unchanged 2, invited 0" in out
    # the invited person accepts with the link of the mail (outbox: no SMTP server configured)
    from core import mail

    outbox = mail.outbox(app.runtime("test"))
    assert len(outbox) == 1
    link = re.search(r"(/signup\?invitation=[\w-]+)", outbox[0].message).group(1)
    client = testing.client(app)
    response = client.post_form(link, {"name": "Nouveau Membre", "password": "a-long-password", "website": ""},
                                token_from=link, follow_redirects=False)
    assert response.status_code == 303
    with database.connection_context():
        assert Account.get(Account.email == "nouveau@example.org").state == "active"


def test_unknown_columns_give_one_clear_line(cli_env, capsys):
    code = cli.main(["import-members", str(cli_env), "--site", "test", "--map", "email=Mail"])
    err = capsys.readouterr().err
    assert code == 1 and "the file has no column 'Mail'" in err and err.count("\n") == 1


def test_admin_page_imports_with_a_report(signed_in):
    admin = signed_in("root", role="admin")
    token = testing.CSRF_RE.search(admin.get("/admin/import-members").text).group(1)
    response = admin.post("/admin/import-members", data={
        "csrf_token": token, "map_email": "Courriel", "map_name": "Nom", "map_role": "Role",
        "map_commune": "Ville", "dry_run": "1"}, files={"file": ("m.csv", CSV.encode(), "text/csv")})
    assert response.status_code == 200
    assert "pas-une-adresse" in response.text
