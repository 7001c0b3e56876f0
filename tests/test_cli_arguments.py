"""The command's arguments, checked as argparse checks them: a subcommand, positive thread counts, periods,
the operator commands' ids and options."""

from datetime import timedelta

import pytest

from zendesk_escalator.cli import main
from zendesk_escalator.cli_arguments import period


def test_subcommand_is_required(capsys):
    with pytest.raises(SystemExit):
        main([])


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_worker_threads_must_be_positive(capsys, value):
    with pytest.raises(SystemExit):
        main(["worker", "--threads", value])
    assert "at least 1" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, says",
    [
        (["dead-letters", "show"], "dead-letters show needs a row id"),
        (["dead-letters", "retry"], "dead-letters retry needs a row id or --all"),
        (["dead-letters", "retry", "3", "--all"], "give a row id to show or retry, or --all"),
        (["dead-letters", "list", "3"], "give a row id to show or retry, or --all"),
        (["setup"], "setup needs --url (the service's webhook address), or --remove"),
        (["setup", "--url", "https://esc.example/webhooks/zendesk", "--fields"], "--fields goes with --remove"),
        (["setup", "--url", "https://esc.example/webhooks/zendesk", "--remove"], "not both"),
        (["send-test"], "the following arguments are required: --ticket"),
        (["backtest"], "the following arguments are required: --since"),
        *[
            (["backtest", "--since", since], 'a period such as "90m", "12h", "30d" or "2w"')
            for since in ("30", "0d", "30 days", "1y")
        ],
    ],
)
def test_operator_commands_refuse_incomplete_arguments(capsys, argv, says):
    with pytest.raises(SystemExit):
        main(argv)
    assert says in capsys.readouterr().err


@pytest.mark.parametrize("since", ["24", "0h", "1 day", "3mo", "0m"])
def test_the_period_is_minutes_hours_days_or_weeks(capsys, since):
    with pytest.raises(SystemExit):
        main(["report", "--since", since])
    assert 'a period such as "90m", "12h", "30d" or "2w"' in capsys.readouterr().err


@pytest.mark.parametrize(
    "since, span",
    [
        ("90m", timedelta(minutes=90)),
        ("45min", timedelta(minutes=45)),
        ("12h", timedelta(hours=12)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_minutes_count_as_in_the_policys_durations(since, span):
    assert period(since) == span
