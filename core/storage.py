"""Where uploaded files live: one storage interface, chosen by ``MAILLAGE_MEDIA_URL``.

- ``file:///srv/maillage/data/media`` (the default: ``MAILLAGE_HOME/media``): a local folder,
  which several servers may share over NFS;
- ``s3://BUCKET/PREFIX?endpoint_url=https://s3.example.org&region=fr-par``: an S3-compatible
  object store through boto3 (``pip install 'maillage[s3]'``; credentials from the usual
  ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY``), for several app servers.

Files are stored under keys the storage generates (never from a user's file name),
sharded: ``ab/cd/abcd1234...``. Plugins save bytes or a stream and keep the key; serving a
file always goes through a view that checks access first. Both backends offer the same
methods: ``save``, ``open``, ``read``, ``iter_range``, ``size``, ``delete``, ``exists``.
"""

from __future__ import annotations

import io
import os
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import parse_qs, unquote, urlparse

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

CHUNK = 64 * 1024


class StorageError(ValueError):
    """The key is not one this storage made, or the file is gone."""


def _check(key: str) -> str:
    if not key or len(key) != 40 or not all(c in "0123456789abcdef" for c in key):
        raise StorageError(f"not a storage key: {key!r}")
    return f"{key[:2]}/{key[2:4]}/{key}"


class LocalStorage:
    """Files in a folder (by default ``MAILLAGE_HOME/media``)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _check(key)

    def save(self, data: bytes | BinaryIO) -> str:
        """Store bytes or a readable stream; return the new file's key."""
        key = secrets.token_hex(20)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with tmp.open("wb") as out:
            if isinstance(data, bytes | bytearray):
                out.write(data)
            else:
                while chunk := data.read(CHUNK):
                    out.write(chunk)
        os.replace(tmp, path)
        return key

    def open(self, key: str) -> BinaryIO:
        """Open a stored file for reading."""
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            raise StorageError(f"no file for key {key}") from None

    def read(self, key: str) -> bytes:
        """The whole content of a stored file."""
        with self.open(key) as fh:
            return fh.read()

    def iter_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Stream bytes ``start..end`` (inclusive) of a stored file in chunks."""
        with self.open(key) as fh:
            fh.seek(start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                chunk = fh.read(CHUNK if remaining is None else min(CHUNK, remaining))
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    def size(self, key: str) -> int:
        """The size of a stored file in bytes."""
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise StorageError(f"no file for key {key}") from None

    def delete(self, key: str) -> None:
        """Remove a stored file (no error if it is already gone)."""
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).exists()
        except StorageError:
            return False


class S3Storage:
    """Files in a bucket of an S3-compatible object store (boto3)."""

    def __init__(self, bucket: str, prefix: str = "", **client_options):
        try:
            import boto3
        except ImportError:
            from core.db import ConfigurationError

            raise ConfigurationError("MAILLAGE_MEDIA_URL names an S3 store but boto3 is not installed: "
                                     "pip install 'maillage[s3]'") from None
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client("s3", **client_options)

    def _key(self, key: str) -> str:
        return self.prefix + _check(key)

    def _missing(self, exc) -> bool:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        return code in ("404", "NoSuchKey", "NotFound")

    def save(self, data: bytes | BinaryIO) -> str:
        key = secrets.token_hex(20)
        body = io.BytesIO(bytes(data)) if isinstance(data, bytes | bytearray) else data
        self.client.upload_fileobj(body, self.bucket, self._key(key))
        return key

    def _get(self, key: str, **extra):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key), **extra)
        except Exception as exc:
            if self._missing(exc):
                raise StorageError(f"no file for key {key}") from None
            raise

    def open(self, key: str) -> BinaryIO:
        return self._get(key)["Body"]

    def read(self, key: str) -> bytes:
        return self._get(key)["Body"].read()

    def iter_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        extra = {"Range": f"bytes={start}-{'' if end is None else end}"} if start or end is not None else {}
        body = self._get(key, **extra)["Body"]
        yield from body.iter_chunks(CHUNK)

    def size(self, key: str) -> int:
        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"])
        except Exception as exc:
            if self._missing(exc):
                raise StorageError(f"no file for key {key}") from None
            raise

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
            return True
        except StorageError:
            return False


def from_url(url: str):
    """The storage a ``MAILLAGE_MEDIA_URL`` names (``file:///folder`` or ``s3://bucket/prefix?...``)."""
    from core.db import ConfigurationError

    parsed = urlparse(url)
    if parsed.scheme == "file":
        return LocalStorage(Path(unquote(parsed.path)))
    if parsed.scheme == "s3":
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        client = {"endpoint_url": options.pop("endpoint_url", None), "region_name": options.pop("region", None)}
        if options:
            raise ConfigurationError(f"MAILLAGE_MEDIA_URL: unknown option(s) {', '.join(options)} "
                                     "(endpoint_url and region are known)")
        return S3Storage(parsed.netloc, parsed.path, **{k: v for k, v in client.items() if v})
    raise ConfigurationError(f"MAILLAGE_MEDIA_URL {url!r}: use file:///FOLDER or s3://BUCKET/PREFIX")


_made: dict[str, object] = {}
_lock = threading.Lock()


def storage(site: SiteRuntime) -> LocalStorage | S3Storage:
    """The storage of ``site``'s installation (one per media URL and process)."""
    url = site.instance.media_url
    found = _made.get(url)
    if found is None:
        with _lock:
            found = _made.setdefault(url, from_url(url))
    return found
