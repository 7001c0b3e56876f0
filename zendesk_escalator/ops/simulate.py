"""`escalator simulate`: the worker's own handler (its decision sequence, core/lifecycle/sequence.py) run on a
payload and recorded API answers, and what it would send, printed as JSON."""

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from ..actions import ZendeskWriter
from ..core.escalation.triggers import escalation_rules
from ..core.lifecycle import sequence
from ..core.policy import Policy
from ..errors import ConfigError, PayloadError
from ..schemas.webhooks import is_event_webhook, load_event, load_trigger
from ..settings import Settings
from ..worker.escalate import NotificationHandler
from ..worker.ports import TicketSource, Writer
from ..zendesk.stand_ins import DryRunWriter, HintReader, RecordedZendesk

TICKET_READ = "GET /api/v2/tickets/{id}.json?include=users"
COMMENTS_READ = "GET /api/v2/tickets/{id}/comments.json?include=users"


def run_simulate(
    policy: Policy, payload: str, ticket: str | None, comments: str | None, clock: Callable[[], datetime]
) -> int:
    """Print what the payload (a webhook body's file) would do, read from the recorded answers when given."""
    print(json.dumps(simulate(policy, payload, ticket, comments, clock), indent=2, ensure_ascii=False))
    return 0


def simulate(
    policy: Policy, payload: str, ticket: str | None, comments: str | None, clock: Callable[[], datetime]
) -> dict[str, Any]:
    """The report of one simulated webhook: the screening, the reads, the outcome, and the request it would send."""
    body = _read_json(payload, "payload")
    try:
        note = load_event(body) if is_event_webhook(body) else load_trigger(body)
    except PayloadError as error:
        raise ConfigError("payload", f"{payload} is not a webhook body: {error}") from None
    rules = escalation_rules()
    recorded: RecordedZendesk | None
    reader: TicketSource
    writer: Writer
    if ticket:
        recorded = RecordedZendesk(
            _read_json(ticket, "--ticket", "ticket", TICKET_READ),
            _read_json(comments, "--comments", "comments", COMMENTS_READ) if comments else None,
        )
        reader = writer = ZendeskWriter(Settings(subdomain="simulate", email="simulate", api_token="-"), recorded)
    else:  # as the worker runs without credentials: the webhook's hints only
        recorded, reader, writer = None, HintReader(), DryRunWriter()
    outcome = NotificationHandler(reader, writer, policy, rules, clock).process([note])
    sent = recorded.sent if recorded else []
    result = outcome.to_dict()
    result.pop("update", None)
    report = {
        "ticket_id": note.ticket_id,
        "screening": {name: sorted(need) for name, need in sequence.screen([note], None, policy, rules).items()},
        "reads": [request for request, _ in sent if request.startswith("GET")],
        "outcome": result,
    }
    if outcome.update is not None:
        put = next(((r, b) for r, b in sent if r.startswith("PUT")), None)
        report["request"] = put[0] if put else f"PUT /api/v2/tickets/{note.ticket_id}.json"
        report["body"] = put[1] if put else outcome.update
    return {k: v for k, v in report.items() if v is not None}


def _read_json(path: str, role: str, key: str | None = None, read: str = "") -> dict[str, Any]:
    """A JSON object from a file given as `role`, holding `key` when given; a ConfigError naming the file if not."""
    try:
        value = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(role, f"cannot read {path}: {error.strerror}") from None
    except ValueError as error:
        raise ConfigError(role, f"{path} is not JSON: {error}") from None
    if not isinstance(value, dict) or (key and not isinstance(value.get(key), (dict, list))):
        what = f'no "{key}": give the answer of {read} as it came' if key else "no JSON object"
        raise ConfigError(role, f"{path} holds {what}")
    return value
