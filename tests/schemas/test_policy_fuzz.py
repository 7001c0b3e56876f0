"""Mutated copies of the example policy: a clean error naming a key, or a policy that works (hypothesis)."""

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import strategies as st
from support.fuzzing import fuzz

from zendesk_escalator.core.escalation.plan import render_note
from zendesk_escalator.core.escalation.rules import Decision
from zendesk_escalator.core.sla.hours import add_business_minutes, business_minutes_between
from zendesk_escalator.errors import ConfigError
from zendesk_escalator.schemas.policy_file import parse_policy

EXAMPLE = (Path(__file__).parents[2] / "examples" / "escalation.toml").read_text()
LINES = EXAMPLE.splitlines()
ASSIGNMENT = re.compile(r"^(\s*[\w.]+\s*=\s*)(.*?)(\s+#.*)?$")
VALUED = [n for n, line in enumerate(LINES) if not line.lstrip().startswith("#") and ASSIGNMENT.match(line)]
VALUES = sorted({ASSIGNMENT.match(LINES[n]).group(2) for n in VALUED})  # every value the example writes
KEYS = sorted({ASSIGNMENT.match(LINES[n]).group(1).split("=")[0].strip() for n in VALUED})
SECTIONS = {
    "policy",
    "escalation",
    "fields",
    "field_values",
    "cc",
    "manual",
    "impact",
    "levels",
    "routes",
    "sla",
    "lifecycle",
    "recurring",
    "email",
    "checklist",
    "report",
    "dashboard",
    "schedules",
    "phone",
    "notify",
}
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc)

# TOML values of the kinds the issue found accepted and wrong at run time, and their neighbours.
literals = st.one_of(
    st.sampled_from(VALUES),
    st.sampled_from(
        [
            '"   "',
            '" "',
            '"$"',
            '"a $ b"',
            '"$$"',
            '"${rule"',
            '"$rule$"',
            '"0m"',
            '"0s"',
            '"0.0000001s"',
            '"99999999999999999999d"',
            '"0001-01-01..9999-12-31"',
            '"9999-12-31"',
            '"1969-12-31"',
            '"2026-01-01..2027-06-01"',
            '"24:00-24:00"',
            '"00:00-24:00"',
            '"23:59"',
            '"99:99"',
            "inf",
            "-inf",
            "nan",
            "0",
            "-1",
            "1.5",
            "5",
            "99",
            "100",
            str(2**63 - 1),
            "true",
            "false",
            "[]",
            "{}",
            "0001-01-01",
            "9999-12-31",
            "2026-12-24",
            "[1.5]",
            '["   "]',
            '[" "]',
            '{ phrases = ["  "] }',
            "{ tags_any = [] }",
            "360010000001",
            "360010000002",
            '"360010000001"',
            '"1_000"',
        ]
    ),
    st.integers(-(2**63), 2**63 - 1).map(str),
    st.floats().map(lambda f: {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(str(f), repr(f))),
    st.text(max_size=12).map(json.dumps),
    st.from_regex(r"[0-9]{1,25}(\.[0-9]{1,3})?(d|h|m|min|s)([0-9]{1,3}m)?", fullmatch=True).map(json.dumps),
)
mutations = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.sampled_from(VALUED), literals),
        st.tuples(st.just("drop"), st.sampled_from(VALUED), st.just("")),
        st.tuples(
            st.just("add"),
            st.sampled_from(VALUED),
            st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(KEYS), literals),
        ),
    ),
    min_size=1,
    max_size=4,
)


def mutated(changes: list) -> str:
    lines = list(LINES)
    for kind, n, text in changes:
        if kind == "set":
            match = ASSIGNMENT.match(lines[n])
            lines[n] = match.group(1) + text if match else lines[n]
        elif kind == "drop":
            lines[n] = ""
        else:
            lines[n] = f"{lines[n]}\n{text}"
    return "\n".join(lines)


def works(policy) -> None:
    """What the running service does with a policy's values: render notes, add durations, count business hours."""
    render_note(Decision(rule="cc", reason="customer_cc", level=1, evidence=("tag vip",)), policy, ["group → 7"])
    sla, lifecycle, recurring = policy.sla, policy.lifecycle, policy.recurring
    spans = [
        sla.warn_before,
        sla.grace,
        sla.repeat_every,
        lifecycle.monitoring,
        recurring.within,
        recurring.check_every,
        *(rule.before for rule in sla.warn),
        *(target.first_reply for target in sla.fallback),
        *(every for _, every in lifecycle.cadence),
    ]
    for span in filter(None, spans):
        assert timedelta(0) <= span <= timedelta(days=365)
        NOW + span, NOW - span  # noqa: B018 (no overflow)
    for schedule in policy.schedules.values():
        end = add_business_minutes(schedule, NOW, 60 * 24 * 30)
        assert business_minutes_between(schedule, NOW, end) >= 0


@fuzz(300, changes=mutations)
def test_a_mutated_example_is_refused_naming_a_key_or_works(changes):
    try:
        policy = parse_policy(mutated(changes))
    except ConfigError as error:
        assert error.key.split(".")[0].split("[")[0] in SECTIONS and error.problem, (error.key, error.problem)
        assert not re.search(r"\.\d+(\.|$)", error.key), f"list entries are numbered [n]: {error.key}"
        return
    works(policy)
