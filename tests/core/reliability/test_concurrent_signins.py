"""Bursts of sign-ins on two `maillage run` workers: no "database is locked", no error.

On SQLite every write transaction begins IMMEDIATE and the rate-limit counter is one upsert,
so concurrent writers wait their turn (busy timeout) instead of failing.
"""

import threading

from core import accounts
from tests.core.reliability.conftest import CSRF_RE

CLIENTS = 20
SIGNINS = 1000


def test_a_thousand_signins_from_twenty_clients_on_two_workers_all_succeed(serve, queue_db):
    # the clients come through a proxy on loopback, which the site is told to believe (core.proxies)
    server = serve(workers=2, env={"MAILLAGE_TRUSTED_PROXIES": "127.0.0.1"})
    with queue_db.connection_context():
        for n in range(CLIENTS):
            accounts.create_account("test", f"m{n}@example.org", f"Member {n}", f"password-m{n}-123")
    answers: list[int | str] = []
    lock = threading.Lock()

    def client(n: int):
        with server.client() as http:
            for i in range(SIGNINS // CLIENTS):
                # every attempt from its own address, as behind a proxy: the per-address limit stays out of the way
                address = {"X-Forwarded-For": f"10.{n}.{i // 200}.{i % 200 + 1}"}
                try:
                    token = CSRF_RE.search(http.get("/signin", headers=address).text).group(1)
                    wrong = i % 5 == 4  # one failed attempt in five: counted, then forgotten by the next success
                    response = http.post("/signin", headers=address, data={
                        "email": f"m{n}@example.org", "password": "nope" if wrong else f"password-m{n}-123",
                        "csrf_token": token})
                    outcome = response.status_code if response.status_code != (400 if wrong else 303) \
                        else "ok"
                except Exception as exc:
                    outcome = f"{type(exc).__name__}: {exc}"
                with lock:
                    answers.append(outcome)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [a for a in answers if a != "ok"]
    assert len(answers) == SIGNINS
    assert errors == []
    log = open(server.log.name, encoding="utf-8").read()
    assert "database is locked" not in log and "Traceback" not in log
