"""What `escalator setup` prints: each step (carried out, planned or held back), Zendesk's test of the webhook, the
loop guard, where the signing secret goes, the fields' ids for the policy, and the calls it cost."""

from typing import Any, Callable

from ..core.policy import Policy
from ..zendesk.admin import ZendeskAdmin
from .reach import SIGNATURE, Reach, explain
from .setup_plan import CREATE, UNCHANGED, UPDATE, Step, fields_snippet

DONE = {CREATE: "created", UPDATE: "updated", UNCHANGED: "unchanged"}
HELD = "held back"
WRITES = ("POST", "PUT", "PATCH", "DELETE")
TEST_PATH = "/api/v2/webhooks/test"  # a POST that changes nothing


class StepApplier:
    """Carry out one step (or, in a dry run or while held back, only say it); return the object's id."""

    def __init__(self, dry_run: bool):
        self.dry_run, self.hold, self.held = dry_run, False, 0

    def __call__(
        self,
        step: Step,
        create: Callable[[dict[str, Any]], dict[str, Any]] | None,
        update: Callable[[Any, dict[str, Any]], object] | None,
    ) -> Any:  # the object's id (Zendesk's: a number, or a string for webhooks)
        held = self.hold and step.action != UNCHANGED
        self.held += held
        verb = HELD if held else step.action if self.dry_run else DONE[step.action]
        object_id = step.id
        if step.action == CREATE:
            assert step.body is not None and create is not None  # a creation carries its body (forms are never made)
            object_id = f"<new {step.kind} id>" if self.dry_run or held else create(step.body)["id"]
        elif step.action == UPDATE and not (self.dry_run or held):
            assert step.body is not None and update is not None  # an update carries its changes (categories: never)
            update(step.id, step.body)
        why = f" ({step.why})" if step.why else ""
        shown = f" [{object_id}]" if object_id is not None and not str(object_id).startswith("<") else ""
        print(f"  {verb:<10} {step.kind:<9} {step.name + shown:<52}{why}".rstrip())
        return object_id


def explain_reach(reach: Reach, url: str, unsigned: bool, apply: StepApplier, existing: int) -> None:
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


def explain_guard(named: bool, user_id: int) -> None:
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


def explain_secret(
    admin: ZendeskAdmin,
    webhook: Step,
    webhook_id: str,
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


def explain_fields(policy: Policy, ids: dict[str, Any]) -> None:
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
