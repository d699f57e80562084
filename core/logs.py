"""Structured logs: one JSON object per line, never a secret in them."""

from __future__ import annotations

import functools
import json
import logging
import sys

_RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}
SECRET_WORDS = ("password", "secret", "token", "csrf")


@functools.lru_cache(maxsize=1024)
def _secret(key: str) -> bool:
    """Does this field name look like it holds a secret? (field names repeat: kept)"""
    return any(w in key.lower() for w in SECRET_WORDS)


class JSONFormatter(logging.Formatter):
    """Format records as JSON with their ``extra`` fields; values of secret-looking keys are masked."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                data[key] = "***" if _secret(key) else value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


def setup(debug: bool = False) -> None:
    """Send maillage's logs to standard error as JSON lines."""
    root = logging.getLogger("maillage")
    if any(isinstance(h.formatter, JSONFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONFormatter())
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    root.propagate = False
