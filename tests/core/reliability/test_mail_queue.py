"""The outbox: written in the caller's transaction, claimed for a lease, retried, listed in the admin."""

import datetime as dt
import threading

import pytest

from core import jobs, mail, queue
from core.db import database, now
from core.mail import Mail


def test_mail_is_committed_with_what_caused_it_or_not_at_all(app, db):
    site = app.runtime("test")

    class Oops(Exception):
        pass

    with pytest.raises(Oops), database.atomic():
        mail.send(site, "ada@example.org", "Lost", "Never sent: its cause was rolled back.")
        raise Oops
    with database.atomic():
        mail.send(site, "ada@example.org", "Kept", "Committed.")
    assert [m.subject for m in mail.outbox(site)] == ["Kept"]


def test_a_refusal_is_retried_later_and_a_permanent_one_is_given_up(app, use_smtp, signed_in):
    site = app.runtime("test")
    original = use_smtp.handle_DATA
    answers = iter(["451 Busy, try later", "550 No such user"])

    async def refuse(server, session, envelope):
        return next(answers)

    use_smtp.handle_DATA = refuse
    with database.connection_context():
        row = mail.send(site, "bob@example.org", "Hello", "Text")
    assert use_smtp.messages == []
    with database.connection_context():
        row = Mail.get_by_id(row.id)
        assert (row.state, row.attempts) == ("pending", 1) and "451" in row.last_error
        assert row.next_attempt > now() + dt.timedelta(seconds=30)  # 60 s, then 120, 240...
        assert [mail.retry_delay(n) for n in (1, 2, 3)] == [60, 120, 240] and mail.retry_delay(30) == mail.MAX_DELAY
        Mail.update(next_attempt=now()).execute()
    assert use_smtp.messages == []
    with database.connection_context():
        row = Mail.get_by_id(row.id)
        assert (row.state, row.attempts) == ("failed", 2) and "550" in row.last_error
    admin = signed_in("root", role="admin")
    listing = admin.get("/admin/outbox").text
    assert "bob@example.org" in listing and "550" in listing
    use_smtp.handle_DATA = original
    admin.post_form(f"/admin/outbox/{row.id}", {"action": "retry"})
    assert len(use_smtp.messages) == 1
    with database.connection_context():
        assert Mail.get_by_id(row.id).state == "sent"


def test_a_worker_that_dies_holding_a_message_leaves_it_to_the_others_after_its_lease(app, use_smtp):
    site = app.runtime("test")
    with database.connection_context():
        row = mail.send(site, "bob@example.org", "Hello", "Text")
        [claimed] = queue.claim(Mail, Mail.state == "pending", Mail.next_attempt, 10)  # then the worker dies
        assert claimed.id == row.id and claimed.attempts == 1
    assert use_smtp.messages == []  # its lease holds: nobody else sends it
    with database.connection_context():
        Mail.update(claimed_until=now() - dt.timedelta(seconds=1)).execute()  # the lease ran out
    assert len(use_smtp.messages) == 1
    assert len(use_smtp.messages) == 1
    with database.connection_context():
        assert Mail.get_by_id(row.id).attempts == 2


def test_concurrent_workers_claim_each_message_once(app, db):
    site = app.runtime("test")
    with database.atomic():
        ids = {mail.send(site, f"m{i}@example.org", "Hi", "Text").id for i in range(60)}
    Mail.update(state="pending").execute()
    claimed, errors = [], []

    def worker():
        try:
            with database.connection_context():
                while rows := queue.claim(Mail, Mail.state == "pending", Mail.next_attempt, 3):
                    claimed.extend(r.id for r in rows)
                    Mail.update(state="sent").where(Mail.id.in_([r.id for r in rows])).execute()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(claimed) == sorted(ids)  # every message once, none twice


def test_jobs_run_once_are_retried_when_they_fail_and_deduplicated_by_key(app, db):
    from core.worker import Worker

    calls = []

    def flaky(site, n):
        calls.append(n)
        if len(calls) == 1:
            raise RuntimeError("first time fails")

    jobs.CORE_JOBS["test.flaky"] = flaky
    try:
        first = jobs.enqueue("test.flaky", site="test", args={"n": 1}, key="flaky")
        assert jobs.enqueue("test.flaky", site="test", args={"n": 1}, key="flaky") is None
        worker = Worker(app)
        worker.drain()
        job = jobs.Job.get_by_id(first.id)
        assert (job.state, job.attempts, calls) == ("pending", 1, [1]) and "first time fails" in job.last_error
        jobs.Job.update(run_after=now()).execute()
        worker.drain()
        worker.drain()
        job = jobs.Job.get_by_id(first.id)
        assert (job.state, job.attempts, calls) == ("done", 2, [1, 1])
        assert jobs.enqueue("test.flaky", site="test", args={"n": 2}, key="flaky") is not None  # done: a new one
    finally:
        del jobs.CORE_JOBS["test.flaky"]
