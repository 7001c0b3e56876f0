"""`escalator check` against the fake Zendesk: the table's rows, the exit code, and the calls it costs."""

import copy
import re

import pytest
from conftest import EXTRA_ROUTE, SAMPLES
from support.check_account import FIELDS, FORM, GROUPS, POLICY, WEBHOOK, check, row_detail
from support.databases import open_inbox
from support.fake_zendesk import INTEGRATION_USER

from zendesk_escalator.ops.check import CHECKS, OK, Context, Row, run_checks
from zendesk_escalator.schemas.policy_file import parse_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.zendesk.client import build_admin


def test_a_healthy_account_is_all_ok_in_one_call_per_kind(zendesk, tmp_path, capsys):
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake)
    assert code == 0 and set(rows.values()) == {OK}, lines
    # policy, credentials, integration user, role, 4 groups, 5 users, a lead, 5 fields, 3 options, form, brand, 2 orgs,
    # the webhook, its test, 6 triggers (the lifecycle's too: it carries agents' de-escalations without [lifecycle])
    assert len(rows) == 4 + 4 + 5 + 1 + 5 + 3 + 1 + 1 + 2 + 1 + 1 + 6
    assert [r.path for r in fake.requests] == [
        "/api/v2/users/me.json",
        "/api/v2/groups.json",
        "/api/v2/users/show_many.json",
        "/api/v2/users/900000000021/group_memberships.json",
        "/api/v2/ticket_fields.json",
        "/api/v2/ticket_forms.json",
        "/api/v2/brands.json",
        "/api/v2/organizations/show_many.json",
        "/api/v2/webhooks",
        f"/api/v2/webhooks/{WEBHOOK['id']}/signing_secret",
        "/api/v2/webhooks/test",
        "/api/v2/trigger_categories.json",
        "/api/v2/triggers/definitions.json",
        "/api/v2/triggers.json",
        "/api/v2/apps/owned.json",
    ]
    assert fake.requests[2].query["ids"] == "900000000001,900000000011,900000000012,900000000013,900000000021"
    assert lines[-1] == "0 problem(s), 0 warning(s); Zendesk API calls: 15"


def test_each_problem_is_a_row_and_the_exit_code_says_so(zendesk, tmp_path, capsys):
    fields = copy.deepcopy(FIELDS)
    fields[0]["custom_field_options"].pop()  # no "requested" option
    fields[1]["type"] = "date"
    fake = zendesk(groups=GROUPS[:2] + GROUPS[3:], fields=fields, brands=[], forms=[dict(FORM, active=False)])
    fake.users[900000000013]["role"] = "end-user"
    del fake.users[900000000021]
    fake.users[INTEGRATION_USER]["role"] = "agent"
    code, rows, lines = check(tmp_path, capsys, fake)
    problems = {subject for subject, status in rows.items() if status == "PROBLEM"}
    assert code == 1 and problems == {
        "role",
        "group 360000000003",
        "user 900000000013",
        "user 900000000021",
        "field 360010000002",
        "field 360010000001 = escalation_requested",
        "form 360000144212",
        "brand 360002783572",
    }
    text = "\n".join(lines)
    assert "SLA warnings and breaches go unseen" in text
    assert "Head is an end-user, not an agent: cannot be assigned or follow as a lead (levels[3].followers)" in text
    assert "Escalation level is a date field; decimal or integer or text is needed (fields.level)" in text
    assert "not an option of this drop-down (field_values.requested)" in text
    assert lines[-1] == "8 problem(s), 1 warning(s); Zendesk API calls: 14"  # no lead groups read; an agent cannot test


def test_a_lead_outside_the_routes_group_is_a_problem(zendesk, tmp_path, capsys):
    fake = zendesk()
    fake.groups[360000000002] = {900000000011}
    code, rows, lines = check(tmp_path, capsys, fake)
    assert (code, rows["routes[1] lead"]) == (1, "PROBLEM")
    assert "user 900000000021 is NOT a member of group 360000000002: Zendesk would refuse" in "\n".join(lines)


def test_a_bad_policy_is_the_only_row_and_costs_no_call(zendesk, tmp_path, capsys):
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake, '[escalation]\naddresses = "nobody"\n')
    assert code == 1 and fake.requests == []
    assert lines[0].startswith("PROBLEM  policy") and "escalation.addresses: Not a valid list." in lines[0]


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            'warn_before = "30m"',
            'warn_before = "99999999999999999999d"',
            "sla.warn_before: too long",
        ),  # was an OverflowError
        (
            'holidays = ["2026-12-24..2026-12-26", "2027-01-01"]',
            'holidays = ["2027-01-01", "9999-12-31"]',
            "schedules.office.holidays[2]: '9999-12-31': holidays fall in the years 1970 to 2999",
        ),  # was an OverflowError
        (
            '# note_template = "Escalated',
            'note_template = "Costs $ 5"\n# "',
            "escalation.note_template: Invalid placeholder",
        ),
        (
            'phrases = ["production down", "production is down", "prod is down"]',
            'phrases = " "',
            "impact[2].when.phrases[1]: ' ' has no word in it",
        ),
    ],
)
def test_check_refuses_what_would_fail_at_run_time_naming_the_key(zendesk, tmp_path, capsys, old, new, message):
    example = (SAMPLES.parent.parent / "examples" / "escalation.toml").read_text()
    assert old in example
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake, example.replace(old, new, 1))
    assert (code, rows, fake.requests) == (1, {"policy": "PROBLEM"}, [])
    assert message in lines[0]


