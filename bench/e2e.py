"""End-to-end benchmark: webhook received -> Zendesk update sent, and API reads per webhook.

Starts the Procfile pair (gunicorn web + `escalator worker`), or with --embedded
`escalator run` (web and worker in one process), against a fake Zendesk on 127.0.0.1.
Phase 1 sends CC webhooks for distinct tickets at a fixed
rate and times each from the POST to the PUT arriving at the fake; then events
caused by the integration user, which must cost no API call at all. Phase 2 sends
a realistic mix of everyday changes (bench/traffic.py), once as event webhooks and
once as trigger webhooks, and counts the API reads per webhook, checking that
every escalation in the mix was made.

    python bench/e2e.py [--tickets 200] [--rate 20] [--mix 1000] [--embedded] [--database-url postgresql://...]
"""

import argparse
import json
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests
from common import (
    BIN,
    SECRET,
    commit,
    free_port,
    gunicorn,
    machine,
    percentile,
    ready,
    scratch_database,
    service_env,
    wait_until,
)
from support.fake_zendesk import FakeZendesk, cc_ticket
from traffic import ESCALATING, mixed, plain_ticket

from zendesk_escalator.signature import sign
from zendesk_escalator.store.handle import Database
from zendesk_escalator.store.inbox import Inbox

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "samples"
INTEGRATION_USER = "900000000001"


def load(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text())


def event(ticket_id: int, event_id: str, actor: str = "20978392") -> bytes:
    body = load("event_comment_added.json")
    body["id"], body["subject"] = event_id, f"zen:ticket:{ticket_id}"
    body["detail"].update(id=str(ticket_id), actor_id=actor)
    return json.dumps(body).encode()


def post(base: str, raw: bytes, invocation: str | None = None) -> int:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    headers = {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        "X-Zendesk-Webhook-Signature": sign(SECRET, stamp, raw),
    }
    if invocation:
        headers["X-Zendesk-Webhook-Invocation-Id"] = invocation
    return requests.post(f"{base}/webhooks/zendesk", data=raw, headers=headers, timeout=10).status_code


def run_mix(base: str, fake: FakeZendesk, inbox: Inbox, tickets: list[int], count: int, kind: str, rate: float) -> dict:
    """Send `count` mixed webhooks of one kind; count the reads they cost and check the escalations."""
    steps = mixed(tickets, count, kind)
    calls_before, rows_before = len(fake.requests), len(inbox.rows(limit=1_000_000))
    begin = time.monotonic()
    for n, step in enumerate(steps):
        time.sleep(max(0.0, begin + n / rate - time.monotonic()))
        body = step.webhook(step.change(fake))
        assert post(base, json.dumps(body).encode(), invocation=f"{kind}-{n}") == 202
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and inbox.counts()["done"] < rows_before + count:
        time.sleep(0.2)
    made = fake.requests[calls_before:]
    escalated = {s.ticket_id for s in steps if s.kind in ESCALATING}
    return {
        "kind": kind,
        "webhooks": count,
        "reads": sum(r.method == "GET" for r in made),
        "writes": sum(r.method == "PUT" for r in made),
        "by_kind": {name: sum(s.kind == name for s in steps) for name in sorted({s.kind for s in steps})},
        "escalations": len(escalated),
        "made": sum(len(fake.notes(t)) == 1 for t in escalated),
    }


