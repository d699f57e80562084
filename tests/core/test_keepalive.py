"""Keep-alive connections spread over the workers (core.keepalive): `maillage run --workers 2` closes a
connection on its first answer once it is MAILLAGE_KEEPALIVE_SECONDS old, so its client reconnects and
the worker that is free accepts it; with one worker, or the variable unset, connections are left alone."""

import http.client
import time

import pytest

from core import keepalive, testing
from core.testing import ServerProcess, fresh_database_url, write_site


@pytest.fixture
def env(tmp_path):
    write_site(tmp_path / "sites", "test")
    return {"MAILLAGE_HOME": str(tmp_path / "var"), "MAILLAGE_SITES": str(tmp_path / "sites"),
            "DATABASE_URL": fresh_database_url(tmp_path), "MAILLAGE_SECRET": "s" * 40, "MAILLAGE_DEBUG": ""}


def answers_on_one_connection(port: int, count: int, pause: float = 0.05) -> list[str | None]:
    """The Connection header of each answer to ``count`` requests sent on one kept-alive connection
    (``pause`` seconds apart), until the server closes it."""
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
            time.sleep(pause)
    finally:
        conn.close()
    return seen


def test_several_workers_close_a_connection_once_it_is_old_enough(env):
    server = ServerProcess({**env, "MAILLAGE_KEEPALIVE_SECONDS": "0.5"}, "--workers", "2").start()
    try:
        seen = answers_on_one_connection(server.port, 400)
    finally:
        code, _out, err = server.stop()
    assert code == 0, err
    assert seen[-1] == "close" and "close" not in seen[:-1] and len(seen) > 1, seen


def test_one_worker_keeps_connections_open(env):
    server = ServerProcess(env, "--workers", "1").start()
    try:
        seen = answers_on_one_connection(server.port, 60)
    finally:
        server.stop()
    assert len(seen) == 60 and "close" not in seen


def test_each_connection_is_timed_from_its_first_request():
    now = [0.0]
    spreader = keepalive.Spreader(2.0, clock=lambda: now[0], jitter=0)
    a, b = {"client": ("10.0.0.1", 5000)}, {"client": ("10.0.0.1", 5001)}
    assert not spreader.last_on_connection(a)
    now[0] = 1.5
    assert not spreader.last_on_connection(b) and not spreader.last_on_connection(a)
    now[0] = 2.0
    assert spreader.last_on_connection(a) and not spreader.last_on_connection(b)
    assert not spreader.last_on_connection(a)  # the port reused by a new connection starts afresh
    now[0] = 3.5
    assert spreader.last_on_connection(b)


def test_the_application_leaves_connections_alone_unless_asked(tmp_path, monkeypatch):
    monkeypatch.delenv("MAILLAGE_KEEPALIVE_SECONDS", raising=False)
    client = testing.client(testing.make_app(tmp_path / "off"))
    assert all(client.get("/healthz").headers.get("connection") is None for _ in range(4))
    monkeypatch.setenv("MAILLAGE_KEEPALIVE_SECONDS", "0.000001")
    client = testing.client(testing.make_app(tmp_path / "on"))
    headers = [client.get("/healthz").headers.get("connection") for _ in range(4)]
    assert headers == [None, "close", None, "close"]


def test_connections_opened_together_come_back_at_different_times():
    now = [0.0]
    spreader = keepalive.Spreader(2.0, clock=lambda: now[0])
    clients = [{"client": ("10.0.0.1", 6000 + n)} for n in range(8)]
    for scope in clients:
        spreader.last_on_connection(scope)
    deadlines = sorted(spreader.seen.values())
    assert 1.0 <= deadlines[0] < deadlines[-1] <= 3.0 and len(set(deadlines)) == 8
