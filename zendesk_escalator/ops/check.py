"""`escalator check`: the policy, the credentials and the role, and everything the policy names in Zendesk.

Checks are functions in a list (CHECKS); each returns rows of a table.
"""

import os
from typing import Any, Callable, Mapping

from ..errors import ConfigError, ZendeskAdminError
from ..schemas.policy_file import load_policy
from ..settings import Settings
from ..store.inbox import Inbox
from ..worker.policy_started import edited_since_start
from ..zendesk.admin import ZendeskAdmin
from .check_app import check_app
from .check_context import OK, PROBLEM, WARN, Check, Context, Row, found_row, places
from .check_fields import check_escalation_fields, check_fields
from .check_hotline import check_hotline
from .check_identity import check_credentials, check_integration_user, check_role
from .check_notify import check_notify
from .check_oauth import check_oauth_client
from .check_webhook import WEBHOOK_CHECKS
from .policy_names import Places
from .service_db import service_database

AGENT_ROLES = {"agent", "admin"}


def _exists(kind: str, label: str, read: Callable[[Context, Places], list[dict[str, Any]]]) -> Check:
    """A check that every object of `kind` the policy names is among those `read` finds, and active."""

    def check(ctx: Context) -> list[Row]:
        named = getattr(ctx.names, kind)
        if not named:
            return []  # nothing named, nothing read
        found = {item["id"]: item for item in read(ctx, named)}
        return [found_row(f"{label} {object_id}", found.get(object_id), where) for object_id, where in named.items()]

    check.__name__, check.__doc__ = f"check_{kind}", f"Every {label} the policy names exists and is active."
    return check


check_groups = _exists("groups", "group", lambda ctx, ids: ctx.admin.groups())
check_forms = _exists("forms", "form", lambda ctx, ids: ctx.read("ticket forms", ctx.admin.ticket_forms))
check_brands = _exists("brands", "brand", lambda ctx, ids: ctx.admin.brands())
check_organizations = _exists("organizations", "organization", lambda ctx, ids: ctx.admin.organizations(ids))


def check_users(ctx: Context) -> list[Row]:
    """Every user the policy names exists, is active, and is an agent (followers, assignees)."""
    if not ctx.names.users:
        return []
    users, rows = ctx.users(), []
    for uid, where in ctx.names.users.items():
        user, subject = users.get(uid), f"user {uid}"
        if user and (not user.get("active", True) or user.get("suspended")):
            rows.append(Row(PROBLEM, subject, f"{user.get('name')} is deleted or suspended ({places(where)})"))
        elif user and user.get("role") not in AGENT_ROLES:
            rows.append(
                Row(
                    PROBLEM,
                    subject,
                    f"{user.get('name')} is an end-user, not an agent: cannot be "
                    f"assigned or follow as a lead ({places(where)})",
                )
            )
        else:
            rows.append(found_row(subject, user, where, f" ({user.get('role')})" if user else ""))
    return rows


def check_assignees(ctx: Context) -> list[Row]:
    """A route's escalation lead belongs to its group: Zendesk refuses the update (422) otherwise."""
    routes = [(n, r) for n, r in enumerate(ctx.policy.routes, 1) if r.assignee_id is not None]
    users, rows = ctx.users() if routes else {}, []
    for n, route in routes:
        if route.assignee_id not in users:
            continue  # reported by check_users
        assignee = route.assignee_id
        assert assignee is not None  # routes without an assignee were left out above
        member_of = ctx.read(
            f"groups of {assignee}", lambda: {m["group_id"] for m in ctx.admin.group_memberships(assignee)}
        )
        status, verb = (OK, "is") if route.group_id in member_of else (PROBLEM, "is NOT")
        rows.append(
            Row(
                status,
                f"routes[{n}] lead",
                f"user {route.assignee_id} {verb} a member of group "
                f"{route.group_id}" + ("" if status == OK else ": Zendesk would refuse the escalation update (422)"),
            )
        )
    return rows


def check_schedules(ctx: Context) -> list[Row]:
    """The account has a Zendesk schedule where the policy counts business hours in it."""
    if not ctx.names.schedules:
        return []
    schedules = ctx.admin.schedules()
    if not schedules:
        return [
            Row(
                PROBLEM,
                "zendesk schedule",
                f"the account has no business-hours schedule, so these count in "
                f"calendar time: {places(ctx.names.schedules)}; add one in Admin "
                f"Center (Objects and rules > Schedules) or name a [schedules.<name>]",
            )
        ]
    first = schedules[0]
    return [
        Row(
            OK,
            "zendesk schedule",
            f"{first.get('name')} ({first.get('time_zone')}), the account's default ({places(ctx.names.schedules)})",
        )
    ]