def send_at_rate(
    base: str, bodies: list[tuple[int, bytes]], rate: float, answered: dict[int, float] | None = None
) -> dict[int, float]:
    """Post the bodies at `rate`; return when each was sent (and put in `answered` when each was answered)."""
    sent, threads, begin = {}, [], time.monotonic()
    answered = {} if answered is None else answered

    def send(ticket: int, raw: bytes) -> None:
        post(base, raw)
        answered[ticket] = time.monotonic()

    for n, (ticket, raw) in enumerate(bodies):
        time.sleep(max(0.0, begin + n / rate - time.monotonic()))
        sent[ticket] = time.monotonic()
        thread = threading.Thread(target=send, args=(ticket, raw))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="webhooks per second")
    parser.add_argument(
        "--mix", type=int, default=1000, help="webhooks of the everyday mix, per webhook kind (0: latency only)"
    )
    parser.add_argument("--database-url", help="a SCRATCH database: its escalator_inbox table is dropped")
    parser.add_argument(
        "--embedded",
        action="store_true",
        help="`escalator run` (web + worker in one process) instead of the Procfile pair",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="escalator-e2e-"))
    warmup, *ids = range(100_000, 100_001 + args.tickets)
    tickets, comments = {}, {}
    for tid in [warmup, *ids]:
        tickets[tid], comments[tid] = cc_ticket(tid, load("ticket_cc.json"), load("comments_cc.json"))
    mix_tickets = {kind: list(range(start, start + 200)) for kind, start in (("event", 200_000), ("trigger", 300_000))}
    tickets.update({tid: plain_ticket(tid) for ids_ in mix_tickets.values() for tid in ids_})
    fake = FakeZendesk(tickets, comments, users=load("comments_cc.json")["users"]).start()
    env = service_env(
        scratch_database(args.database_url or f"sqlite:///{work}/inbox.db"),
        ZENDESK_SUBDOMAIN="acme",
        ZENDESK_EMAIL="bot@acme.example",
        ZENDESK_API_TOKEN="t",
        ZENDESK_API_URL=fake.url,
    )
    port = free_port()
    web, worker = start(args.embedded, port, env, work)
    base = f"http://127.0.0.1:{port}"
    try:
        post(base, event(warmup, "warm-up"))  # measure from a running worker, not its start-up
        while not fake.puts(warmup):
            time.sleep(0.05)
        calls_warmup = len(fake.requests)
        answered: dict[int, float] = {}
        sent = send_at_rate(base, [(t, event(t, f"bench-{t}")) for t in ids], args.rate, answered)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and any(not fake.puts(t) for t in ids):
            time.sleep(0.1)
        latencies = [(fake.seen("PUT", t)[0].at - sent[t]) * 1000 for t in ids if fake.puts(t)]
        waits = [(fake.seen("GET", t)[0].at - sent[t]) * 1000 for t in ids if fake.puts(t)]
        answers = [(answered[t] - sent[t]) * 1000 for t in ids]
        work_ms = [(fake.seen("PUT", t)[0].at - fake.seen("GET", t)[0].at) * 1000 for t in ids if fake.puts(t)]
        calls_before = len(fake.requests)
        own = [(t, event(t, f"own-{t}", actor=INTEGRATION_USER)) for t in ids[:50]]
        send_at_rate(base, own, args.rate)
        time.sleep(3)
        own_calls = len(fake.requests) - calls_before
        report_latency(
            env, args, ids, latencies, answers, waits, work_ms, fake.requests[calls_warmup:calls_before], own, own_calls
        )
        inbox = Inbox(Database(env["DATABASE_URL"]))
        mixes = [
            run_mix(base, fake, inbox, mix_tickets[kind], args.mix, kind, args.rate) for kind in mix_tickets if args.mix
        ]
    finally:
        for proc in (worker, web):
            proc.terminate()
            proc.wait()
        fake.stop()
    for mix in mixes:
        print(
            f"everyday mix, {mix['kind']} webhooks: {mix['webhooks']} "
            f"({', '.join(f'{k} {v}' for k, v in mix['by_kind'].items())})"
        )
        print(
            f"  reads per webhook: {mix['reads'] / mix['webhooks']:.3f} "
            f"({mix['reads']} reads, {mix['writes']} writes); "
            f"escalations made: {mix['made']}/{mix['escalations']}"
        )


def start(embedded: bool, port: int, env: dict, work: Path) -> tuple[subprocess.Popen, subprocess.Popen]:
    """The web and the worker process (the same one, embedded)."""
    if not embedded:
        web = gunicorn("zendesk_escalator.app:create_app()", port, env, work / "web.log")
        return web, subprocess.Popen(
            [str(BIN / "escalator"), "worker"],
            env=env,
            cwd=ROOT,
            stdout=open(work / "worker.log", "w"),
            stderr=subprocess.STDOUT,
        )
    run = subprocess.Popen(
        [str(BIN / "escalator"), "run", "--host", "127.0.0.1"],
        env={**env, "PORT": str(port)},
        cwd=ROOT,
        stdout=open(work / "run.log", "w"),
        stderr=subprocess.STDOUT,
    )
    if not wait_until(lambda: ready(f"http://127.0.0.1:{port}"), timeout=30, interval=0.1):
        run.kill()
        raise SystemExit(f"escalator run did not start; see {work / 'run.log'}")
    return run, run


def report_latency(env, args, ids, latencies, answers, waits, work_ms, measured, own, own_calls) -> None:
    gets = sum(1 for r in measured if r.method == "GET")
    puts = sum(1 for r in measured if r.method == "PUT")
    print(f"machine: {machine()}; commit: {commit()}")
    topology = (
        "`escalator run`: web and 2 worker threads in one process"
        if args.embedded
        else "web: the Procfile's gunicorn, 2 workers; 1 worker process, 4 threads"
    )
    print(f"storage: {env['DATABASE_URL'].split(':')[0]}; {topology}; fake Zendesk on loopback")
    print(f"escalations: {len(latencies)}/{len(ids)} at {args.rate:.0f} webhooks/s")
    print(
        f"webhook -> update sent: p50 {percentile(latencies, 50):.0f} ms, p99 {percentile(latencies, 99):.0f} ms,"
        f" max {max(latencies):.0f} ms"
    )
    print(f"  webhook answered (202) after: p50 {percentile(answers, 50):.0f} ms, p99 {percentile(answers, 99):.0f} ms")
    print(
        f"  of which waiting to be picked up: p50 {percentile(waits, 50):.0f} ms, p99 {percentile(waits, 99):.0f} ms;"
        f" reading + deciding + writing: p50 {percentile(work_ms, 50):.0f} ms, p99 {percentile(work_ms, 99):.0f} ms"
    )
    print(
        f"API calls per escalation: {(gets + puts) / len(ids):.2f} ({gets / len(ids):.2f} reads,"
        f" {puts / len(ids):.2f} writes)"
    )
    print(f"API calls for {len(own)} events caused by the integration user: {own_calls}")


if __name__ == "__main__":
    main()
