"""The `escalator` command: argument parsing only; each subcommand calls one function."""

import argparse
import os
import re
import sys
from datetime import timedelta
from pathlib import Path

from . import __version__
from .app import create_app
from .core.reporting.formats import FORMATS
from .errors import ConfigError, EscalatorError
from .observability.logs import configure_logging
from .ops.app_install import run_app_install
from .ops.app_package import run_package
from .ops.backtest import run_backtest
from .ops.check import run_check
from .ops.dead_letters import dead_letters
from .ops.embedded_server import run_embedded
from .ops.report import run_report
from .ops.send_test import send_test
from .ops.service_db import existing_database, service_database
from .ops.setup import run_setup
from .ops.setup_remove import run_remove
from .ops.simulate import COMMENTS_READ, TICKET_READ, run_simulate
from .ops.worker_process import run_worker
from .policy_file import load_policy
from .settings import Settings, load_settings, read_dotenv
from .store.inbox import Inbox
from .wiring import build_pool, utcnow
from .zendesk.apps import ZendeskApps
from .zendesk.client import build_admin

PERIOD_UNITS = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
}  # m and min as in the policy's durations
DESCRIPTION = (
    "zendesk-escalator: the webhook target that escalates Zendesk tickets (run, worker), "
    "and the tools to set it up and operate it. Settings come from the environment and ./.env; "
    "the policy from --rules, $ESCALATOR_RULES or ./escalation.toml."
)


def cmd_worker(args) -> int:
    """Run the queue worker alone (Procfile `worker:`)."""
    return run_worker(args.threads, args.poll_interval, args.metrics_port, args.metrics_host, build_pool)


def cmd_run(args) -> int:
    """Serve the web app with gunicorn and run the worker in the same process."""
    return run_embedded(args.host, args.threads, create_app, build_pool)


def cmd_migrate(args) -> int:
    """Bring the database to the newest schema and say which revision it is at."""
    settings = operator_settings()
    print(f"database at revision {Inbox(settings.database_url).migrate()}")
    return 0


def cmd_simulate(args) -> int:
    """Run the worker's own handler (its decision sequence, core/lifecycle/sequence.py) on a payload (and recorded API
    answers); print what it would send."""
    operator_settings()
    return run_simulate(load_policy(args.rules), args.payload, args.ticket, args.comments, utcnow)


def cmd_setup(args) -> int:
    """Create or update the escalation fields, the view, the dashboard's OAuth client, the webhook, its trigger
    category and triggers (or remove them)."""
    settings = operator_settings()
    admin, policy = build_admin(settings), load_policy(args.rules)
    if args.remove:
        return run_remove(admin, policy, args.dry_run, args.fields, settings.oauth_client_id)
    return run_setup(
        admin,
        policy,
        args.url,
        args.dry_run,
        settings.webhook_secrets,
        (settings.oauth_client_id, bool(settings.oauth_client_secret)),
        inbox=service_database(settings.database_url),
        now=utcnow(),
    )


def cmd_check(args) -> int:
    """Check the policy, the credentials, the role and what the policy names in Zendesk."""
    return run_check(operator_settings(), args.rules, build_admin, notify_test=args.notify_test)


def cmd_app(args) -> int:
    """Package the ticket sidebar app (the zip an admin uploads), or install it through Zendesk's Apps API."""
    settings = operator_settings()
    email = args.email or settings.email
    if args.action == "package":
        return run_package(args.url, email, Path(args.out))
    apps = ZendeskApps(build_admin(settings).session, settings.api_timeout)
    return run_app_install(apps, args.url, settings.app_token, email, args.dry_run)


def cmd_report(args) -> int:
    """Print the status of every escalation over a period, from the service's store."""
    return run_report(operator_settings(), load_policy(args.rules), args.since, args.format, utcnow)


def cmd_dead_letters(args) -> int:
    """List, show or retry the inbox rows that failed for good."""
    settings = operator_settings()
    return dead_letters(
        existing_database(settings.database_url), args.action, args.id, utcnow(), settings.retry_budget_hours * 3600
    )


def cmd_send_test(args) -> int:
    """Post a signed trigger body for one ticket to the service and explain the answer."""
    settings = operator_settings()
    url = args.url or f"http://127.0.0.1:{settings.port}/webhooks/zendesk"
    return send_test(url, args.ticket, settings.webhook_secrets, utcnow())


