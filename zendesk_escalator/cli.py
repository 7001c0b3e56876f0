"""The `escalator` command: run, worker, simulate."""

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from . import schemas
from .app import create_app
from .core import plan, rules, snapshot
from .errors import ConfigError, EscalatorError
from .policy_file import load_policy
from .settings import load_settings
from .store.inbox import Inbox
from .wiring import announce_modes, configure_logging, start_workers, utcnow
from .worker.loop import POLL_INTERVAL
from .zendesk.stand_ins import HintReader


def cmd_worker(args) -> int:
    """Run the queue worker alone (Procfile `worker:`)."""
    settings = load_settings(web=False)
    configure_logging(settings)
    policy = load_policy(settings.rules_path)
    announce_modes(settings, policy)
    inbox = Inbox(settings.database_url)  # the schema is created on first claim
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    threads = start_workers(settings, policy, inbox, stop, args.threads, args.poll_interval)
    for thread in threads:  # each finishes the ticket in hand, then returns
        thread.join()
    return 0


def cmd_run(args) -> int:
    """Serve the web app with gunicorn and run the worker in the same process."""
    from gunicorn.app.base import BaseApplication

    settings = load_settings()
    policy = load_policy(settings.rules_path)  # fail before gunicorn starts
    stop = threading.Event()

    class Embedded(BaseApplication):
        def load_config(self):
            options = {"bind": f"{args.host}:{settings.port}", "workers": 1,
                       "worker_class": "gthread", "threads": 32, "graceful_timeout": 30,
                       "control_socket_disable": True,
                       "worker_exit": lambda _server, _worker: stop.set()}
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            # Runs in gunicorn's worker process, after the fork.
            app = create_app(settings, policy)
            start_workers(settings, policy, app.extensions["escalator"].inbox, stop, args.threads)
            return app

    Embedded().run()
    return 0


def cmd_simulate(args) -> int:
    """Print the decisions and the exact update for a payload; no side effects."""
    policy = load_policy(args.rules)
    body = json.loads(Path(args.payload).read_text(encoding="utf-8"))
    note = schemas.load_event(body) if schemas.is_event_webhook(body) else schemas.load_trigger(body)
    if args.ticket:
        api = json.loads(Path(args.ticket).read_text(encoding="utf-8"))
        ticket = snapshot.from_api(api, api)
    else:
        ticket = HintReader().read(note.ticket_id, note)
    now = utcnow()
    fired = {name: check(ticket, policy) for name, check in rules.RULES.items()}
    decision = rules.decide(ticket, policy, now)
    report = {
        "ticket_id": ticket.id,
        "skipped_as_own_update": policy.integration_user_id is not None
        and note.actor_id == policy.integration_user_id,
        "rules": {name: (d.__dict__ | {"consume_tags": sorted(d.consume_tags)}) if d else None
                  for name, d in fired.items()},
        "state": rules.current_state(ticket, policy).__dict__,
        "decision": decision.rule if decision else None,
    }
    if decision:
        report["request"] = f"PUT /api/v2/tickets/{ticket.id}.json"
        report["body"] = {"ticket": plan.build_update(ticket, decision, policy, now)}
    print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return 0


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `escalator` console script."""
    parser = argparse.ArgumentParser(prog="escalator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="web + worker in one process (embedded default)")
    run.add_argument("--host", default="0.0.0.0")
    run.add_argument("--threads", type=positive_int, default=2, help="queue worker threads (default 2)")
    run.set_defaults(func=cmd_run)
    work = sub.add_parser("worker", help="the queue worker alone")
    work.add_argument("--threads", type=positive_int, default=4,
                      help="tickets processed at once, each thread with its own Zendesk client (default 4)")
    work.add_argument("--poll-interval", type=float, default=POLL_INTERVAL,
                      help=f"seconds to wait when nothing is due (default {POLL_INTERVAL})")
    work.set_defaults(func=cmd_worker)
    sim = sub.add_parser("simulate", help="show what a payload would do, without side effects")
    sim.add_argument("payload", help="webhook body (trigger or event JSON)")
    sim.add_argument("--ticket", help="ticket as the API returns it (ticket, users, comments)")
    sim.add_argument("--rules", default=None, help="policy file (default: $ESCALATOR_RULES or escalation.toml)")
    sim.set_defaults(func=cmd_simulate)
    args = parser.parse_args(argv)
    if getattr(args, "rules", "unset") is None:
        args.rules = os.environ.get("ESCALATOR_RULES", "escalation.toml")
    try:
        return args.func(args)
    except ConfigError as error:
        print(f"escalator: configuration error: {error}", file=sys.stderr)
        return 2
    except (EscalatorError, OSError, ValueError) as error:
        print(f"escalator: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
