"""``maillage backup`` and ``maillage restore``: one archive holds everything.

The archive (``.tar.gz``) holds a consistent snapshot of the database (SQLite's online backup
API, or ``pg_dump -Fc`` on PostgreSQL), the media folder, the stored secret key if any, and
``manifest.json``: maillage's version, the applied migrations, the database engine and the
SHA-256 of every other member. The site runs on while it is taken.

Restore checks every checksum, refuses an archive made by a newer maillage (or holding
migrations this code does not know), and writes only into an empty data folder and an empty
database; then ``maillage migrate`` brings an older archive up to date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from packaging.version import Version

from core import __version__
from core.config import Instance
from core.db import ConfigurationError, configure, database

FORMAT = 1
MANIFEST = "manifest.json"
SECRET_FILE = "secret.key"


class BackupError(ConfigurationError):
    """The backup or the restore cannot be done; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(url: str) -> str:
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgres", "postgresql"):
        return "postgresql"
    raise BackupError(f"DATABASE_URL {url!r}: not a database maillage knows")


def _sqlite_path(url: str) -> Path:
    return Path(configure(url).database)


def _pg_url(url: str) -> str:
    return "postgresql" + url[url.index(":"):]  # libpq knows postgresql:// and postgres://


def _applied_migrations() -> list[str]:
    with database.connection_context():
        if "maillage_migration" not in database.get_tables():
            return []
        return sorted(name for (name,) in database.execute_sql("SELECT name FROM maillage_migration"))


def _tool(name: str) -> str:
    """PostgreSQL's ``pg_dump`` or ``pg_restore``: on the PATH, else Debian's newest."""
    import glob

    found = shutil.which(name) or (sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [None])[-1]
    if found is None:
        raise BackupError(f"{name} is needed for a PostgreSQL database: apt-get install postgresql-client")
    return found


def backup(instance: Instance, target: Path) -> dict:
    """Write the archive ``target``; return its manifest."""
    engine = _engine(instance.database_url)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists")
    with tempfile.TemporaryDirectory(prefix="maillage-backup-", dir=target.parent) as tmp:
        tmp = Path(tmp)
        if engine == "sqlite":
            dump = tmp / "database.sqlite"
            source = sqlite3.connect(_sqlite_path(instance.database_url))
            copy = sqlite3.connect(dump)
            try:
                source.backup(copy)  # one consistent snapshot, taken while the site writes
            finally:
                copy.close()
                source.close()
        else:
            dump = tmp / "database.dump"
            done = subprocess.run([_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(dump),
                                   "-d", _pg_url(instance.database_url)], capture_output=True, text=True)
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip().splitlines()[-1:]}")
        if engine == "sqlite":  # the migrations of the snapshot itself, read without writing to it
            with sqlite3.connect(f"file:{dump}?mode=ro", uri=True) as snapshot:
                migrations = sorted(name for (name,) in snapshot.execute("SELECT name FROM maillage_migration"))
            snapshot.close()
        else:
            configure(instance.database_url)
            migrations = _applied_migrations()
        members: list[tuple[str, Path]] = [(dump.name, dump)]
        media = instance.media_dir
        if instance.media_url.startswith("file:") and media.is_dir():  # an S3 store is backed up apart
            for path in sorted(media.rglob("*")):
                if path.is_file() and not path.name.endswith(".part"):
                    members.append((f"media/{path.relative_to(media).as_posix()}", path))
        secret = instance.home / SECRET_FILE
        if secret.is_file():
            members.append((SECRET_FILE, secret))
        manifest = {"format": FORMAT, "maillage_version": __version__, "created": dt.datetime.now(dt.UTC).isoformat(),
                    "database": engine, "migrations": migrations, "files": {}}
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            for name, path in members:
                try:
                    manifest["files"][name] = _sha256(path)
                    tar.add(path, arcname=name, recursive=False)
                except FileNotFoundError:  # a media file deleted while we copied: not in the snapshot
                    manifest["files"].pop(name, None)
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, target)
    configure(instance.database_url)
    return manifest


def read_manifest(archive: Path) -> dict:
    """The manifest of an archive (raises BackupError if it has none)."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            return json.load(tar.extractfile(MANIFEST))
    except (KeyError, tarfile.TarError, OSError, ValueError) as exc:
        raise BackupError(f"{archive} is not a maillage backup: {exc}") from None


def _empty_target(instance: Instance, engine: str) -> None:
    database_file = _sqlite_path(instance.database_url) if engine == "sqlite" else None
    if database_file is not None and database_file.exists() and database_file.stat().st_size:
        raise BackupError(f"the database {database_file} already exists: restore into an empty one")
    home = instance.home
    if home.exists() and any(p != database_file for p in home.iterdir()):
        raise BackupError(f"the data folder {home} is not empty: restore into an empty one")
    if engine == "postgresql":
        configure(instance.database_url)
        with database.connection_context():
            if database.get_tables():
                raise BackupError("the database is not empty: restore into an empty one")


def restore(instance: Instance, archive: Path) -> dict:
    """Restore ``archive`` into the instance's (empty) data folder and database; return its manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist")
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive.name}: archive format {manifest.get('format')} is not {FORMAT}")
    made_by = manifest.get("maillage_version", "0")
    if Version(made_by) > Version(__version__):
        raise BackupError(f"{archive.name} was made by maillage {made_by}, newer than this one ({__version__}): "
                          "upgrade maillage first")
    from core.health import known_migrations

    unknown = sorted(set(manifest.get("migrations", [])) - known_migrations())
    if unknown:
        raise BackupError(f"{archive.name} holds migrations this code does not know ({', '.join(unknown[:5])}): "
                          "upgrade maillage or install the same plugins first")
    engine = _engine(instance.database_url)
    if manifest.get("database") != engine:
        raise BackupError(f"{archive.name} holds a {manifest.get('database')} database; DATABASE_URL is {engine}")
    _empty_target(instance, engine)
    home = instance.home
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="maillage-restore-", dir=home.parent) as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(tmp, filter="data")
        for name, expected in manifest["files"].items():
            path = tmp / name
            if not path.is_file() or _sha256(path) != expected:
                raise BackupError(f"{archive.name}: {name} is missing or damaged (checksum differs)")
        if engine == "sqlite":
            target = _sqlite_path(instance.database_url)
            configure(f"sqlite:///{tmp / 'x.db'}")  # release the target before writing it
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            source, copy = sqlite3.connect(tmp / "database.sqlite"), sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        else:
            done = subprocess.run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                                   "-d", _pg_url(instance.database_url), str(tmp / "database.dump")],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {' '.join(done.stderr.split())[-300:]}")
        if (tmp / "media").is_dir():
            shutil.copytree(tmp / "media", instance.media_dir, dirs_exist_ok=True)
        if (tmp / SECRET_FILE).is_file():
            shutil.copy2(tmp / SECRET_FILE, home / SECRET_FILE)
            (home / SECRET_FILE).chmod(0o600)
    configure(instance.database_url)
    return manifest
