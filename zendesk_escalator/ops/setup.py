"""`escalator setup`: the escalation fields, the webhook, its trigger category and triggers, idempotently."""

from datetime import datetime, timezone
from urllib.parse import urlsplit

from ..core.policy import Policy
from ..errors import ConfigError
from ..store.inbox import Inbox
from ..zendesk.admin import ZendeskAdmin
from .fields_moved import carry_over_lines
from .setup_plan import (CREATE, NAME, UNCHANGED, UPDATE, Step, can_exclude_tags, desired_triggers,
                         fields_snippet, loop_guard, plan_category, plan_fields, plan_triggers, plan_webhook)

DONE = {CREATE: "created", UPDATE: "updated", UNCHANGED: "unchanged"}
WRITES = ("POST", "PUT", "PATCH", "DELETE")
WEBHOOK_PATH = "/webhooks/zendesk"


def run_setup(admin: ZendeskAdmin, policy: Policy, url: str, dry_run: bool,
              secrets: tuple[str, ...] = (), inbox: Inbox | None = None, now: datetime | None = None) -> int:
    """Find, then create or update what is missing or differs; print what was done (or would be).

    With the service's database (`inbox`), open escalations are carried over to fields with new ids.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or not parts.path.endswith(WEBHOOK_PATH) \
            or parts.query or parts.fragment:
        raise ConfigError("--url", f"expected the service's webhook address, ending in {WEBHOOK_PATH} (the "
                                   f"service answers nowhere else), e.g. https://escalator.example.com{WEBHOOK_PATH}, "
                                   f"not {url!r}")
    print(f"{NAME} setup for {url}" + (" — DRY RUN: nothing will be sent" if dry_run else ""))
    if parts.scheme == "http":
        print("Warning: http:// sends every webhook, ticket data included, unencrypted; serve the service over "
              "https (a proxy in front is fine).")
    user_id = policy.integration_user_id or admin.me()["id"]
    fields = plan_fields(policy, admin.ticket_fields())
    webhook = plan_webhook(admin.webhooks(NAME), url)
    category = plan_category(admin.trigger_categories())
    definitions = admin.trigger_definitions()
    apply = _Apply(dry_run)
    field_ids = {role: apply(step, admin.create_ticket_field, admin.update_ticket_field)
                 for role, step in fields.items()}
    webhook_id = apply(webhook, admin.create_webhook, admin.update_webhook)
    category_id = apply(category, admin.create_trigger_category, None) if category else None
    # A category created just now holds no triggers; without categories, every trigger is looked at.
    found = [] if category and category.action == CREATE else admin.triggers(category_id)
    guard, named = loop_guard(definitions, user_id)
    wanted = desired_triggers(policy, webhook_id, category_id, guard, can_exclude_tags(definitions))
    for step in plan_triggers(wanted, found):
        apply(step, admin.create_trigger, admin.update_trigger)
    _explain_guard(named, user_id)
    if category is None:
        print("Trigger categories are not enabled on this account: the triggers were left without one.")
    _explain_secret(admin, webhook, webhook_id, dry_run, secrets)
    _explain_fields(policy, field_ids)
    for line in carry_over_lines(inbox, policy, field_ids, dry_run, now or datetime.now(timezone.utc)):
        print(line)
    _count(admin)
    return 0


class _Apply:
    """Carry out one step (or, in a dry run, only say it); return the object's id."""

    def __init__(self, dry_run: bool):
        self.dry_run = dry_run

    def __call__(self, step: Step, create, update):
        verb = step.action if self.dry_run else DONE[step.action]
        object_id = step.id
        if step.action == CREATE:
            object_id = f"<new {step.kind} id>" if self.dry_run else create(step.body)["id"]
        elif step.action == UPDATE and not self.dry_run:
            update(step.id, step.body)
        why = f" ({step.why})" if step.why else ""
        shown = f" [{object_id}]" if object_id is not None and not str(object_id).startswith("<") else ""
        print(f"  {verb:<10} {step.kind:<9} {step.name + shown:<52}{why}".rstrip())
        return object_id


def _explain_guard(named: bool, user_id: int) -> None:
    if named:
        print(f"Loop guard: each trigger has \"Current user is not\" the integration user ({user_id}), "
              f"so the service's own updates do not call it back.")
    else:
        print(f"Loop guard: Zendesk does not offer the integration user ({user_id}) in the \"Current user\" "
              f"condition, so each trigger has \"Update via is not Web service\" instead. This also ignores "
              f"updates made by other API integrations (e.g. an app that adds an impact tag). If {user_id} is not "
              f"the user of these credentials (`escalator check` compares them), correct integration_user_id and "
              f"run setup again.")


def _explain_secret(admin: ZendeskAdmin, webhook: Step, webhook_id, dry_run: bool,
                    secrets: tuple[str, ...]) -> None:
    if dry_run and webhook.action == CREATE:
        print("Signing secret: readable once the webhook exists (run setup without --dry-run).")
        return
    secret = admin.signing_secret(webhook_id)
    if secret in secrets:
        print("Signing secret: ZENDESK_WEBHOOK_SECRET already holds this webhook's secret.")
        return
    state = ("is set but does not hold this webhook's secret: the service would answer 401 to Zendesk"
             if secrets else "is not set")
    print(f"Signing secret: ZENDESK_WEBHOOK_SECRET {state}. Set it where the service runs "
          f"(environment or .env), then restart the web process:\n  ZENDESK_WEBHOOK_SECRET={secret}")


def _explain_fields(policy: Policy, ids: dict) -> None:
    if all(getattr(policy.fields, role) == value for role, value in ids.items()):
        print("Policy: its [fields] already names these fields.")
    elif any(str(value).startswith("<") for value in ids.values()):  # a dry run: not created yet
        print("Policy: a real run prints the [fields] table, with the new fields' ids, to put in the policy.")
    else:
        print("Policy: put these field ids in its [fields] table (ESCALATOR_RULES), then restart the service:")
        print(fields_snippet(ids))


def _count(admin: ZendeskAdmin) -> None:
    calls = admin.session.calls
    writes = sum(n for (method, _, _), n in calls.items() if method in WRITES)
    total = sum(calls.values())
    print(f"Zendesk API calls: {total} ({total - writes} reads, {writes} writes)")
