"""Bad input never causes a 5xx or a stored row without a valid signature (hypothesis)."""

import json
import socket
import time
import uuid

import pytest
from conftest import SECRET, sample, signed_headers
from hypothesis import strategies as st
from support.databases import open_inbox
from support.fuzzing import fuzz
from support.service import Clock

from zendesk_escalator.app import create_app
from zendesk_escalator.signature import sign

URL = "/webhooks/zendesk"
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.from_regex(r"-?\d{1,30}", fullmatch=True)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
SAMPLES = [sample("trigger_body.json"), sample("event_comment_added.json")]

# JSON text, valid or not, built from the classes of input a parser meets: numbers a double
# cannot hold, NaN, big integers, unicode (lone surrogates too), keys given twice, depth and size.
raw_numbers = (
    st.sampled_from(
        [
            "1e309",
            "-1e309",
            "NaN",
            "Infinity",
            "-Infinity",
            "1.5",
            "-0",
            "1E2",
            str(2**63 - 1),
            str(2**63),
            str(2**70),
            "9" * 5000,
        ]
    )
    | st.integers().map(str)
    | st.floats(allow_nan=False, allow_infinity=False).map(repr)
)
raw_strings = (
    st.text(max_size=20).map(json.dumps)
    | st.text(max_size=20).map(lambda t: json.dumps(t, ensure_ascii=False))
    | st.sampled_from(['"\\ud800"', '"\\u0000"', '"١٢٣"', '"1_000"', '" 12 "', '"+12"', '"-1"', '""'])
)
raw_keys = st.sampled_from(
    [
        '"ticket_id"',
        '"type"',
        '"id"',
        '"subject"',
        '"detail"',
        '"event"',
        '"comment"',
        '"author"',
        '"tags"',
        '"actor_id"',
        '"updated_at"',
    ]
) | st.text(max_size=8).map(json.dumps)
raw_values = st.recursive(
    raw_numbers | raw_strings | st.sampled_from(["true", "false", "null"]),
    lambda inner: (
        st.lists(inner, max_size=4).map(lambda items: "[" + ",".join(items) + "]")
        | st.lists(st.tuples(raw_keys, inner), max_size=5).map(
            lambda pairs: "{" + ",".join(f"{k}:{v}" for k, v in pairs) + "}"
        )
    ),
    max_leaves=20,
)
nested_arrays = st.integers(1, 100_000).map(lambda depth: "[" * depth + "]" * depth)
nested_objects = st.integers(1, 30_000).map(lambda depth: '{"detail":' * depth + "1" + "}" * depth)
padded = st.integers(0, 300_000).map(lambda size: '{"ticket_id": 1, "pad": "' + "x" * size + '"}')
MARK = "\x00mark\x00"


def with_raw_value(base: dict, path: list, text: str) -> str:
    """A sample payload's JSON with one key's value (or a new key) written as raw JSON text."""
    return json.dumps(mutate(base, path, MARK)).replace(json.dumps(MARK), text)


raw_bodies = st.one_of(
    raw_values,
    nested_arrays,
    nested_objects,
    padded,
    st.builds(
        lambda deep, key: '{"ticket_id": 1, ' + key + ": " + deep + "}", nested_arrays | nested_objects, raw_keys
    ),
    st.builds(
        with_raw_value,
        st.sampled_from(SAMPLES),
        st.lists(
            st.sampled_from(
                [
                    "ticket_id",
                    "tags",
                    "actor_id",
                    "detail",
                    "id",
                    "type",
                    "subject",
                    "event",
                    "comment",
                    "author",
                    "updated_at",
                ]
            ),
            min_size=1,
            max_size=3,
        ),
        raw_values | nested_arrays,
    ),
)


@pytest.fixture
def http(settings_fuzz):
    return settings_fuzz.test_client()


@pytest.fixture
def settings_fuzz(settings, policy, tmp_path):
    return create_app(settings, policy, open_inbox(f"sqlite:///{tmp_path}/fuzz.db"))


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


@fuzz(
    raw=st.binary(max_size=2000),
    headers=st.dictionaries(
        st.sampled_from(
            [
                "X-Zendesk-Webhook-Signature",
                "X-Zendesk-Webhook-Signature-Timestamp",
                "X-Zendesk-Webhook-Invocation-Id",
                "Content-Type",
            ]
        ),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
    ),
)
def test_unsigned_garbage_is_401_and_never_stored(settings_fuzz, raw, headers):
    answer = settings_fuzz.test_client().post(URL, data=raw, headers=headers)
    assert answer.status_code == 401
    assert stored(settings_fuzz) == 0


