"""SLA tracking benchmark: warnings and breaches acted on within seconds, for a few requests a minute.

Real processes and the real clock: the fake Zendesk (SLA clock, incremental
export, show_many, search export, and Zendesk's limits: 700 requests, 100 ticket
updates and 10 incremental exports a minute) on 127.0.0.1, and the real
`escalator worker` process pointed at it. Reading 100,000 tickets at the sweep's
paced rate takes hours, so the run starts from the state a finished sweep leaves:
every ticket's timers planned by the service's own TimerPlanner and the change
feed's cursor at now. The sweep itself starts with the worker and runs at its
paced rate throughout (its requests are counted apart). A few hundred moments
fall due during the run (bench/sla_world.py) while agents answer tickets, some
shortly before their moment. It prints the delay from each moment to its update,
the requests a minute by kind, the 429s, the false alarms and the worker's peak
memory, with the issue's targets.

    python bench/sla.py [--tickets 10000 100000] [--minutes 8] [--database-url postgresql://...]
"""

import argparse
import os
import random
import subprocess
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from common import BIN, ROOT, commit, machine, scratch_database, service_env
from sla_report import SweepTap, measure, report
from sla_world import World
from support.fake_limits import ZendeskLimits
from support.fake_sla import cursor_at
from support.fake_zendesk import FakeZendesk

from zendesk_escalator.core.snapshot_api import tickets_from_api
from zendesk_escalator.schemas.policy_file import load_policy
from zendesk_escalator.store.cursors import Cursors
from zendesk_escalator.store.handle import Database
from zendesk_escalator.store.inbox import Inbox
from zendesk_escalator.worker.feed import CURSOR
from zendesk_escalator.worker.timers import TimerPlanner

SLA = '\n[sla]\nwarn_before = "30m"\nbreach_level = 2\nrepeat_every = "1h"\ntime_zone = "Europe/Berlin"\n'
WEEKDAYS = [{"start_time": day * 1440 + 540, "end_time": day * 1440 + 1020} for day in range(1, 6)]
OFFICE = {"id": 7, "name": "Office", "time_zone": "Berlin", "intervals": WEEKDAYS, "holidays": []}
SEED_CHUNK = 1000  # tickets planned per transaction while seeding


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def seed(inbox: Inbox, planner: TimerPlanner, world: World, ids: list[int]) -> None:
    """Plan the timers of these tickets as the feed or the sweep would have (no API call)."""
    for first in range(0, len(ids), SEED_CHUNK):
        chunk = ids[first : first + SEED_CHUNK]
        planner.plan(
            tickets_from_api(
                {
                    "tickets": [world.tickets[t] for t in chunk],
                    "metric_sets": [{"ticket_id": t, **world.metric_sets[t]} for t in chunk],
                }
            )
        )


def settle_past(inbox: Inbox) -> None:
    """Mark the timers whose moment passed before the run as run: the service warned of each breach in the run.

    Done, not superseded: a superseded timer that a later read plans again is due
    again (a breach that moved back), so the sweep would send those warnings late.
    """
    now = time.time()
    while rows := inbox.claim("bench-seed", now, 60):
        past = [row for row in rows if row.payload["fire_at"] <= now]
        inbox.complete(past, "bench-seed", now, {"status": "escalated", "detail": "acted on before the run"})
        inbox.release([row for row in rows if row not in past], "bench-seed", now)
        if len(past) < len(rows):
            return


def agents(fake: FakeZendesk, sla: SweepTap, answers: list[tuple[float, int]], stop: threading.Event) -> None:
    """Answer each ticket at its time (a public agent reply achieves the reply metric)."""
    for at, tid in answers:
        if stop.wait(max(0.0, at - time.time())):
            return
        sla.agent_replied(fake, tid)


def peak_memory_mb(pid: int) -> float:
    """VmHWM of a process and its children (Linux), in MB."""
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except FileNotFoundError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        pids += [int(c) for c in children]
    return total / 1024


