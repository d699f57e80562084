"""The `maillage` command line: each command, and one clear line for every mistake."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import cli, plugins
from core.testing import write_site

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty instance: data folder, sites folder with one site, SQLite database."""
    sites = tmp_path / "sites"
    write_site(sites, "demo", hosts=("demo.localhost",), name="Demo")
    monkeypatch.setenv("MAILLAGE_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("MAILLAGE_SITES", str(sites))
    monkeypatch.setenv("DATABASE_URL", os.environ.get("TEST_DATABASE_URL") and _pg(tmp_path)
                       or f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path


def _pg(tmp_path):
    from core.testing import fresh_database_url

    return fresh_database_url(tmp_path)


def run(capsys, *args):
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_init_migrate_and_sites_list(env, capsys):
    code, out, _ = run(capsys, "init", "--email", "boss@example.org", "--password", "a-long-password")
    assert code == 0
    assert "http://demo.localhost:8000/" in out
    assert "boss@example.org" in out and "a-long-password" in out
    code, out, _ = run(capsys, "migrate")
    assert code == 0 and "up to date" in out
    code, out, _ = run(capsys, "sites", "list")
    assert code == 0 and out.startswith("demo\tDemo\tdemo.localhost")


def test_createadmin_then_promote(env, capsys):
    run(capsys, "migrate")
    code, out, _ = run(capsys, "createadmin", "chef@example.org", "--password", "another-password")
    assert code == 0 and "chef@example.org" in out
    code, out, _ = run(capsys, "createadmin", "chef@example.org")
    assert code == 0 and "now an administrator" in out
    code, _, err = run(capsys, "createadmin", "not-an-address")
    assert code == 1 and err.count("\n") == 1 and "not a valid e-mail address" in err


def test_plugins_list_enable_disable(env, capsys):
    run(capsys, "migrate")
    code, out, _ = run(capsys, "plugins", "list", "--site", "demo")
    assert code == 0
    bundled = [i for i in plugins.discover().values() if not i.error and not i.requires]
    if bundled:
        name = bundled[0].name
        assert run(capsys, "plugins", "enable", name, "--site", "demo")[0] == 0
        assert f"{name}\t" in run(capsys, "plugins", "list", "--site", "demo")[1]
        assert run(capsys, "plugins", "disable", name, "--site", "demo")[0] == 0
    code, _, err = run(capsys, "plugins", "enable", "no_such_plugin", "--site", "demo")
    assert code == 1 and "no plugin named 'no_such_plugin'" in err and err.count("\n") == 1


def test_wrong_arguments_give_one_line_and_exit_2(env, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["plugins", "explode"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid choice" in err and "Traceback" not in err


def test_bad_configuration_gives_one_clear_line(env, capsys):
    (env / "sites" / "broken.toml").write_text("[site]\nname = \n", encoding="utf-8")
    code, _, err = run(capsys, "sites", "list")
    assert code == 1
    assert err.startswith("maillage: error: broken.toml: not valid TOML")
    assert "Traceback" not in err


def test_check_reports_problems_with_a_non_zero_exit(env, capsys):
    write_site(env / "sites", "demo", hosts=("demo.localhost",), plugins=("no_such_plugin",), theme="nope")
    code, out, err = run(capsys, "check")
    assert code == 1
    assert "plugin 'no_such_plugin' is not installed" in err
    assert "theme 'nope' does not exist" in err


def test_check_passes_on_a_valid_installation(env, capsys):
    run(capsys, "migrate")
    code, out, _ = run(capsys, "check")
    assert code == 0, out
    assert "configuration and plugins are valid" in out


def test_new_plugin_writes_a_pip_package_whose_own_test_passes_outside_the_repository(env, capsys, tmp_path, editable_env):
    """new-plugin in a temporary folder, ``pip install -e`` into a throw-away environment (offline), enabled
    on one site only; its generated test runs with that environment's pytest from its own folder, with no
    file of this repository."""
    where = tmp_path / "src"
    code, out, _ = run(capsys, "new-plugin", "poll", "--dir", str(where))
    assert code == 0, out
    root = where / "maillage_poll"
    for part in ("pyproject.toml", "maillage_poll/plugin.toml", "maillage_poll/hooks.py", "maillage_poll/models.py",
                 "maillage_poll/migrations/0001_initial.py", "maillage_poll/templates/poll/index.html",
                 "maillage_poll/templates/poll/item.html", "maillage_poll/templates/poll/activity.html",
                 "maillage_poll/locale/fr/LC_MESSAGES/messages.po", "maillage_poll/locale/en/LC_MESSAGES/messages.po",
                 "tests/test_poll.py"):
        assert (root / part).exists(), part
    assert run(capsys, "i18n", "check", "--dir", str(root / "maillage_poll"))[0] == 0
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "E,F,W,I,B,UP",
                           "--line-length", "110", "."], cwd=root, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    editable_env.install_editable(root)
    assert list(root.rglob("conftest.py")) == []  # the fixtures come from maillage's pytest11 plugin
    result = editable_env.run("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    found = editable_env.run("-c", "from core import plugins; poll = plugins.refresh()['poll']; "
                                   "print(poll.source, poll.error, poll.path, sep='|')")
    assert found.stdout.strip().split("|") == ["entry point (maillage-poll)", "None", str(root / "maillage_poll")], \
        found.stdout + found.stderr  # the editable install: the code runs from the generated folder


def test_new_plugin_refuses_names_that_cannot_work(env, capsys, tmp_path):
    for name, message in (("Bad-Name", "not a valid plugin name"), ("admin", "is a path of the core"),
                          ("maillage_poll", "its package is named maillage_poll")):
        code, _, err = run(capsys, "new-plugin", name, "--dir", str(tmp_path / "src"))
        assert code == 1 and message in err, err
    assert not (tmp_path / "src").exists()


def test_init_demo_gives_every_site_an_administrator_and_prints_them(env, capsys):
    write_site(env / "sites", "asso", hosts=("asso.localhost",), name="Asso")
    code, out, _ = run(capsys, "init", "--demo", "--port", "8123")
    assert code == 0
    from core.db import database
    from core.models import Account, Site

    with database.connection_context():
        admins = {a.site for a in Account.select().where(Account.role == "admin")}
        base = {row.id: row.settings.get("base_url") for row in Site.select()}
    assert admins == {"demo", "asso"}
    with database.connection_context():  # the sites are French: mail says "Administrateur vous invite"
        assert {a.entity.title for a in Account.select().where(Account.role == "admin")} == {"Administrateur"}
    assert base == {"demo": "http://demo.localhost:8123", "asso": "http://asso.localhost:8123"}
    assert "http://demo.localhost:8123/" in out and "http://asso.localhost:8123/" in out
    assert out.count("administrator: admin@example.org  password: ") == 2


def test_i18n_extracts_compiles_and_checks_a_plugin_folder(env, capsys, tmp_path):
    assert run(capsys, "new-plugin", "poll", "--dir", str(tmp_path / "src"))[0] == 0
    plugin = tmp_path / "src" / "maillage_poll" / "maillage_poll"
    assert run(capsys, "i18n", "extract", "--dir", str(plugin))[0] == 0
    assert 'msgid "Choose who may see it."' in (plugin / "locale" / "messages.pot").read_text()
    assert run(capsys, "i18n", "compile", "--dir", str(plugin))[0] == 0
    assert (plugin / "locale" / "fr" / "LC_MESSAGES" / "messages.mo").stat().st_size > 0
    views = plugin / "views.py"
    views.write_text(views.read_text().replace('_("Published.")', '_("Published at last.")'))
    code, out, err = run(capsys, "i18n", "check", "--dir", str(plugin))
    assert code == 1 and "Published at last." in out
    assert run(capsys, "i18n", "update", "--dir", str(plugin))[0] == 0
    english = (plugin / "locale" / "en" / "LC_MESSAGES" / "messages.po").read_text()
    assert 'msgid "Published at last."\nmsgstr "Published at last."' in english
    code, out, _ = run(capsys, "i18n", "check", "--dir", str(plugin))
    assert code == 1 and "[fr]: 1 untranslated" in out
