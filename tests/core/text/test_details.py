"""The finders behind the checklist: tables of text → evidence, including what must NOT be found."""

import pytest

from zendesk_escalator.core.text import details as clues

OWN = frozenset({"acme.example", "acme.zendesk.com"})


def test_application_urls_leave_out_support_site_signatures_and_pictures():
    text = (
        "see https://app.globex.example/login?x=1, https://acme.zendesk.com/hc/x https://www.linkedin.com/in/j "
        "https://acme.example/status (https://globex.example/logo.png) http://10.0.0.5:8080/api."
    )
    assert clues.application_urls(text, OWN) == ("https://app.globex.example/login?x=1", "http://10.0.0.5:8080/api")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("down in production", ("production",)),
        ("our prod system", ("prod",)),
        ("staging and UAT", ("staging", "uat")),
        ("pre-production and the sandbox", ("pre-production", "sandbox")),
        ("the test environment", ("test environment",)),
        ("Environment: dev", ("environment: dev",)),
        ("live site", ("live site",)),
        ("we tested it with the dev team before go live", ()),  # weak words need "environment" and kin
    ],
)
def test_environments(text, expected):
    assert clues.environments(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Steps to reproduce:\n1. log in\n2. click Export", ("steps to reproduce", "numbered steps 1-2")),
        ("1. a\n 2. b\n3) c", ("numbered steps 1-3",)),
        ("Step 1: log in\nStep 2: click", ("numbered steps 1-2",)),
        ("how to reproduce: open x", ("how to reproduce",)),
        ("it is reproducible every time", ("reproducible",)),
        ("1. only one", ()),
        ("2. a\n3. b", ()),  # a list must start at 1
        ("see point 1. and 2. above", ()),  # numbers must start their lines
    ],
)
def test_steps(text, expected):
    assert clues.steps(text) == expected


@pytest.mark.parametrize(
    "finder, text, expected",
    [
        (clues.impact, "500 users cannot log in", ("500 users cannot log in",)),
        (clues.impact, "2,000+ customers are affected", ("2,000+ customers are affected",)),
        (clues.impact, "We lose revenue. Our SLA is at risk.", ("We lose revenue.", "Our SLA is at risk.")),
        (clues.impact, "This is a blocker for our use case", ("This is a blocker for our use case",)),
        (clues.impact, "Our business hours are 9-5; we have a meeting", ()),
        (clues.tried, "We tried clearing the cache", ("We tried clearing the cache",)),
        (clues.tried, "we restarted the server and rolled back", ("we restarted the server and rolled back",)),
        (clues.tried, "we try hard", ()),
        (clues.workaround, "there is no workaround", ("there is no workaround",)),
        (clues.workaround, "a work-around is not an option", ("a work-around is not an option",)),
        (clues.workaround, "manual entry is impractical", ("manual entry is impractical",)),
        (clues.workaround, "we cannot work around it", ("we cannot work around it",)),
        (clues.workaround, "we work around the clock", ()),
    ],
)
def test_snippet_finders(finder, text, expected):
    assert finder(text) == expected


def test_a_snippet_is_cut_to_the_words_around_its_match():
    text = (
        "Some long introduction that goes on and on and on and on, until the revenue we lose adds up to a lot "
        "more than anyone here is able to say."
    )
    expected = "…goes on and on and on and on, until the revenue we lose adds up to a lot more than…"
    assert clues.impact(text) == (expected,)
    long_word = "x" * 60
    assert clues.impact(f"{long_word} lost our revenue-{long_word}") == (f"…lost our revenue-{'x' * 39}…",)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("must be fixed by 2026-12-01", ("by 2026-12-01",)),
        ("no later than 15.12.2026", ("no later than 15.12.2026",)),
        ("deadline: 01/12/2026", ("deadline: 01/12/2026",)),
        ("go-live is on 1 December 2026", ("go-live is on 1 December 2026",)),
        ("our launch is Dec 1st, 2026", ("launch is Dec 1st, 2026",)),
        ("Dec 1 deadline", ("Dec 1 deadline",)),
        ("the audit on 3 March", ("audit on 3 March",)),
        ("we need it by Friday", ("by Friday",)),
        ("before the end of the month", ("before the end of the month",)),
        ("by EOD", ("by EOD",)),
        ("until Q1 2027", ("until Q1 2027",)),
        ("Our go-live is next Monday", ("go-live is next Monday",)),
        # a date alone says when, not by when
        ("broken since 1 December", ()),
        ("caused by the update on 2026-11-12", ()),
        ("our Black Friday campaign", ()),
        ("in 2026", ()),
    ],
)
def test_milestones(text, expected):
    assert clues.milestones(text) == expected