def run(count: int, args, work: Path) -> list[str]:
    """One run with `count` open tickets; the report's lines."""
    rng = random.Random(args.seed)
    policy_path = work / f"policy-{count}.toml"
    policy_path.write_text((ROOT / "tests" / "samples" / "policy.toml").read_text() + SLA)
    policy = load_policy(str(policy_path))
    database_url = scratch_database(args.database_url or f"sqlite:///{work}/inbox-{count}.db")
    world = World(count, args.moments, time.time(), rng)
    sla, limits = SweepTap(schedule=OFFICE), ZendeskLimits()
    fake = FakeZendesk({}, endpoints=[sla], fault=limits)
    fake.tickets, fake.metric_sets = world.tickets, world.metric_sets  # 100,000 tickets: no copy
    inbox = Inbox(Database(database_url))
    planner = TimerPlanner(inbox, policy, utcnow)
    moment_ids = set(world.moment_ids)
    seed(inbox, planner, world, [t for t in world.tickets if t not in moment_ids])
    start = time.time() + 5  # the worker is up by then
    moments = world.place(start, args.minutes, policy.sla.warn_before, policy.sla.grace)
    seed(inbox, planner, world, world.moment_ids)
    settle_past(inbox)
    Cursors(inbox.database).set(CURSOR, cursor_at(int(time.time())), time.time())
    inbox.database.close()
    answers = sorted(
        [(m.answered_at, m.ticket_id) for m in moments if m.answered_at]
        + world.background_answers(start, args.minutes, args.answers)
    )
    fake.start()
    env = service_env(
        database_url,
        ZENDESK_SUBDOMAIN="acme",
        ZENDESK_EMAIL="bot@acme.example",
        ZENDESK_API_TOKEN="t",
        ZENDESK_API_URL=fake.url,
        ESCALATOR_RULES=policy_path,
        LOG_LEVEL="INFO",
        LOG_FORMAT="text",
    )
    worker = subprocess.Popen(
        [str(BIN / "escalator"), "worker"],
        env=env,
        cwd=work,
        stdout=open(work / f"worker-{count}.log", "w"),
        stderr=subprocess.STDOUT,
    )
    stop = threading.Event()
    threading.Thread(target=agents, args=(fake, sla, answers, stop), daemon=True).start()
    try:
        end = start + args.minutes * 60 + 30  # the last moment is a minute before the end: 90 s to act on it
        load = []  # the machine's 1-minute load average each second: how busy its cores were
        while time.time() < end and worker.poll() is None:
            time.sleep(1)
            load.append(os.getloadavg()[0])
        if worker.poll() is not None:
            raise SystemExit(f"the worker stopped (exit {worker.returncode}); see {work}/worker-{count}.log")
        peak = peak_memory_mb(worker.pid)
    finally:
        stop.set()
        worker.terminate()
        worker.wait(timeout=30)
        fake.stop()
    with fake.lock:
        requests = list(fake.requests)
    figures = measure(requests, moments, sla.answers, sla.sweep_chunks, start, args.minutes, Counter(limits.refused))
    setup = {
        "machine": machine(),
        "commit": commit(),
        "tickets": count,
        "minutes": args.minutes,
        "storage": database_url.split(":")[0],
        "sweep": "started with the worker, paced at ESCALATOR_SWEEP_RATE (default 5 requests a minute)",
        "background": sum(1 for _, tid in answers if tid not in moment_ids),
        "peak_mb": peak,
        "load": (sum(load) / len(load), max(load)),
    }
    return report(figures, moments, setup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, nargs="+", default=[10_000, 100_000], help="open tickets, one run each")
    parser.add_argument("--minutes", type=int, default=8, help="length of each run (real time)")
    parser.add_argument("--moments", type=int, default=400, help="warnings and breaches due during a run")
    parser.add_argument("--answers", type=float, default=30, help="other tickets answered a minute")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--database-url", help="a SCRATCH database: the service's tables are dropped")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="escalator-sla-"))
    for n, count in enumerate(args.tickets):
        print(("\n" if n else "") + "\n".join(run(count, args, work)), flush=True)
    print(f"(logs in {work})")


if __name__ == "__main__":
    main()
