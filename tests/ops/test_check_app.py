"""`escalator check` of the sidebar app: once installed, it needs the service's token."""

import pytest
from support.check_account import check

from zendesk_escalator.ops.app_install import run_app_install
from zendesk_escalator.settings import Settings
from zendesk_escalator.zendesk.apps import ZendeskApps
from zendesk_escalator.zendesk.client import build_admin

APP_TOKEN = "app-token-0123456789-0123456789-abcdef"


def installed_app(fake, token: str = APP_TOKEN) -> int:
    """The sidebar app installed as `escalator app install` installs it; its installation's id."""
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    run_app_install(
        ZendeskApps(build_admin(settings).session, 2.0),
        "https://esc.example.com",
        token,
        "bot@acme.example",
        False,
        lambda seconds: None,
    )
    return next(iter(fake.endpoints[-1].installations))


@pytest.mark.parametrize(
    "installed, token, status, detail",
    [
        (None, None, None, None),  # no app, no token: nothing to say
        (None, APP_TOKEN, "WARN", "ESCALATOR_APP_TOKEN is set but the app is not installed"),
        (APP_TOKEN, None, "PROBLEM", "installed, but ESCALATOR_APP_TOKEN is not set here"),
        (APP_TOKEN, "another-app-token-0123456789-012345", "PROBLEM", "holds another token than ESCALATOR_APP_TOKEN"),
        (APP_TOKEN, APP_TOKEN, "OK", "installed for https://esc.example.com, with the token of ESCALATOR_APP_TOKEN"),
    ],
)
def test_the_sidebar_app_needs_the_services_token_once_installed(
    zendesk,
    tmp_path,
    capsys,
    installed,
    token,
    status,
    detail,
):
    fake = zendesk()
    subject = f"sidebar app {installed_app(fake, installed)}" if installed else "sidebar app"
    capsys.readouterr()
    code, rows, lines = check(tmp_path, capsys, fake, app_token=token)
    assert rows.get(subject) == status, lines
    if detail:
        assert any(detail in line for line in lines if subject in line)
    assert code == (1 if status == "PROBLEM" else 0)
