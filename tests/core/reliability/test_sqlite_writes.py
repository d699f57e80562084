"""SQLite write transactions begin IMMEDIATE; the rate-limit counter is one statement."""

import datetime as dt
import sqlite3

import pytest

from core import ratelimit
from core.db import database, is_postgres, now


def test_a_transaction_holds_the_write_lock_from_its_start(app, db):
    if is_postgres():
        pytest.skip("SQLite only")
    other = sqlite3.connect(database.obj.database, timeout=0, isolation_level=None)
    with database.atomic():
        database.execute_sql("SELECT 1")  # a read only, yet another writer must wait
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free once committed
    other.execute("ROLLBACK")


def test_the_rate_limit_counts_in_one_upsert_and_restarts_after_its_window(app, db):
    assert [ratelimit.hit("k", 3, 60) for _ in range(5)] == [True, True, True, False, False]
    assert ratelimit.exceeded("k", 3, 60)
    ratelimit.RateLimit.update(window_start=now() - dt.timedelta(seconds=61)).execute()
    assert ratelimit.hit("k", 3, 60) and ratelimit.RateLimit.get_by_id("k").count == 1
