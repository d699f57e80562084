"""`maillage run` and `check` at start: configuration, database, migrations once under a lock,
workers that keep dying. Each test runs the real command in a subprocess."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.testing import ServerProcess, fresh_database_url, write_site

GOOD_SECRET = "s" * 40


@pytest.fixture
def env(tmp_path):
    """The environment of an installation with one site and an empty database."""
    write_site(tmp_path / "sites", "test", plugins=("blog",))
    return {"MAILLAGE_HOME": str(tmp_path / "var"), "MAILLAGE_SITES": str(tmp_path / "sites"),
            "DATABASE_URL": fresh_database_url(tmp_path), "MAILLAGE_SECRET": GOOD_SECRET,
            "MAILLAGE_DEBUG": ""}


def maillage(env, *args, timeout=300):
    done = subprocess.run(["maillage", *args], env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def applied_names(env) -> list[str]:
    from core.db import configure, database

    configure(env["DATABASE_URL"])
    with database.connection_context():
        return [name for (name,) in database.execute_sql("SELECT name FROM maillage_migration")]


def test_four_migrations_at_once_apply_each_migration_once(env):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: maillage(env, "migrate"), range(4)))
    assert [code for code, _out, _err in results] == [0, 0, 0, 0], [err for *_, err in results]
    printed = [line for _code, out, _err in results for line in out.splitlines() if line.startswith("applied ")]
    names = applied_names(env)
    assert len(names) == len(set(names)) > 5
    assert sorted(line.removeprefix("applied ") for line in printed) == sorted(names)


def test_run_migrates_once_in_the_parent_then_serves_with_several_workers(env):
    server = ServerProcess(env, "--workers", "3").start()
    status, _headers, body = server.request("GET", "/healthz")
    code, out, err = server.stop()
    assert status == 200, body
    assert code == 0, err
    names = applied_names(env)
    assert sorted(line.removeprefix("applied ") for line in out.splitlines() if line.startswith("applied ")) \
        == sorted(names)
    assert "Traceback" not in err


def test_no_migrate_is_honoured(env):
    code, _out, err = maillage(env, "run", "--no-migrate")
    assert code == 1
    assert err.strip().splitlines() == [
        "maillage: error: the database has no tables yet: run `maillage migrate` (or start without --no-migrate)"]
    assert maillage(env, "migrate")[0] == 0
    from core.db import configure, database

    configure(env["DATABASE_URL"])
    with database.connection_context():  # as if the code had been upgraded: one migration not applied
        database.execute_sql("DELETE FROM maillage_migration WHERE name = 'blog:0002_listing_indexes'")
    server = ServerProcess(env, "--no-migrate").start()
    status, _headers, body = server.request("GET", "/healthz")
    code, out, err = server.stop()
    assert status == 503 and b"blog:0002_listing_indexes" in body
    assert "applied" not in out and "1 migration(s) pending" in err
    assert "blog:0002_listing_indexes" not in applied_names(env)


@pytest.mark.parametrize("url", ["postgresql://maillage@127.0.0.1:1/nowhere", "sqlite:////proc/nowhere/x.db"])
def test_unreachable_database_stops_run_with_one_line(env, url):
    code, _out, err = maillage({**env, "DATABASE_URL": url}, "run", "--workers", "2")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("maillage: error: database") and "Traceback" not in err


def test_missing_driver_stops_run_with_one_line(env):
    code = ("import sys; sys.modules['psycopg'] = None; from core import cli; "
            "sys.exit(cli.main(['run']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env, "DATABASE_URL": "postgresql://maillage@127.0.0.1/x"})
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "maillage: error: DATABASE_URL names PostgreSQL but psycopg is not installed: "
        "pip install 'maillage[postgres]'"]


def test_workers_that_keep_dying_stop_run_with_one_line(env, tmp_path):
    # A fault injected into every worker process: it dies as soon as its interpreter starts.
    (tmp_path / "inject").mkdir()
    (tmp_path / "inject" / "sitecustomize.py").write_text(
        "import os\nif os.environ.get('MAILLAGE_PREPARED') == '1':\n    os._exit(7)\n")
    assert maillage(env, "migrate")[0] == 0
    server = ServerProcess({**env, "PYTHONPATH": str(tmp_path / "inject")}, "--workers", "2")
    server.start(timeout=0)
    code, _out, err = server.wait(timeout=300)
    assert code == 1
    assert err.strip().splitlines()[-1].startswith("maillage: error: workers keep dying")
    assert "last exit code 7" in err


def test_unknown_plugin_stops_check_and_run(env, tmp_path):
    write_site(tmp_path / "sites", "test", plugins=("blog", "blgo"))
    code, _out, err = maillage(env, "check")
    assert code == 1 and "test.toml: plugin 'blgo' is not installed" in err
    code, _out, err = maillage(env, "run")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "test.toml: plugin 'blgo' is not installed" in lines[0]


def test_weak_secret_stops_check_and_run_in_production(env):
    weak = {**env, "MAILLAGE_SECRET": "x" * 31}
    code, _out, err = maillage(weak, "check")
    assert code == 1 and "MAILLAGE_SECRET is 31 bytes long; use at least 32" in err
    code, _out, err = maillage(weak, "run")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "MAILLAGE_SECRET is 31 bytes" in err
    code, _out, err = maillage({**weak, "MAILLAGE_DEBUG": "1"}, "check")  # a development machine
    assert code == 0, err
    assert maillage({**env, "MAILLAGE_SECRET": "x" * 32}, "check")[0] == 0


def test_an_unknown_media_url_stops_check_and_run(env):
    wrong = {**env, "MAILLAGE_MEDIA_URL": "ftp://files.example.org/media"}
    code, _out, err = maillage(wrong, "check")
    assert code == 1 and "MAILLAGE_MEDIA_URL 'ftp://files.example.org/media': use file:///FOLDER" in err
    code, _out, err = maillage(wrong, "run")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "MAILLAGE_MEDIA_URL" in err
