"""`escalator backtest` against the fake Zendesk's history exports: what it finds, what it reads, what it waits."""

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from conftest import LIFECYCLE, SAMPLES
from support.fake_history import HistoryEndpoints, audit, change, comment, create, metric
from support.fake_zendesk import INTEGRATION_USER, FakeZendesk, Fault
from support.service import Clock
from support.zendesk_records import AGENT, CUSTOMER, listed_ticket, sla_policy_text

from zendesk_escalator.errors import EscalatorError
from zendesk_escalator.ops.backtest import run_backtest
from zendesk_escalator.settings import Settings

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
DESK = 30000001
USERS = [
    {"id": CUSTOMER, "name": "Dana Customer", "email": "dana@customer.example", "role": "end-user"},
    {"id": AGENT, "name": "Alex Agent", "email": "alex@acme.example", "role": "agent"},
    {"id": DESK, "name": "Escalation Desk", "email": "Escalation@acme.example", "role": "end-user"},
]
SLA = sla_policy_text('repeat_every = "1h"')


def day(month_day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, month_day, hour, minute, tzinfo=timezone.utc)


def ticket(ticket_id: int, created: datetime, tags=(), priority="normal", status="open", fields=(), org=None) -> dict:
    return listed_ticket(
        ticket_id,
        created,
        status=status,
        priority=priority,
        tags=tags,
        custom_fields=[{"id": fid, "value": value} for fid, value in fields],
        updated=NOW,
        generated=int(NOW.timestamp()) - 3600,
        organization_id=org,
        subject=f"Checkout fails ({ticket_id})",
    )


def history():
    """Six tickets of November: a CC'd reply, an impact tag, a request then a raise, an SLA breach, quiet ones."""
    old = datetime(2026, 10, 1, tzinfo=timezone.utc)
    tickets = [
        ticket(101, old, ["billing"], fields=[(360010000005, "billing")]),
        ticket(102, day(5, 8), ["production_down"]),
        ticket(103, old, ["escalate", "security_breach"]),
        ticket(104, day(16, 9), priority="urgent"),
        ticket(105, old),
        ticket(106, old, ["escalated", "escalation_level_2"]),
    ]
    events = [
        audit(
            101,
            day(2, 10, 15),
            CUSTOMER,
            comment(CUSTOMER, "Looping in our escalation desk, please call me.", day(2, 10, 15), ccs=(DESK,)),
            via="Mail",
        ),
        audit(101, day(2, 10, 30), AGENT, comment(AGENT, "Calling you now.", day(2, 10, 30))),
        audit(
            102,
            day(5, 8),
            CUSTOMER,
            create("status", "new"),
            create("priority", "normal"),
            create("tags", []),
            comment(CUSTOMER, "Our dashboard is slow.", day(5, 8)),
        ),
        audit(102, day(5, 8, 20), AGENT, change("tags", ["production_down"], []), change("status", "open", "new")),
        audit(103, day(10, 14), AGENT, change("tags", ["escalate"], [])),
        audit(103, day(12, 16), AGENT, change("tags", ["escalate", "security_breach"], ["escalate"])),
        audit(
            104,
            day(16, 9),
            CUSTOMER,
            create("status", "new"),
            create("priority", "urgent"),
            comment(CUSTOMER, "We cannot log in.", day(16, 9)),
        ),
        audit(
            104,
            day(16, 11, 30),
            AGENT,
            comment(AGENT, "Fixed, sorry for the wait.", day(16, 11, 30)),
            change("status", "pending", "new"),
        ),
        audit(105, day(18, 9), CUSTOMER, comment(CUSTOMER, "Any news on my invoice?", day(18, 9))),
        audit(
            105,
            day(18, 9, 5),
            AGENT,
            comment(AGENT, "A customer says production down, not here.", day(18, 9, 5), public=False),
        ),
        audit(106, day(20, 7), CUSTOMER, comment(CUSTOMER, "Production is down since 6am!", day(20, 7))),
        audit(106, day(20, 7, 1), INTEGRATION_USER, change("tags", ["escalated", "escalation_level_2"], [])),
    ]
    metrics = [
        metric(104, "reply_time", "activate", day(16, 9)),
        metric(104, "reply_time", "apply_sla", day(16, 9), target=60),
        metric(104, "reply_time", "breach", day(16, 10)),
        metric(104, "reply_time", "fulfill", day(16, 11, 30)),
    ]
    return tickets, events, metrics


