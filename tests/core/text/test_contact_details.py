"""Who to reach, found in what a customer wrote: addresses, phone numbers, the contact's name, the organization."""

import pytest

from zendesk_escalator.core.text import contact_details as contact

OWN = frozenset({"acme.example", "acme.zendesk.com"})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Phone: +49 30 1234567", ("+49 30 1234567",)),
        ("call me on 0171 2345678", ("0171 2345678",)),
        ("M: 0171 2345678", ("0171 2345678",)),
        ("Tel.: 030/1234567", ("030/1234567",)),
        ("tel:+15551234567", ("+15551234567",)),
        ("Mobile (cell): +33 6 12 34 56 78", ("+33 6 12 34 56 78",)),
        ("+1 555 123 4567 or +44 20 7946 0958.", ("+1 555 123 4567", "+44 20 7946 0958")),
        ("0049 30 1234567", ("0049 30 1234567",)),
        ("(555) 123-4567", ("(555) 123-4567",)),
        # unlabelled, too short, too long, or another kind of number
        ("555-123-4567", ()),
        ("order 123456789", ()),
        ("Phone: 12345", ()),
        ("Phone: 1 2 3 4", ()),  # seven characters, four digits
        ("Phone: +49 1234 5678 9012 3456", ()),  # more digits than any phone number has
        ("+49 123", ()),
        ("on 2026-12-01 at 10:30", ()),
        ("Phone: 2026-12-01", ()),
        ("Phone: 01/12/2026", ()),
        ("card 4111 1111 1111 1111", ()),
        ("IP 192.168.100.200", ()),
        ("since 10:30 12 users", ()),
        ("version 4.12.1, build 20261103", ()),
    ],
)
def test_phones(text, expected):
    assert contact.phones(text) == expected


def test_emails_leave_out_the_support_organisation_and_zendesk():
    text = "jane@globex.example, support@acme.zendesk.com, x@acme.example, a@mail.acme.example. b@zendesk.com"
    assert contact.emails(text, OWN) == ("jane@globex.example",)


@pytest.mark.parametrize(
    "text, near, expected",
    [
        ("Technical contact: Jane Doe, jane@globex.example", (), "Jane Doe"),
        ("Contact person: José Müller (+49 30 1234567)", (), "José Müller"),
        ("please contact Zoë O'Brien on +353 1 234 5678", (), "Zoë O'Brien"),
        ("Name: Anna van der Berg", (), "Anna van der Berg"),
        (
            "Best regards,\nJosé Müller-Lüdenscheid\nHead of IT\nGlobex GmbH\nPhone: +49 30 1234567",
            ("+49 30 1234567",),
            "José Müller-Lüdenscheid",
        ),
        (
            "Thanks,\nPriya Raghunathan\nGlobex Corporation | +1 (555) 010-4477",
            ("+1 (555) 010-4477",),
            "Priya Raghunathan",
        ),
        ("Jane Doe\n\nPhone: +49 30 1234567", ("+49 30 1234567",), None),  # not the same block of lines
        ("Kind Regards\nSupport Team\n+49 30 1234567", ("+49 30 1234567",), None),
        ("Name: van der Berg", (), None),
        ("the name of the report is Sales Dashboard", (), None),
        ("contact us any time", (), None),
    ],
)
def test_contact_name(text, near, expected):
    assert contact.contact_name(text, near) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Company: Globex GmbH\n", "Globex GmbH"),
        ("  Organisation name - Initech", "Initech"),
        ("our company is big", None),
    ],
)
def test_organization(text, expected):
    assert contact.organization(text) == expected
