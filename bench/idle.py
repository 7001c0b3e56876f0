"""Idle cost: what worker threads with nothing to do ask of the database.

Runs a process's worker pool (the `escalator worker` wiring, no Zendesk credentials,
so a dry run) on an empty scratch database and counts, for `--seconds`, the claims
its threads make and every statement the inbox's engine sends.

    python bench/idle.py [--threads 4] [--seconds 30] [--database-url postgresql://...]
"""

import argparse
import tempfile
import time

from common import commit, machine, scratch_database, service_env
from sqlalchemy import event

from zendesk_escalator.schemas.policy_file import load_policy
from zendesk_escalator.settings import load_settings
from zendesk_escalator.store.handle import Database
from zendesk_escalator.store.inbox import Inbox
from zendesk_escalator.wiring import WorkerPool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--database-url", help="a SCRATCH database: its tables are dropped")
    args = parser.parse_args()
    url = scratch_database(args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='escalator-idle-')}/inbox.db")
    settings = load_settings(service_env(url), dotenv_path=None, web=False)
    inbox = Inbox(Database(url))
    pool = WorkerPool(settings, load_policy(settings.rules_path), inbox, args.threads).start()
    time.sleep(3)  # start-up: the periodic jobs are scheduled, the first claims made
    claims, statements = [0], [0]
    claim = inbox.claim

    def counted_claim(*a, **kw):
        claims[0] += 1
        return claim(*a, **kw)

    inbox.claim = counted_claim
    event.listen(
        inbox.database.engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1)
    )
    time.sleep(args.seconds)
    counted = claims[0], statements[0]
    pool.stop()
    per = args.threads * args.seconds
    print(f"machine: {machine()}; commit: {commit()}")
    print(f"storage: {url.split(':')[0]}; {args.threads} idle worker threads for {args.seconds:g} s")
    print(
        f"claims per second per idle worker thread: {counted[0] / per:.3f}; "
        f"statements per second per idle worker thread (all the inbox's queries): {counted[1] / per:.3f}"
    )


if __name__ == "__main__":
    main()