@pytest.fixture
def world(tmp_path, made):
    """The fake Zendesk with the history above, a clock the backtest's sleep moves, and a runner."""

    def make(
        tickets=None, events=None, metrics=None, page_size=3, policy_extra=SLA, fault=None, schedule=None, policy=None
    ):
        default_tickets, default_events, default_metrics = history()
        clock = Clock(NOW)
        endpoints = HistoryEndpoints(
            default_events if events is None else events,
            default_metrics if metrics is None else metrics,
            page_size=page_size,
            schedule=schedule,
        )
        fake = FakeZendesk(
            {t["ticket"]["id"]: t for t in (default_tickets if tickets is None else tickets)},
            users=USERS,
            endpoints=[endpoints],
            clock=lambda: clock().timestamp(),
            fault=fault,
        ).start()
        made.append(fake)
        rules = tmp_path / "policy.toml"
        rules.write_text(policy or (SAMPLES / "policy.toml").read_text() + policy_extra)
        settings = Settings(
            subdomain="acme",
            email="bot@acme.example",
            api_token="t0ken",
            api_url=fake.url,
            database_url=f"sqlite:///{tmp_path}/escalator.db",
        )

        def run(form="json", since=timedelta(days=30)):
            out, err, slept = io.StringIO(), io.StringIO(), []
            sleep = lambda seconds: (slept.append(seconds), clock.advance(seconds))  # noqa: E731
            code = run_backtest(
                settings,
                str(rules),
                since,
                form,
                clock,
                sleep=sleep,
                monotonic=lambda: clock().timestamp(),
                out=out,
                err=err,
            )
            text = out.getvalue()
            return code, json.loads(text) if form == "json" else text, err.getvalue(), slept

        return fake, run

    return make


def found(report) -> list[tuple]:
    return [(f["ticket_id"], f["at"], f["kind"], f["rule"], f["reason"], f["level"]) for f in report["findings"]]


def test_what_the_policy_would_have_done_in_the_period(world):
    fake, run = world()
    code, report, _, _ = run()
    assert code == 0
    assert found(report) == [
        (101, "2026-11-02T10:15:00Z", "escalated", "customer_cc", "customer_cc", 1),
        (102, "2026-11-05T08:20:00Z", "escalated", "impact", "production_down", 2),
        (103, "2026-11-10T14:00:00Z", "escalated", "manual_request", "manual", 1),
        (103, "2026-11-12T16:00:00Z", "raised", "impact", "security_breach", 3),
        (104, "2026-11-16T09:30:00Z", "escalated", "sla_warning", "sla_warning", 1),
        (104, "2026-11-16T10:00:00Z", "raised", "sla_breach", "sla_breach", 2),
        (104, "2026-11-16T11:00:00Z", "raised", "sla_breach", "sla_breach", 3),
        (106, "2026-11-20T07:00:00Z", "escalated", "impact", "production_down", 2),
    ]
    cc, *_ = report["findings"]
    assert cc["evidence"] == [
        f"comment #{fake_comment_id(fake, 101)} from the customer was sent to escalation@acme.example"
    ]
    breach = report["findings"][5]
    assert (
        breach["stage"] == "at the breach"
        and "first reply time breached at 2026-11-16 10:00 UTC" in breach["evidence"][0]
    )
    assert report["summary"] == {
        "tickets": 5,
        "escalations": 5,
        "raises": 3,
        "other_updates": 0,
        "by_rule": {"customer_cc": 1, "impact": 3, "manual_request": 1, "sla_breach": 2, "sla_warning": 1},
        "by_reason": {
            "customer_cc": 1,
            "manual": 1,
            "production_down": 2,
            "security_breach": 1,
            "sla_breach": 2,
            "sla_warning": 1,
        },
        "by_level": {"1": 3, "2": 3, "3": 2},
        "per_day": {"2026-11-02": 1, "2026-11-05": 1, "2026-11-10": 1, "2026-11-16": 1, "2026-11-20": 1},
    }
    assert report["replayed"] == {"tickets": 6, "updates": 12}


