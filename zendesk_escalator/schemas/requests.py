"""[email] and [checklist]: escalation emails about existing cases, and what a request must say."""

from marshmallow import fields, validate

from ..core.policy import ChecklistPolicy, EmailPolicy
from .base import DataclassSchema, lower_case_set
from .values import slug

HOST = validate.Regexp(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", error="a host name such as support.acme.com")


class EmailSchema(DataclassSchema):
    """A new ticket emailed to an escalation address that names a case escalates that case."""

    builds = EmailPolicy
    shapes = {"hosts": lower_case_set}

    enabled = fields.Boolean(load_default=True)
    after_linking = fields.String(load_default="solve", validate=validate.OneOf(("solve", "merge")))
    hosts = fields.List(fields.String(validate=HOST), load_default=list)
    linked_tag = fields.String(load_default="escalation_email_linked", validate=slug)


class ChecklistSchema(DataclassSchema):
    """The request checklist in the escalation note, and optionally one reply asking for what is missing."""

    builds = ChecklistPolicy
    shapes = {"own_domains": lower_case_set}

    enabled = fields.Boolean(load_default=True)
    ask_customer = fields.Boolean(load_default=False)
    own_domains = fields.List(fields.String(validate=HOST), load_default=list)
