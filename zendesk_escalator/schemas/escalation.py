"""[escalation]: the addresses that escalate, the integration user, the tag and the note an escalation writes."""

from string import Template
from typing import Any

from marshmallow import ValidationError, fields, validate, validates

from ..core.escalation.plan import render_note
from ..core.escalation.rules import Decision
from ..core.policy import DEFAULT_NOTE, NOTE_PLACEHOLDERS, Policy
from ..ids import ZendeskId
from .base import Strict
from .values import slug


class EscalationSchema(Strict):
    addresses = fields.List(fields.Email(), required=True, validate=validate.Length(min=1))
    default_group_id = ZendeskId(load_default=None)
    integration_user_id = ZendeskId(load_default=None)
    tag = fields.String(load_default="escalated", validate=slug)
    note_template = fields.String(load_default=DEFAULT_NOTE)

    @validates("note_template")
    def renders(self, value: str, **_: Any) -> None:
        unknown = set(Template(value).get_identifiers()) - NOTE_PLACEHOLDERS
        if unknown:
            raise ValidationError(f"unknown placeholder(s) {sorted(unknown)}; use {sorted(NOTE_PLACEHOLDERS)}")
        try:
            sample_note(value)
        except ValueError as error:  # Template's words for a "$" that starts no placeholder
            raise ValidationError(f'{error}: a "$" starts a placeholder; write "$$" for a dollar sign') from None


def sample_note(template: str) -> str:
    """The note an escalation writes with this template, rendered with sample values (ValueError if it cannot be)."""
    decision = Decision(rule="cc", reason="customer_cc", level=2, evidence=("sample evidence",), quote="sample request")
    return render_note(decision, Policy(addresses=frozenset(), note_template=template), ["group → 1"])
