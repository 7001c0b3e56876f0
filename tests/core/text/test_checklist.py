"""The escalation request checklist: realistic requests → items present and missing, the note, the reply."""

import time

import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from zendesk_escalator.core.text.checklist import (
    ITEMS,
    Checklist,
    Known,
    check_request,
    render_customer_request,
    render_note,
)

ACME = Known(subdomains=frozenset({"acme"}), own_domains=frozenset({"acme.example"}))
KEYS = tuple(item.key for item in ITEMS)


def mail(name: str) -> str:
    return (SAMPLES / "mail" / name).read_text()


def missing(checklist: Checklist) -> dict[str, tuple[str, ...]]:
    """Each item with a part missing, and which parts (all parts: the item's own label)."""
    return {f.item.key: tuple(p.label for p in f.missing) for f in checklist.missing}


def test_a_full_request_has_everything_with_its_evidence():
    checklist = check_request(mail("full_request.txt"), ACME)
    assert missing(checklist) == {}
    assert checklist["case"].evidence == ("#4821",)
    assert checklist["organization"].evidence == ("Globex GmbH",)
    assert checklist["contact"].evidence == (
        "José Müller-Lüdenscheid",
        "jose.mueller@globex.example",
        "+49 30 1234 5678",
    )
    assert checklist["application"].evidence == (
        "https://shop.globex.example/checkout",
        "https://shop.globex.example",
        "production",
    )
    assert checklist["problem"].evidence == ("steps to reproduce", "numbered steps 1-3")
    assert checklist["milestone"].evidence == ("goes live on 28 November 2026", "by 27 November")
    assert render_customer_request(checklist) is None


def all_missing_but(**changes) -> dict[str, tuple[str, ...]]:
    """Every item missing all its parts, but those named: None when present, else the parts missing."""
    expected = {item.key: tuple(part.label for part in item.parts) for item in ITEMS} | changes
    return {key: parts for key, parts in expected.items() if parts is not None}


@pytest.mark.parametrize(
    "text, known, expected",
    [
        # terse: only the case; the ticket gives the requester's name and address
        (
            "please escalate #1234 asap",
            Known(requester_name="Jane Doe", requester_email="jane@globex.example"),
            all_missing_but(case=None, contact=("phone number",)),
        ),
        # the ticket knows the case, the organization and the phone: nothing of that is asked for again
        (
            "Production is down, 300 users affected. We restarted it; no workaround. Go-live is Dec 1.\n"
            "Steps to reproduce: open https://app.globex.example/login",
            Known(
                case_id=55,
                organization="Globex",
                requester_name="Jane Doe",
                requester_email="jane@globex.example",
                requester_phone="+49 30 1234567",
            ),
            {},
        ),
        # another person named by address only: the requester's name is not theirs
        (
            "Our contact is ops@globex.example, Phone: +49 30 1234567",
            Known(requester_name="Jane Doe"),
            all_missing_but(contact=("name",)),
        ),
        # the support site's own URL and the staff's addresses are not the customer's
        (
            "See https://acme.zendesk.com/hc/en-us/requests/1234 and https://status.acme.example, write to "
            "escalation@acme.example",
            Known(subdomains=frozenset({"acme"}), own_domains=frozenset({"acme.example"})),
            all_missing_but(case=None),
        ),
        # the organization on a labelled line; the contact in a signature
        (
            "Company: Initech\n\nRegards,\nPeter Gibbons\npeter@initech.example\nMobile: 0171 2345678",
            Known(),
            all_missing_but(organization=None, contact=None),
        ),
    ],
)
def test_what_is_missing(text, known, expected):
    assert missing(check_request(text, known)) == expected


def test_questions_quoted_from_the_agent_do_not_count_as_answers():
    checklist = check_request(mail("quoted_questions.txt"), ACME)
    assert checklist["case"].evidence == ("#31337",)
    assert checklist["contact"].evidence == ()  # the quoted phone number is the agent's
    assert set(missing(checklist)) == set(KEYS) - {"case"}


