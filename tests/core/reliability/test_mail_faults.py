"""Fault injection with real `maillage run` processes: a mail server that hangs, one that is down.

No page waits on the mail server, and every message is delivered once the server answers.
"""

from core import accounts
from core.mail import Mail
from tests.core.reliability.conftest import HangingSMTP, post_form, wait_until

FAST = {"MAILLAGE_POLL": "0.2", "MAILLAGE_MAIL_RETRY": "0.5"}


def _member(queue_db, email="ada@example.org"):
    with queue_db.connection_context():
        accounts.create_account("test", email, "Ada", "password-ada-123")


def _mails(queue_db):
    with queue_db.connection_context():
        return list(Mail.select().order_by(Mail.id))


def test_a_hung_mail_server_never_holds_a_page_and_gets_the_mail_once_it_answers(serve, smtp, queue_db):
    smtp.controller.start()
    hung = HangingSMTP(smtp.port)
    # the worker waits up to a minute for each answer: it stays stuck on the hung server
    server = serve(settings={"smtp_host": "127.0.0.1", "smtp_port": hung.port, "smtp_tls": False},
                   env={**FAST, "MAILLAGE_SMTP_TIMEOUT": "60"})
    _member(queue_db)
    with server.client() as visitor:
        answer = post_form(visitor, "/reset", {"email": "ada@example.org"})
        assert answer.status_code == 200 and "ada@example.org" in answer.text
        wait_until(lambda: hung.accepted >= 1, "the worker connecting to the hung mail server")
        # the worker is stuck on the mail server, which has said nothing yet: pages still answer
        for path in ("/", "/signin", "/reset"):
            assert visitor.get(path).status_code == 200
        again = post_form(visitor, "/reset", {"email": "ada@example.org"})
        assert again.status_code == 200
        assert not hung.released.is_set() and smtp.received == []
        assert [m.state for m in _mails(queue_db)] == ["pending", "pending"]
        assert visitor.get("/healthz").json()["queue"]["backlog"] == 2
    hung.release()
    wait_until(lambda: all(m.state == "sent" for m in _mails(queue_db)), "both messages sent")
    assert len(smtp.received) == 2
    assert {m["To"] for m in smtp.received} == {"ada@example.org"}
    hung.close()


def test_mail_server_down_then_up_delivers_each_message_once(serve, smtp, queue_db):
    server = serve(settings={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_tls": False}, env=FAST)
    _member(queue_db)
    with server.client() as visitor:
        assert post_form(visitor, "/reset", {"email": "ada@example.org"}).status_code == 200
    wait_until(lambda: any(m.attempts >= 2 and m.claimed_until is None for m in _mails(queue_db)),
               "two refused attempts recorded")
    [row] = _mails(queue_db)
    assert row.state == "pending" and "Connection refused" in row.last_error and row.sent_at is None
    smtp.controller.start()  # the mail server comes up on the port the site names
    wait_until(lambda: _mails(queue_db)[0].state == "sent", "the message sent")
    [row] = _mails(queue_db)
    assert row.sent_at is not None and row.last_error == "" and row.attempts >= 3
    assert len(smtp.received) == 1 and smtp.received[0]["To"] == "ada@example.org"


def test_run_no_worker_leaves_delivery_to_maillage_worker(serve, smtp, queue_db):
    import subprocess
    import sys

    from tests.core.reliability.conftest import ROOT

    smtp.controller.start()
    server = serve(settings={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_tls": False},
                   env=FAST, args=("--no-worker",))
    _member(queue_db)
    with server.client() as visitor:
        assert post_form(visitor, "/reset", {"email": "ada@example.org"}).status_code == 200
        assert visitor.get("/healthz").json()["queue"]["backlog"] == 1
    assert [(m.state, m.attempts) for m in _mails(queue_db)] == [("pending", 0)]  # nobody delivers in `run`
    result = subprocess.run([sys.executable, "-m", "core.cli", "worker", "--once"], cwd=ROOT, env=server.env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert [(m.state, m.attempts) for m in _mails(queue_db)] == [("sent", 1)]
    assert [m["To"] for m in smtp.received] == ["ada@example.org"]
