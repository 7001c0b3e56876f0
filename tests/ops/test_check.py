"""`escalator check` against the fake Zendesk: the table's rows, the exit code, and the calls it costs."""

import copy
import re

import pytest

from conftest import EXTRA_ROUTE, SAMPLES
from fake_admin import FakeAdmin, serve
from fake_zendesk import INTEGRATION_USER, Fault
from zendesk_escalator.ops.check import CHECKS, OK, Context, Row, run_check, run_checks
from zendesk_escalator.policy_file import parse_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.wiring import build_admin

GROUPS = [{"id": gid, "name": name} for gid, name in [(360000000001, "Tier 2"), (360000000002, "Security"),
                                                       (360000000003, "Billing"), (360000000004, "Key accounts")]]
AGENTS = [{"id": uid, "name": name, "role": "agent", "active": True} for uid, name in [
    (900000000011, "Lead"), (900000000012, "Manager"), (900000000013, "Head"), (900000000021, "Sec lead")]]
FIELDS = [
    {"id": 360010000001, "type": "tagger", "title": "Escalation status", "active": True, "custom_field_options": [
        {"id": 1, "name": "Active", "value": "escalation_active"}, {"id": 2, "name": "Req", "value": "escalation_requested"}]},
    {"id": 360010000002, "type": "integer", "title": "Escalation level", "active": True},
    {"id": 360010000003, "type": "text", "title": "Escalation reason", "active": True},
    {"id": 360010000004, "type": "text", "title": "Escalated at", "active": True},
    {"id": 360010000005, "type": "tagger", "title": "Topic", "active": True,
     "custom_field_options": [{"id": 3, "name": "Billing", "value": "billing"}]}]
WEBHOOK = {"id": "01HZ0000000000000000000001", "name": "zendesk-escalator", "status": "active",
           "endpoint": "https://esc.example.com/webhooks/zendesk", "subscriptions": ["conditional_ticket_events"]}
SECRET = f"secret-of-{WEBHOOK['id']}"  # what the fake's signing_secret answers
ACCOUNT = {"groups": GROUPS, "fields": FIELDS, "webhooks": [WEBHOOK], "forms": [{"id": 360000144212, "name": "Outage", "active": True}],
           "brands": [{"id": 360002783572, "name": "Acme", "active": True}],
           "organizations": [{"id": 509974, "name": "Big"}, {"id": 509975, "name": "Bigger"}]}


@pytest.fixture
def zendesk(fake_server):
    """A healthy account; a test spoils what it is about."""

    def start(**changes):
        fake = serve(fake_server, FakeAdmin(**{**copy.deepcopy(ACCOUNT), **changes}), AGENTS)
        fake.groups[360000000002] = {900000000021}  # the security lead of routes[1] is in its group
        return fake

    return start


def check(tmp_path, capsys, fake, policy_text=None, **settings):
    rules = tmp_path / "policy.toml"
    rules.write_text(policy_text or (SAMPLES / "policy.toml").read_text() + EXTRA_ROUTE)
    base = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url,
                    webhook_secrets=("an-old-one", SECRET))
    code = run_check(Settings(**{**base.__dict__, **settings}), str(rules), build_admin)
    lines = capsys.readouterr().out.splitlines()
    rows = {subject: status for status, subject, _ in (re.split(r"\s{2,}", line, maxsplit=2) for line in lines[:-1])}
    return code, rows, lines


def test_a_healthy_account_is_all_ok_in_one_call_per_kind(zendesk, tmp_path, capsys):
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake)
    assert code == 0 and set(rows.values()) == {OK}, lines
    # policy, credentials, integration user, role, 4 groups, 5 users, a lead, 5 fields, 3 options, form, brand, 2 orgs
    assert len(rows) == 4 + 4 + 5 + 1 + 5 + 3 + 1 + 1 + 2 + 1
    assert [r.path for r in fake.requests] == [
        "/api/v2/users/me.json", "/api/v2/groups.json", "/api/v2/users/show_many.json",
        "/api/v2/users/900000000021/group_memberships.json", "/api/v2/ticket_fields.json",
        "/api/v2/ticket_forms.json", "/api/v2/brands.json", "/api/v2/organizations/show_many.json",
        "/api/v2/webhooks", f"/api/v2/webhooks/{WEBHOOK['id']}/signing_secret"]
    assert fake.requests[2].query["ids"] == "900000000001,900000000011,900000000012,900000000013,900000000021"
    assert lines[-1] == "0 problem(s), 0 warning(s); Zendesk API calls: 10"