def fake_comment_id(fake, ticket_id: int) -> int:
    events = fake.endpoints[0].events
    return next(
        c["id"]
        for e in events
        if e["ticket_id"] == ticket_id
        for c in e["child_events"]
        if c["event_type"] == "Comment"
    )


def test_only_gets_go_over_the_wire_and_no_database_is_made(world, tmp_path):
    fake, run = world()
    run()
    assert {r.method for r in fake.requests} == {"GET"}
    assert not (tmp_path / "escalator.db").exists()
    (users,) = [r for r in fake.requests if r.path.endswith("show_many.json")]
    assert users.path == "/api/v2/users/show_many.json"
    assert users.query["ids"] == f"{AGENT},{CUSTOMER},{DESK},{INTEGRATION_USER}"  # who wrote, acted or was CC'd


def test_every_page_is_read_once_paced_within_the_limit(world):
    fake, run = world(page_size=3)
    code, report, err, slept = run()
    events = [r for r in fake.requests if r.path.endswith("ticket_events.json")]
    assert len(events) >= 5 and all(r.query["include"] == "comment_events" for r in events)
    starts = [int(r.query["start_time"]) for r in events]
    assert starts[0] == int((NOW - timedelta(days=30)).timestamp()) and starts == sorted(starts)
    exports = [r.when for r in fake.requests if "/incremental/" in r.path]
    assert all(sum(1 for t in exports if 0 <= t - first < 60) <= 5 for first in exports)  # 5 a minute at most
    assert slept and all(r.status == 200 for r in fake.requests)
    assert "ticket events" in err and "100%" in err  # the progress bar, on stderr
    assert report["api_calls"]["by_endpoint"]["GET /api/v2/incremental/ticket_events.json"] == len(events)


def test_a_429_is_waited_out_as_retry_after_says(world):
    busy = {
        "error": "APIRateLimitExceeded",
        "description": "Number of allowed incremental export API requests per minute exceeded",
    }
    fault = lambda method, path, n: Fault(429, busy, {"Retry-After": "17"}) if n == 2 else None  # noqa: E731
    fake, run = world(fault=fault)
    code, report, _, slept = run()
    assert code == 0 and 17.0 in slept
    assert [r.status for r in fake.requests][:3] == [200, 429, 200]
    assert fake.requests[1].query == fake.requests[2].query  # the same page, asked again
    assert report["api_calls"]["rate_limited"] == 1 and len(report["findings"]) == 8


def test_a_period_with_nothing_to_report(world):
    quiet = [audit(105, day(18, 9), CUSTOMER, comment(CUSTOMER, "Any news on my invoice?", day(18, 9)))]
    fake, run = world(events=quiet, metrics=[])
    code, text, _, _ = run(form="table")
    assert code == 0 and "Nothing would have been escalated." in text
    assert "Summary: 0 ticket(s) escalated" in text and "by rule:         -" in text


def test_the_table_lists_each_update_with_its_evidence_and_says_what_history_cannot_tell(world):
    fake, run = world()
    code, text, _, _ = run(form="table")
    lines = text.splitlines()
    assert lines[0].startswith("zendesk-escalator backtest of ") and lines[0].endswith(
        "policy.toml: 2026-10-24 09:00 to 2026-11-23 09:00 UTC (30 days)"
    )
    assert lines[1].startswith("Replayed 12 update(s) of 6 ticket(s); Zendesk API calls: 10 (GET only")
    assert "What history cannot tell:" in text and "Nothing was written" in text
    header = next(line for line in lines if line.startswith("TICKET"))
    assert header.split() == ["TICKET", "WHEN", "(UTC)", "WHAT", "LEVEL", "RULE", "REASON", "STAGE"]
    row = lines.index(next(line for line in lines if line.startswith("103  ") and "raised" in line))
    assert lines[row].split()[:7] == ["103", "2026-11-12", "16:00", "raised", "3", "impact", "security_breach"]
    assert lines[row + 1].strip() == "- tag security_breach → security_breach"
    assert "  by level:        1 3, 2 3, 3 2" in lines


