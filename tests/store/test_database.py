import multiprocessing
import time

import pytest
from conftest import PG_URL
from sqlalchemy import text

from zendesk_escalator.store.database import SqliteWriterLock, make_engine, writer_lock


def test_sqlite_is_durable_wal_full(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_postgres_urls_use_psycopg():
    assert make_engine("postgresql://u@h/db").dialect.driver == "psycopg"
    assert make_engine("postgres://u@h/db").dialect.driver == "psycopg"


def test_writer_lock_only_for_sqlite_files(tmp_path):
    assert isinstance(writer_lock(make_engine(f"sqlite:///{tmp_path}/x.db")), SqliteWriterLock)
    assert not isinstance(writer_lock(make_engine("sqlite://")), SqliteWriterLock)
    assert not isinstance(writer_lock(make_engine("postgresql://u@h/db")), SqliteWriterLock)


def _hold(path, held):
    lock = SqliteWriterLock(path)
    with lock():
        held.set()
        time.sleep(0.5)


def test_writer_lock_excludes_other_processes(tmp_path):
    path = str(tmp_path / "x.db.lock")
    held = multiprocessing.get_context("fork").Event()
    child = multiprocessing.get_context("fork").Process(target=_hold, args=(path, held))
    child.start()
    assert held.wait(5)
    started = time.monotonic()
    with SqliteWriterLock(path)():
        waited = time.monotonic() - started
    child.join()
    assert waited >= 0.3


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: PostgreSQL tests skipped")
def test_postgres_waits_are_bounded():
    with make_engine(PG_URL).connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "30s"
