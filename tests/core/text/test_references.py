"""Which cases an escalation email refers to: table tests on subjects and bodies, and properties."""

import time

import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from zendesk_escalator.core.text.references import MAX_ID, find_references

ACME = frozenset({"acme"})


def mail(name: str) -> str:
    return (SAMPLES / "mail" / name).read_text()


@pytest.mark.parametrize(
    "subject, body, expected",
    [
        # written case numbers
        ("", "please escalate #1234 asap", (1234,)),
        ("[Acme] Re: Dashboard down (#1234)", "", (1234,)),
        ("", "case 1234", (1234,)),
        ("", "Case #1234", (1234,)),
        ("", "TICKET 1234", (1234,)),
        ("", "ticket no. 1234", (1234,)),
        ("", "Ticket ID: 1234", (1234,)),
        ("", "ticket number 1234", (1234,)),
        ("", "Case: 1234", (1234,)),
        ("", "request 1234", (1234,)),
        ("", "Request #1234.", (1234,)),
        ("", "Your request (1234) has been updated", (1234,)),  # Zendesk's own notification
        ("", "[#1234]", (1234,)),
        ("", "case #12 and ticket no. 7", (12, 7)),  # a case word and a mark: any length
        ("", "#12, case 12, ticket 7, #1", ()),  # otherwise three digits at least
        ("", "tickets 3001, 3002 and #3003", (3001, 3002, 3003)),
        ("", "case 1234, 500 users affected", (1234,)),  # a list only after "cases", "tickets" …
        ("", "#1234 … case 1234 … #5678", (1234, 5678)),  # once each, in order of appearance
        ("#5678", "#1234", (5678, 1234)),  # the subject comes first
        # numbers that are not cases
        ("", "1234", ()),
        ("", "no. 1234", ()),
        ("", "Order #12345, invoice #55501, PO #88812, item #3321", ()),
        ("", "Jira ticket 4321, our internal ticket #555, PR #1234", ()),
        ("", "ext. #1234, color: #333333", ()),
        ("", "in case 500 users log in; in this case 250 fail", ()),
        ("", "we request 300 seats; please request 1200 licences", ()),
        ("", "test case 1234, use case 1010, edge case 2020", ()),
        ("", "ticket 2026-11-12, case 12:30, request 1.2.3, #1,234", ()),
        ("", "#01234", ()),  # padded: an order number's style
        ("", "ticket#1234 and abc#1234", ()),
        ("", "&#1234; and &amp;#5678;", ()),  # HTML entities
        ("", "ticket1234@globex.example and case 5678@globex.example", ()),
        ("", "in case #4321", (4321,)),  # a mark overrules the idiom
        ("", "About the case\n2026 budget: 3000 EUR", ()),  # the number must be on the word's line
        # limits
        ("", f"#{MAX_ID}", (MAX_ID,)),
        ("", f"#{MAX_ID + 1}", ()),
        ("", "#99999999999999999999", ()),
    ],
)
def test_written_references(subject, body, expected):
    assert find_references(subject, body) == expected


