"""`escalator setup`: the escalation fields (on every ticket form), the view, the dashboard's OAuth client, the
webhook, its trigger category and triggers, idempotently."""

from datetime import datetime, timezone
from urllib.parse import urlsplit

from ..core.policy import Policy
from ..errors import ConfigError, ZendeskAdminError
from ..store.inbox import Inbox
from ..zendesk.admin import ZendeskAdmin
from .fields_moved import carry_over_lines
from .reach import NOT_THE_SERVICE, REACHED, REFUSED, SERVICE_ERROR, SIGNATURE, UNTESTED, Reach, explain, probe
from .setup_agents import VIEW_TITLE, desired_view, plan_forms, plan_view
from .setup_oauth import OAuthClientSetup, callback_for
from .setup_plan import (
    CREATE,
    NAME,
    UNCHANGED,
    UPDATE,
    Step,
    can_exclude_tags,
    desired_triggers,
    fields_snippet,
    loop_guard,
    plan_category,
    plan_fields,
    plan_triggers,
    plan_webhook,
)

DONE = {CREATE: "created", UPDATE: "updated", UNCHANGED: "unchanged"}
HELD = "held back"
WRITES = ("POST", "PUT", "PATCH", "DELETE")
WEBHOOK_PATH = "/webhooks/zendesk"
TEST_PATH = "/api/v2/webhooks/test"  # a POST that changes nothing


def run_setup(
    admin: ZendeskAdmin,
    policy: Policy,
    url: str,
    dry_run: bool,
    secrets: tuple[str, ...] = (),
    oauth: tuple[str, bool] = ("zendesk_escalator", False),
    *,
    inbox: Inbox | None = None,
    now: datetime | None = None,
) -> int:
    """Find, then create or update what is missing or differs; print what was done (or would be).

    With the service's database (`inbox`), open escalations are carried over to fields with new ids.

    Zendesk's webhook test comes first: an address Zendesk will not call, or where something
    else answers, is refused before anything is written; the triggers (which would call the
    service) wait until Zendesk reaches it with the webhook's signature. 1 when either happened.
    `oauth`: the OAuth client's identifier, and whether its secret is set where the service runs.
    """
    _check_url(url)
    print(f"{NAME} setup for {url}" + (" — DRY RUN: nothing will be changed" if dry_run else ""))
    if urlsplit(url).scheme == "http":
        print(
            "Warning: http:// sends every webhook, ticket data included, unencrypted; serve the service over "
            "https (a proxy in front is fine)."
        )
    user_id = policy.integration_user_id or admin.me()["id"]
    fields = plan_fields(policy, admin.ticket_fields())
    webhook = plan_webhook(admin.webhooks(NAME), url)
    first = probe(admin, url, webhook.id)  # signed as the webhook signs, when it exists
    if _refused(first, webhook):
        print(f"Webhook test: {explain(first, url)}\nNothing was changed.")
        return 1
    forms, views = _ticket_forms(admin), admin.views(VIEW_TITLE)
    client = OAuthClientSetup(admin, oauth[0], callback_for(url))
    category = plan_category(admin.trigger_categories())
    definitions = admin.trigger_definitions()
    apply = _Apply(dry_run)
    field_ids = {
        role: apply(step, admin.create_ticket_field, admin.update_ticket_field) for role, step in fields.items()
    }
    for step in plan_forms(forms, field_ids):
        apply(step, None, admin.update_ticket_form)
    apply(plan_view(desired_view(policy, field_ids), views), admin.create_view, admin.update_view)
    client_id = apply(client.step, client.create, admin.update_oauth_client)
    webhook_id = apply(webhook, admin.create_webhook, admin.update_webhook)
    reach = first if webhook.id or dry_run else probe(admin, url, webhook_id)
    apply.hold = not (_connects(reach) or (dry_run and webhook.action == CREATE and reach.verdict == SIGNATURE))
    guard, named = loop_guard(definitions, user_id)
    existing = _set_up_triggers(apply, admin, policy, category, webhook_id, guard, can_exclude_tags(definitions))
    unsigned = webhook.action == CREATE and dry_run
    _explain_reach(reach, url, unsigned, apply, existing)
    _explain_guard(named, user_id)
    if forms is None:
        print(
            "Ticket forms: Zendesk would not list them (403), so the escalation fields were not added to any; "
            "on an account with one form every field shows on it, otherwise add them to each form by hand."
        )
    if category is None:
        print("Trigger categories are not enabled on this account: the triggers were left without one.")
    _explain_secret(
        admin,
        webhook,
        webhook_id,
        dry_run,
        secrets,
        refused=(url, apply.held) if reach.verdict == SIGNATURE and not unsigned else None,
    )
    client.explain(client_id, dry_run, oauth[1])
    _explain_fields(policy, field_ids)
    for line in carry_over_lines(inbox, policy, field_ids, dry_run, now or datetime.now(timezone.utc)):
        print(line)
    count_calls(admin)
    return 1 if apply.hold else 0


