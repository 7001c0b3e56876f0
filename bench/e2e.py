"""End-to-end benchmark: webhook received -> Zendesk update sent, and API calls per escalation.

Starts the Procfile pair (gunicorn web + `escalator worker`) against a fake
Zendesk on 127.0.0.1, sends CC webhooks for distinct tickets at a fixed rate,
and times each from the POST to the PUT arriving at the fake. Then sends events
caused by the integration user, which must cost no API call at all.

    python bench/e2e.py [--tickets 200] [--rate 20] [--database-url postgresql://...]
"""

import argparse
import json
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

from common import BIN, SECRET, free_port, gunicorn, machine, percentile, scratch_database, service_env

from fake_zendesk import FakeZendesk, cc_ticket
from zendesk_escalator.signature import sign

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


def post(base: str, raw: bytes) -> int:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    headers = {"Content-Type": "application/json", "X-Zendesk-Webhook-Signature-Timestamp": stamp,
               "X-Zendesk-Webhook-Signature": sign(SECRET, stamp, raw)}
    return requests.post(f"{base}/webhooks/zendesk", data=raw, headers=headers, timeout=10).status_code


def send_at_rate(base: str, bodies: list[tuple[int, bytes]], rate: float) -> dict[int, float]:
    sent, threads, begin = {}, [], time.monotonic()
    for n, (ticket, raw) in enumerate(bodies):
        time.sleep(max(0.0, begin + n / rate - time.monotonic()))
        sent[ticket] = time.monotonic()
        thread = threading.Thread(target=lambda r=raw: post(base, r))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="webhooks per second")
    parser.add_argument("--database-url", help="a SCRATCH database: its escalator_inbox table is dropped")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="escalator-e2e-"))
    warmup, *ids = range(100_000, 100_001 + args.tickets)
    tickets, comments = {}, {}
    for tid in [warmup, *ids]:
        tickets[tid], comments[tid] = cc_ticket(tid, load("ticket_cc.json"), load("comments_cc.json"))
    fake = FakeZendesk(tickets, comments).start()
    env = service_env(scratch_database(args.database_url or f"sqlite:///{work}/inbox.db"), ZENDESK_SUBDOMAIN="acme",
                      ZENDESK_EMAIL="bot@acme.example", ZENDESK_API_TOKEN="t", ZENDESK_API_URL=fake.url)
    port = free_port()
    web = gunicorn("zendesk_escalator.app:create_app()", port, env, work / "web.log")
    worker = subprocess.Popen([str(BIN / "escalator"), "worker"], env=env, cwd=ROOT,
                              stdout=open(work / "worker.log", "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        post(base, event(warmup, "warm-up"))  # measure from a running worker, not its start-up
        while not fake.puts(warmup):
            time.sleep(0.05)
        calls_warmup = len(fake.requests)
        sent = send_at_rate(base, [(t, event(t, f"bench-{t}")) for t in ids], args.rate)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and any(not fake.puts(t) for t in ids):
            time.sleep(0.1)
        latencies = [(fake.seen("PUT", t)[0].at - sent[t]) * 1000 for t in ids if fake.puts(t)]
        waits = [(fake.seen("GET", t)[0].at - sent[t]) * 1000 for t in ids if fake.puts(t)]
        work_ms = [(fake.seen("PUT", t)[0].at - fake.seen("GET", t)[0].at) * 1000 for t in ids if fake.puts(t)]
        calls_before = len(fake.requests)
        own = [(t, event(t, f"own-{t}", actor=INTEGRATION_USER)) for t in ids[:50]]
        send_at_rate(base, own, args.rate)
        time.sleep(3)
        own_calls = len(fake.requests) - calls_before
    finally:
        worker.terminate()
        web.terminate()
        worker.wait()
        web.wait()
        fake.stop()
    measured = fake.requests[calls_warmup:calls_before]
    gets = sum(1 for r in measured if r.method == "GET")
    puts = sum(1 for r in measured if r.method == "PUT")
    print(f"machine: {machine()}")
    print(f"storage: {env['DATABASE_URL'].split(':')[0]}; web: the Procfile's gunicorn, 2 workers; "
          f"1 worker process (poll 0.2 s when idle); fake Zendesk on loopback")
    print(f"escalations: {len(latencies)}/{len(ids)} at {args.rate:.0f} webhooks/s")
    print(f"webhook -> update sent: p50 {percentile(latencies, 50):.0f} ms, p99 {percentile(latencies, 99):.0f} ms,"
          f" max {max(latencies):.0f} ms")
    print(f"  of which waiting to be picked up: p50 {percentile(waits, 50):.0f} ms, p99 {percentile(waits, 99):.0f} ms;"
          f" reading + deciding + writing: p50 {percentile(work_ms, 50):.0f} ms, p99 {percentile(work_ms, 99):.0f} ms")
    print(f"API calls per escalation: {(gets + puts) / len(ids):.2f} ({gets / len(ids):.2f} reads,"
          f" {puts / len(ids):.2f} writes)")
    print(f"API calls for {len(own)} events caused by the integration user: {own_calls}")


if __name__ == "__main__":
    main()
