"""Where uploaded files live: one storage interface, a local folder by default.

Files are stored under keys the storage generates (never from a user's file name),
sharded in sub-folders: ``ab/cd/abcd1234...``. Plugins save bytes or a stream and keep
the key; serving a file always goes through a view that checks access first.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 64 * 1024


class StorageError(ValueError):
    """The key is not one this storage made, or the file is gone."""


class LocalStorage:
    """Files in a folder of the instance's data folder (``MAILLAGE_HOME/media``)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key or len(key) != 40 or not all(c in "0123456789abcdef" for c in key):
            raise StorageError(f"not a storage key: {key!r}")
        return self.root / key[:2] / key[2:4] / key

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


def storage(site) -> LocalStorage:
    """The storage of ``site``'s installation."""
    return LocalStorage(site.instance.media_dir)
