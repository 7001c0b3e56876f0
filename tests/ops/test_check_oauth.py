"""`escalator check` of the OAuth client of "Sign in with Zendesk": its secret and the service's callback."""

import pytest
from support.check_account import check

from zendesk_escalator.ops.check import OK

CLIENT = {
    "id": 7000000900,
    "identifier": "zendesk_escalator",
    "name": "zendesk-escalator dashboard",
    "kind": "confidential",
    "secret": "oauth-secret-of-7000000900-1",
    "redirect_uri": ["https://esc.example.com/dashboard/login/callback"],
}


@pytest.mark.parametrize(
    "clients, secret, status, says",
    [
        ([CLIENT], CLIENT["secret"], OK, "[7000000900]: Zendesk accepts ZENDESK_OAUTH_CLIENT_SECRET as its secret"),
        (
            [CLIENT],
            "an-old-secret",
            "PROBLEM",
            "Zendesk refuses ZENDESK_OAUTH_CLIENT_SECRET as this client's secret "
            "(401: Client authentication failed.): sign-in with Zendesk fails; unset "
            "it, run `escalator setup` (it prints a new one), set that where the "
            "service runs and restart it",
        ),
        (
            [],
            CLIENT["secret"],
            "PROBLEM",
            "not found in Zendesk (ZENDESK_OAUTH_CLIENT_ID): sign-in with Zendesk fails; "
            "`escalator setup` creates it and prints its secret",
        ),
        (
            [dict(CLIENT, redirect_uri=["https://old.example.com/dashboard/login/callback"])],
            CLIENT["secret"],
            "PROBLEM",
            "[7000000900] does not list https://esc.example.com/dashboard/login/callback among its redirect URLs: "
            "Zendesk "
            "refuses the sign-in; `escalator setup` adds it",
        ),
    ],
)
def test_the_oauth_client_exists_takes_the_secret_and_the_services_callback(
    zendesk,
    tmp_path,
    capsys,
    clients,
    secret,
    status,
    says,
):
    fake = zendesk(oauth_clients=clients)
    code, rows, lines = check(tmp_path, capsys, fake, oauth_client_secret=secret)
    assert rows["oauth client zendesk_escalator"] == status
    assert any(says in line for line in lines if line.startswith(f"{status} ") and "oauth client" in line), lines
    assert code == (0 if status == OK else 1)
    assert not fake.endpoints[0].tokens  # no token was made


def test_without_a_client_secret_set_here_the_oauth_client_is_not_checked(zendesk, tmp_path, capsys):
    fake = zendesk(oauth_clients=[CLIENT])
    code, rows, lines = check(tmp_path, capsys, fake)
    assert "oauth client zendesk_escalator" not in rows and code == 0
    assert "/api/v2/oauth/clients.json" not in [r.path for r in fake.requests]