def test_a_user_who_is_no_admin_is_told_so(world):
    forbidden = {"error": "Forbidden", "description": "You do not have access to this page."}
    fake, run = world(fault=lambda method, path, n: Fault(403, forbidden) if "incremental" in path else None)
    with pytest.raises(EscalatorError, match="needs an admin"):
        run()
    assert len(fake.requests) == 1


def test_an_export_the_account_does_not_serve_is_named_with_a_next_step(world):
    missing = {"error": "InvalidEndpoint"}
    fake, run = world(fault=lambda method, path, n: Fault(404, missing) if "ticket_events" in path else None)
    with pytest.raises(EscalatorError) as raised:
        run()
    assert "ticket events export here (GET /api/v2/incremental/ticket_events.json)" in str(raised.value)
    assert "ZENDESK_API_URL" in str(raised.value)


STAGES = SLA.replace("[sla]", '[sla]\nstages = [50]\nschedule = "zendesk"')
OFFICE = {
    "id": 7,
    "name": "Office",
    "time_zone": "UTC",
    "intervals": [{"start_time": d * 1440 + 480, "end_time": d * 1440 + 1080} for d in range(7)],
}


def test_business_hours_stages_count_in_the_accounts_schedule(world):
    business = [
        metric(104, "reply_time", "activate", day(16, 9)),
        metric(104, "reply_time", "apply_sla", day(16, 9), target=120, business_hours=True),
        metric(104, "reply_time", "breach", day(16, 11)),
    ]
    fake, run = world(metrics=business, policy_extra=STAGES, schedule=OFFICE)
    code, report, _, _ = run()
    sla = [(f["at"], f["rule"], f.get("stage")) for f in report["findings"] if f["ticket_id"] == 104]
    assert sla[:2] == [
        ("2026-11-16T10:00:00Z", "sla_warning", "50 % of the target"),
        ("2026-11-16T10:30:00Z", "sla_warning", "30 min before"),
    ]
    assert [r.path for r in fake.requests if "business_hours" in r.path] == [
        "/api/v2/business_hours/schedules.json",
        "/api/v2/business_hours/schedules/7/holidays.json",
    ]


def test_an_unreadable_schedule_is_said_in_the_header(world):
    fake, run = world(policy_extra=STAGES)  # the fake has no schedule to give: 404
    code, report, _, _ = run()
    assert code == 0 and report["cannot_tell"][0].startswith("the account's schedule could not be read")


def test_without_an_sla_section_the_metric_events_are_not_read(world):
    fake, run = world(policy_extra="")
    code, report, _, _ = run()
    assert not [r for r in fake.requests if "metric_events" in r.path or "business_hours" in r.path]
    assert {f["rule"] for f in report["findings"]} == {"customer_cc", "impact", "manual_request"}


LIFECYCLE_RECURRING = (
    LIFECYCLE
    + """
[recurring]
count = 3
within = "7d"
"""
)
ORG = 509974


