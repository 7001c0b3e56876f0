"""Reliability proofs with real processes: SIGKILLed workers, Zendesk faults, restarts.

Each test accepts webhooks through the real web process, lets real worker
processes talk to a fake Zendesk on 127.0.0.1, and checks afterwards that every
accepted event was processed and that no ticket got a second escalation note.
"""

import json
import random
import signal
import threading
import time

import pytest
import requests
from conftest import PG_URL, drop_everything, fresh_pg_inbox, sample, signed_headers
from support.databases import open_inbox
from support.fake_zendesk import FakeZendesk, Fault, cc_ticket
from support.processes import Procs, free_port, service_env, wait_until

from zendesk_escalator.store.schema import DEAD, DONE

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
INTEGRATION_USER = 900000000001


def cc_fake(ticket_ids, fault=None) -> FakeZendesk:
    tickets, comments = {}, {}
    for tid in ticket_ids:
        tickets[tid], comments[tid] = cc_ticket(tid, sample("ticket_cc.json"), sample("comments_cc.json"))
    return FakeZendesk(tickets, comments, fault, users=sample("comments_cc.json")["users"]).start()


def event(ticket_id: int, event_id: str) -> bytes:
    body = sample("event_comment_added.json")
    body["id"], body["detail"]["id"], body["subject"] = event_id, str(ticket_id), f"zen:ticket:{ticket_id}"
    return json.dumps(body).encode()


def deliver(base: str, raw: bytes, attempts: int = 100, failures: list | None = None) -> int:
    """POST like Zendesk does: retry on connection errors, timeouts, 5xx and 429."""
    for _ in range(attempts):
        try:
            answer = requests.post(f"{base}/webhooks/zendesk", data=raw, headers=signed_headers(raw), timeout=5)
            if answer.status_code < 500 and answer.status_code != 429:
                return answer.status_code
            failure = answer.status_code
        except requests.RequestException as error:
            failure = type(error).__name__
        if failures is not None:
            failures.append(failure)
        time.sleep(0.1)
    raise AssertionError("webhook never accepted")


def test_sigkilled_workers_lose_nothing_and_duplicate_nothing(tmp_path):
    rng = random.Random(7)
    tickets = list(range(5001, 5025))
    fake = cc_fake(tickets, fault=lambda *_: Fault(delay=rng.uniform(0.03, 0.12)))
    db = f"sqlite:///{tmp_path}/inbox.db"
    procs = Procs(service_env(fake.url, db, ESCALATOR_LEASE_SECONDS=5), tmp_path / "logs")
    port = free_port()
    kills = 0
    try:
        procs.web(port)
        base = f"http://127.0.0.1:{port}"
        assert all(deliver(base, event(t, f"e-{t}")) == 202 for t in tickets)
        inbox = open_inbox(db)
        while kills < 12 and inbox.counts()[DONE] < len(tickets):
            calls = len(fake.requests)
            worker = procs.worker(wait=False)
            # Kill it while it talks to Zendesk: that is the window where work can be lost.
            wait_until(lambda: len(fake.requests) > calls, timeout=10)
            time.sleep(rng.uniform(0.0, 0.3))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            kills += 1
        procs.worker()
        assert wait_until(lambda: inbox.counts()[DONE] == len(tickets), timeout=60), procs.tail()
    finally:
        procs.stop_all()
        fake.stop()
    assert kills >= 6
    assert {t: len(fake.notes(t)) for t in tickets} == {t: 1 for t in tickets}
    reprocessed = [t for t in tickets if len(fake.seen("GET", t)) > 2]
    assert reprocessed, "no kill landed mid-processing: the test did not test anything"


FAULTS = {
    "503": Fault(status=503, body={"error": "Unavailable"}),
    "500": Fault(status=500, body={"error": "InternalError"}),
    "429": Fault(status=429, headers={"Retry-After": "1"}, body={"error": "TooManyRequests"}),
    "slow": Fault(delay=1.0),  # past the client timeout; Zendesk still applies a PUT
}