def test_phone_and_order_numbers_are_not_a_case_and_dates_not_a_milestone():
    checklist = check_request(mail("phones_and_orders.txt"), ACME)
    assert checklist["case"].evidence == ()
    assert checklist["milestone"].evidence == ()
    assert checklist["contact"].evidence == ("+44 20 7946 0958", "+44 20 7946 0000")
    assert checklist["application"].evidence == ("https://portal.initech.example/orders",)


def test_html_mail_with_a_non_ascii_signature():
    html = (
        "<div>Please escalate <b>case&nbsp;#77120</b>. Our <i>staging</i> site "
        '<a href="https://staging.globex.example/app">is down</a>.</div><div>Best regards,<br>Zoë O\'Brien<br>'
        "Phone: +353 1 234 5678</div><blockquote>1. old\n2. older</blockquote>"
    )
    checklist = check_request(html, ACME)
    assert checklist["contact"].evidence == ("Zoë O'Brien", "+353 1 234 5678")
    assert [p.label for p in checklist["contact"].missing] == ["email address"]
    assert checklist["application"].evidence == ("https://staging.globex.example/app", "staging")
    assert checklist["problem"].evidence == ()  # the numbered list is quoted


def test_the_subject_counts():
    checklist = check_request("it is down", Known(subject="[Acme] Re: Production down (#1234)"))
    assert checklist["case"].evidence == ("#1234",)
    assert checklist["application"].evidence == ("production",)


NOTE = """Escalation request checklist: 2 of 8 items present.
Present:
- Case number: #1234
- Critical milestone date: by Friday
Missing:
- Organization
- Technical contact: phone number missing (found: Jane Doe; jane@globex.example)
- Affected application and environment: URL missing (found: production)
- Problem with steps to reproduce
- Business impact or use case
- Done so far"""

REQUEST = """Hello,

Thank you for your escalation request. So that the escalation team can act on it quickly, \
could you please reply with the following:

- the name of your organization
- the technical contact's phone number
- the URL of the affected application
- the problem, with the steps to reproduce it
- the business impact (for example how many users or how much revenue is affected) or the use case
- what has been tried so far, and why a workaround is not practical

If something does not apply, a short note saying so helps us just as much. Thank you."""


def test_note_and_customer_request():
    known = Known(requester_name="Jane Doe", requester_email="jane@globex.example")
    checklist = check_request("Please escalate #1234, production must work by Friday", known)
    assert render_note(checklist) == NOTE
    assert render_customer_request(checklist) == REQUEST


def test_items_are_all_there_once_in_order():
    checklist = check_request("", Known())
    assert tuple(f.item.key for f in checklist.findings) == KEYS
    assert len(set(KEYS)) == len(KEYS) == 8
    assert render_note(checklist).splitlines()[1:] == ["Missing:", *(f"- {item.label}" for item in ITEMS)]


@given(st.text(max_size=600), st.text(max_size=60))
def test_never_raises_and_the_reply_asks_exactly_for_what_is_missing(text, subject):
    checklist = check_request(text, Known(subject=subject, requester_name="Jane Doe"))
    note, reply = render_note(checklist), render_customer_request(checklist)
    assert len(checklist.findings) == len(ITEMS)
    assert note.count("\n- ") == len(ITEMS)
    assert (reply is None) == (not checklist.missing)
    for finding in checklist.missing:
        assert finding.item.ask in reply or all(part.ask in reply for part in finding.missing)


@pytest.mark.parametrize(
    "unit",
    [
        "1. a\n",
        "Phone: 1 ",
        "+1 ",
        "by the end of ",
        "go-live " * 3,
        "a@b.",
        "x " * 20,
        "https://a.example/",
        "Name: Ab ",
        "business ",
        "Dec 1 ",
        "\n",
    ],
)
def test_hostile_text_is_read_in_linear_time(unit):
    text = unit * (100_000 // len(unit))
    started = time.monotonic()
    check_request(text, ACME)
    assert time.monotonic() - started < 10  # about a second when linear; minutes when not
