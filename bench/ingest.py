"""Ingest benchmark: POST /webhooks/zendesk under gunicorn vs a bare Flask endpoint.

Prints accepted webhooks per second and p50/p99 latency for both (same gunicorn
settings, same machine, same run), their ratio, and the latency at a fixed
100 requests/second. Bounded: a few seconds per phase, loopback only.

    python bench/ingest.py [--seconds 8] [--database-url postgresql://...]
"""

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from common import ROOT, SECRET, commit, free_port, gunicorn, machine, percentile, scratch_database, service_env

from zendesk_escalator.signature import sign

BODY = {
    "ticket_id": "35436",
    "updated_at": "",
    "tags": "billing vip",
    "priority": "normal",
    "status": "open",
    "actor_id": "20978392",
    "actor_role": "End-user",
}
MOST_PER_SECOND = 20_000  # more than either side answers here: wrk never runs out of new deliveries
EPOCH = datetime(2026, 11, 22, 9, 15, tzinfo=timezone.utc)


def delivery(n: int) -> bytes:
    """The n-th new update of the ticket: the body names its moment, so every one is a new delivery to store."""
    return json.dumps(
        {**BODY, "updated_at": (EPOCH + timedelta(microseconds=n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    ).encode()


def signed(body: bytes) -> dict:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        "X-Zendesk-Webhook-Signature": sign(SECRET, stamp, body),
    }


def signed_deliveries(path: Path, count: int, start: int) -> Path:
    """Write `count` signed deliveries for wrk, one a line: timestamp, signature, body."""
    with path.open("w") as out:
        for n in range(start, start + count):
            body = delivery(n)
            headers = signed(body)
            out.write(
                f"{headers['X-Zendesk-Webhook-Signature-Timestamp']}\t"
                f"{headers['X-Zendesk-Webhook-Signature']}\t{body.decode()}\n"
            )
    return path


def wrk(port: int, seconds: int, connections: int, work: Path) -> dict:
    # Deliveries numbered apart for each run, so that no run repeats an earlier one's.
    wrk.runs = getattr(wrk, "runs", 0) + 1
    count = (seconds + 1) * MOST_PER_SECOND
    deliveries = signed_deliveries(work / "deliveries.tsv", count, start=wrk.runs * count)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "webhook.lua"),
            f"http://127.0.0.1:{port}/webhooks/zendesk",
        ],
        env={**os.environ, "BENCH_DELIVERIES": str(deliveries), "BENCH_THREADS": "2"},
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    line = next(row for row in out.splitlines() if row.startswith("RESULT"))
    result = {k: float(v) for k, v in (part.split("=") for part in line.split()[1:])}
    if result["resent"]:
        raise SystemExit(f"wrk ran out of new deliveries ({result['resent']:.0f} sent again): raise MOST_PER_SECOND")
    result["rps"] = result["requests"] / result["seconds"]
    return result


def fixed_rate(port: int, rate: float, seconds: float) -> dict:
    """Open-loop load: one request every 1/rate s, each timed on its own thread."""
    fixed_rate.runs = getattr(fixed_rate, "runs", 0) + 1
    latencies, statuses, lock = [], [], threading.Lock()
    session_local = threading.local()

    def send(n: int):
        session = getattr(session_local, "s", None) or requests.Session()
        session_local.s = session
        body = delivery(10**9 + fixed_rate.runs * 10**6 + n)  # never one of wrk's
        headers = signed(body)
        start = time.perf_counter()
        answer = session.post(
            f"http://127.0.0.1:{port}/webhooks/zendesk",
            data=body,
            headers={**headers, "X-Zendesk-Webhook-Invocation-Id": f"fixed-{n}"},
            timeout=10,
        )
        with lock:
            latencies.append((time.perf_counter() - start) * 1000)
            statuses.append(answer.status_code)

    threads, begin = [], time.perf_counter()
    for n in range(int(rate * seconds)):
        time.sleep(max(0.0, begin + n / rate - time.perf_counter()))
        thread = threading.Thread(target=send, args=(n,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return {
        "requests": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "non2xx": sum(s >= 300 for s in statuses),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--server-args",
        default="",
        help='gunicorn options added for both, overriding the Procfile\'s (e.g. "--worker-class gthread --threads 32")',
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are reported")
    parser.add_argument(
        "--database-url",
        help="a SCRATCH database: its escalator_inbox table is dropped "
        "(default: a fresh SQLite file, WAL, synchronous=FULL)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: install it (Debian: apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="escalator-bench-"))
    database_url = scratch_database(args.database_url or f"sqlite:///{work}/inbox.db")
    rounds: dict[str, list] = {"bare Flask": [], "zendesk-escalator": []}
    apps = {"bare Flask": "bare_app:create_bare_app()", "zendesk-escalator": "zendesk_escalator.app:create_app()"}
    for _ in range(args.rounds):  # alternate, so machine noise hits both alike
        for name, app in apps.items():
            port = free_port()
            server = gunicorn(
                app, port, service_env(database_url), work / f"{name.split()[0]}.log", extra_args=args.server_args
            )
            try:
                wrk(port, 2, args.connections, work)  # warm-up
                rounds[name].append(
                    {
                        "max": wrk(port, args.seconds, args.connections, work),
                        "fixed": fixed_rate(port, 100, args.seconds),
                    }
                )
            finally:
                server.terminate()
                server.wait()
    ratios = [
        ours["max"]["rps"] / bare["max"]["rps"] for bare, ours in zip(rounds["bare Flask"], rounds["zendesk-escalator"])
    ]
    report({name: median_round(runs) for name, runs in rounds.items()}, database_url, args, ratios)


def median_round(runs: list[dict]) -> dict:
    """The round with the median throughput (its latencies come with it)."""
    return sorted(runs, key=lambda r: r["max"]["rps"])[len(runs) // 2]


def report(results: dict, database_url: str, args, ratios: list[float]) -> None:
    print(f"machine: {machine()}; commit: {commit()}")
    server = f"the Procfile's gunicorn, 2 workers {args.server_args}".rstrip()
    print(
        f"storage: {database_url.split(':')[0]}; {server};"
        f" wrk -t2 -c{args.connections}, loopback; median of {args.rounds} alternating rounds"
    )
    print(f"{'':20} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} | {'@100/s p50':>10} {'p99':>7}")
    for name, r in results.items():
        m, f = r["max"], r["fixed"]
        print(
            f"{name:20} {m['rps']:9.0f} {m['p50_ms']:8.2f} {m['p99_ms']:8.2f} {int(m['non2xx']):8d} |"
            f" {f['p50_ms']:10.2f} {f['p99_ms']:7.2f}"
        )
    print(
        f"ingest rate / bare Flask rate, per round: {', '.join(f'{r:.2f}' for r in ratios)};"
        f" median {sorted(ratios)[len(ratios) // 2]:.2f} (target >= 0.5)"
    )
    print(f"p99 at 100 req/s: {results['zendesk-escalator']['fixed']['p99_ms']:.1f} ms (target < 50)")


if __name__ == "__main__":
    main()
