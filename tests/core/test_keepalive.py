"""Keep-alive connections spread over the workers (core.keepalive): `maillage run --workers 2` closes
a connection after MAILLAGE_KEEPALIVE_REQUESTS requests, so its client reconnects and the worker that
is free accepts it; with one worker, or the variable unset, connections are left alone."""

import http.client
import os

import pytest

from core import testing
from core.testing import ServerProcess, fresh_database_url, write_site


@pytest.fixture
def env(tmp_path):
    write_site(tmp_path / "sites", "test")
    return {"MAILLAGE_HOME": str(tmp_path / "var"), "MAILLAGE_SITES": str(tmp_path / "sites"),
            "DATABASE_URL": fresh_database_url(tmp_path), "MAILLAGE_SECRET": "s" * 40, "MAILLAGE_DEBUG": ""}


def answers_on_one_connection(port: int, count: int) -> list[str | None]:
    """The Connection header of each answer to ``count`` requests sent on one kept-alive connection,
    until the server closes it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    seen = []
    try:
        for _ in range(count):
            conn.request("GET", "/healthz", headers={"Host": "testserver"})
            response = conn.getresponse()
            response.read()
            seen.append(response.getheader("connection"))
            if response.will_close:
                break
    finally:
        conn.close()
    return seen


def test_several_workers_close_each_connection_after_its_quota(env):
    server = ServerProcess({**env, "MAILLAGE_KEEPALIVE_REQUESTS": "5"}, "--workers", "2").start()
    try:
        first = answers_on_one_connection(server.port, 12)
        second = answers_on_one_connection(server.port, 3)
    finally:
        code, _out, err = server.stop()
    assert code == 0, err
    assert len(first) == 5 and first[-1] == "close" and "close" not in first[:-1]
    assert len(second) == 3 and "close" not in second


def test_one_worker_keeps_connections_open(env):
    server = ServerProcess(env, "--workers", "1").start()
    try:
        seen = answers_on_one_connection(server.port, 120)
    finally:
        server.stop()
    assert len(seen) == 120 and "close" not in seen


def test_quota_counts_per_connection_in_process(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILLAGE_KEEPALIVE_REQUESTS", "3")
    client = testing.client(testing.make_app(tmp_path))
    headers = [client.get("/healthz").headers.get("connection") for _ in range(7)]
    assert headers == [None, None, "close", None, None, "close", None]
    monkeypatch.delenv("MAILLAGE_KEEPALIVE_REQUESTS")
    assert os.environ.get("MAILLAGE_KEEPALIVE_REQUESTS") is None
    client = testing.client(testing.make_app(tmp_path / "other"))
    assert all(client.get("/healthz").headers.get("connection") is None for _ in range(4))