def lifecycle_history():
    """Escalated, solved, reopened, solved, closed (201); updates missed (202); de-escalated, its tag kept (203);
    a run of three high tickets of one organization (301-303) beside another organization's (304)."""
    old = datetime(2026, 10, 1, tzinfo=timezone.utc)
    tickets = [
        ticket(201, old, status="solved"),
        ticket(202, old, status="closed"),
        ticket(203, old, ["outage"]),
        *(ticket(300 + n, day(14 + n, 9), priority="high", org=ORG) for n in (1, 2, 3)),
        ticket(304, day(17, 10), priority="high", org=777),
    ]
    cc = dict(ccs=(DESK,))
    events = [
        audit(201, day(2, 10), CUSTOMER, comment(CUSTOMER, "Please escalate, checkout is failing.", day(2, 10), **cc)),
        audit(201, day(2, 10, 30), AGENT, comment(AGENT, "Looking into it now.", day(2, 10, 30))),
        audit(201, day(2, 11), AGENT, change("status", "solved", "open")),
        audit(
            201,
            day(3, 9),
            CUSTOMER,
            comment(CUSTOMER, "It is broken again.", day(3, 9)),
            change("status", "open", "solved"),
        ),
        audit(201, day(3, 9, 30), AGENT, comment(AGENT, "Fixed for good this time.", day(3, 9, 30))),
        audit(201, day(3, 10), AGENT, change("status", "solved", "open")),
        audit(202, day(8, 9), CUSTOMER, comment(CUSTOMER, "Escalating: nobody answers.", day(8, 9), **cc)),
        audit(
            202,
            day(8, 14),
            AGENT,
            comment(AGENT, "Solved by the restart.", day(8, 14)),
            change("status", "solved", "open"),
        ),
        audit(202, day(12, 8), AGENT, change("status", "closed", "solved")),
        audit(203, day(12, 9), AGENT, change("tags", ["outage"], [])),
        audit(
            203,
            day(12, 9, 30),
            AGENT,
            comment(AGENT, "Called Dana: customer agreed to de-escalate.", day(12, 9, 30), public=False),
            change("tags", ["outage", "deescalate"], ["outage"]),
        ),
        audit(203, day(12, 11), CUSTOMER, comment(CUSTOMER, "Thanks, all good now.", day(12, 11))),
        *(
            audit(
                300 + n,
                day(14 + n, 9),
                CUSTOMER,
                create("status", "new"),
                create("priority", "high"),
                comment(CUSTOMER, "Checkout fails again.", day(14 + n, 9)),
            )
            for n in (1, 2, 3)
        ),
        *(
            audit(300 + n, day(14 + n, 9, 30), AGENT, comment(AGENT, "Looking into it.", day(14 + n, 9, 30)))
            for n in (1, 2)
        ),
        audit(304, day(17, 10), CUSTOMER, create("status", "new"), create("priority", "high")),
        audit(304, day(17, 10, 30), AGENT, comment(AGENT, "Looking into it.", day(17, 10, 30))),
        audit(302, day(17, 9, 30), AGENT, change("priority", "urgent", "high")),
        audit(
            303,
            day(17, 10),
            AGENT,
            comment(AGENT, "Rolled back the release.", day(17, 10)),
            change("status", "solved", "new"),
        ),
    ]
    return tickets, events