@fuzz(body=json_values)
def test_signed_random_json_gets_a_clear_4xx_or_200(settings_fuzz, body):
    raw = json.dumps(body).encode()
    answer = settings_fuzz.test_client().post(URL, data=raw, headers=signed_headers(raw))
    assert answer.status_code in (200, 202, 400), answer.get_data(as_text=True)
    if answer.status_code == 400:
        assert answer.json["error"] == "bad_payload" and answer.json["field"]


@fuzz(
    body=st.fixed_dictionaries(
        {"ticket_id": scalars},
        optional={
            "tags": json_values,
            "actor_id": scalars,
            "priority": scalars,
            "status": scalars,
            "updated_at": scalars,
        },
    )
)
def test_signed_trigger_shaped_bodies_never_5xx(settings_fuzz, body):
    raw = json.dumps(body).encode()
    answer = settings_fuzz.test_client().post(URL, data=raw, headers=signed_headers(raw))
    assert answer.status_code in (200, 202, 400), answer.get_data(as_text=True)


@fuzz(
    base=st.sampled_from(SAMPLES),
    path=st.lists(
        st.sampled_from(
            ["ticket_id", "tags", "actor_id", "detail", "id", "type", "subject", "priority", "status", "updated_at"]
        ),
        min_size=1,
        max_size=3,
    ),
    value=json_values,
)
def test_signed_mutated_samples_never_5xx(settings_fuzz, base, path, value):
    raw = json.dumps(mutate(base, path, value)).encode()
    before = stored(settings_fuzz)
    answer = settings_fuzz.test_client().post(URL, data=raw, headers=signed_headers(raw))
    assert answer.status_code in (200, 202, 400), answer.get_data(as_text=True)
    assert stored(settings_fuzz) == before + (answer.status_code == 202)


@fuzz(400, text=raw_bodies)
def test_signed_bodies_of_every_class_get_a_json_answer_and_never_5xx(settings_fuzz, text):
    raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8
    before = stored(settings_fuzz)
    answer = settings_fuzz.test_client().post(URL, data=raw, headers=signed_headers(raw))
    assert answer.status_code in (200, 202, 400, 413), answer.get_data(as_text=True)[:300]
    assert answer.is_json and (answer.status_code < 400) == ("error" not in answer.json)
    assert stored(settings_fuzz) == before + (answer.status_code == 202)


ID_PATHS = {
    "trigger_body.json": [("ticket_id",), ("actor_id",)],
    "event_comment_added.json": [
        ("detail", "id"),
        ("detail", "actor_id"),
        ("account_id",),
        ("event", "comment", "id"),
        ("event", "comment", "author", "id"),
    ],
}
ACTORS = {("actor_id",), ("detail", "actor_id"), ("event", "comment", "author", "id")}
ids = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.from_regex(r"[-+ ]?[0-9٠-٩_]{1,22} ?", fullmatch=True)
    | st.lists(st.integers(1, 9), max_size=1)
    | st.sampled_from(["١٢٣", "1_000", " 12 ", "+12", "0012", "12\n", "-1", "", 1.0, 1.5, -1, True])
    | st.integers(min_value=1, max_value=2**63 - 1)
    | st.integers(min_value=1, max_value=2**63 - 1).map(str)
)


def expected_id(value, path: tuple):
    """What a strict reader makes of an id: the number, None when unknown (optional ids only), or refused."""
    if path != ("ticket_id",) and (value is None or value == ""):
        return None
    if path in ACTORS and (value == "-1" or (type(value) is int and value == -1)):
        return -1
    if type(value) is int or (isinstance(value, str) and value.isascii() and value.isdigit() and value[:1] != "0"):
        return int(value) if 1 <= int(value) <= 2**63 - 1 else "refused"
    return "refused"


