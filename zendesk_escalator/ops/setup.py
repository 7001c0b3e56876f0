"""`escalator setup`: the escalation fields (on every ticket form), the view, the dashboard's OAuth client, the
webhook, its trigger category and triggers, idempotently."""

from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import urlsplit

from ..core.policy import Policy
from ..errors import ConfigError, ZendeskAdminError
from ..schemas.policy_file import load_policy
from ..settings import Settings
from ..store.inbox import Inbox
from ..zendesk.admin import ZendeskAdmin
from ..zendesk.client import build_admin
from .fields_moved import carry_over_lines
from .reach import NOT_THE_SERVICE, REACHED, REFUSED, SERVICE_ERROR, SIGNATURE, UNTESTED, Reach, explain, probe
from .service_db import service_database
from .setup_agents import VIEW_TITLE, desired_view, plan_forms, plan_view
from .setup_oauth import OAuthClientSetup, callback_for
from .setup_output import StepApplier, count_calls, explain_fields, explain_guard, explain_reach, explain_secret
from .setup_plan import CREATE, NAME, UPDATE, Step, plan_category, plan_fields, plan_webhook
from .setup_remove import run_remove
from .setup_triggers import can_exclude_tags, desired_triggers, loop_guard, plan_triggers

WEBHOOK_PATH = "/webhooks/zendesk"


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
    apply = StepApplier(dry_run)
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
    explain_reach(reach, url, unsigned, apply, existing)
    explain_guard(named, user_id)
    if forms is None:
        print(
            "Ticket forms: Zendesk would not list them (403), so the escalation fields were not added to any; "
            "on an account with one form every field shows on it, otherwise add them to each form by hand."
        )
    if category is None:
        print("Trigger categories are not enabled on this account: the triggers were left without one.")
    explain_secret(
        admin,
        webhook,
        webhook_id,
        dry_run,
        secrets,
        refused=(url, apply.held) if reach.verdict == SIGNATURE and not unsigned else None,
    )
    client.explain(client_id, dry_run, oauth[1])
    explain_fields(policy, field_ids)
    for line in carry_over_lines(inbox, policy, field_ids, dry_run, now or datetime.now(timezone.utc)):
        print(line)
    count_calls(admin)
    return 1 if apply.hold else 0


def _set_up_triggers(
    apply: StepApplier,
    admin: ZendeskAdmin,
    policy: Policy,
    category: Step | None,
    webhook_id: str,
    guard: dict[str, Any],
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


def _ticket_forms(admin: ZendeskAdmin) -> list[dict[str, Any]] | None:
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


def run_setup_command(
    settings: Settings,
    rules_path: str,
    url: str | None,
    dry_run: bool,
    remove: bool,
    fields: bool,
    clock: Callable[[], datetime],
) -> int:
    """`escalator setup` as the integration user of these settings, or with `remove` take away what it made."""
    admin, policy = build_admin(settings), load_policy(rules_path)
    if remove:
        return run_remove(admin, policy, dry_run, fields, settings.oauth_client_id)
    assert url is not None  # cli_arguments requires --url unless --remove
    return run_setup(
        admin,
        policy,
        url,
        dry_run,
        settings.webhook_secrets,
        (settings.oauth_client_id, bool(settings.oauth_client_secret)),
        inbox=service_database(settings.database_url),
        now=clock(),
    )
