"""`maillage backup` while posts are being written, `maillage restore` elsewhere, and every table
and file compared; what restore refuses."""

import io
import json
import os
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest
from PIL import Image

from core.db import configure, database
from core.testing import fresh_database_url

SECRET = "a-secret-long-enough-for-production-use"
# Columns the application writes in a later transaction than the row's own (a published post is
# announced just after it is saved): a snapshot may hold the row from between the two.
LATER = {"blog_post": {"announced"}}


def png(i: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (i * 7 % 256, i * 13 % 256, 90)).save(out, "PNG")
    return out.getvalue()


def maillage(env, *args):
    done = subprocess.run(["maillage", *args], env={**os.environ, "MAILLAGE_SECRET": SECRET, **env},
                          capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout, done.stderr


def tables(url: str) -> dict[str, list]:
    """Every row of every table, sorted, as comparable tuples."""
    configure(url)
    found = {}
    with database.connection_context():
        names = database.get_tables()
        # SQLite's own bookkeeping and full-text indexes' storage (compared through the index itself)
        shadow = {f"{n}_{s}" for n in names for s in ("data", "idx", "docsize", "config", "content")}
        for table in names:
            if table.startswith("sqlite_") or table in shadow:
                continue
            columns = [f'"{c.name}"' for c in database.get_columns(table) if c.name not in LATER.get(table, ())]
            cursor = database.execute_sql(f'SELECT {", ".join(columns)} FROM "{table}"')
            found[table] = sorted(tuple(str(v) for v in row) for row in cursor.fetchall())
    return found


def files(folder: Path) -> dict[str, bytes]:
    """The stored files of a media folder (not the ``.part`` of a file being written)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.suffix != ".part"} if folder.is_dir() else {}


@pytest.mark.site(plugins=["blog"])
def test_backup_while_posts_are_written_then_restore_elsewhere_and_compare(app, member_factory, tmp_path):
    from plugins.blog import posts

    ada = member_factory("ada")
    site = app.runtime("test")
    source_url, home = app.database_url, app.instance.home
    stop, written = threading.Event(), []
    failures = []

    def write():
        i = 0
        while not stop.is_set():
            i += 1
            try:
                with database.connection_context():
                    values = {"title": f"Post {i}", "body": f"Body {i}", "excerpt": "", "tag_list": [],
                              "access": "public", "comments": True, "when": None}
                    posts.save(site, ada, ada.entity, values, None, publish=True, cover=png(i))
                written.append(i)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                failures.append(repr(exc))
                return

    writer = threading.Thread(target=write)
    writer.start()
    while len(written) < 5 and writer.is_alive():
        threading.Event().wait(0.05)
    before_backup = len(written)
    media_before = files(home / "media")
    archive = tmp_path / "site.tar.gz"
    env = {"MAILLAGE_HOME": str(home), "MAILLAGE_SITES": str(app.instance.sites_dir), "DATABASE_URL": source_url}
    code, out, err = maillage(env, "backup", str(archive))
    during_backup = len(written) - before_backup
    stop.set()
    writer.join()
    assert not failures, failures
    assert code == 0 and out.startswith(f"wrote {archive}"), err
    assert during_backup > 0  # the backup really ran while posts were being written

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["maillage_version"] and "core:0001_initial" in manifest["migrations"]
    assert all(len(digest) == 64 for digest in manifest["files"].values())

    restored_home = tmp_path / "elsewhere"
    restored_url = fresh_database_url(tmp_path / "elsewhere-db") if os.environ.get("TEST_DATABASE_URL") \
        else f"sqlite:///{restored_home / 'maillage.db'}"
    (tmp_path / "elsewhere-db").mkdir(exist_ok=True)
    renv = {**env, "MAILLAGE_HOME": str(restored_home), "DATABASE_URL": restored_url}
    code, out, err = maillage(renv, "restore", str(archive))
    assert code == 0 and out.startswith("restored"), err

    source, restored = tables(source_url), tables(restored_url)
    assert set(restored) == set(source)
    for table, rows in restored.items():  # a consistent snapshot: every restored row is a source row
        assert set(rows) <= set(source[table]), table
    restored_posts = len(restored["blog_post"])
    assert before_backup <= restored_posts <= len(written)
    assert len(restored["blog_revision"]) == restored_posts
    configure(restored_url)
    with database.connection_context():
        from plugins.blog.models import Post

        covers = [p.cover for p in Post.select()]
    source_files, restored_files = files(home / "media"), files(restored_home / "media")
    for name, content in restored_files.items():
        assert source_files[name] == content, name
    assert set(media_before) <= set(restored_files)
    for key in covers:  # every post of the snapshot has its cover
        assert any(name.endswith(key) for name in restored_files), key
    for table in source:  # tables the writer did not touch are identical
        if not any(part in table for part in ("blog", "entity", "activity", "revision", "search", "notification")):
            assert restored[table] == source[table], table

    # The restored installation migrates (nothing to do) and serves the posts.
    code, out, err = maillage(renv, "migrate")
    assert code == 0, err


def test_restore_refuses_a_newer_archive_a_damaged_one_and_a_non_empty_target(tmp_path):
    home = tmp_path / "var"
    url = fresh_database_url(tmp_path)
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "test.toml").write_text('[site]\nname = "T"\nhosts = ["testserver"]\nplugins = []\n')
    env = {"MAILLAGE_HOME": str(home), "MAILLAGE_SITES": str(tmp_path / "sites"), "DATABASE_URL": url}
    assert maillage(env, "migrate")[0] == 0
    (home / "media" / "ab").mkdir(parents=True)
    (home / "media" / "ab" / "file").write_bytes(b"content")
    archive = tmp_path / "b.tar.gz"
    assert maillage(env, "backup", str(archive))[0] == 0

    def rewritten(name, change):
        with tarfile.open(archive) as tar:
            members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
        change(members)
        path = tmp_path / name
        with tarfile.open(path, "w:gz") as tar:
            for member, data in members.items():
                info = tarfile.TarInfo(member)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return path

    def newer(members):
        manifest = json.loads(members["manifest.json"])
        manifest["maillage_version"] = "99.0"
        members["manifest.json"] = json.dumps(manifest).encode()

    def damaged(members):
        members["media/ab/file"] = b"changed"

    empty_env = {**env, "MAILLAGE_HOME": str(tmp_path / "new"),
                 "DATABASE_URL": fresh_database_url(tmp_path / "new") if url.startswith("postgres")
                 else f"sqlite:///{tmp_path / 'new' / 'maillage.db'}"}
    (tmp_path / "new").mkdir()
    code, _out, err = maillage(empty_env, "restore", str(rewritten("newer.tar.gz", newer)))
    assert code == 1 and "made by maillage 99.0, newer than this one" in err and len(err.splitlines()) == 1
    code, _out, err = maillage(empty_env, "restore", str(rewritten("damaged.tar.gz", damaged)))
    assert code == 1 and "media/ab/file is missing or damaged" in err
    code, _out, err = maillage(env, "restore", str(archive))  # the live installation: not empty
    assert code == 1 and "restore into an empty one" in err
    code, _out, err = maillage(empty_env, "restore", str(archive))
    assert code == 0, err
    assert (tmp_path / "new" / "media" / "ab" / "file").read_bytes() == b"content"
