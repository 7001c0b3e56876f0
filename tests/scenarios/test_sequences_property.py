"""Random sequences of what agents, customers and Zendesk do to a ticket, through the real worker.

hypothesis.stateful draws the steps: agents solve, reopen, reply, set the status field
and tags, de-escalate with or without the customer's agreement; the customer replies,
CC'ing the escalation desk or not; Zendesk moves the SLA breach, closes a solved ticket,
redelivers a webhook, answers 409 or 429 once; an admin re-creates the escalation fields;
time passes (timers fire) and the worker restarts on the same database. Each step goes in
as signed webhooks to the in-process service against the fake Zendesk. After every step,
docs/ARCHITECTURE.md's invariants are checked on what Zendesk received and what the
service recorded.

Bounded for CI: 25 sequences of up to 12 steps, derandomized (the same ones each run).
`SEQUENCES=500 pytest tests/scenarios/test_sequences_property.py` tries 500 new random ones.
"""

import copy
import json
import os
import shutil
import tempfile
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from conftest import LIFECYCLE, sample, sample_policy, signed_headers
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select
from support import fuzzing
from support.fake_audits import AuditEndpoints
from support.fake_search import SearchEndpoints
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import INTEGRATION_USER, NOTE_MARK, UPDATE_MANY, FakeZendesk, Fault
from support.service import AGENT, CUSTOMER, TICKET, Clock, Service

from zendesk_escalator.core.lifecycle.episode import CLOSED, DEESCALATED
from zendesk_escalator.core.policy import FieldIds
from zendesk_escalator.store.schema import DEAD, escalations

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
FIELDS = FieldIds(360010000001, 360010000002, 360010000003, 360010000004)
PHASE_VALUE = {"active": "escalation_active", "monitoring": "escalation_monitoring", "closed": "escalation_closed"}
OPTIONS = ["escalation_active", "escalation_requested", "escalation_monitoring", "escalation_closed"]
SLA = '\n[sla]\nwarn_before = "30m"\nbreach_level = 2\nrepeat_every = "1h"\n'
CC_VIA = sample("comments_cc.json")["comments"][-1]["via"]  # an email to support, the escalation desk CC'd
DESK = 30000001
IMPACT_TAGS = ("outage", "security_breach")
WRITES = ("escalated", "re-escalated")  # the history steps an "Escalated by" note announces
ALWAYS = {"id": 1, "name": "Always", "time_zone": "UTC", "intervals": [{"start_time": 0, "end_time": 10080}]}
NAME = "test_random_sequences_keep_the_episode_the_truth"


