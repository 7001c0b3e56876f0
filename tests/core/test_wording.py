"""How notes write durations, moments and the customer's own words: what does not show is left out, so a quoted
customer line never passes for the note's own."""

from datetime import datetime, timedelta, timezone

import pytest

from zendesk_escalator.core.wording import customer_lines, one_line, shortened, span, utc


@pytest.mark.parametrize(
    "delta, words",
    [
        (timedelta(days=2, hours=3, minutes=5), "2 d 3 h 5 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(seconds=29), "0 min"),
        (timedelta(seconds=90), "2 min"),
        (timedelta(minutes=-5), "0 min"),
    ],
)
def test_a_span_as_a_person_reads_it(delta, words):
    assert span(delta) == words


def test_a_moment_in_utc_to_the_minute_or_a_dash():
    assert utc(datetime(2026, 11, 23, 9, 5, 59, tzinfo=timezone.utc)) == "2026-11-23 09:05 UTC"
    assert utc(None) == "—"


def test_long_text_is_cut_with_a_mark():
    assert shortened("  short  ") == "short"
    assert shortened("word " * 3, limit=7) == "word wo …"
    assert shortened("x" * 1000) == "x" * 1000


def test_customer_lines_keep_their_breaks_and_lose_what_does_not_show():
    text = "Site down\r\nsince 9:00\u2028\u202eevil\u202c\u200b, tab\there\x1b[31m"
    assert customer_lines(text) == "Site down\nsince 9:00\nevil, tab\there[31m"


def test_one_line_makes_every_run_of_white_space_one_space():
    assert one_line("  Site\n\n down \u200b\t now\u2029ok ") == "Site down now ok"
