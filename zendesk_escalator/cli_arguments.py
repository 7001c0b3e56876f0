"""The `escalator` command's arguments: its subcommands and their options, checked as argparse checks them."""

import argparse
import os
import re
from datetime import timedelta
from typing import Any

from . import __version__
from .core.reporting.formats import FORMATS
from .ops.simulate import COMMENTS_READ, TICKET_READ
from .settings import read_dotenv

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


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The arguments of one `escalator` command line (argparse exits on bad ones); `command` names the subcommand."""
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
    sim = sub.add_parser("simulate", help="show what a payload would do, without side effects")
    sim.add_argument("payload", help="webhook body (trigger or event JSON)")
    sim.add_argument("--ticket", help=f"{TICKET_READ}, as the API returned it")
    sim.add_argument("--comments", help=f"{COMMENTS_READ}, as the API returned it (oldest first)")
    sim.add_argument("--rules", default=None, help="policy file (default: $ESCALATOR_RULES or escalation.toml)")
    sub.add_parser("migrate", help="bring the database to the newest schema (also done at start-up)")
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
    return args


def _check_row_id(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """show and retry take one row id; retry takes --all instead."""
    wants_id = args.action == "show" or (args.action == "retry" and not args.all)
    if wants_id and args.id is None:
        parser.error(f"dead-letters {args.action} needs a row id" + (" or --all" if args.action == "retry" else ""))
    if args.id is not None and (args.action == "list" or args.all):
        parser.error("dead-letters: give a row id to show or retry, or --all to retry every dead row")


def _check_setup(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """setup takes --url, or --remove (and --fields only with --remove)."""
    if args.remove and args.url:
        parser.error("setup: give --url to set up, or --remove to take away what setup made, not both")
    if not args.remove and not args.url:
        parser.error("setup needs --url (the service's webhook address), or --remove")
    if args.fields and not args.remove:
        parser.error("setup: --fields goes with --remove")


def _app_command(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
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


def _operator_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """setup, check, dead-letters, send-test, backtest, report."""
    rules: dict[str, Any] = {"default": None, "help": "policy file (default: $ESCALATOR_RULES or escalation.toml)"}
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
    check = sub.add_parser("check", help="check the policy and everything it names against Zendesk")
    check.add_argument("--rules", **rules)
    check.add_argument(
        "--notify-test",
        action="store_true",
        help="also send a test message to each [[notify]] target and show what it answered",
    )
    dead = sub.add_parser("dead-letters", help="list, show or retry inbox rows that failed for good")
    dead.add_argument("action", choices=["list", "show", "retry"])
    dead.add_argument("id", nargs="?", type=positive_int, help="the row id (show, retry)")
    dead.add_argument("--all", action="store_true", help="retry every dead row")
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
    send = sub.add_parser("send-test", help="post a signed test webhook for one ticket to the service")
    send.add_argument("--ticket", required=True, type=positive_int, help="the ticket id to put in the body")
    send.add_argument("--url", help="the webhook address (default http://127.0.0.1:$PORT/webhooks/zendesk)")
    back = sub.add_parser("backtest", help="what the policy would have escalated in a past period (writes nothing)")
    back.add_argument("--since", required=True, type=period, help='how far back: "30d", "12h", "90m", "2w"')
    back.add_argument("--format", choices=["table", "json"], default="table", help="table (default) or json")
    back.add_argument("--rules", **rules)
