"""Real processes: a webhook wakes the idle worker, whose poll is an hour, in every topology.

The Procfile pair on SQLite (the pipe beside the database), `escalator run` on
SQLite (the intake rings the worker threads of its own process), the Procfile
pair on PostgreSQL (NOTIFY / LISTEN), and there a LISTEN connection killed and
made again. Each waits for the worker to say it is idle before posting.
"""

import json

import psycopg
import pytest
import requests
from conftest import PG_URL, fresh_pg_inbox, sample, signed_headers
from support.processes import Procs, free_port, service_env, wait_until
from support.service import cc_fake

from zendesk_escalator.store.listen import NAME

pytestmark = pytest.mark.e2e
TICKET = 35436
IDLE = " idle for up to "  # the worker's debug line as it starts waiting


@pytest.fixture
def fake():
    server = cc_fake()
    yield server
    server.stop()


def database(kind: str, tmp_path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/inbox.db"
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set: PostgreSQL tests skipped")
    fresh_pg_inbox().database.close()
    return PG_URL


@pytest.fixture
def start(tmp_path, fake):
    running = []

    def start_service(topology: str, kind: str):
        procs = Procs(
            service_env(
                fake.url, database(kind, tmp_path), LOG_LEVEL="DEBUG", LOG_FORMAT="text", ESCALATOR_POLL_SECONDS="3600"
            ),
            tmp_path / "logs",
        )
        running.append(procs)
        port = free_port()
        if topology == "procfile":
            procs.web(port)
            worker = procs.worker("--poll-interval", "3600")  # the last one given counts
        else:
            worker = procs.embedded(port)
        assert wait_until(lambda: IDLE in worker.log.read_text()), procs.tail()
        return f"http://127.0.0.1:{port}", worker

    yield start_service
    for procs in running:
        assert procs.stop_all() == [0] * len(procs.running), "did not stop cleanly on SIGTERM"


def post(base: str) -> int:
    raw = json.dumps(sample("event_comment_added.json")).encode()
    return requests.post(f"{base}/webhooks/zendesk", data=raw, headers=signed_headers(raw), timeout=5).status_code


@pytest.mark.parametrize(
    "topology, kind",
    [("procfile", "sqlite"), ("embedded", "sqlite"), ("procfile", "postgres"), ("embedded", "postgres")],
)
def test_a_webhook_wakes_the_idle_worker(start, fake, topology, kind):
    base, _ = start(topology, kind)
    assert post(base) == 202
    assert wait_until(lambda: len(fake.puts(TICKET)) == 1, timeout=20)


def listening() -> list[int]:
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        return [
            pid
            for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s "
                "AND query LIKE 'LISTEN%%'",
                (NAME,),
            )
        ]


def test_a_killed_listen_connection_is_made_again(start, fake):
    base, worker = start("procfile", "postgres")
    assert wait_until(listening)
    (lost,) = listening()
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s",
            (NAME,),
        )
    assert wait_until(lambda: listening() and lost not in listening(), timeout=20), worker.log.read_text()[-2000:]

    def listening_again() -> bool:  # the new connection shows in PostgreSQL a moment before the worker logs it
        log = worker.log.read_text()
        lost_at = log.find("LISTEN connection lost")
        return lost_at >= 0 and log.rindex("listening for new inbox rows") > lost_at

    assert wait_until(listening_again, timeout=20), worker.log.read_text()[-2000:]
    assert post(base) == 202
    assert wait_until(lambda: len(fake.puts(TICKET)) == 1, timeout=20)