@fuzz(400, name=st.sampled_from(sorted(ID_PATHS)), pick=st.integers(0, 4), value=ids)
def test_an_id_is_a_positive_integer_or_its_ascii_digits_and_nothing_else(settings_fuzz, name, pick, value):
    path = ID_PATHS[name][pick % len(ID_PATHS[name])]
    expected = expected_id(value, path)
    body = {**sample(name), "id" if name.startswith("event") else "updated_at": str(uuid.uuid4())}  # never a duplicate
    raw = json.dumps(mutate(body, list(path), value)).encode()
    answer = settings_fuzz.test_client().post(URL, data=raw, headers=signed_headers(raw))
    if expected == "refused":
        assert (answer.status_code, answer.json["field"]) == (400, ".".join(path)), answer.json
        return
    assert answer.status_code == 202, answer.json
    payload = settings_fuzz.extensions["escalator"].inbox.rows()[-1].payload
    stored_value = {
        ("ticket_id",): payload["ticket_id"],
        ("detail", "id"): payload["ticket_id"],
        ("event", "comment", "id"): (payload["comment"] or {}).get("id"),
        ("event", "comment", "author", "id"): (payload["comment"] or {}).get("author_id"),
        ("account_id",): payload["extra"].get("account_id"),
    }.get(path, payload["actor_id"])
    assert stored_value == (expected if expected is not None or path != ("detail", "id") else 35436)


@pytest.fixture
def clocked_app(settings, policy, tmp_path):
    clock = Clock()
    return create_app(settings, policy, open_inbox(f"sqlite:///{tmp_path}/replays.db"), clock=clock), clock


@fuzz(
    200,
    steps=st.lists(
        st.tuples(
            st.sampled_from(["deliver", "replay", "retry"]),
            st.integers(0, 2),
            st.integers(0, 90),
            st.sampled_from(["same", "fresh", "none", "another"]),
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_replays_and_zendesks_retries_store_each_update_once(clocked_app, steps):
    """Deliveries of template bodies; replays (same bytes and signature, any invocation header, within 5 minutes:
    older ones are stale, 401) and Zendesk's retries (same body and invocation id, a new timestamp)."""
    app, clock = clocked_app
    http, nonce, sent, stored_bodies = app.test_client(), uuid.uuid4().hex, [], set()
    for action, pick, wait, header in steps:
        clock.advance(wait)
        if action == "deliver" or not sent:
            raw = json.dumps({**sample("trigger_body.json"), "updated_at": f"{nonce}-{pick}"}).encode()
            # The signature's timestamp is in whole seconds: a replay's age counts from there.
            sent.append((raw, signed_headers(raw, when=clock()), uuid.uuid4().hex, clock().replace(microsecond=0)))
            expected = 200 if raw in stored_bodies else 202
            raw, headers, invocation, _ = sent[-1]
        elif action == "retry":
            raw, _, invocation, _ = sent[pick % len(sent)]
            headers, expected = signed_headers(raw, when=clock()), 200
        else:
            raw, headers, original, at = sent[pick % len(sent)]
            invocation = {"same": original, "fresh": uuid.uuid4().hex, "none": None, "another": sent[0][2]}[header]
            expected = 401 if (clock() - at).total_seconds() > 300 else 200
        if invocation:
            headers = {**headers, "X-Zendesk-Webhook-Invocation-Id": invocation}
        assert http.post(URL, data=raw, headers=headers).status_code == expected, (action, header)
        stored_bodies.add(raw)
    rows = [r for r in app.extensions["escalator"].inbox.rows() if r.payload["updated_at"].startswith(nonce)]
    assert len(rows) == len(stored_bodies)


@fuzz(base=st.sampled_from(SAMPLES), flip=st.integers(min_value=0, max_value=10_000))
def test_any_changed_byte_breaks_the_signature(settings_fuzz, base, flip):
    raw = json.dumps(base).encode()
    headers = signed_headers(raw)
    index = flip % len(raw)
    tampered = raw[:index] + bytes([raw[index] ^ 0x01]) + raw[index + 1 :]
    assert settings_fuzz.test_client().post(URL, data=tampered, headers=headers).status_code == 401
    assert stored(settings_fuzz) == 0


def test_oversized_body_is_refused_before_it_is_read(settings, policy, tmp_path):
    """A client announcing 50 MB gets 413 at once; the server does not wait for the bytes."""
    import threading

    from werkzeug.serving import make_server

    app = create_app(settings, policy, open_inbox(f"sqlite:///{tmp_path}/big.db"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(server.server_address, timeout=5) as conn:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            conn.sendall(
                (
                    f"POST {URL} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    f"Content-Length: 50000000\r\nX-Zendesk-Webhook-Signature: {sign(SECRET, stamp, b'')}\r\n"
                    f"X-Zendesk-Webhook-Signature-Timestamp: {stamp}\r\n\r\n"
                ).encode()
                + b"{" * 1024
            )
            answer = conn.recv(4096).decode()
        assert answer.startswith("HTTP/1.1 413")
    finally:
        server.shutdown()