class Sequences(RuleBasedStateMachine):
    """One ticket, the fake Zendesk and the service on one clock; the steps are the rules below."""

    def __init__(self):
        super().__init__()
        fuzzing.TRIED[NAME] += 1
        self.home, self.clock = tempfile.mkdtemp(), Clock(START)
        ticket = copy.deepcopy(sample("ticket_cc.json"))
        ticket["ticket"].update(email_cc_ids=[], collaborator_ids=[])  # the desk is CC'd by a customer's step
        self.fault = None
        self.sla = SlaEndpoints(schedule=ALWAYS)
        self.fake = FakeZendesk(
            {TICKET: ticket},
            {TICKET: sample("comments_cc.json")["comments"][:2]},
            users=sample("comments_cc.json")["users"],
            dropdowns={FIELDS.status: OPTIONS},
            endpoints=[AuditEndpoints(), SearchEndpoints(), self.sla],
            fault=self._fault,
            clock=lambda: self.clock().timestamp(),
        ).start()
        self.policy = sample_policy(LIFECYCLE + SLA)
        self.service = self._service()
        self.sent: list[tuple[bytes, dict]] = []  # the signed requests, for redelivery
        self.requests_seen = 0
        self.agreed: tuple[int, int] | None = None  # an agreed close: (its episode, the notes written before it)
        self.fresh = False  # evidence drawn since the agreed close (a CC, a request, an impact tag, an SLA move)
        self.drawn = False  # evidence drawn in this step (a row held back may close the episode in the same one)
        self.recreated = 0
        self.closed_at: datetime | None = None  # when Zendesk closed the ticket

    def teardown(self):
        self.service.close()
        self.fake.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    # --- the world ---------------------------------------------------------------------
    def _service(self) -> Service:
        service = Service(self.home, self.fake, self.policy, self.clock)
        service.worker.handlers.start()  # as a starting worker does: schedule the periodic jobs
        return service

    def _fault(self, method, path, count):
        fault, self.fault = self.fault, None
        if fault == "409" and method == "PUT" and path == f"/api/v2/tickets/{TICKET}.json":
            self.fake.touch(TICKET)  # an agent saved the ticket between the service's read and its update
        elif fault == "429":
            return Fault(429, {"error": "APIRateLimitExceeded"}, {"retry-after": "7"})
        else:
            self.fault = fault  # not this request: stays armed
        return None

    @property
    def ticket(self) -> dict:
        return self.fake.tickets[TICKET]

    def _post(self, body: dict) -> None:
        raw = json.dumps(body).encode()
        headers = signed_headers(raw, when=self.clock())
        self.sent.append((raw, headers))
        self.service.http.post("/webhooks/zendesk", data=raw, headers=headers)

    def _trigger(self, actor: int, role: str) -> None:
        ticket = self.ticket
        self._post(
            {
                "ticket_id": str(TICKET),
                "updated_at": ticket["updated_at"],
                "actor_id": str(actor),
                "actor_role": role,
                "tags": " ".join(ticket["tags"]),
                "status": ticket["status"],
                "priority": ticket["priority"],
            }
        )

    def _field_event(self, field_id: int) -> None:
        body = copy.deepcopy(sample("event_comment_added.json"))
        body.update(
            id=f"f-{len(self.fake.requests)}-{len(self.sent)}",
            type="zen:event-type:ticket.custom_field_changed",
            event={"custom_field": {"id": str(field_id)}},
        )
        body["detail"].update(
            actor_id=str(AGENT),
            tags=self.ticket["tags"],
            status=self.ticket["status"].upper(),
            updated_at=self.ticket["updated_at"],
        )
        self._post(body)

    def _tags(self, add=(), remove=()) -> None:
        with self.fake.lock:
            kept = [t for t in self.ticket["tags"] if t not in remove]
            tags = kept + [t for t in add if t not in kept]
            self.fake._apply_fields_and_tags(self.ticket, {"tags": tags})  # a drop-down follows its option's tag
            self.fake.changed(self.ticket)

    def _work(self) -> None:
        self.service.work()

    def _open(self) -> bool:
        return self.ticket["status"] != "closed"

    @initialize(how=st.sampled_from(["cc", "impact", "sla", "none"]))
    def the_ticket_begins(self, how):
        """Most sequences start from an escalation (else most of them would try little of the lifecycle)."""
        if how == "cc":
            self.customer_replies(True)
        elif how == "impact":
            self.agent_changes_a_tag("outage", True)
        elif how == "sla":
            self.sla.start_clock(self.fake, TICKET, minutes=40)
            self.service.minutes(45)

    # --- what agents do ------------------------------------------------------------------
    @precondition(_open)
    @rule(status=st.sampled_from(["solved", "open", "pending"]))
    def agent_sets_status(self, status):
        self.fake.set_status(TICKET, status, AGENT)
        self._trigger(AGENT, "agent")
        self._work()

    @precondition(_open)
    @rule()
    def agent_replies_publicly(self):
        self.fake.add_comment(TICKET, AGENT, "We are on it and will update you within the hour.")
        self.sla.agent_replied(self.fake, TICKET)
        self._trigger(AGENT, "agent")
        self._work()

    @precondition(_open)
    @rule(value=st.sampled_from(OPTIONS + [None]), by_event=st.booleans())
    def agent_sets_the_status_field(self, value, by_event):
        self.drawn |= value == "escalation_requested"
        self.fake.set_field(TICKET, self.policy.fields.status, value)
        self._field_event(self.policy.fields.status) if by_event else self._trigger(AGENT, "agent")
        self._work()

    @precondition(_open)
    @rule(tag=st.sampled_from(("escalate",) + IMPACT_TAGS), add=st.booleans())
    def agent_changes_a_tag(self, tag, add):
        self.drawn |= add
        self._tags(add=[tag] if add else [], remove=[] if add else [tag])
        self._trigger(AGENT, "agent")
        self._work()

    @precondition(_open)
    @rule(agreed=st.booleans(), by_field=st.booleans(), by_event=st.booleans())
    def agent_de_escalates(self, agreed, by_field, by_event):
        if agreed:
            self.fake.add_comment(
                TICKET, AGENT, "Customer confirmed the fix works; ok to close the escalation.", public=False
            )
        if by_field:
            self.fake.set_field(TICKET, self.policy.fields.status, "escalation_closed")
        else:
            self._tags(add=[self.policy.lifecycle.deescalate_tag])
        self._field_event(self.policy.fields.status) if by_field and by_event else self._trigger(AGENT, "agent")
        self._work()

    # --- what the customer does ------------------------------------------------------------
    @precondition(_open)
    @rule(cc=st.booleans())
    def customer_replies(self, cc):
        self.drawn |= cc
        if cc:  # an email CC'ing the desk: Zendesk adds the desk to the ticket's CCs
            self.fake.add_comment(TICKET, CUSTOMER, "Looping in our escalation desk.", via=copy.deepcopy(CC_VIA))
            with self.fake.lock:
                for key in ("email_cc_ids", "collaborator_ids"):
                    self.ticket[key] = sorted(set(self.ticket[key]) | {DESK})
        else:
            self.fake.add_comment(TICKET, CUSTOMER, "Any news?")
        self._trigger(CUSTOMER, "end-user")
        self._work()

    # --- what Zendesk does ---------------------------------------------------------------
    @precondition(_open)
    @rule(minutes=st.sampled_from([15, 45, 120]))
    def zendesk_moves_the_breach(self, minutes):
        self.drawn = True  # a breach to come is new evidence
        self.sla.start_clock(self.fake, TICKET, minutes=minutes)
        self._work()

    @precondition(lambda self: self.ticket["status"] == "solved")
    @rule()
    def zendesk_closes_the_solved_ticket(self):
        self.fake.set_status(TICKET, "closed", INTEGRATION_USER)
        self.closed_at = self.clock()
        self._work()

    @precondition(lambda self: self.sent)
    @rule(back=st.integers(1, 3))
    def zendesk_redelivers(self, back):
        raw, headers = self.sent[-min(back, len(self.sent))]
        self.service.http.post("/webhooks/zendesk", data=raw, headers=headers)
        self._work()

    @rule()
    def zendesk_echoes_the_services_own_update(self):
        self._trigger(INTEGRATION_USER, "admin")
        self._work()

    @rule(fault=st.sampled_from(["409", "429"]))
    def zendesk_answers_once_with(self, fault):
        self.fault = fault

    # --- time, restarts, admins ----------------------------------------------------------
    @rule(minutes=st.sampled_from([1, 5, 31]))
    def minutes_pass(self, minutes):
        self.service.minutes(minutes)

    @rule(hours=st.sampled_from([2, 25, 73]))
    def hours_pass(self, hours):
        self.service.at(self.clock() + timedelta(hours=hours))
        self._work()

    @rule()
    def worker_restarts(self):
        self.service.close()
        self.service = self._service()
        self._work()

    @precondition(lambda self: self.recreated < 2)
    @rule()
    def admin_re_creates_the_fields(self):
        """An admin deleted the fields; setup made them again under new ids, now in [fields]; the service restarts."""
        self.recreated += 1
        old = self.policy.fields
        new = FieldIds(*(7000000000 + 10 * self.recreated + n for n in range(4)))
        with self.fake.lock:  # a deleted field's values are gone from the tickets
            self.ticket["custom_fields"] = [
                f
                for f in self.ticket["custom_fields"]
                if f["id"] not in (old.status, old.level, old.reason, old.escalated_at)
            ]
            self.fake.dropdowns = {new.status: OPTIONS}
        self.policy = replace(self.policy, fields=new)
        self.worker_restarts()

    # --- the invariants ------------------------------------------------------------------
    @invariant()
    def after_every_step(self):
        fuzzing.STEPS[NAME] += 1
        episodes = self._episodes()
        assert sum(e["state"] != CLOSED for e in episodes) <= 1, "two open episodes of one ticket"
        assert self.service.inbox.counts()[DEAD] == 0, [r.error for r in self.service.inbox.rows(DEAD)]
        new = self.fake.requests[self.requests_seen :]
        self.requests_seen = len(self.fake.requests)
        single = [r for r in new if r.method == "PUT" and r.path == f"/api/v2/tickets/{TICKET}.json"]
        assert not [r for r in single if r.status == 422], "a single-ticket update sent to a closed ticket"
        written = [r for r in new if r.status == 200 and (r in single or r.path == UPDATE_MANY)]
        if written:
            self._mirror_shows(episodes[-1], fields=written[-1].path != UPDATE_MANY)
        notes = [c for c in self.fake.comments.get(TICKET, []) if c["body"].startswith(NOTE_MARK)]
        steps = [s for e in episodes for s in e["history"] if s["cause"] in WRITES]
        assert len(notes) == len(steps), f"{len(notes)} escalation notes for {len(steps)} escalations"
        self._no_escalation_without_new_evidence(episodes, len([n for n in notes if not _by_sla(n["body"])]))
        if self.closed_at and self.clock() - self.closed_at > self.policy.lifecycle.monitoring + timedelta(hours=1):
            assert not episodes or episodes[-1]["state"] == CLOSED, "an episode open days after Zendesk closed it"

    def _episodes(self) -> list[dict]:
        with self.service.inbox.database.reading() as conn:
            rows = (
                conn.execute(select(escalations).where(escalations.c.ticket_id == TICKET).order_by(escalations.c.id))
                .mappings()
                .all()
            )
        return [
            {"state": r["state"], "level": r["level"], **json.loads(r["record"]), "opened_at": r["opened_at"]}
            for r in rows
        ]

    def _mirror_shows(self, episode: dict, fields: bool) -> None:
        """What the ticket shows after the service's update is the episode, written in full."""
        tags, state, level = self.ticket["tags"], episode["state"], episode["level"]
        reason = next((s["reason"] for s in reversed(episode["history"]) if s.get("reason")), None)
        assert (self.policy.escalated_tag in tags) == (state != CLOSED), tags
        assert [t for t in tags if t.startswith("escalation_level_")] == [f"escalation_level_{level}"], tags
        assert [t for t in tags if t in OPTIONS] == [PHASE_VALUE[state]], tags
        if reason:
            assert [t for t in tags if t.startswith("escalation_reason_")] == [f"escalation_reason_{reason}"], tags
        if fields:
            ids, shown = self.policy.fields, {f["id"]: f["value"] for f in self.ticket["custom_fields"]}
            opened = datetime.fromtimestamp(episode["opened_at"], tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            assert (shown.get(ids.status), shown.get(ids.level), shown.get(ids.escalated_at)) == (
                PHASE_VALUE[state],
                level,
                opened,
            ), shown
            if reason:
                assert shown.get(ids.reason) == reason, shown

    def _no_escalation_without_new_evidence(self, episodes: list[dict], notes: int) -> None:
        """After an agreed close, an escalation needs evidence drawn since: a CC, a request, a tag, an SLA move.

        `notes` leaves out the SLA's: a moment of Zendesk's clock falling due after the close is new evidence.
        """
        last = episodes[-1] if episodes else None
        if last and last["state"] == CLOSED and last["history"][-1]["cause"] == DEESCALATED:
            if self.agreed is None or self.agreed[0] != len(episodes):  # the close came in this step: which first?
                self.agreed, self.fresh = (len(episodes), notes), False
        self.fresh, self.drawn = self.fresh or self.drawn, False
        if self.agreed is not None and not self.fresh:
            assert notes == self.agreed[1], "escalated again after an agreed close, without new evidence"


def _by_sla(note: str) -> bool:
    return note.startswith(f"{NOTE_MARK}: rule sla_")


RANDOM = int(os.environ.get("SEQUENCES", 0))  # a longer run of new sequences, by hand
Sequences.TestCase.settings = settings(
    max_examples=RANDOM or 25,
    stateful_step_count=12,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=list(HealthCheck),
)
test_random_sequences_keep_the_episode_the_truth = Sequences.TestCase
