"""`escalator setup --remove`: take away what `setup` made, found as setup finds it.

The triggers go first (a category must be empty, a webhook unused), then the category,
the view, the dashboard's OAuth client and the webhook. The escalation fields stay unless asked for: they hold each
ticket's escalation history, and deleting a field deletes its values (and takes it off
every form).
"""

from ..core.policy import Policy
from ..settings import Settings
from ..zendesk.admin import ZendeskAdmin
from .setup_agents import VIEW_TITLE, our_view
from .setup_output import count_calls
from .setup_plan import NAME, our_webhook, plan_fields


def run_remove(
    admin: ZendeskAdmin, policy: Policy, dry_run: bool, with_fields: bool, client: str = Settings.oauth_client_id
) -> int:
    """Delete (or, in a dry run, list) every object setup made; the fields only `with_fields`."""
    print(f"{NAME} setup --remove" + (" — DRY RUN: nothing will be changed" if dry_run else ""))
    fields = [step for step in plan_fields(policy, admin.ticket_fields()).values() if step.id is not None]
    made = _made(admin, client) + (
        [("field", f.name, f.id, f"/api/v2/ticket_fields/{f.id}.json") for f in fields] if with_fields else []
    )
    for kind, name, object_id, path in made:
        if not dry_run:
            admin.delete(path)
        print(f"  {'delete' if dry_run else 'deleted':<10} {kind:<9} {name} [{object_id}]")
    if not made:
        print("Nothing that setup makes was found: nothing to remove.")
    if fields and not with_fields:
        print(
            "Kept: the escalation fields " + ", ".join(f"{f.name} [{f.id}]" for f in fields) + ". They hold each "
            "ticket's escalation history; `escalator setup --remove --fields` deletes them, values included."
        )
    if not dry_run and any(kind == "webhook" for kind, *_ in made):
        print(
            "Zendesk no longer calls the service: stop it, and remove ZENDESK_WEBHOOK_SECRET (and "
            "ZENDESK_OAUTH_CLIENT_SECRET) where it ran."
        )
    count_calls(admin)
    return 0


def _made(admin: ZendeskAdmin, client: str) -> list[tuple[str, str, object, str]]:
    """(kind, name, id, the path that deletes it) of each object setup made, in the order they can go."""
    categories = admin.trigger_categories()
    category = next((c for c in categories or [] if c.get("name") == NAME), None)
    triggers = admin.triggers(category["id"]) if category else admin.triggers(None) if categories is None else []
    made = [
        ("trigger", t["title"], t["id"], f"/api/v2/triggers/{t['id']}.json")
        for t in triggers
        if str(t.get("title", "")).startswith(f"{NAME}:")
    ]
    if category:
        made.append(("category", NAME, category["id"], f"/api/v2/trigger_categories/{category['id']}.json"))
    view = our_view(admin.views(VIEW_TITLE))
    if view:
        made.append(("view", VIEW_TITLE, view["id"], f"/api/v2/views/{view['id']}.json"))
    oauth = next((c for c in admin.oauth_clients() if c.get("identifier") == client), None)
    if oauth:
        made.append(("oauth", client, oauth["id"], f"/api/v2/oauth/clients/{oauth['id']}.json"))
    webhook = our_webhook(admin.webhooks(NAME))
    if webhook:
        made.append(("webhook", NAME, webhook["id"], f"/api/v2/webhooks/{webhook['id']}"))
    return made
