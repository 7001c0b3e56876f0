"""Where the tests' requests to Zendesk are checked against its API description (conftest.py reports).

Two doors cover every request: the fake Zendesk server checks what reaches it
(from the test process or from the service's real processes), and
requests.Session.send (patched by conftest.py for the session) checks what the
test process sends anywhere else under /api/ (to `responses`, to recorded
answers, to Zendesk's hosts). conftest.py fails a test whose requests break the
contract, at its teardown, with each problem, and ends the run with the count of
requests checked, by door.
"""

import json
import threading
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import requests

import zendesk_contract

SERVER, IN_PROCESS = "fake server", "in process"
checked: Counter = Counter()
problems: list[str] = []
served: set[str] = set()  # host:port of the fake servers: checked there, not twice
_lock = threading.Lock()
original_send = requests.Session.send


def check(door: str, method: str, url: str, body: bytes | str | None) -> None:
    """Check one request; remember what is wrong with it for the running test."""
    if not zendesk_contract.available():
        return
    parts = urlsplit(url)
    try:
        payload = json.loads(body) if body else None
    except ValueError:
        found = [f"body: not JSON: {body[:80]!r}"]
    else:
        found = zendesk_contract.contract().problems(method, parts.path, parse_qs(parts.query, True), payload)
    with _lock:
        checked[door] += 1
        problems.extend(f"{method} {parts.path}{'?' + parts.query if parts.query else ''}: {p}" for p in found)


def checked_send(session, request, **kwargs):
    parts = urlsplit(request.url)
    if parts.path.startswith("/api/") and parts.netloc not in served:
        check(IN_PROCESS, request.method, request.url, request.body)
    return original_send(session, request, **kwargs)


def take_problems() -> list[str]:
    """The problems found since the last call."""
    with _lock:
        found, problems[:] = list(problems), []
    return found
