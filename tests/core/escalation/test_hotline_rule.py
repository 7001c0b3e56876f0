"""The hotline rule and the call it reads: Talk's via object, the voice comment, screening on the webhook's hint."""

import copy

import pytest
from conftest import sample, sample_policy

from zendesk_escalator.core.call import call_of, e164, transcript_of, voice_hint
from zendesk_escalator.core.escalation.hotline import Hotline
from zendesk_escalator.core.notification import Notification
from zendesk_escalator.core.snapshot_api import People, comment_from_api, ticket_from_api
from zendesk_escalator.core.state import NOT_ESCALATED, Standing

RULE = Hotline()
HOTLINE = "+16196399312"


@pytest.fixture
def hotline():
    return sample_policy(f'\n[phone]\nnumbers = ["{HOTLINE}"]\n')


def call_ticket(transcribed: bool = True, **via_source):
    raw = copy.deepcopy(sample("ticket_voicemail.json"))
    raw["ticket"]["via"]["source"].update(via_source)
    comment = copy.deepcopy(sample("comments_voicemail.json")["comments"][0])
    if not transcribed:
        del comment["data"]["transcription_text"]
    return ticket_from_api(raw, (comment_from_api(comment, People.of(raw["users"])),))


@pytest.mark.parametrize(
    "written, number",
    [
        ("+16196399312", "+16196399312"),
        ("+1 (619) 639-9312", "+16196399312"),
        ("+44 20 7946 0958", "+442079460958"),
        ("6196399312", None),
        ("+12", None),
        (None, None),
        (16196399312, None),
    ],
)
def test_numbers_are_compared_in_e164(written, number):
    assert e164(written) == number


def test_the_call_is_read_from_talks_via_object():
    call = call_ticket().call
    assert (call.to, call.caller, call.kind, call.line, call.shown_to) == (
        HOTLINE,
        "+16022202269",
        "a voicemail",
        "Escalation hotline",
        "+1 (619) 639-9312",
    )
    assert (
        call_of({"channel": 45, "source": {"to": {"formatted_phone": "+1 (619) 639-9312"}}}).kind == "an inbound call"
    )
    assert call_of({"channel": "email", "source": {}}) is None and call_of(None) is None


def test_a_voice_comment_gives_its_transcription_and_other_comments_none():
    voice = sample("comments_voicemail.json")["comments"][0]
    assert transcript_of(voice).startswith("Hi, this is Dana Okafor")
    assert transcript_of({**voice, "type": "Comment"}) is None
    assert transcript_of({**voice, "data": {"transcription_text": "  "}}) is None


@pytest.mark.parametrize(
    "hint, voice",
    [
        ("Voicemail", True),
        ("Phone call (inbound)", True),
        ("voice", True),
        ("Web form", False),
        ("iPhone", False),
        ("Mail", False),
        (None, None),
    ],
)
def test_the_webhooks_via_hint_names_a_call(hint, voice):
    assert voice_hint(hint) is voice


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