@pytest.mark.parametrize(
    "body, subdomains, expected",
    [
        ("https://acme.zendesk.com/agent/tickets/1111", ACME, (1111,)),
        ("https://acme.zendesk.com/agent/#/tickets/1111", ACME, (1111,)),
        ("https://acme.zendesk.com/hc/en-us/requests/2222.", ACME, (2222,)),
        ("https://acme.zendesk.com/hc/pt-br/requests/2222?page=2#comment", ACME, (2222,)),
        ("https://acme.zendesk.com/hc/requests/3333", ACME, (3333,)),
        ("https://acme.zendesk.com/tickets/4444", ACME, (4444,)),
        ("https://acme.zendesk.com/requests/4444", ACME, (4444,)),
        ("https://acme.zendesk.com/api/v2/tickets/5555.json", ACME, (5555,)),
        ("(acme.zendesk.com/agent/tickets/12)", ACME, (12,)),  # a URL needs no digit minimum
        ("HTTPS://ACME.ZENDESK.COM/AGENT/TICKETS/66", ACME, (66,)),
        ("https://other.zendesk.com/agent/tickets/1111", ACME, ()),  # another account
        ("https://other.zendesk.com/agent/tickets/1111", frozenset(), (1111,)),  # no account given: any
        ("https://support.acme.com/hc/de/requests/77", frozenset({"acme", "support.acme.com"}), (77,)),
        ("https://support.acme.com/hc/de/requests/77", frozenset(), ()),  # host mapping must be named
        ("https://acme.zendesk.com/agent/tickets/1111/events", ACME, (1111,)),
        ("https://acme.zendesk.com/agent/users/1111", ACME, ()),
        ("https://acme.zendesk.com/hc/en-us/articles/1234-Reset", ACME, ()),
        ("https://shop.globex.example/order/1234?ticket=5678#9999", ACME, ()),  # numbers inside other URLs
        ("https://acme.zendesk.com/agent/tickets/0", ACME, ()),
        ("see #1234 and https://acme.zendesk.com/agent/tickets/1234 then #99", ACME, (1234,)),
    ],
)
def test_urls(body, subdomains, expected):
    assert find_references("", body, subdomains) == expected


@pytest.mark.parametrize(
    "subject, body, expected",
    [
        (
            "Re: still down",
            "Still down, see ticket 5678.\n\nOn Tue, 10 Nov 2026 at 09:12, Jane Doe <jane@globex."
            "example> wrote:\n> Case #1234 is solved",
            (5678,),
        ),  # Gmail: the new number only
        ("", "#300 please\n> #200 was the old one\n#400", (300, 400)),  # inline replies
        ("", "Please escalate!\n\n-----Original Message-----\nSubject: Ticket #1234", (1234,)),  # nothing new
        ("RE: FW: escalation", mail("outlook_reply.txt"), (20931,)),
        ("", mail("gmail_reply.html"), (77120,)),
        ("Shipping problem", mail("no_case.txt"), ()),
        ("Grüße aus Köln", "Sehr geehrte Damen und Herren, Anfrage 4455 bitte eskalieren. Ticket Nr. 4456", (4456,)),
    ],
)
def test_realistic_mails(subject, body, expected):
    assert find_references(subject, body, ACME) == expected


ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=400) | st.text(
    "#0123456789 caseticknorq:/.\n>-", max_size=200
)


@given(ANY_TEXT, ANY_TEXT, st.frozensets(st.text(max_size=20), max_size=3))
def test_never_raises_and_ids_are_valid_and_unique(subject, body, subdomains):
    found = find_references(subject, body, subdomains)
    assert all(isinstance(i, int) and 1 <= i <= MAX_ID for i in found)
    assert len(set(found)) == len(found)


@given(st.integers(1, MAX_ID), ANY_TEXT)
def test_a_marked_number_first_in_the_mail_comes_first(ticket_id, rest):
    assert find_references("", f"Please escalate ticket #{ticket_id} now.\n{rest}")[:1] == (ticket_id,)


@given(st.integers(1, MAX_ID))
def test_a_ticket_url_is_found(ticket_id):
    assert find_references("", f"https://acme.zendesk.com/agent/tickets/{ticket_id}", ACME) == (ticket_id,)


@pytest.mark.parametrize(
    "unit",
    [
        "case ",
        "#",
        "1",
        "a@",
        "<style",
        "https://",
        " ",
        "tickets 1234, ",
        "https://a.zendesk.com/",
        "On x\n",
        "From: \n",
        "#1234 ",
    ],
)
def test_hostile_text_is_read_in_linear_time(unit):
    body = unit * (100_000 // len(unit))
    started = time.monotonic()
    find_references(body, body, ACME)
    assert time.monotonic() - started < 5  # tens of milliseconds when linear; minutes when not