def test_zendesk_faults_are_survived(tmp_path):
    rng = random.Random(11)
    tickets = list(range(6001, 6021))
    doomed = 6999  # every write for this ticket fails: it must end dead, after the budget
    # Each ticket meets 1 to 4 faults in a random order, so every one of them
    # can succeed within the retry budget, and all kinds occur.
    scripts = {t: rng.sample([*FAULTS, "409"], k=rng.randint(1, 4)) for t in tickets}
    scripts[tickets[0]] = ["429", "503", "slow", "409"]

    def fault(method, path, _count):
        ticket = int(path.split("/")[4].split(".")[0])
        if ticket == doomed:
            return FAULTS["500"] if method == "PUT" else None
        script = scripts[ticket]
        if not script or (script[0] == "409" and method != "PUT"):
            return None
        kind = script.pop(0)
        if kind == "409":
            fake.touch(ticket)  # an agent edits the ticket meanwhile: safe_update answers 409
            return None
        return FAULTS[kind]

    fake = cc_fake(tickets + [doomed], fault)
    db = f"sqlite:///{tmp_path}/inbox.db"
    budget = 30.0  # seconds: short, so the doomed ticket dies within the test (15 s ran out on a busy machine)
    procs = Procs(
        service_env(
            fake.url,
            db,
            ESCALATOR_API_TIMEOUT=0.4,
            ESCALATOR_RETRY_BUDGET_HOURS=budget / 3600,
            ESCALATOR_RETRY_BASE_SECONDS=0.1,
        ),
        tmp_path / "logs",
    )
    port = free_port()
    try:
        procs.web(port)
        procs.worker()
        base = f"http://127.0.0.1:{port}"
        answers = [deliver(base, event(t, f"e-{t}")) for t in tickets + [doomed]]
        inbox = open_inbox(db)
        settled = lambda: inbox.counts()[DONE] + inbox.counts()[DEAD] == len(tickets) + 1  # noqa: E731
        assert wait_until(settled, timeout=120), procs.tail()
    finally:
        procs.stop_all()
        fake.stop()
    assert answers == [202] * (len(tickets) + 1)  # never a 5xx towards Zendesk
    assert {t: len(fake.notes(t)) for t in tickets} == {t: 1 for t in tickets}
    (dead,) = inbox.rows(DEAD)
    assert dead.ticket_id == doomed and "500" in dead.last_error
    # Retried until its budget (counted from the first failure) was spent, then buried at its next try.
    assert dead.deadline - dead.created_at >= budget and dead.deadline <= dead.updated_at <= dead.deadline + 5
    statuses = [r.status for r in fake.requests]
    assert all(statuses.count(code) for code in (429, 500, 503, 409))
    for ticket in tickets:
        seen = fake.seen(ticket_id=ticket)
        for before, after in zip(seen, seen[1:]):
            if before.status == 429:
                assert after.at - before.at >= 0.95, f"Retry-After not honoured for ticket {ticket}"


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: PostgreSQL scale-out skipped")
def test_postgres_scale_out_three_workers_two_webs():
    tickets = list(range(7001, 7031))
    fake = cc_fake(tickets, fault=lambda *_: Fault(delay=0.01))
    inbox = fresh_pg_inbox()
    import tempfile
    from pathlib import Path

    logs = Path(tempfile.mkdtemp(prefix="escalator-pg-"))
    procs = Procs(service_env(fake.url, PG_URL), logs)
    ports = [free_port(), free_port()]
    events = [(t, f"pg-{t}-{n}") for n in range(3) for t in tickets]
    try:
        for port in ports:
            procs.web(port)
        for _ in range(3):
            procs.worker()
        threads, answers = [], []
        for i, chunk in enumerate((events[0::2], events[1::2])):
            base = f"http://127.0.0.1:{ports[i]}"
            threads.append(
                threading.Thread(target=lambda b=base, c=chunk: answers.extend(deliver(b, event(t, e)) for t, e in c))
            )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert wait_until(lambda: inbox.counts()[DONE] == len(events), timeout=90), procs.tail()
    finally:
        procs.stop_all()
        fake.stop()
    assert answers.count(202) == len(events)
    rows = inbox.rows(limit=10_000)
    assert [(r.kind, r.attempts, r.last_error) for r in rows if r.attempts != 1] == []  # each event processed once
    assert {t: len(fake.notes(t)) for t in tickets} == {t: 1 for t in tickets}
    by_ticket: dict[int, list] = {}
    for row in rows:
        by_ticket.setdefault(row.ticket_id, []).append(row)
    for ticket_rows in by_ticket.values():  # one ticket's events finished in arrival order
        assert [r.id for r in ticket_rows] == sorted(r.id for r in ticket_rows)
    inbox.database.close()


