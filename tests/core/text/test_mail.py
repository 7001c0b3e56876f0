"""Email text: HTML leftovers undone; what a mail says set apart from what it quotes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zendesk_escalator.core.text.mail import QUOTE_MARK, plain_text, split_quoted


@pytest.mark.parametrize(
    "html, text",
    [
        ("no markup at all", "no markup at all"),
        ("<p>Dashboard&nbsp;down</p>", "\nDashboard\xa0down\n"),
        ('see <a href="https://app.globex.example/x">the page</a>', "see  https://app.globex.example/x the page "),
        ("<style>p { color: #333333 }</style>hello", "hello"),
        ("<STYLE type='text/css'>#1234 {}</Style >hello", "hello"),
        ("<!-- ticket #1234 -->hello", "hello"),
        ("hello<script>var x = '#1234'", "hello"),  # never closed: the rest is dropped
        ("a<br>b<br/>c", "a\nb\nc"),
        ("Jane Doe <jane@globex.example>", "Jane Doe <jane@globex.example>"),  # not a tag: kept
        ("2 < 3 and 5 > 4 &amp; x", "2 < 3 and 5 > 4 & x"),
        ("&#35;1234", "#1234"),
        ("new<blockquote>old</blockquote>", f"new\n{QUOTE_MARK}\nold "),
    ],
)
def test_plain_text(html, text):
    assert plain_text(html) == text


OUTLOOK = """Please escalate, still down.

________________________________
From: Acme Support <support@acme.zendesk.com>
Sent: Tuesday, November 10, 2026 9:12 AM
To: Jane Doe <jane@globex.example>
Subject: [Acme] Re: Dashboard down (#1234)
"""
OUTLOOK_NO_LINE = "Still down.\n\nFrom: Acme Support <support@acme.zendesk.com>\nSent: Tuesday\nSubject: #1234"
GMAIL = "Still down.\n\nOn Tue, 10 Nov 2026 at 09:12, Acme Support <support@acme.zendesk.com> wrote:\n> old\n"
GMAIL_WRAPPED = "Still down.\n\nOn Tue, 10 Nov 2026 at 09:12, Acme Support <\nsupport@acme.zendesk.com> wrote:\n> old"
ZENDESK = "Still down.\n##- Please type your reply above this line -##\nYour request (1234) has been updated."


@pytest.mark.parametrize(
    "text, fresh, first_quoted",
    [
        ("just text\nmore", "just text\nmore", None),
        (OUTLOOK, "Please escalate, still down.\n", "________________________________"),
        (OUTLOOK_NO_LINE, "Still down.\n", "From: Acme Support <support@acme.zendesk.com>"),
        (GMAIL, "Still down.\n", "On Tue, 10 Nov 2026 at 09:12, Acme Support <support@acme.zendesk.com> wrote:"),
        (GMAIL_WRAPPED, "Still down.\n", "On Tue, 10 Nov 2026 at 09:12, Acme Support <"),
        (ZENDESK, "Still down.", "##- Please type your reply above this line -##"),
        ("new\n-----Original Message-----\nold", "new", "-----Original Message-----"),
        ("new\n---------- Forwarded message ---------\nold", "new", "---------- Forwarded message ---------"),
        ("new\nBegin forwarded message:\nold", "new", "Begin forwarded message:"),
        (f"new\n{QUOTE_MARK}\nold", "new", QUOTE_MARK),
        ("answer\n> question\n>> older\nanswer 2", "answer\nanswer 2", "> question"),  # inline replies
        ("On Monday we restarted it.\nIt wrote: nothing", "On Monday we restarted it.\nIt wrote: nothing", None),
        (
            "From: the logs we see errors.\nDate of first error: Monday",
            "From: the logs we see errors.\nDate of first error: Monday",
            None,
        ),  # "Date:" must start the line
    ],
)
def test_split_quoted(text, fresh, first_quoted):
    got_fresh, quoted = split_quoted(text)
    assert got_fresh == fresh
    assert (quoted.splitlines() or [None])[0] == first_quoted


def non_empty_lines(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if line)


@given(st.text())
def test_every_line_ends_up_on_one_side(text):
    fresh, quoted = split_quoted(text)
    assert non_empty_lines(fresh + "\n" + quoted) == non_empty_lines(text)