def test_without_credentials_only_the_policy_is_checked(zendesk, tmp_path, capsys):
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake, api_token=None)
    assert (code, rows, fake.requests) == (1, {"policy": "OK", "credentials": "PROBLEM"}, [])


def test_later_checks_join_the_list(zendesk):
    fake = zendesk()
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    ctx = Context(parse_policy((SAMPLES / "policy.toml").read_text()), build_admin(settings))
    schedules = lambda ctx: [Row(OK, "schedule", f"read by {ctx.me['id']}")]  # noqa: E731
    rows = run_checks(ctx, [*CHECKS[:1], schedules])
    assert [row.subject for row in rows] == ["credentials", "schedule"]
    assert len(fake.requests) == 1  # users/me read once for both


LIFECYCLE_POLICY = """
[lifecycle]
cadence = { high = "8h" }
cadence_schedule = "zendesk"

[[lifecycle.owners]]
user_id = 900000000031

[report]
ticket_id = 35436
"""


def test_owners_lifecycle_values_the_account_schedule_and_the_report_ticket_are_checked(zendesk, tmp_path, capsys):
    owner = {"id": 900000000031, "name": "Olga Owner", "role": "agent", "active": True}
    fake = zendesk(schedules=[{"id": 1, "name": "Office", "time_zone": "Europe/Berlin"}])
    fake.users[owner["id"]] = owner
    fake.tickets[35436] = {"id": 35436, "subject": "Daily escalation status", "status": "open"}
    text = (SAMPLES / "policy.toml").read_text() + EXTRA_ROUTE + LIFECYCLE_POLICY
    code, rows, lines = check(tmp_path, capsys, fake, text)
    assert rows["user 900000000031"] == OK
    assert rows["field 360010000001 = escalation_monitoring"] == "PROBLEM"  # the drop-down lacks the lifecycle's
    assert rows["field 360010000001 = escalation_closed"] == "PROBLEM"  # values: `setup` adds them
    assert rows["zendesk schedule"] == OK and rows["ticket 35436"] == OK
    assert code == 1

    fake.tickets[35436]["status"] = "closed"
    fake.endpoints[0].schedules.clear()
    code, rows, lines = check(tmp_path, capsys, fake, text)
    assert rows["zendesk schedule"] == "PROBLEM" and rows["ticket 35436"] == "PROBLEM"
    assert any("is closed: it takes no note" in line for line in lines)


def test_every_row_numbers_a_policy_list_from_1_by_its_place_in_the_file(zendesk, tmp_path, capsys):
    text = (SAMPLES / "policy.toml").read_text()
    levels = text[text.index("[[levels]]") : text.index("# Functional escalation")]
    level_3_first = (
        '[[levels]]\nlevel = 3\nname = "head"\nfollowers = [900000000013]\n\n'
        "[[levels]]\nlevel = 1\nfollowers = [900000000011]\n\n"
        "[[levels]]\nlevel = 2\nfollowers = [900000000012]\n\n"
    )
    code, rows, lines = check(tmp_path, capsys, zendesk(), text.replace(levels, level_3_first) + EXTRA_ROUTE)
    assert row_detail(lines, "user 900000000013") == "Head (agent) (levels[1].followers)"
    assert not any(re.search(r"\w\.\d", line) for line in lines[1:]), lines  # never impact.0 style


def test_after_setup_remove_check_fails_naming_what_is_missing(zendesk, tmp_path, capsys):
    code, rows, lines = check(tmp_path, capsys, zendesk(webhooks=[], categories=[], triggers=[]))
    assert code == 1 and (rows["webhook"], rows["triggers"]) == ("PROBLEM", "PROBLEM")
    assert row_detail(lines, "triggers") == (
        "missing: none of setup's triggers call the service, so no ticket change reaches it; run `escalator setup`"
    )


def test_a_policy_edited_since_the_service_started_is_said_to_need_a_restart(zendesk, tmp_path, capsys):
    from zendesk_escalator.wiring import build_pool

    rules = tmp_path / "policy.toml"
    rules.write_text((SAMPLES / "policy.toml").read_text() + EXTRA_ROUTE)
    database = f"sqlite:///{tmp_path}/service.db"
    settings = Settings(rules_path=str(rules), database_url=database)
    inbox = open_inbox(database)
    inbox.database.migrate()
    build_pool(settings, POLICY, inbox, 1)  # the service starts with this file
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake, database_url=database)
    assert code == 0 and "policy applied" not in rows
    code, rows, lines = check(
        tmp_path,
        capsys,
        fake,
        (SAMPLES / "policy.toml").read_text() + EXTRA_ROUTE + "\n# edited\n",
        database_url=database,
    )
    assert rows["policy applied"] == "WARN" and code == 0
    assert row_detail(lines, "policy applied").startswith(f"{rules} changed since the service started with it (")
    assert row_detail(lines, "policy applied").endswith(
        "): restart the web and worker processes to apply it (and run `escalator setup` first when its impact tags, "
        "levels, request tag, status values or [lifecycle] changed)"
    )
