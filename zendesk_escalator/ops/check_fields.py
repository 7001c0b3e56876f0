"""`escalator check` of the fields: each custom field the policy names, its type and drop-down values, and the
escalation fields the open escalations were written to."""

from typing import Any

from .check_context import OK, PROBLEM, WARN, Context, Row, found_row, places
from .fields_moved import check_line
from .policy_names import Names

# Field types the service can write its values into, per [fields] role.
FIELD_TYPES = {
    "status": {"tagger", "text"},
    "level": {"integer", "decimal", "text"},
    "reason": {"text", "textarea"},
    "escalated_at": {"text", "textarea"},
}
FIELDS_PAGE = "Admin Center > Objects and rules > Tickets > Fields"


def check_fields(ctx: Context) -> list[Row]:
    """Every custom field the policy names exists with a usable type, and each drop-down value is an option."""
    if not ctx.names.fields:
        return []
    fields = ctx.read("fields", lambda: {f["id"]: f for f in ctx.admin.ticket_fields()})
    rows = []
    for fid, where in ctx.names.fields.items():
        field, subject = fields.get(fid), f"field {fid}"
        allowed = set().union(*(FIELD_TYPES.get(w.removeprefix("fields."), set()) for w in where)) or None
        if field is None:
            rows.append(Row(PROBLEM, subject, f"not found ({places(where)}): {_field_fix(where)}"))
        elif allowed and field.get("type") not in allowed:
            rows.append(
                Row(
                    PROBLEM,
                    subject,
                    f"{field.get('title')} is a {field.get('type')} field; "
                    f"{' or '.join(sorted(allowed))} is needed ({places(where)})",
                )
            )
        else:
            rows.append(found_row(subject, field, where, f" ({field.get('type')})"))
    return rows + _option_rows(ctx.names, fields)


def _field_fix(where: list[str]) -> str:
    if any(place.startswith("fields.") for place in where):  # one of setup's fields
        return "run `escalator setup`, which creates the field and prints its id for [fields], or correct the id"
    return f"correct the id ({FIELDS_PAGE} shows each field's id)"


def _option_rows(names: Names, fields: dict[int, dict[str, Any]]) -> list[Row]:
    rows = []
    for fid, values in names.options.items():
        field = fields.get(fid)
        if not field or field.get("type") not in ("tagger", "multiselect"):
            continue  # a text field takes any value; a missing field is reported above
        offered = {o.get("value") for o in field.get("custom_field_options") or []}
        for value, where in values.items():
            subject = f"field {fid} = {value}"
            if value in offered:
                rows.append(Row(OK, subject, f"an option ({places(where)})"))
            else:
                fix = (
                    "run `escalator setup`, which adds it (the field's other options stay)"
                    if all(place.startswith("field_values.") for place in where)
                    else f"add it to the field in {FIELDS_PAGE}, or correct the value"
                )
                rows.append(Row(PROBLEM, subject, f"not an option of this drop-down ({places(where)}): {fix}"))
    return rows


def check_escalation_fields(ctx: Context) -> list[Row]:
    """The open escalations were written to the fields [fields] names (else `setup` carries them over)."""
    said = check_line(ctx.inbox, ctx.policy) if ctx.inbox else None
    return [Row(OK if said[0] else WARN, "escalation fields", said[1])] if said else []
