"""`escalator check`: the way in. The webhook and triggers `setup` made, Zendesk reaching the service, other
webhooks or triggers that call the service's address, and the status field on every form agents use.

A trigger deleted, deactivated or edited, or a webhook the service cannot verify,
stops escalations without any error anywhere: these rows are where it shows.
"""

from typing import Any
from urllib.parse import urlsplit

from ..errors import ZendeskAdminError
from .check_context import OK, PROBLEM, WARN, Context, Row
from .reach import REACHED, SERVICE_ERROR, UNTESTED, explain, probe
from .setup_plan import CREATE, NAME, UPDATE, Step
from .setup_triggers import can_exclude_tags, desired_triggers, loop_guard, plan_triggers

TRIGGERS_PAGE = "Admin Center > Objects and rules > Triggers"
WEBHOOKS_PAGE = "Admin Center > Apps and integrations > Webhooks"
WEBHOOK_ACTION = "notification_webhook"
# What reaches the service only through each of setup's triggers (by title, after "zendesk-escalator: ").
PURPOSES = {
    "ticket created": "new tickets (emailed to or CC'ing an escalation address, or with an impact tag)",
    "customer update": 'customers\' replies (a CC of an escalation address, "production down")',
    "escalation requested": "agents' requests for escalation",
    "escalation lifecycle": "solves, reopens and de-escalation requests of escalated tickets",
}


def check_webhook(ctx: Context) -> list[Row]:
    """The webhook `setup` made is active and signs with a secret the service holds (else every call is a 401)."""
    hook = ctx.our_webhook
    if hook is None:
        hand_made = _hand_made(ctx)
        if hand_made:
            return [
                Row(
                    WARN,
                    f"webhook {w['id']}",
                    f'"{w.get("name")}" (made by hand, signs with a secret of '
                    f"ZENDESK_WEBHOOK_SECRET: not checked, nor are its triggers; "
                    f"`escalator setup` makes and checks its own)",
                )
                for w in hand_made
            ]
        return [
            Row(
                PROBLEM,
                "webhook",
                f"missing: no webhook named {NAME}, so Zendesk sends the service nothing; run `escalator setup`",
            )
        ]
    rows, subject = [], f"webhook {hook['id']}"
    if hook.get("status") != "active":
        rows.append(Row(PROBLEM, subject, "inactive: Zendesk calls nothing; activate it (or run setup)"))
    if ctx.admin.signing_secret(hook["id"]) in ctx.secrets:
        rows.append(Row(OK, subject, f"{hook.get('endpoint')}, signed with a secret of ZENDESK_WEBHOOK_SECRET"))
    else:
        state = "does not hold" if ctx.secrets else "is not set here, so it cannot hold"
        rows.append(
            Row(
                PROBLEM,
                subject,
                f"ZENDESK_WEBHOOK_SECRET {state} this webhook's signing secret: the "
                f"service would answer 401 to every call; `escalator setup` prints it",
            )
        )
    return rows


def check_webhook_test(ctx: Context) -> list[Row]:
    """Zendesk itself reaches the service: its webhook test, signed as the webhook signs, is answered 2xx."""
    hook = ctx.our_webhook
    if hook is None:
        return []
    reach = probe(ctx.admin, hook.get("endpoint"), hook["id"])
    status = OK if reach.verdict == REACHED else WARN if reach.verdict in (SERVICE_ERROR, UNTESTED) else PROBLEM
    return [Row(status, "webhook test", explain(reach, hook.get("endpoint")))]


def check_triggers(ctx: Context) -> list[Row]:
    """Each trigger `setup` would make now is there, active and unchanged: without it, what it is for goes unheard."""
    hook = ctx.our_webhook
    if hook is None:
        return (
            []
            if _hand_made(ctx)
            else [
                Row(
                    PROBLEM,
                    "triggers",
                    "missing: none of setup's triggers call the "
                    "service, so no ticket change reaches it; run "
                    "`escalator setup`",
                )
            ]
        )
    categories = ctx.admin.trigger_categories()
    category = next((c for c in categories or [] if c.get("name") == NAME), None)
    category_id = category["id"] if category else None
    definitions = ctx.admin.trigger_definitions()
    guard, _ = loop_guard(definitions, ctx.policy.integration_user_id or ctx.me["id"])
    wanted = desired_triggers(ctx.policy, hook["id"], category_id, guard, can_exclude_tags(definitions))
    found = _every_trigger(ctx)
    ours = [t for t in found if categories is None or (category and str(t.get("category_id")) == str(category_id))]
    return [_trigger_row(step) for step in plan_triggers(wanted, ours)]


