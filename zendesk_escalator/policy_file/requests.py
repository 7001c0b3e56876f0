"""[email] and [checklist]: escalation emails about existing cases, and what a request must say."""

from marshmallow import fields, post_load, validate

from ..core.policy import ChecklistPolicy, EmailPolicy
from .common import Strict, slug

HOST = validate.Regexp(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", error="a host name such as support.acme.com")


class EmailSchema(Strict):
    """A new ticket emailed to an escalation address that names a case escalates that case."""

    enabled = fields.Boolean(load_default=True)
    after_linking = fields.String(load_default="solve", validate=validate.OneOf(("solve", "merge")))
    hosts = fields.List(fields.String(validate=HOST), load_default=list)
    linked_tag = fields.String(load_default="escalation_email_linked", validate=slug)

    @post_load
    def build(self, data, **_):
        return EmailPolicy(**{**data, "hosts": frozenset(h.lower() for h in data["hosts"])})


class ChecklistSchema(Strict):
    """The request checklist in the escalation note, and optionally one reply asking for what is missing."""

    enabled = fields.Boolean(load_default=True)
    ask_customer = fields.Boolean(load_default=False)
    own_domains = fields.List(fields.String(validate=HOST), load_default=list)

    @post_load
    def build(self, data, **_):
        return ChecklistPolicy(**{**data, "own_domains": frozenset(d.lower() for d in data["own_domains"])})
