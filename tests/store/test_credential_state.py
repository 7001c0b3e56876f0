"""The credentials' state as the workers last saw it, shared through the database."""

from zendesk_escalator.store.credential_state import (
    NOT_AGENT,
    OK,
    REJECTED,
    UNKNOWN,
    CredentialState,
    CredentialStates,
)


def test_unknown_before_any_call_then_what_a_worker_wrote_for_every_process(any_inbox):
    assert CredentialStates(any_inbox.database).read() == CredentialState(UNKNOWN)
    CredentialStates(any_inbox.database).write(CredentialState(REJECTED, "401: renew the token", 100.0), 150.0)
    assert CredentialStates(any_inbox.database).read() == CredentialState(REJECTED, "401: renew the token", 100.0)
    CredentialStates(any_inbox.database).write(CredentialState(OK), 200.0)
    assert CredentialStates(any_inbox.database).read() == CredentialState(OK)


def test_refused_means_zendesk_refuses_every_call():
    assert [CredentialState(state).refused for state in (OK, REJECTED, NOT_AGENT, UNKNOWN)] == [
        False,
        True,
        True,
        False,
    ]
