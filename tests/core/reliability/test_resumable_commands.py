"""Imports and digests killed midway (SIGKILL) and run again: nothing lost, nothing twice.

Each imported row is committed with its invitation mail (in the outbox) and the time it was
mailed; each member's digest is committed with the marks of the items it holds. A mail server
that is down delays the mail, never the command.
"""

import os
import signal
import subprocess
import sys

import peewee as pw

from core import accounts
from core.mail import Mail
from core.models import Account
from core.notifications import Notification
from core.registration import Invitation
from core.testing import write_site
from tests.core.reliability.conftest import ROOT, free_port, wait_until

MEMBERS = 400


def _env(tmp_path, database_url, **extra):
    write_site(tmp_path / "sites", "test", hosts=("127.0.0.1",),
               toml=f'[settings]\nsmtp_host = "127.0.0.1"\nsmtp_port = {free_port()}\nsmtp_tls = false\n')
    return {**os.environ, "MAILLAGE_HOME": str(tmp_path / "var"), "MAILLAGE_SITES": str(tmp_path / "sites"),
            "DATABASE_URL": database_url, "MAILLAGE_SECRET": "x" * 48, **extra}


def _maillage(env, *args, check=True):
    result = subprocess.run([sys.executable, "-m", "core.cli", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert not check or result.returncode == 0, result.stderr
    return result


def _kill_midway(env, counter, total, *args):
    """Start ``maillage ARGS``, SIGKILL it once ``counter()`` shows it started; return the count then."""
    process = subprocess.Popen([sys.executable, "-m", "core.cli", *args], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        seen = wait_until(lambda: counter() >= 10 or process.poll() is not None, "the command at work", step=0.01)
        assert process.poll() is None, "the command ended before it could be killed"
        assert seen
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    return counter()


def test_an_import_killed_midway_then_run_again_invites_everyone_once(tmp_path, database_url, queue_db):
    env = _env(tmp_path, database_url)
    _maillage(env, "migrate")
    csv = tmp_path / "members.csv"
    csv.write_text("email,name\n" + "".join(f"p{i}@example.org,Person {i}\n" for i in range(MEMBERS)))

    def mailed():
        with queue_db.connection_context():
            return Mail.select().count()

    at_kill = _kill_midway(env, mailed, MEMBERS, "import-members", str(csv), "--site", "test")
    assert 10 <= at_kill < MEMBERS
    with queue_db.connection_context():
        # what was committed is whole: each account with its invitation, mailed, and its one mail
        created = Account.select().where(Account.state == "invited").count()
        assert created == at_kill == Invitation.select().where(Invitation.mailed_at.is_null(False)).count()
    out = _maillage(env, "import-members", str(csv), "--site", "test").stdout
    assert f"created {MEMBERS - at_kill}, updated 0, unchanged {at_kill}, invited {MEMBERS - at_kill}" in out
    with queue_db.connection_context():
        assert Account.select().where(Account.state == "invited").count() == MEMBERS
        per_address = dict(Mail.select(Mail.recipient, pw.fn.COUNT(Mail.id)).group_by(Mail.recipient).tuples())
        assert len(per_address) == MEMBERS and set(per_address.values()) == {1}
        assert Invitation.select().where(Invitation.mailed_at.is_null()).count() == 0


def test_a_rerun_mails_the_invitations_never_sent_and_a_down_mail_server_stops_nothing(
        tmp_path, database_url, queue_db):
    from aiosmtpd.controller import Controller

    from tests.core.reliability.conftest import Collector

    env = _env(tmp_path, database_url)
    _maillage(env, "migrate")
    csv = tmp_path / "members.csv"
    csv.write_text("email,name\n" + "".join(f"q{i}@example.org,Person {i}\n" for i in range(30)))
    out = _maillage(env, "import-members", str(csv), "--site", "test", "--no-invite").stdout
    assert "created 30, updated 0, unchanged 0, invited 0" in out
    with queue_db.connection_context():  # one waiting account had its invitation mailed before
        Invitation.create(site="test", email="q0@example.org", token="t0", created=accounts.now(),
                          mailed_at=accounts.now())
    out = _maillage(env, "import-members", str(csv), "--site", "test").stdout
    assert "created 0, updated 0, unchanged 1, invited 29" in out
    # the mail server is down: the worker records the refusals, nothing is lost
    _maillage(env, "worker", "--once")
    with queue_db.connection_context():
        rows = list(Mail.select())
        assert len(rows) == 29 and {r.state for r in rows} == {"pending"}
        assert all(r.attempts == 1 and "refused" in r.last_error.lower() for r in rows)
        Mail.update(next_attempt=Mail.created).execute()  # their retry time has come
    port = int(next(line for line in (tmp_path / "sites" / "test.toml").read_text().splitlines()
                    if line.startswith("smtp_port")).split("=")[1])
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _maillage(env, "worker", "--once")
    finally:
        controller.stop()
    assert sorted(m["To"] for m in handler.received) == sorted(f"q{i}@example.org" for i in range(1, 30))
    with queue_db.connection_context():
        assert {r.state for r in Mail.select()} == {"sent"}


def test_digests_killed_midway_then_run_again_reach_each_member_once(tmp_path, database_url, queue_db):
    env = _env(tmp_path, database_url)
    _maillage(env, "migrate")
    with queue_db.connection_context(), queue_db.atomic():
        for i in range(MEMBERS):
            member = accounts.create_account("test", f"d{i}@example.org", f"Member {i}")
            for text in ("one", "two"):
                Notification.create(site="test", recipient=member.guid, event="test.event", text=text,
                                    group_key=f"test.event:{text}", delivery="daily")

    def digests():
        with queue_db.connection_context():
            return Mail.select().count()

    at_kill = _kill_midway(env, digests, MEMBERS, "send-digests", "--site", "test", "--period", "daily")
    assert 10 <= at_kill < MEMBERS
    with queue_db.connection_context():  # every digest queued has its items marked, and only those
        assert Notification.select().where(Notification.mailed_at.is_null(False)).count() == 2 * at_kill
    out = _maillage(env, "send-digests", "--site", "test", "--period", "daily").stdout
    assert f"daily digests sent to {MEMBERS - at_kill} member(s)" in out
    with queue_db.connection_context():
        per_member = dict(Mail.select(Mail.recipient, pw.fn.COUNT(Mail.id)).group_by(Mail.recipient).tuples())
        assert len(per_member) == MEMBERS and set(per_member.values()) == {1}
        assert Notification.select().where(Notification.mailed_at.is_null()).count() == 0
