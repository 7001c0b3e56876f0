"""The hotline rule: screening on the webhook's hint, the decision quoting the call, calls it does not answer."""

import pytest
from conftest import sample_policy
from support.voicemail import HOTLINE, call_ticket

from zendesk_escalator.core.escalation.hotline import Hotline
from zendesk_escalator.core.notification import Notification
from zendesk_escalator.core.state import NOT_ESCALATED, Standing

RULE = Hotline()


@pytest.fixture
def hotline():
    return sample_policy(f'\n[phone]\nnumbers = ["{HOTLINE}"]\n')


def note(source="trigger", via=None, event_type=None):
    return Notification(ticket_id=1, source=source, via=via, event_type=event_type, tags=())


@pytest.mark.parametrize(
    "name, seen, need",
    [
        ("trigger, a call", note(via="Voicemail"), {"ticket", "comments"}),
        ("trigger, another channel", note(via="Web form"), set()),
        ("trigger body without the hint (an older setup)", note(), set()),
        ("event: the call ticket created", note("event", "voice", "ticket.created"), {"ticket", "comments"}),
        ("event: a later change of a call ticket", note("event", "voice", "ticket.status_changed"), set()),
        ("event: created, another channel", note("event", "email", "ticket.created"), set()),
        ("event: created, no channel said", note("event", None, "ticket.created"), {"ticket", "comments"}),
    ],
)
def test_screening(hotline, name, seen, need):
    assert RULE.screen(seen, hotline, NOT_ESCALATED) == frozenset(need)


def test_an_escalation_at_the_hotlines_level_needs_no_read(hotline, policy):
    assert RULE.screen(note(via="Voicemail"), hotline, Standing(True, 2, "outage", "active", recorded=True)) == set()
    assert RULE.screen(note(via="Voicemail"), policy, NOT_ESCALATED) == set()  # no [phone]: no hotline


def test_the_decision_quotes_the_transcript_and_names_the_caller(hotline):
    decision = RULE.check(call_ticket(), hotline)
    assert (decision.rule, decision.reason, decision.level, decision.keys) == (
        "phone",
        "phone",
        2,
        frozenset({"call:35600"}),
    )
    assert decision.quote.splitlines()[0].startswith("Hi, this is Dana Okafor from Globex")
    assert decision.request.sender.phone == "+16022202269"  # the caller's number, for the checklist


def test_an_untranscribed_call_quotes_what_talk_wrote_of_it(hotline):
    decision = RULE.check(call_ticket(transcribed=False), hotline)
    assert decision.quote == "Call from: +1 (602) 220-2269\nTime of call: November 22, 2026 at 4:36:11 PM"


@pytest.mark.parametrize("source", [{"to": {"phone": "+16196390000"}}, {"rel": "outbound"}])
def test_no_decision_for_another_number_or_an_outbound_call(hotline, source):
    assert RULE.check(call_ticket(**source), hotline) is None