def _set_up_triggers(
    apply: "_Apply",
    admin: ZendeskAdmin,
    policy: Policy,
    category: Step | None,
    webhook_id,
    guard: dict,
    exclude_tags: bool,
) -> int:
    """The category, then the triggers that call the webhook (held back with `apply`, when it holds);
    return how many of them exist already."""
    category_id = apply(category, admin.create_trigger_category, None) if category else None
    # A category created just now holds no triggers; without categories, every trigger is looked at.
    found = [] if category and category.action == CREATE else admin.triggers(category_id)
    steps = plan_triggers(desired_triggers(policy, webhook_id, category_id, guard, exclude_tags), found)
    for step in steps:
        apply(step, admin.create_trigger, admin.update_trigger)
    return sum(step.action != CREATE for step in steps)


def _ticket_forms(admin: ZendeskAdmin) -> list[dict] | None:
    """The account's ticket forms; None when Zendesk will not list them (a plan without ticket forms)."""
    try:
        return admin.ticket_forms()
    except ZendeskAdminError as error:
        if error.status == 403:
            return None
        raise


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if (
        parts.scheme not in ("https", "http")
        or not parts.netloc
        or not parts.path.endswith(WEBHOOK_PATH)
        or parts.query
        or parts.fragment
    ):
        raise ConfigError(
            "--url",
            f"expected the service's webhook address, ending in {WEBHOOK_PATH} (the "
            f"service answers nowhere else), e.g. https://escalator.example.com{WEBHOOK_PATH}, "
            f"not {url!r}",
        )


def _connects(reach: Reach) -> bool:
    """Zendesk's signed test reached the service (or could not run, which is no reason to stop)."""
    return reach.verdict in (REACHED, SERVICE_ERROR, UNTESTED)


def _refused(reach: Reach, webhook: Step) -> bool:
    """Nothing is written for an address Zendesk will not call or where something else answers, and a webhook
    is not moved to where the service does not answer."""
    moving = webhook.action == UPDATE and "endpoint" in (webhook.body or {})
    return reach.verdict in (REFUSED, NOT_THE_SERVICE) or (moving and not _connects(reach))


class _Apply:
    """Carry out one step (or, in a dry run or while held back, only say it); return the object's id."""

    def __init__(self, dry_run: bool):
        self.dry_run, self.hold, self.held = dry_run, False, 0

    def __call__(self, step: Step, create, update):
        held = self.hold and step.action != UNCHANGED
        self.held += held
        verb = HELD if held else step.action if self.dry_run else DONE[step.action]
        object_id = step.id
        if step.action == CREATE:
            object_id = f"<new {step.kind} id>" if self.dry_run or held else create(step.body)["id"]
        elif step.action == UPDATE and not (self.dry_run or held):
            update(step.id, step.body)
        why = f" ({step.why})" if step.why else ""
        shown = f" [{object_id}]" if object_id is not None and not str(object_id).startswith("<") else ""
        print(f"  {verb:<10} {step.kind:<9} {step.name + shown:<52}{why}".rstrip())
        return object_id


