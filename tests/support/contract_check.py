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
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs, urlsplit

import requests
from support import zendesk_contract

SERVER, IN_PROCESS = "fake server", "in process"
checked: Counter = Counter()
problems: list[str] = []
served: set[str] = set()  # host:port of the fake servers: checked there, not twice
_lock = threading.Lock()
original_send = requests.Session.send


def check(door: str, method: str, url: str, body: bytes | str | None, content_type: str | None = None) -> None:
    """Check one request; remember what is wrong with it for the running test."""
    if not zendesk_contract.available():
        return
    parts = urlsplit(url)
    query = parse_qs(parts.query, True)
    try:
        if (content_type or "").startswith("multipart/form-data"):
            found = zendesk_contract.contract().problems(
                method, parts.path, query, None, set(form_fields(body, content_type))
            )
        else:
            found = zendesk_contract.contract().problems(method, parts.path, query, json.loads(body) if body else None)
    except ValueError:
        found = [f"body: not {'multipart' if content_type else 'JSON'}: {body[:80]!r}"]
    with _lock:
        checked[door] += 1
        problems.extend(f"{method} {parts.path}{'?' + parts.query if parts.query else ''}: {p}" for p in found)


def checked_send(session, request, **kwargs):
    parts = urlsplit(request.url)
    if parts.path.startswith("/api/") and parts.netloc not in served:
        check(IN_PROCESS, request.method, request.url, request.body, request.headers.get("Content-Type"))
    return original_send(session, request, **kwargs)


def form_fields(body: bytes | str | None, content_type: str) -> dict[str, dict]:
    """A multipart/form-data body's fields by name: filename, content type and data of each (ValueError if none)."""
    raw = body.encode() if isinstance(body, str) else body or b""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    if not message.is_multipart():
        raise ValueError("no multipart body")
    return {
        part.get_param("name", header="content-disposition"): {
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "data": part.get_payload(decode=True),
        }
        for part in message.iter_parts()
    }


def take_problems() -> list[str]:
    """The problems found since the last call."""
    with _lock:
        found, problems[:] = list(problems), []
    return found