def test_the_lifecycle_and_recurring_incidents_as_the_worker_would_have_taken_them(world):
    tickets, events = lifecycle_history()
    fake, run = world(tickets=tickets, events=events, metrics=[], policy_extra=LIFECYCLE_RECURRING)
    code, report, _, _ = run()
    assert code == 0
    assert [(f[0], f[1][5:16], f[2], f[3], f[5]) for f in found(report)] == [
        (201, "11-02T10:00", "escalated", "customer_cc", 1),
        (201, "11-02T11:00", "monitoring", "lifecycle", 1),
        (201, "11-03T09:00", "re-escalated", "lifecycle", 1),  # the customer's reply reopened it
        (201, "11-03T10:00", "monitoring", "lifecycle", 1),
        (201, "11-06T10:00", "closed", "lifecycle", 1),
        (202, "11-08T09:00", "escalated", "customer_cc", 1),
        (202, "11-08T11:00", "reminder", "lifecycle", 1),
        (202, "11-08T13:00", "reminder", "lifecycle", 2),  # the second missed update in a row: a level up
        (202, "11-08T14:00", "monitoring", "lifecycle", 2),
        (202, "11-11T14:00", "closed", "lifecycle", 2),
        (203, "11-12T09:00", "escalated", "impact", 2),
        (203, "11-12T09:30", "de-escalated", "lifecycle", 2),  # the outage tag stays; it opens nothing at 11:00
        (303, "11-17T09:00", "escalated", "recurring_incidents", 2),  # once, though 302's priority changed since
        (303, "11-17T10:00", "monitoring", "lifecycle", 2),
        (303, "11-20T10:00", "closed", "lifecycle", 2),
    ]
    by_step = {(f["ticket_id"], f["at"]): f["evidence"] for f in report["findings"]}
    assert by_step[(201, "2026-11-06T10:00:00Z")] == [
        "monitoring ended without recurrence",
        "closed: the review would be written from the ticket's audits",
    ]
    assert by_step[(202, "2026-11-08T13:00:00Z")] == [
        "Communication plan: no public update to the customer since 2026-11-08 11:00 UTC (2 h); an update was due "
        "by 2026-11-08 13:00 UTC. 2 missed in a row: escalated to level 2."
    ]
    assert by_step[(303, "2026-11-17T09:00:00Z")][:2] == [
        "3 urgent/high tickets from organization 509974 within 7 d; this one is the newest:",
        "#301 (high, created 2026-11-15 09:00 UTC): Checkout fails (301)",
    ]
    assert report["summary"]["lifecycle"] == {
        "closed": 3,
        "de-escalated": 1,
        "monitoring": 4,
        "re-escalated": 1,
        "reminder": 2,
    }
    assert report["cannot_tell"][-2].startswith("Lifecycle: escalations already open when the period began")
    assert report["cannot_tell"][-1].startswith("Recurring incidents: a ticket created before the period")


def test_the_table_names_each_lifecycle_step(world):
    tickets, events = lifecycle_history()
    fake, run = world(tickets=tickets, events=events, metrics=[], policy_extra=LIFECYCLE_RECURRING)
    code, text, _, _ = run(form="table")
    lines = text.splitlines()
    row = lines.index(next(line for line in lines if line.startswith("201 ") and "re-escalated" in line))
    assert lines[row].split()[:6] == ["201", "2026-11-03", "09:00", "re-escalated", "1", "lifecycle"]
    assert lines[row + 1].strip() == "- the ticket was reopened while monitoring: the problem recurred"
    assert "  lifecycle:       closed 3, de-escalated 1, monitoring 4, re-escalated 1, reminder 2" in lines


ESCALATIONS = "escalation@acme.example"
CASE, EMAIL, OLD_CASE = 401, 402, 77
EMAIL_BODY = "Hello escalation team,\n\n{case} is still failing: checkout returns 500 in production.\n\nDana Customer"


def emailed(ticket_id: int, created: datetime, body: str) -> dict:
    """A ticket Zendesk made of an email to the escalation address.

    Via email, with its recipient, subject and first comment.
    """
    raw = ticket(ticket_id, created, status="new")
    raw["ticket"].update(
        recipient=ESCALATIONS,
        subject="Escalation: checkout down",
        description=body,
        via={
            "channel": "email",
            "source": {
                "from": {"address": "dana@customer.example", "name": "Dana Customer"},
                "to": {"address": ESCALATIONS, "name": "Escalations"},
                "rel": None,
            },
        },
    )
    return raw


def email_history(reference: str, old_case_status: str = "open"):
    """A case changed in the period (401), one it did not change (77), and an escalation email naming one (402)."""
    old = datetime(2026, 10, 1, tzinfo=timezone.utc)
    unchanged = ticket(OLD_CASE, datetime(2026, 9, 1, tzinfo=timezone.utc), status=old_case_status)
    unchanged["ticket"]["generated_timestamp"] = int(old.timestamp())  # not in the period's ticket export
    body = EMAIL_BODY.format(case=reference)
    tickets = [ticket(CASE, old), unchanged, emailed(EMAIL, day(4, 10), body)]
    events = [
        audit(CASE, day(3, 9), CUSTOMER, comment(CUSTOMER, "Checkout still fails.", day(3, 9))),
        audit(
            EMAIL,
            day(4, 10),
            CUSTOMER,
            create("status", "new"),
            create("priority", "normal"),
            comment(CUSTOMER, body, day(4, 10), to=ESCALATIONS, emailed=True),
            via="Mail",
        ),
    ]
    return tickets, events