def test_restarting_web_and_worker_under_load_loses_nothing(tmp_path):
    tickets = list(range(8001, 8041))
    fake = cc_fake(tickets, fault=lambda *_: Fault(delay=0.01))
    db = f"sqlite:///{tmp_path}/inbox.db"
    procs = Procs(service_env(fake.url, db, ESCALATOR_LEASE_SECONDS=5), tmp_path / "logs")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    events = [(t, f"r-{t}-{n}") for n in range(4) for t in tickets]
    answers, failures = [], []

    def send():  # about 40 webhooks a second, so the restarts happen mid-stream
        for ticket, event_id in events:
            answers.append(deliver(base, event(ticket, event_id), failures=failures))
            time.sleep(0.02)

    try:
        web, worker = procs.web(port), procs.worker()
        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(0.5)
        assert procs.stop(worker) == 0
        worker = procs.worker()
        time.sleep(0.3)
        assert procs.stop(web) == 0
        web = procs.web(port)  # same command, same port
        time.sleep(0.3)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        procs.worker()
        sender.join(timeout=120)
        inbox = open_inbox(db)
        assert wait_until(lambda: inbox.counts()[DONE] == len(events), timeout=60), procs.tail()
    finally:
        procs.stop_all()
        fake.stop()
    assert sorted(set(answers)) in ([202], [200, 202])  # 200: a retried delivery already stored
    assert failures, "the web restart did not overlap the stream: nothing was tested"
    assert len(answers) == len(events)
    assert len(inbox.rows(limit=10_000)) == len(events)
    assert {t: len(fake.notes(t)) for t in tickets} == {t: 1 for t in tickets}


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: PostgreSQL test skipped")
def test_a_webhook_waiting_on_postgres_does_not_stall_the_web_process(tmp_path):
    """The Procfile's web process waits for the database cooperatively: others are served meanwhile."""
    import psycopg

    inbox = fresh_pg_inbox()
    procs = Procs(service_env("http://127.0.0.1:9", PG_URL), tmp_path / "logs")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    answers = []
    try:
        procs.web(port, workers=1)  # one process: a blocked event loop would block everything
        with psycopg.connect(PG_URL) as blocker, psycopg.connect(PG_URL, autocommit=True) as watcher:
            blocker.execute("LOCK TABLE escalator_inbox IN SHARE MODE")  # inserts wait for it
            waiting = threading.Thread(target=lambda: answers.append(deliver(base, event(1, "held"))))
            waiting.start()
            assert wait_until(lambda: _waiting_inserts(watcher) == 1, timeout=10), procs.tail()
            started = time.monotonic()
            assert requests.get(f"{base}/healthz", timeout=5).status_code == 200
            assert time.monotonic() - started < 1.0
            assert answers == []  # still waiting for the lock
        waiting.join(timeout=10)  # lock released with the blocker's transaction
    finally:
        procs.stop_all()
    assert answers == [202]
    assert [r.dedupe_key for r in inbox.rows()] == ["event:held"]
    inbox.database.close()


