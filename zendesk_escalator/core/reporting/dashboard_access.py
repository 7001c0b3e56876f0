"""Who may open the dashboard after signing in with Zendesk (pure): admins, and the roles the policy names."""

from typing import Any

from ..policy import DashboardPolicy

ADMIN, AGENT = "admin", "agent"


def may_open(user: dict[str, Any], policy: DashboardPolicy) -> bool:
    """Whether this user (as users/me.json has them) may see the dashboard."""
    role, custom = user.get("role"), user.get("custom_role_id")
    if role == ADMIN:
        return True
    return role == AGENT and (AGENT in policy.roles or (custom is not None and custom in policy.roles))


def role_name(user: dict[str, Any]) -> str:
    """The user's role as the page and the log say it: "agent", "agent (custom role 360000123)", "end-user"."""
    role, custom = user.get("role") or "unknown", user.get("custom_role_id")
    return f"{role} (custom role {custom})" if role == AGENT and custom is not None else role