def test_an_escalation_email_escalates_the_case_it_names(world):
    tickets, events = email_history(f"Case #{CASE}")
    fake, run = world(tickets=tickets, events=events, metrics=[], policy_extra="")
    code, report, _, _ = run()
    assert found(report) == [(CASE, "2026-11-04T10:00:00Z", "escalated", "escalation_email", "customer_cc", 1)]
    assert report["findings"][0]["evidence"] == [
        'escalation email #402 from dana@customer.example: "Escalation: checkout down"'
    ]
    assert not [r for r in fake.requests if "show_many" in r.path and "tickets" in r.path]  # the export had it


def test_a_case_the_period_did_not_change_is_read_once_by_id(world):
    tickets, events = email_history(f"https://acme.zendesk.com/agent/tickets/{OLD_CASE}")
    fake, run = world(tickets=tickets, events=events, metrics=[], policy_extra="")
    code, report, _, _ = run()
    assert found(report) == [(OLD_CASE, "2026-11-04T10:00:00Z", "escalated", "escalation_email", "customer_cc", 1)]
    (read,) = [r for r in fake.requests if r.path == "/api/v2/tickets/show_many.json"]
    assert read.query["ids"] == str(OLD_CASE)
    assert report["api_calls"]["by_endpoint"]["GET /api/v2/tickets/show_many.json"] == 1
    assert {r.method for r in fake.requests} == {"GET"}


@pytest.mark.parametrize(
    "reference, old_case_status, why",
    [
        ("Case #999999", "open", "#999999 does not exist"),
        (
            f"ticket #{OLD_CASE}",
            "closed",
            f"#{OLD_CASE} is closed (a closed ticket cannot be escalated; a follow-up ticket can)",
        ),
        ("our checkout", "open", "the email names no case (#1234, case 1234, or the case's URL)"),
    ],
)
def test_an_email_no_case_can_take_is_escalated_itself_saying_why(world, reference, old_case_status, why):
    tickets, events = email_history(reference, old_case_status)
    fake, run = world(tickets=tickets, events=events, metrics=[], policy_extra="")
    code, report, _, _ = run()
    assert found(report) == [(EMAIL, "2026-11-04T10:00:00Z", "escalated", "customer_cc", "customer_cc", 1)]
    assert f"Escalation email not linked to a case: {why}." in report["findings"][0]["evidence"]


def test_without_escalation_by_email_the_email_is_only_escalated_itself(world):
    tickets, events = email_history(f"Case #{CASE}")
    fake, run = world(tickets=tickets, events=events, metrics=[], policy_extra="\n[email]\nenabled = false\n")
    code, report, _, _ = run()
    assert found(report) == [(EMAIL, "2026-11-04T10:00:00Z", "escalated", "customer_cc", "customer_cc", 1)]
    assert not any("not linked" in line for line in report["findings"][0]["evidence"])
    assert not [r for r in fake.requests if r.path == "/api/v2/tickets/show_many.json"]


def test_a_reminder_at_a_moment_a_raise_had_cancelled_still_comes(world):
    # With the example policy, 103's raise to level 3 (12 Nov 16:00) re-plans its next update; a later
    # reminder (13 Nov 12:00) names a moment the raise had superseded (14:00): it must still come.
    schedule = json.loads((SAMPLES / "schedule.json").read_text())["schedule"]
    _, run = world(policy=(SAMPLES.parent.parent / "examples" / "escalation.toml").read_text(), schedule=schedule)
    code, report, _, _ = run()
    reminders = [f["at"] for f in report["findings"] if f["ticket_id"] == 103 and f["kind"] == "reminder"]
    assert code == 0 and {"2026-11-13T12:00:00Z", "2026-11-13T14:00:00Z", "2026-11-16T10:00:00Z"} <= set(reminders)