def _explain_reach(reach: Reach, url: str, unsigned: bool, apply: _Apply, existing: int) -> None:
    """What Zendesk's test showed, and what it means for the triggers: held back, or already sending in vain."""
    if unsigned and reach.verdict == SIGNATURE:  # a dry run's test before the webhook (and its secret) exists
        print(
            f"Webhook test: Zendesk reached the service at {url} (its 401 to this unsigned test is expected: the "
            f"webhook's signing secret exists once setup creates it)"
        )
    else:
        print(f"Webhook test: {explain(reach, url)}")
    if apply.hold and existing:
        fate = (
            "refuses each webhook (401): nothing is escalated until the service holds the webhook's signing secret."
            if reach.verdict == SIGNATURE
            else "Zendesk does not reach: what they send is lost."
        )
        print(
            f"Triggers: the {existing} trigger{'s' if existing > 1 else ''} already send to the service, which "
            f"{fate}"
            + (
                f" {apply.held} change(s) held back until Zendesk's test passes; run `escalator setup` again then."
                if apply.held
                else ""
            )
        )
    elif apply.hold:
        print(
            "Triggers held back: what they send would be lost until Zendesk reaches the service. Put the values "
            "below where the service runs, (re)start it, then run `escalator setup` again."
        )


def _explain_guard(named: bool, user_id: int) -> None:
    if named:
        print(
            f'Loop guard: each trigger has "Current user is not" the integration user ({user_id}), '
            f"so the service's own updates do not call it back."
        )
    else:
        print(
            f'Loop guard: Zendesk does not offer the integration user ({user_id}) in the "Current user" '
            f'condition, so each trigger has "Update via is not Web service" instead. This also ignores '
            f"updates made by other API integrations (e.g. an app that adds an impact tag). If {user_id} is not "
            f"the user of these credentials (`escalator check` compares them), correct integration_user_id and "
            f"run setup again."
        )


def _explain_secret(
    admin: ZendeskAdmin,
    webhook: Step,
    webhook_id,
    dry_run: bool,
    secrets: tuple[str, ...],
    refused: tuple[str, int] | None,
) -> None:
    """Where the webhook's signing secret must go; `refused`: (url, changes held) when the service refused it."""
    if dry_run and webhook.action == CREATE:
        print("Signing secret: readable once the webhook exists (run setup without --dry-run).")
        return
    secret = admin.signing_secret(webhook_id)
    if refused:  # whatever this shell holds, the service's own ZENDESK_WEBHOOK_SECRET lacks it
        url, held = refused
        print(
            f"Signing secret: the service at {url} does not hold this webhook's secret. Set it in "
            f"ZENDESK_WEBHOOK_SECRET where the service runs (environment or .env), then restart the web process "
            f"and run `escalator {'setup' if held else 'check'}`:\n  ZENDESK_WEBHOOK_SECRET={secret}"
        )
        return
    if secret in secrets:
        print("Signing secret: ZENDESK_WEBHOOK_SECRET already holds this webhook's secret.")
        return
    state = (
        "is set but does not hold this webhook's secret: the service would answer 401 to Zendesk"
        if secrets
        else "is not set"
    )
    print(
        f"Signing secret: ZENDESK_WEBHOOK_SECRET {state}. Set it where the service runs "
        f"(environment or .env), then restart the web process:\n  ZENDESK_WEBHOOK_SECRET={secret}"
    )


def _explain_fields(policy: Policy, ids: dict) -> None:
    if all(getattr(policy.fields, role) == value for role, value in ids.items()):
        print("Policy: its [fields] already names these fields.")
    elif any(str(value).startswith("<") for value in ids.values()):  # a dry run: not created yet
        print("Policy: a real run prints the [fields] table, with the new fields' ids, to put in the policy.")
    else:
        print("Policy: put these field ids in its [fields] table (ESCALATOR_RULES), then restart the service:")
        print(fields_snippet(ids))


def count_calls(admin: ZendeskAdmin) -> None:
    """Say how many calls the run cost: reads, webhook tests (which change nothing), writes."""
    calls = admin.session.calls
    tests = sum(n for (_, path, _), n in calls.items() if path == TEST_PATH)
    writes = sum(n for (method, path, _), n in calls.items() if method in WRITES and path != TEST_PATH)
    total = sum(calls.values())
    print(
        f"Zendesk API calls: {total} ({total - writes - tests} reads, {tests} webhook test{'' if tests == 1 else 's'}, "
        f"{writes} writes)"
    )
