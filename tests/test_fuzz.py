"""Bad input never causes a 5xx or a stored row without a valid signature (hypothesis)."""

import json
import socket
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SECRET, sample, signed_headers
from zendesk_escalator.app import create_app
from zendesk_escalator.store.inbox import Inbox
from zendesk_escalator.signature import sign

URL = "/webhooks/zendesk"
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-2**80, max_value=2**80)
           | st.floats(allow_nan=False) | st.text(max_size=20) | st.from_regex(r"-?\d{1,30}", fullmatch=True))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
SAMPLES = [sample("trigger_body.json"), sample("event_comment_added.json")]


@pytest.fixture
def http(settings_fuzz):
    return settings_fuzz.test_client()


@pytest.fixture
def settings_fuzz(settings, policy, tmp_path):
    return create_app(settings, policy, Inbox(f"sqlite:///{tmp_path}/fuzz.db"))


def stored(app) -> int:
    return len(app.extensions["escalator"].inbox.rows())


def mutate(body: dict, path: list, value):
    """Replace (or add) one key somewhere in a copy of a sample payload."""
    copy = json.loads(json.dumps(body))
    target = copy
    for key in path[:-1]:
        target = target.setdefault(key, {}) if isinstance(target, dict) else target
        if not isinstance(target, dict):
            return copy
    if isinstance(target, dict):
        target[path[-1]] = value
    return copy


@FUZZ
@given(raw=st.binary(max_size=2000), headers=st.dictionaries(
    st.sampled_from(["X-Zendesk-Webhook-Signature", "X-Zendesk-Webhook-Signature-Timestamp",
                     "X-Zendesk-Webhook-Invocation-Id", "Content-Type"]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)))
def test_unsigned_garbage_is_401_and_never_stored(settings_fuzz, raw, headers):
    answer = settings_fuzz.test_client().post(URL, data=raw, headers=headers)
    assert answer.status_code == 401
    assert stored(settings_fuzz) == 0


@FUZZ
@given(body=json_values)
def test_signed_random_json_gets_a_clear_4xx_or_200(settings_fuzz, body):
    raw = json.dumps(body).encode()
    answer = settings_fuzz.test_client().post(URL, data=raw, headers=signed_headers(raw))
    assert answer.status_code in (200, 202, 400), answer.get_data(as_text=True)
    if answer.status_code == 400:
        assert answer.json["error"] == "bad_payload" and answer.json["field"]


@FUZZ
@given(body=st.fixed_dictionaries({"ticket_id": scalars}, optional={
    "tags": json_values, "actor_id": scalars, "priority": scalars, "status": scalars, "updated_at": scalars}))
def test_signed_trigger_shaped_bodies_never_5xx(settings_fuzz, body):
    raw = json.dumps(body).encode()
    answer = settings_fuzz.test_client().post(URL, data=raw, headers=signed_headers(raw))
    assert answer.status_code in (200, 202, 400), answer.get_data(as_text=True)


@FUZZ
@given(base=st.sampled_from(SAMPLES), path=st.lists(st.sampled_from(
    ["ticket_id", "tags", "actor_id", "detail", "id", "type", "subject", "priority", "status", "updated_at"]),
    min_size=1, max_size=3), value=json_values)
def test_signed_mutated_samples_never_5xx(settings_fuzz, base, path, value):
    raw = json.dumps(mutate(base, path, value)).encode()
    before = stored(settings_fuzz)
    answer = settings_fuzz.test_client().post(URL, data=raw, headers=signed_headers(raw))
    assert answer.status_code in (200, 202, 400), answer.get_data(as_text=True)
    assert stored(settings_fuzz) == before + (answer.status_code == 202)


@FUZZ
@given(base=st.sampled_from(SAMPLES), flip=st.integers(min_value=0, max_value=10_000))
def test_any_changed_byte_breaks_the_signature(settings_fuzz, base, flip):
    raw = json.dumps(base).encode()
    headers = signed_headers(raw)
    index = flip % len(raw)
    tampered = raw[:index] + bytes([raw[index] ^ 0x01]) + raw[index + 1:]
    assert settings_fuzz.test_client().post(URL, data=tampered, headers=headers).status_code == 401
    assert stored(settings_fuzz) == 0


def test_oversized_body_is_refused_before_it_is_read(settings, policy, tmp_path):
    """A client announcing 50 MB gets 413 at once; the server does not wait for the bytes."""
    from werkzeug.serving import make_server
    import threading
    app = create_app(settings, policy, Inbox(f"sqlite:///{tmp_path}/big.db"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(server.server_address, timeout=5) as conn:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            conn.sendall((f"POST {URL} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          f"Content-Length: 50000000\r\nX-Zendesk-Webhook-Signature: {sign(SECRET, stamp, b'')}\r\n"
                          f"X-Zendesk-Webhook-Signature-Timestamp: {stamp}\r\n\r\n").encode() + b"{" * 1024)
            answer = conn.recv(4096).decode()
        assert answer.startswith("HTTP/1.1 413")
    finally:
        server.shutdown()
