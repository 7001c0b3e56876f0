"""bench/sla_report.py's tally: a false alarm is read from the fake's own order of the answer and the update."""

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from sla_report import measure  # noqa: E402
from sla_world import Moment  # noqa: E402
from support.fake_sla import Answer  # noqa: E402
from support.fake_zendesk import Seen  # noqa: E402

START = 1_000_000.0


def update(ticket_id: int, when: float, order: int, status: int = 200) -> Seen:
    return Seen(
        "PUT", f"/api/v2/tickets/{ticket_id}.json", {"ticket": {}}, 0.0, status=status, when=START + when, order=order
    )


def moment(ticket_id: int, at: float, case: str = "unanswered", answered_at: float | None = None) -> Moment:
    return Moment(ticket_id, "breach", int(START + at), case, answered_at and START + answered_at)


def test_only_an_update_applied_after_the_answer_to_a_moment_not_yet_due_is_a_false_alarm():
    moments = [
        moment(1, 100, "answered late", 90),  # updated for something else before the answer came
        moment(2, 200, "answered late", 190),  # updated after the answer: a false alarm
        moment(3, 300, "answered late", 290),  # meant to be answered before, but the fake applied it after
        moment(4, 400),
    ]
    answers = [Answer(1, START + 90, 5), Answer(2, START + 190, 10), Answer(3, START + 305, 21)]
    requests = [
        update(1, 50, 3),
        update(2, 200, 11),
        update(3, 300, 20),
        update(4, 400.5, 30),
        update(4, 401, 31, status=409),
    ]
    figures = measure(requests, moments, answers, set(), START, 8, Counter())
    assert [(m.ticket_id, early, late) for m, early, late in figures.false_alarms] == [(2, 10, 10)]
    assert figures.answered_before == 2
    assert figures.delays == [0, 0.5] and figures.missing == []
    assert figures.extra_updates == 1  # ticket 1's, before its answer; ticket 2's is the false alarm


def test_a_due_moment_without_an_update_at_or_after_it_is_missing():
    figures = measure([update(5, 40, 1)], [moment(5, 100)], [], set(), START, 8, Counter())
    assert [m.ticket_id for m in figures.missing] == [5] and figures.extra_updates == 1