def cmd_backtest(args) -> int:
    """Replay a past period with the policy and print what it would have escalated; writes nothing."""
    return run_backtest(operator_settings(), args.rules, args.since, args.format, utcnow)


def operator_settings() -> Settings:
    """The settings of a command a person runs: its log lines are plain text unless LOG_FORMAT asks otherwise."""
    settings = load_settings(web=False)  # reads .env, where LOG_FORMAT may be
    configure_logging(settings, person=not os.environ.get("LOG_FORMAT", "").strip())
    return settings


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def period(text: str) -> timedelta:
    """argparse type: how far back, such as 90m, 12h, 30d or 2w."""
    found = re.fullmatch(r"\s*(\d+)\s*(w|d|h|min|m)\s*", text.lower())
    if not found or int(found.group(1)) < 1:
        raise argparse.ArgumentTypeError(f'a period such as "90m", "12h", "30d" or "2w", not {text!r}')
    return int(found.group(1)) * PERIOD_UNITS[found.group(2)]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `escalator` console script."""
    parser = argparse.ArgumentParser(prog="escalator", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="web + worker in one process (embedded default)")
    run.add_argument(
        "--host",
        default=None,
        help="address to listen on (default: $HOST, else 0.0.0.0; 127.0.0.1 while unsigned webhooks are accepted)",
    )
    run.add_argument("--threads", type=positive_int, default=2, help="queue worker threads (default 2)")
    run.set_defaults(func=cmd_run)
    work = sub.add_parser("worker", help="the queue worker alone")
    work.add_argument(
        "--threads",
        type=positive_int,
        default=4,
        help="tickets processed at once, each thread with its own Zendesk client (default 4)",
    )
    work.add_argument(
        "--poll-interval",
        type=float,
        default=None,
        help="the safety-net poll, in seconds, under the wake-ups (default: ESCALATOR_POLL_SECONDS)",
    )
    work.add_argument(
        "--metrics-port",
        type=positive_int,
        default=None,
        help="serve this worker's own counts at :PORT/metrics, for a worker on a machine "
        "without a web process (default: none; on one machine the web's /metrics has them)",
    )
    work.add_argument("--metrics-host", default="0.0.0.0", help="address for --metrics-port (default 0.0.0.0)")
    work.set_defaults(func=cmd_worker)
    sim = sub.add_parser("simulate", help="show what a payload would do, without side effects")
    sim.add_argument("payload", help="webhook body (trigger or event JSON)")
    sim.add_argument("--ticket", help=f"{TICKET_READ}, as the API returned it")
    sim.add_argument("--comments", help=f"{COMMENTS_READ}, as the API returned it (oldest first)")
    sim.add_argument("--rules", default=None, help="policy file (default: $ESCALATOR_RULES or escalation.toml)")
    sim.set_defaults(func=cmd_simulate)
    migrate = sub.add_parser("migrate", help="bring the database to the newest schema (also done at start-up)")
    migrate.set_defaults(func=cmd_migrate)
    _operator_commands(sub)
    _app_command(sub)
    args = parser.parse_args(argv)
    if args.command == "dead-letters":
        _check_row_id(parser, args)
    if args.command == "setup":
        _check_setup(parser, args)
    if getattr(args, "rules", "unset") is None:
        read_dotenv()  # ESCALATOR_RULES may be there, as for the service
        args.rules = os.environ.get("ESCALATOR_RULES", "escalation.toml")
    try:
        return args.func(args)
    except ConfigError as error:
        print(f"escalator: configuration error: {error}", file=sys.stderr)
        return 2
    except (EscalatorError, OSError, ValueError) as error:
        print(f"escalator: {error}", file=sys.stderr)
        return 1


def _check_row_id(parser, args) -> None:
    """show and retry take one row id; retry takes --all instead."""
    wants_id = args.action == "show" or (args.action == "retry" and not args.all)
    if wants_id and args.id is None:
        parser.error(f"dead-letters {args.action} needs a row id" + (" or --all" if args.action == "retry" else ""))
    if args.id is not None and (args.action == "list" or args.all):
        parser.error("dead-letters: give a row id to show or retry, or --all to retry every dead row")


def _check_setup(parser, args) -> None:
    """setup takes --url, or --remove (and --fields only with --remove)."""
    if args.remove and args.url:
        parser.error("setup: give --url to set up, or --remove to take away what setup made, not both")
    if not args.remove and not args.url:
        parser.error("setup needs --url (the service's webhook address), or --remove")
    if args.fields and not args.remove:
        parser.error("setup: --fields goes with --remove")


def _app_command(sub) -> None:
    """app package | install: the Zendesk ticket sidebar app."""
    app = sub.add_parser(
        "app",
        help="the ticket sidebar app for Zendesk: package it (a zip to upload as a private "
        "app), or install it through Zendesk's Apps API with its settings",
    )
    app.add_argument("action", choices=["package", "install"])
    app.add_argument("--url", required=True, help="the service's https address, e.g. https://escalator.example.com")
    app.add_argument(
        "--out",
        default="zendesk-escalator-app.zip",
        help="package: the zip to write (default zendesk-escalator-app.zip)",
    )
    app.add_argument("--email", help="the app's author address, where agents write about it (default: $ZENDESK_EMAIL)")
    app.add_argument("--dry-run", action="store_true", help="install: print the plan; change nothing in Zendesk")
    app.set_defaults(func=cmd_app)


def _operator_commands(sub) -> None:
    """setup, check, dead-letters, send-test, backtest, report."""
    rules = {"default": None, "help": "policy file (default: $ESCALATOR_RULES or escalation.toml)"}
    setup = sub.add_parser(
        "setup",
        help="create or update in Zendesk the escalation fields (on every ticket form), "
        "the view, the dashboard's OAuth client (sign in with Zendesk), the "
        "webhook and the triggers",
    )
    setup.add_argument(
        "--url", help="the service's webhook address, e.g. https://escalator.example.com/webhooks/zendesk"
    )
    setup.add_argument("--dry-run", action="store_true", help="print the plan; send no change to Zendesk")
    setup.add_argument(
        "--remove",
        action="store_true",
        help="delete what setup made (triggers, category, view, OAuth client, webhook); the escalation fields stay",
    )
    setup.add_argument(
        "--fields",
        action="store_true",
        help="with --remove: delete the escalation fields too, and the escalation history they hold",
    )
    setup.add_argument("--rules", **rules)
    setup.set_defaults(func=cmd_setup)
    check = sub.add_parser("check", help="check the policy and everything it names against Zendesk")
    check.add_argument("--rules", **rules)
    check.add_argument(
        "--notify-test",
        action="store_true",
        help="also send a test message to each [[notify]] target and show what it answered",
    )
    check.set_defaults(func=cmd_check)
    dead = sub.add_parser("dead-letters", help="list, show or retry inbox rows that failed for good")
    dead.add_argument("action", choices=["list", "show", "retry"])
    dead.add_argument("id", nargs="?", type=positive_int, help="the row id (show, retry)")
    dead.add_argument("--all", action="store_true", help="retry every dead row")
    dead.set_defaults(func=cmd_dead_letters)
    report = sub.add_parser(
        "report",
        help="the status of every escalation: opened, closed, open by level and "
        "owner, breaches avoided, time in escalation",
    )
    report.add_argument(
        "--since",
        type=period,
        default=timedelta(hours=24),
        help='the period, back from now: "24h" (default), "90m", "7d", "2w"',
    )
    report.add_argument("--format", choices=sorted(FORMATS), default="markdown", help="markdown (default), csv or json")
    report.add_argument("--rules", **rules)
    report.set_defaults(func=cmd_report)
    send = sub.add_parser("send-test", help="post a signed test webhook for one ticket to the service")
    send.add_argument("--ticket", required=True, type=positive_int, help="the ticket id to put in the body")
    send.add_argument("--url", help="the webhook address (default http://127.0.0.1:$PORT/webhooks/zendesk)")
    send.set_defaults(func=cmd_send_test)
    back = sub.add_parser("backtest", help="what the policy would have escalated in a past period (writes nothing)")
    back.add_argument("--since", required=True, type=period, help='how far back: "30d", "12h", "90m", "2w"')
    back.add_argument("--format", choices=["table", "json"], default="table", help="table (default) or json")
    back.add_argument("--rules", **rules)
    back.set_defaults(func=cmd_backtest)


if __name__ == "__main__":
    sys.exit(main())