def check_tickets(ctx: Context) -> list[Row]:
    """Every ticket the policy names exists and can still take a note (not closed)."""
    rows = []
    for ticket_id, where in ctx.names.tickets.items():
        ticket, subject = ctx.admin.ticket(ticket_id), f"ticket {ticket_id}"
        if ticket is None:
            rows.append(Row(PROBLEM, subject, f"not found ({places(where)})"))
        elif ticket.get("status") == "closed":
            rows.append(
                Row(
                    PROBLEM,
                    subject,
                    f"{ticket.get('subject')} is closed: it takes no note; name an open ticket ({places(where)})",
                )
            )
        else:
            rows.append(Row(OK, subject, f"{ticket.get('subject')} ({ticket.get('status')}) ({places(where)})"))
    return rows


CHECKS: list[Check] = [
    check_credentials,
    check_integration_user,
    check_role,
    check_groups,
    check_users,
    check_assignees,
    check_fields,
    check_escalation_fields,
    check_forms,
    check_brands,
    check_organizations,
    check_schedules,
    check_tickets,
    check_hotline,
    *WEBHOOK_CHECKS,
    check_oauth_client,
    check_app,
]


def run_checks(ctx: Context, checks: list[Check] = CHECKS) -> list[Row]:
    """Run each check; a failed call is a problem row, and without credentials the rest is not run."""
    rows: list[Row] = []
    for check in checks:
        try:
            rows += check(ctx)
        except ZendeskAdminError as error:
            rows.append(Row(PROBLEM, check.__name__.removeprefix("check_"), error.meaning))
            if check is check_credentials:
                rows.append(Row(PROBLEM, "the rest", "not checked: Zendesk must answer the credentials first"))
                break
    return rows


def run_check(
    settings: Settings,
    rules_path: str,
    build_admin: Callable[[Settings], ZendeskAdmin],
    notify_test: bool = False,
    environ: Mapping[str, str] = os.environ,
) -> int:
    """Check the policy file and its chat targets, then Zendesk; print the table; 1 when there is a problem."""
    try:
        policy = load_policy(rules_path)
    except ConfigError as error:
        return _report([Row(PROBLEM, "policy", str(error))], None)  # it names the file
    rows = [
        Row(OK, "policy", f"{rules_path} is valid"),
        *check_notify(policy, environ, settings.api_timeout, notify_test),
    ]
    if not settings.has_credentials:
        rows.append(
            Row(
                PROBLEM,
                "credentials",
                "not set: ZENDESK_SUBDOMAIN with ZENDESK_EMAIL and ZENDESK_API_TOKEN (or ZENDESK_OAUTH_TOKEN)",
            )
        )
        return _report(rows, None)
    admin, inbox = build_admin(settings), service_database(settings.database_url)
    context = Context(
        policy,
        admin,
        settings.webhook_secrets,
        inbox,
        settings.app_token,
        (settings.oauth_client_id, settings.oauth_client_secret),
    )
    return _report(rows + _policy_applied(inbox, rules_path) + run_checks(context), admin)


def _policy_applied(inbox: Inbox | None, rules_path: str) -> list[Row]:
    """A row when the policy file differs from the one the service's workers started with (where the database is)."""
    started = edited_since_start(inbox, rules_path) if inbox else None
    if started is None:
        return []
    return [
        Row(
            WARN,
            "policy applied",
            f"{rules_path} changed since the service started with it "
            f"({started:%Y-%m-%d %H:%M} UTC): restart the web and worker processes to "
            f"apply it (and run `escalator setup` first when its impact tags, levels, "
            f"request tag, status values or [lifecycle] changed)",
        )
    ]


def _report(rows: list[Row], admin: ZendeskAdmin | None) -> int:
    width = max(len(row.subject) for row in rows)
    for row in rows:
        print(f"{row.status:<8} {row.subject:<{width}}  {row.detail}")
    problems, warnings = (sum(row.status == status for row in rows) for status in (PROBLEM, WARN))
    calls = f"; Zendesk API calls: {admin.session.total}" if admin else ""
    print(f"{problems} problem(s), {warnings} warning(s){calls}")
    return 1 if problems else 0
