"""Logs to stderr, one JSON object a line (LOG_FORMAT=json) or text; the settings' secrets never appear.

The service (`run`, `worker`) logs JSON unless LOG_FORMAT=text; the commands a person runs
log plain lines unless LOG_FORMAT is set (json for a pipeline, text for timestamps).

Lines that carry data pass it as `extra=` fields (decision_fields for the
worker's one line per ticket; the webhook blueprint's one line per request):
JSON shows them as keys, text shows the message alone.
"""

import base64
import json
import logging
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter

from ..settings import Settings
from ..store.rows import InboxRow
from .decision import Decision

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = {"levelname": "level", "name": "logger", "process": "pid"}  # record attribute → key
REDACTED = "[redacted]"
# A shorter "secret" would blank out ordinary words (and break the JSON); no real token is that short.
SHORTEST_SECRET = 4


class RedactingFormatter(logging.Formatter):
    """Formats with `inner`, then blanks out every known secret in the line, traceback included.

    Filtering the finished line, not our messages, also catches what libraries
    log (a URL, an exception's text) and whatever a later change logs by mistake.
    """

    def __init__(self, inner: logging.Formatter, secrets: set[str]):
        super().__init__()
        self.inner = inner
        self.secrets = sorted(secrets, key=len, reverse=True)  # a secret may contain a shorter one

    def format(self, record: logging.LogRecord) -> str:
        """Format the record, without secrets."""
        line = self.inner.format(record)
        for secret in self.secrets:
            line = line.replace(secret, REDACTED)
        return line


class PersonFormatter(logging.Formatter):
    """Lines for a person at a terminal: the message, and what kind of trouble it is when it is one."""

    def format(self, record: logging.LogRecord) -> str:
        """The message; a warning or error says so first, as the command's own errors do."""
        line = super().format(record)
        return f"escalator: {record.levelname.lower()}: {line}" if record.levelno >= logging.WARNING else line


def configure_logging(settings: Settings, stream: TextIO | None = None, person: bool = False) -> None:
    """Log at LOG_LEVEL in LOG_FORMAT (or, for a `person`, plain lines) to stderr (or `stream`).

    A second call replaces the first's handler.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "escalator", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream)  # None: stderr
    setattr(handler, "escalator", True)  # our mark (a Handler declares no such attribute)
    handler.setFormatter(
        RedactingFormatter(PersonFormatter(), secrets_of(settings)) if person else line_formatter(settings)
    )
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # it says "migrating" through us


def line_formatter(settings: Settings) -> logging.Formatter:
    """The formatter of every line: LOG_FORMAT, the settings' secrets blanked out."""
    return RedactingFormatter(formatter(settings.log_format), secrets_of(settings))


def formatter(log_format: str) -> logging.Formatter:
    """The formatter for LOG_FORMAT: json (time, level, logger, pid, message, extra fields) or text."""
    if log_format == "text":
        return logging.Formatter(TEXT_FORMAT)
    return JsonFormatter(
        ["levelname", "name", "process", "message"],
        rename_fields=JSON_FIELDS,
        timestamp="time",
        json_ensure_ascii=False,
    )


def secrets_of(settings: Settings) -> set[str]:
    """The settings' secrets as a line could show them: as set, JSON-escaped, inside the Authorization header."""
    values = [
        settings.api_token,
        settings.oauth_token,
        settings.admin_token,
        settings.oauth_client_secret,
        *settings.webhook_secrets,
    ]
    if settings.email and settings.api_token:  # Basic auth: base64 of "{email}/token:{token}"
        values.append(base64.b64encode(f"{settings.email}/token:{settings.api_token}".encode()).decode())
    found = set()
    for value in values:
        if value and len(value) >= SHORTEST_SECRET:
            found |= {value, json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1]}
    return found


def decision_fields(rows: list[InboxRow], outcome: Decision) -> dict[str, Any]:
    """The fields of the worker's line for one handled batch (one ticket, one decision)."""
    return {
        "ticket_id": rows[0].ticket_id,
        "kind": rows[0].kind,
        "rule": outcome.rule,
        "outcome": outcome.status,
        "api_calls": outcome.api_calls,
        "coalesced": outcome.coalesced,
    }
