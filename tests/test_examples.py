"""examples/escalation.toml is the policy's reference: it loads, and it shows every key the schema knows."""

import re
import tomllib
from pathlib import Path

from marshmallow import fields

from zendesk_escalator.schemas.policy import PolicySchema
from zendesk_escalator.schemas.policy_file import load_policy

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "escalation.toml"
COMMENTED = re.compile(r"^#\s*(\w+)\s*=", re.MULTILINE)  # a key shown but left out: "# note_template = ..."
FREE_FORM = {"schedules", "when"}  # tables whose keys are names (schedules) or documented once at the top


def schema_keys(schema, prefix=()):
    """Every (table path, key) the policy schema accepts."""
    for name, field in schema.fields.items():
        key = field.data_key or name
        yield prefix, key
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested) and key not in FREE_FORM:
            yield from schema_keys(inner.schema, prefix + (key,))


def shown(data, path) -> set[str]:
    """The keys present under a table path (in any entry of an array of tables)."""
    tables = [data]
    for part in path:
        tables = [t[part] for t in tables if isinstance(t, dict) and part in t]
        tables = [item for t in tables for item in (t if isinstance(t, list) else [t])]
    return {key for table in tables if isinstance(table, dict) for key in table}


def test_the_example_loads():
    load_policy(EXAMPLE)


def test_the_example_shows_every_key():
    text = EXAMPLE.read_text()
    data, commented = tomllib.loads(text), set(COMMENTED.findall(text))
    missing = [
        ".".join(path + (key,))
        for path, key in schema_keys(PolicySchema())
        if key not in shown(data, path) and key not in commented
    ]
    assert missing == []
