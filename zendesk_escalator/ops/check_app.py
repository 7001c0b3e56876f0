"""`escalator check`: the ticket sidebar app. Installed, it needs ESCALATOR_APP_TOKEN where the service runs and the
same token in its installation; otherwise every agent's sidebar says it cannot read the escalation.

One call when the account has no app of that name (its own apps), two when it has (and its installations).
The token Zendesk holds is a secure setting it never shows back: it is compared by the fingerprint `escalator
app install` keeps beside it.
"""

from ..zendesk.apps import ZendeskApps
from .app_install import fingerprint
from .app_package import APP_NAME
from .check_context import OK, PROBLEM, WARN, Context, Row

INSTALL = "escalator app install --url <the service's https address>"


def check_app(ctx: Context) -> list[Row]:
    """The sidebar app, when installed, has the service's token; the token set here, the app is installed."""
    apps = ZendeskApps(ctx.admin.session, ctx.admin.timeout)
    app = next((found for found in apps.owned_apps() if found.get("name") == APP_NAME), None)
    installed = [found for found in apps.installations() if found.get("app_id") == app["id"]] if app else []
    if not installed:
        return (
            [Row(WARN, "sidebar app", f"ESCALATOR_APP_TOKEN is set but the app is not installed: {INSTALL}")]
            if ctx.app_token
            else []
        )
    installation = installed[0]
    subject, settings = f"sidebar app {installation['id']}", installation.get("settings") or {}
    if not ctx.app_token:
        return [
            Row(
                PROBLEM,
                subject,
                "installed, but ESCALATOR_APP_TOKEN is not set here: the service refuses the "
                "app (403) and agents' sidebars cannot read the escalation; set it where the "
                f"service runs, then `{INSTALL}` gives the app the same token",
            )
        ]
    held = settings.get("token_fingerprint")
    if held is not None and held != fingerprint(ctx.app_token.encode()):
        return [
            Row(
                PROBLEM,
                subject,
                "holds another token than ESCALATOR_APP_TOKEN: the service answers the app "
                f"401; `{INSTALL}` gives it this one",
            )
        ]
    rows = [
        Row(
            OK,
            subject,
            f"installed for {settings.get('service_url')}, "
            + (
                "with the token of ESCALATOR_APP_TOKEN"
                if held
                else "its token unknown (not installed by `escalator app install`: set by hand?)"
            ),
        )
    ]
    if installation.get("enabled") is False:
        rows.append(
            Row(
                WARN,
                subject,
                "disabled: agents do not see it (Admin Center > Apps and integrations > Zendesk Support apps)",
            )
        )
    return rows