def _waiting_inserts(connection) -> int:
    return connection.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND query LIKE 'WITH stored AS (INSERT INTO escalator_inbox%'"
    ).fetchone()[0]


def test_a_five_minute_zendesk_outage_ends_with_every_escalation_made(tmp_path):
    """Default settings: during the outage the workers probe about once a minute, then catch up at once."""
    outage = 300.0
    started = time.monotonic()
    down = lambda method, path, count: (  # noqa: E731
        Fault(status=503, body={"error": "Unavailable"}) if time.monotonic() - started < outage else None
    )
    early, late = list(range(9101, 9111)), list(range(9111, 9121))
    fake = cc_fake(early + late, fault=down)
    db = f"sqlite:///{tmp_path}/inbox.db"
    procs = Procs(service_env(fake.url, db), tmp_path / "logs")
    port = free_port()
    try:
        procs.web(port)
        procs.worker()
        base = f"http://127.0.0.1:{port}"
        assert [deliver(base, event(t, f"o-{t}")) for t in early] == [202] * len(early)
        time.sleep(max(0.0, started + outage / 2 - time.monotonic()))
        assert [deliver(base, event(t, f"o-{t}")) for t in late] == [202] * len(late)
        inbox = open_inbox(db)
        assert wait_until(lambda: inbox.counts()[DONE] == 20, timeout=outage + 180, interval=1), procs.tail()
        recovered = time.monotonic() - started - outage
    finally:
        procs.stop_all()
        fake.stop()
    assert inbox.counts()[DEAD] == 0
    assert {t: len(fake.notes(t)) for t in early + late} == {t: 1 for t in early + late}
    during = [r for r in fake.requests if r.status == 503]
    assert len(during) <= outage / 60 * 4 + 20, f"{len(during)} requests while Zendesk was down"
    assert recovered <= 90, f"the last escalation came {recovered:.0f} s after Zendesk was back"


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: PostgreSQL test skipped")
def test_a_sigtermed_workers_rows_are_taken_over_within_seconds_while_its_call_hangs(tmp_path):
    ticket = 9201
    first_call = threading.Event()

    def hang_first(method, path, count):
        if count == 1:
            first_call.set()
            return Fault(delay=60.0)  # the stopping worker's call never comes back in time
        return None

    fake = cc_fake([ticket], fault=hang_first)
    inbox = fresh_pg_inbox()
    procs = Procs(service_env(fake.url, PG_URL, ESCALATOR_API_TIMEOUT=120), tmp_path / "logs")
    port = free_port()
    try:
        procs.web(port)
        stopping = procs.worker()
        assert deliver(f"http://127.0.0.1:{port}", event(ticket, "hang-1")) == 202
        assert first_call.wait(10), procs.tail()
        procs.worker()  # another worker, on another process: the lease (60 s) is far from over
        sigterm_at = time.monotonic()
        stopping.send_signal(signal.SIGTERM)
        assert wait_until(lambda: inbox.counts()[DONE] == 1, timeout=20), procs.tail()
        taken_over_in = time.monotonic() - sigterm_at
        assert stopping.wait(timeout=10) == 0
    finally:
        procs.stop_all()
        fake.stop()
    assert taken_over_in < 10, f"taken over {taken_over_in:.1f} s after SIGTERM"
    assert len(fake.notes(ticket)) == 1 and "handed back unfinished" in stopping.log.read_text()
    inbox.database.close()


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: PostgreSQL test skipped")
def test_a_worker_starts_quietly_on_a_fresh_postgres_database(tmp_path):
    fresh = open_inbox(PG_URL)
    drop_everything(fresh.database)
    fresh.database.close()
    procs = Procs(service_env("http://127.0.0.1:9", PG_URL), tmp_path / "logs")
    try:
        worker = procs.worker()
        time.sleep(1.0)
        log = worker.log.read_text()
    finally:
        procs.stop_all()
    assert " started" in log and " ERROR " not in log, log
