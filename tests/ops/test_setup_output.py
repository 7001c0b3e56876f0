"""What setup carries out and prints: each step created, updated, planned or held back (and only then written), where
the signing secret goes, and the calls the run cost."""

from collections import Counter
from types import SimpleNamespace

import pytest

from zendesk_escalator.ops.setup_output import StepApplier, count_calls, explain_secret
from zendesk_escalator.ops.setup_plan import CREATE, UNCHANGED, UPDATE, Step

NEW = Step("trigger", "zendesk-escalator: ticket created", CREATE, {"title": "t"})
CHANGED = Step("view", "Escalations", UPDATE, {"active": True}, {"id": 91}, "active")
SAME = Step("field", "Escalation level", UNCHANGED, found={"id": 360010000002})


class Zendesk:
    """Records the writes a step asks for."""

    def __init__(self):
        self.writes: list[tuple] = []

    def create(self, body):
        self.writes.append(("create", body))
        return {"id": 7000000201}

    def update(self, object_id, body):
        self.writes.append(("update", object_id, body))


def apply(applier, zendesk, step):
    return applier(step, zendesk.create, zendesk.update)


def test_a_real_run_writes_each_step_and_says_what_it_did(capsys):
    applier, zendesk = StepApplier(dry_run=False), Zendesk()
    assert [apply(applier, zendesk, step) for step in (NEW, CHANGED, SAME)] == [7000000201, 91, 360010000002]
    assert zendesk.writes == [("create", {"title": "t"}), ("update", 91, {"active": True})]
    assert capsys.readouterr().out.splitlines() == [
        "  created    trigger   zendesk-escalator: ticket created [7000000201]",
        "  updated    view      " + "Escalations [91]".ljust(52) + " (active)",
        "  unchanged  field     Escalation level [360010000002]",
    ]


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(capsys):
    applier, zendesk = StepApplier(dry_run=True), Zendesk()
    assert apply(applier, zendesk, NEW) == "<new trigger id>" and apply(applier, zendesk, CHANGED) == 91
    assert zendesk.writes == []
    assert capsys.readouterr().out.splitlines()[0] == "  create     trigger   zendesk-escalator: ticket created"


def test_held_back_steps_write_nothing_and_are_counted(capsys):
    applier, zendesk = StepApplier(dry_run=False), Zendesk()
    applier.hold = True
    for step in (NEW, CHANGED, SAME):
        apply(applier, zendesk, step)
    assert zendesk.writes == [] and applier.held == 2
    assert [line.split()[0:2] for line in capsys.readouterr().out.splitlines()] == [
        ["held", "back"],
        ["held", "back"],
        ["unchanged", "field"],
    ]


def admin(secret="whsec-123", calls=None):
    return SimpleNamespace(signing_secret=lambda webhook_id: secret, session=SimpleNamespace(calls=Counter(calls)))


@pytest.mark.parametrize(
    "secrets, says",
    [
        ((), "ZENDESK_WEBHOOK_SECRET is not set. Set it where the service runs"),
        (("old",), "is set but does not hold this webhook's secret: the service would answer 401 to Zendesk"),
    ],
)
def test_the_signing_secret_is_printed_with_where_it_goes(capsys, secrets, says):
    explain_secret(admin(), CHANGED, "01HW", dry_run=False, secrets=secrets, refused=None)
    out = capsys.readouterr().out
    assert says in out and out.endswith("\n  ZENDESK_WEBHOOK_SECRET=whsec-123\n")


def test_a_secret_already_held_or_not_yet_readable_is_not_printed(capsys):
    explain_secret(admin(), CHANGED, "01HW", dry_run=False, secrets=("whsec-123",), refused=None)
    explain_secret(admin(), NEW, None, dry_run=True, secrets=(), refused=None)
    out = capsys.readouterr().out
    assert "whsec-123" not in out and "already holds this webhook's secret" in out and "readable once" in out


def test_a_refusing_service_is_told_the_secret_and_the_command_to_run_next(capsys):
    explain_secret(admin(), CHANGED, "01HW", False, ("whsec-123",), ("https://esc.example.com/webhooks/zendesk", 2))
    out = capsys.readouterr().out
    assert "the service at https://esc.example.com/webhooks/zendesk does not hold" in out
    assert "run `escalator setup`" in out and out.endswith("ZENDESK_WEBHOOK_SECRET=whsec-123\n")


def test_the_calls_are_counted_as_reads_webhook_tests_and_writes(capsys):
    calls = {
        ("GET", "/api/v2/triggers.json", 200): 3,
        ("POST", "/api/v2/webhooks/test", 200): 1,
        ("POST", "/api/v2/triggers.json", 201): 2,
        ("DELETE", "/api/v2/views/{id}.json", 204): 1,
    }
    count_calls(admin(calls=calls))
    assert capsys.readouterr().out == "Zendesk API calls: 7 (3 reads, 1 webhook test, 3 writes)\n"
