"""The `escalator` command: each subcommand one call (its arguments are parsed in cli_arguments.py)."""

import argparse
import os
import sys

from .app import create_app
from .cli_arguments import parse_arguments
from .errors import ConfigError, EscalatorError
from .observability.logs import configure_logging
from .ops.app_install import run_app_command
from .ops.backtest import run_backtest
from .ops.check import run_check
from .ops.dead_letters import dead_letters
from .ops.embedded_server import run_embedded
from .ops.report import run_report
from .ops.send_test import send_test
from .ops.service_db import existing_database
from .ops.setup import run_setup_command
from .ops.simulate import run_simulate
from .ops.worker_process import run_worker
from .schemas.policy_file import load_policy
from .settings import Settings, load_settings
from .store.handle import Database
from .wiring import build_pool, utcnow
from .zendesk.client import build_admin


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the queue worker alone (Procfile `worker:`)."""
    return run_worker(args.threads, args.poll_interval, args.metrics_port, args.metrics_host, build_pool)


def cmd_run(args: argparse.Namespace) -> int:
    """Serve the web app with gunicorn and run the worker in the same process."""
    return run_embedded(args.host, args.threads, create_app, build_pool)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Bring the database to the newest schema and say which revision it is at."""
    settings = operator_settings()
    print(f"database at revision {Database(settings.database_url).migrate()}")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    """Run the worker's own handler (its decision sequence, core/lifecycle/sequence.py) on a payload (and recorded API
    answers); print what it would send."""
    operator_settings()
    return run_simulate(load_policy(args.rules), args.payload, args.ticket, args.comments, utcnow)


def cmd_setup(args: argparse.Namespace) -> int:
    """Create or update the escalation fields, the view, the dashboard's OAuth client, the webhook, its trigger
    category and triggers (or remove them)."""
    return run_setup_command(operator_settings(), args.rules, args.url, args.dry_run, args.remove, args.fields, utcnow)


def cmd_check(args: argparse.Namespace) -> int:
    """Check the policy, the credentials, the role and what the policy names in Zendesk."""
    return run_check(operator_settings(), args.rules, build_admin, notify_test=args.notify_test)


def cmd_app(args: argparse.Namespace) -> int:
    """Package the ticket sidebar app (the zip an admin uploads), or install it through Zendesk's Apps API."""
    return run_app_command(operator_settings(), args.action, args.url, args.out, args.email, args.dry_run)


def cmd_report(args: argparse.Namespace) -> int:
    """Print the status of every escalation over a period, from the service's store."""
    return run_report(operator_settings(), load_policy(args.rules), args.since, args.format, utcnow)


def cmd_dead_letters(args: argparse.Namespace) -> int:
    """List, show or retry the inbox rows that failed for good."""
    settings = operator_settings()
    return dead_letters(
        existing_database(settings.database_url), args.action, args.id, utcnow(), settings.retry_budget_hours * 3600
    )


def cmd_send_test(args: argparse.Namespace) -> int:
    """Post a signed trigger body for one ticket to the service and explain the answer."""
    settings = operator_settings()
    url = args.url or f"http://127.0.0.1:{settings.port}/webhooks/zendesk"
    return send_test(url, args.ticket, settings.webhook_secrets, utcnow())


def cmd_backtest(args: argparse.Namespace) -> int:
    """Replay a past period with the policy and print what it would have escalated; writes nothing."""
    return run_backtest(operator_settings(), args.rules, args.since, args.format, utcnow)


def operator_settings() -> Settings:
    """The settings of a command a person runs: its log lines are plain text unless LOG_FORMAT asks otherwise."""
    settings = load_settings(web=False)  # reads .env, where LOG_FORMAT may be
    configure_logging(settings, person=not os.environ.get("LOG_FORMAT", "").strip())
    return settings


COMMANDS = {
    "run": cmd_run,
    "worker": cmd_worker,
    "simulate": cmd_simulate,
    "migrate": cmd_migrate,
    "setup": cmd_setup,
    "check": cmd_check,
    "app": cmd_app,
    "dead-letters": cmd_dead_letters,
    "report": cmd_report,
    "send-test": cmd_send_test,
    "backtest": cmd_backtest,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `escalator` console script."""
    args = parse_arguments(argv)
    try:
        return COMMANDS[args.command](args)
    except ConfigError as error:
        print(f"escalator: configuration error: {error}", file=sys.stderr)
        return 2
    except (EscalatorError, OSError, ValueError) as error:
        print(f"escalator: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