def test_each_problem_is_a_row_and_the_exit_code_says_so(zendesk, tmp_path, capsys):
    fields = copy.deepcopy(FIELDS)
    fields[0]["custom_field_options"].pop()  # no "requested" option
    fields[1]["type"] = "date"
    fake = zendesk(groups=GROUPS[:2] + GROUPS[3:], fields=fields, brands=[],
                   forms=[{"id": 360000144212, "name": "Outage", "active": False}])
    fake.users[900000000013]["role"] = "end-user"
    del fake.users[900000000021]
    fake.users[INTEGRATION_USER]["role"] = "agent"
    code, rows, lines = check(tmp_path, capsys, fake)
    problems = {subject for subject, status in rows.items() if status == "PROBLEM"}
    assert code == 1 and problems == {
        "role", "group 360000000003", "user 900000000013", "user 900000000021", "field 360010000002",
        "field 360010000001 = escalation_requested", "form 360000144212", "brand 360002783572"}
    text = "\n".join(lines)
    assert "SLA warnings and breaches go unseen" in text
    assert "Head is an end-user, not an agent: cannot be assigned or follow as a lead (levels[3].followers)" in text
    assert "Escalation level is a date field; decimal or integer or text is needed (fields.level)" in text
    assert "not an option of this drop-down (field_values.requested)" in text
    assert lines[-1] == "8 problem(s), 0 warning(s); Zendesk API calls: 9"  # the missing lead's groups are not read


def test_a_lead_outside_the_routes_group_is_a_problem(zendesk, tmp_path, capsys):
    fake = zendesk()
    fake.groups[360000000002] = {900000000011}
    code, rows, lines = check(tmp_path, capsys, fake)
    assert (code, rows["routes[1] lead"]) == (1, "PROBLEM")
    assert "user 900000000021 is NOT a member of group 360000000002: Zendesk would refuse" in "\n".join(lines)


def test_the_integration_user_must_be_the_user_of_the_credentials(zendesk, tmp_path, capsys):
    text = (SAMPLES / "policy.toml").read_text()
    _, rows, lines = check(tmp_path, capsys, zendesk(), text.replace("integration_user_id = 900000000001",
                                                                     "integration_user_id = 900000000011"))
    assert rows["integration user"] == "PROBLEM"
    code, rows, lines = check(tmp_path, capsys, zendesk(), text.replace("integration_user_id = 900000000001", ""))
    assert (code, rows["integration user"], lines[-1][:26]) == (0, "WARN", "0 problem(s), 1 warning(s)")
    assert "set it to 900000000001" in "\n".join(lines)


def test_refused_credentials_stop_the_checks_after_one_call(zendesk, tmp_path, capsys):
    fake = zendesk()
    fake.fault = lambda method, path, n: Fault(401, {"error": "Couldn't authenticate you"})
    code, rows, lines = check(tmp_path, capsys, fake)
    assert code == 1 and len(fake.requests) == 1
    assert lines[1].startswith("PROBLEM  credentials") and "Zendesk refused the credentials (401)" in lines[1]
    assert lines[2].split()[:3] == ["PROBLEM", "the", "rest"]


def test_a_bad_policy_is_the_only_row_and_costs_no_call(zendesk, tmp_path, capsys):
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake, '[escalation]\naddresses = "nobody"\n')
    assert code == 1 and fake.requests == []
    assert lines[0].startswith("PROBLEM  policy") and "escalation.addresses: Not a valid list." in lines[0]


@pytest.mark.parametrize("old, new, message", [
    ('warn_before = "30m"', 'warn_before = "99999999999999999999d"', "sla.warn_before: too long"),  # was an OverflowError
    ('holidays = ["2026-12-24..2026-12-26", "2027-01-01"]', 'holidays = ["2027-01-01", "9999-12-31"]',
     "schedules.office.holidays[2]: '9999-12-31': holidays fall in the years 1970 to 2999"),  # was an OverflowError
    ('# note_template = "Escalated', 'note_template = "Costs $ 5"\n# "', "escalation.note_template: Invalid placeholder"),
    ('phrases = ["production down", "production is down", "prod is down"]', 'phrases = " "',
     "impact[2].when.phrases[1]: ' ' has no word in it"),
])
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
    assert rows["field 360010000001 = escalation_closed"] == "PROBLEM"      # values: `setup` adds them
    assert rows["zendesk schedule"] == OK and rows["ticket 35436"] == OK
    assert code == 1

    fake.tickets[35436]["status"] = "closed"
    fake.endpoints[0].schedules.clear()
    code, rows, lines = check(tmp_path, capsys, fake, text)
    assert rows["zendesk schedule"] == "PROBLEM" and rows["ticket 35436"] == "PROBLEM"
    assert any("is closed: it takes no note" in line for line in lines)


@pytest.mark.parametrize("secrets, webhooks, status, says", [
    (("not-it",), [WEBHOOK], "PROBLEM", "ZENDESK_WEBHOOK_SECRET does not hold this webhook's signing secret"),
    ((), [WEBHOOK], "PROBLEM", "ZENDESK_WEBHOOK_SECRET is not set here"),
    ((SECRET,), [dict(WEBHOOK, status="inactive")], "PROBLEM", "inactive: Zendesk calls nothing"),
    ((SECRET,), [], "WARN", "none named zendesk-escalator: run `escalator setup`"),
])
def test_the_webhook_must_sign_with_a_secret_the_service_holds(zendesk, tmp_path, capsys, secrets, webhooks,
                                                               status, says):
    code, rows, lines = check(tmp_path, capsys, zendesk(webhooks=webhooks), webhook_secrets=secrets)
    webhook_lines = [line for line in lines if re.match(r"^\S+\s+webhook", line)]
    assert any(line.startswith(status) and says in line for line in webhook_lines), webhook_lines
    assert code == (1 if status == "PROBLEM" else 0)
