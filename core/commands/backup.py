"""``maillage backup`` and ``maillage restore``: one archive of the database and the media."""

from __future__ import annotations

from pathlib import Path


def backup(args) -> int:
    import datetime as dt

    from core import backup
    from core.config import Instance

    instance = Instance.from_env()
    target = Path(args.file or f"maillage-backup-{dt.datetime.now():%Y%m%d-%H%M%S}.tar.gz")
    manifest = backup.backup(instance, target)
    media = sum(1 for name in manifest["files"] if name.startswith("media/"))
    print(f"wrote {target}: {manifest['database']} database ({len(manifest['migrations'])} migrations), "
          f"{media} media file(s), maillage {manifest['maillage_version']}")
    return 0


def restore(args) -> int:
    from core import backup
    from core.config import Instance

    instance = Instance.from_env(secret="not-needed-to-restore")  # never write a new secret.key first
    manifest = backup.restore(instance, Path(args.file))
    media = sum(1 for name in manifest["files"] if name.startswith("media/"))
    print(f"restored {args.file} (made {manifest['created'][:19]} by maillage {manifest['maillage_version']}): "
          f"{manifest['database']} database, {media} media file(s) into {instance.home}")
    print("next: `maillage migrate`, then start the server")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("backup", help="write one archive: database snapshot, media, manifest (site keeps running)")
    p.add_argument("file", nargs="?", help="archive to write (default: maillage-backup-DATE-TIME.tar.gz)")
    p.set_defaults(func=backup)

    p = sub.add_parser("restore", help="restore an archive of `maillage backup` into an empty data folder and database")
    p.add_argument("file", help="the archive")
    p.set_defaults(func=restore)
