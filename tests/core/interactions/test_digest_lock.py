"""Two overlapping send-digests runs never mail the same items (advisory lock / lock file)."""

import threading

import pytest

from core import notifications
from core.db import database

pytestmark = pytest.mark.site(plugins=["wire"])


def test_a_second_run_waits_its_turn(app, signed_in, use_smtp):
    ada, bob = signed_in("ada"), signed_in("bob")
    site = app.runtime("test")
    with database.connection_context():
        notifications.set_preference(bob.account.guid, "wire.mention", "daily")
    ada.post_form("/wire/", {"body": "@bob rendez-vous au local", "access": "public"})
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_run():  # another process holding the lock, on its own connection
        with database.connection_context(), notifications.digest_lock(site, "daily") as mine:
            assert mine
            held.set()
            release.wait(30)
        done.set()

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert held.wait(30)
        with database.connection_context():
            assert notifications.send_digests(site, "daily").get("busy") == 1
        assert use_smtp.messages == []
    finally:
        release.set()
        thread.join(30)
    with database.connection_context():
        assert notifications.send_digests(site, "daily")["members"] == 1
        assert notifications.send_digests(site, "daily")["members"] == 0
    assert len(use_smtp.messages) == 1
