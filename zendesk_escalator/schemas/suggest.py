"""A key the policy's schema does not know (a typo, most often): the nearest key it knows there."""

import difflib
import re

from marshmallow import Schema, fields

UNKNOWN = "Unknown field."  # marshmallow's word for a key no field takes (unknown = RAISE)


def unknown_key(path: str, schema: Schema) -> str:
    """What to say of the unknown key at `path` ('routes[2].when.tagz_any'): the nearest known one, or all."""
    known = _known_at(path, schema)
    if not known:
        return "unknown key"
    name = path.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(name, known, n=1)
    return f"unknown key; did you mean {close[0]!r}?" if close else f"unknown key; known here: {', '.join(known)}"


def _known_at(path: str, schema: Schema) -> list[str]:
    """The keys the schema takes where `path` ends; [] where the path leaves the schemas (a table of names)."""
    parts = iter(re.sub(r"\[\d+\]", "", path).split(".")[:-1])
    for part in parts:
        field = next((f for name, f in schema.fields.items() if (f.data_key or name) == part), None)
        while isinstance(field, (fields.List, fields.Dict)):
            if isinstance(field, fields.Dict):  # a table of names ([schedules.<name>]): skip the name
                field = field.value_field
                if next(parts, None) is None:
                    return []
            else:
                field = field.inner
        if not isinstance(field, fields.Nested):
            return []
        schema = field.schema
    return sorted(f.data_key or name for name, f in schema.fields.items() if not f.dump_only)
