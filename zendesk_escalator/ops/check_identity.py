"""`escalator check`'s first rows: the credentials Zendesk answers, the integration user they are, and its role."""

from .check_context import OK, PROBLEM, WARN, Context, Row


def check_credentials(ctx: Context) -> list[Row]:
    """Zendesk answers these credentials."""
    me = ctx.me
    return [Row(OK, "credentials", f"Zendesk answers as {me.get('name')} <{me.get('email')}> (user {me['id']})")]


def check_integration_user(ctx: Context) -> list[Row]:
    """The policy's integration_user_id is the user of these credentials."""
    me, wanted = ctx.me["id"], ctx.policy.integration_user_id
    if wanted is None:
        return [
            Row(
                WARN,
                "integration user",
                f"escalation.integration_user_id is not set: set it to {me}, so "
                f"that webhooks caused by the service's own updates cost no API call",
            )
        ]
    if wanted != me:
        return [
            Row(
                PROBLEM,
                "integration user",
                f"escalation.integration_user_id is {wanted}, but these "
                f"credentials are user {me}: the service's own updates would not be recognised",
            )
        ]
    return [Row(OK, "integration user", f"{me} is the user of these credentials")]


def check_role(ctx: Context) -> list[Row]:
    """An admin: the SLA engine's incremental export (and setup) need one."""
    role = ctx.me.get("role")
    if role == "admin":
        return [Row(OK, "role", "admin")]
    return [
        Row(
            PROBLEM,
            "role",
            f"{role}: an admin is needed. Without one the SLA engine cannot read the "
            f"incremental ticket export (SLA warnings and breaches go unseen) and `escalator setup` "
            f"cannot run; escalations by CC, impact and request still work",
        )
    ]