def check_callers(ctx: Context) -> list[Row]:
    """No other active webhook, nor a trigger outside setup's, calls the service: each would send it every change
    again (a 0.1.0 webhook and its "every update" trigger, a duplicate)."""
    hook = ctx.our_webhook
    if hook is None:
        return []
    address = _address(hook.get("endpoint"))
    callers = {w["id"]: w for w in ctx.webhooks() if _address(w.get("endpoint")) == address}
    triggers = [t for t in _every_trigger(ctx) if t.get("active") and _called(t) & set(callers)]
    ours = {t["id"] for t in triggers if str(t.get("title", "")).startswith(f"{NAME}:") and _called(t) == {hook["id"]}}
    rows = []
    for other in (w for w in callers.values() if w["id"] != hook["id"] and w.get("status") == "active"):
        calling = [t for t in triggers if other["id"] in _called(t)]
        rows.append(Row(WARN, f"webhook {other['id']}", _other_webhook(other, calling)))
    for trigger in (t for t in triggers if t["id"] not in ours and hook["id"] in _called(t)):
        rows.append(
            Row(
                WARN,
                f"trigger {trigger['id']}",
                f'"{trigger.get("title")}" is not one of setup\'s but '
                f"calls the service too: each change it matches is sent "
                f"again; deactivate it in {TRIGGERS_PAGE}",
            )
        )
    return rows


def check_forms_offer_status(ctx: Context) -> list[Row]:
    """Every active ticket form shows the escalation status field: on one without it agents cannot set "requested"."""
    status = ctx.policy.fields.status
    if status is None:
        return []
    try:
        forms = ctx.read("ticket forms", ctx.admin.ticket_forms)
    except ZendeskAdminError as error:
        if error.status == 403:  # a plan without ticket forms: its one form shows every field
            return []
        raise
    return [
        Row(
            WARN,
            f"form {form['id']}",
            f'"{form.get("name")}" does not show the escalation status field '
            f"({status}): agents on it cannot ask for escalation with it (the request "
            f"tag still works); `escalator setup` adds it",
        )
        for form in forms
        if form.get("active", True) and status not in (form.get("ticket_field_ids") or [])
    ]


WEBHOOK_CHECKS = [check_webhook, check_webhook_test, check_triggers, check_callers, check_forms_offer_status]


def _trigger_row(step: Step) -> Row:
    title = step.name.removeprefix(f"{NAME}: ")
    subject = f"trigger {title}"
    unheard = PURPOSES.get(title, title.replace("impact level", "impact tags of level"))
    if step.action == CREATE:
        return Row(PROBLEM, subject, f"missing: {unheard} never reach the service; `escalator setup` creates it again")
    if step.action == UPDATE and step.body == {"active": False}:
        return Row(
            WARN, subject, f"no longer needed by the policy but active [{step.id}]: `escalator setup` deactivates it"
        )
    if step.action == UPDATE:
        assert step.found is not None  # an update is of an object found
        if not step.found.get("active"):
            return Row(
                PROBLEM,
                subject,
                f"inactive [{step.id}]: {unheard} never reach the service; `escalator setup` activates it",
            )
        return Row(
            PROBLEM,
            subject,
            f"edited [{step.id}] ({step.why} differ from what setup makes): {unheard} may "
            f"no longer reach the service; `escalator setup` restores it",
        )
    return Row(OK, subject, f"active, as setup made it [{step.id}]")


def _other_webhook(webhook: dict[str, Any], calling: list[dict[str, Any]]) -> str:
    if "conditional_ticket_events" not in (webhook.get("subscriptions") or []):
        return (
            f'"{webhook.get("name")}" (Zendesk events) also calls the service: every event is sent again '
            f"beside the triggers; deactivate it in {WEBHOOKS_PAGE} unless you mean to use both"
        )
    by = "; ".join(f'trigger {t["id"]} "{t.get("title")}"' for t in calling) or "no active trigger yet"
    return (
        f'"{webhook.get("name")}" also calls the service ({by}): each change is sent to it again; '
        f"deactivate it and its triggers in {WEBHOOKS_PAGE} and {TRIGGERS_PAGE}"
    )


def _hand_made(ctx: Context) -> list[dict[str, Any]]:
    """Without setup's webhook: the active webhooks that sign with a secret the service holds (made by hand)."""
    return ctx.read(
        "hand-made webhooks",
        lambda: [
            w
            for w in ctx.webhooks()
            if w.get("status") == "active" and ctx.admin.signing_secret(w["id"]) in ctx.secrets
        ],
    )


def _every_trigger(ctx: Context) -> list[dict[str, Any]]:
    """Every trigger of the account (pages of 100, once)."""
    return ctx.read("triggers", lambda: ctx.admin.triggers(None))


def _called(trigger: dict[str, Any]) -> set[str]:
    """The webhooks a trigger notifies."""
    return {
        str(action["value"][0])
        for action in trigger.get("actions") or []
        if action.get("field") == WEBHOOK_ACTION and isinstance(action.get("value"), list) and action["value"]
    }


def _address(endpoint: object) -> tuple[str, str] | None:
    """An endpoint as Zendesk calls it: host (with a port other than the scheme's) and path."""
    if not endpoint:
        return None
    parts = urlsplit(str(endpoint))
    default = {"https": 443, "http": 80}.get(parts.scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{(parts.hostname or '').lower()}{port}", parts.path.rstrip("/")
