"""`escalator report` reading the store: the progress bar (worker/report_gathering's own tests are
tests/worker/test_report_gathering.py)."""

import io
from datetime import timedelta

import pytest
from support.databases import open_inbox
from support.report_cases import POLICY, UNTIL
from support.report_cases import timer_payload as payload

from zendesk_escalator.ops.report import PROGRESS_FROM, run_report
from zendesk_escalator.settings import Settings

NOW = UNTIL  # the report is made at its period's end


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("count, shown", [(PROGRESS_FROM, True), (PROGRESS_FROM - 1, False)])
def test_many_timer_rows_show_a_progress_bar_on_a_terminal(tmp_path, count, shown):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/inbox.db")
    open_inbox(settings.database_url).schedule(
        [
            {
                "kind": "timer",
                "dedupe_key": f"t{n}",
                "ticket_id": n,
                "payload": payload("sla_breach"),
                "run_at": NOW.timestamp() + 3600,
            }
            for n in range(count)
        ],
        NOW.timestamp(),
    )
    out, err = io.StringIO(), Terminal()
    assert run_report(settings, POLICY, timedelta(hours=24), "json", lambda: NOW, out, err) == 0
    drawn = err.getvalue()
    assert (f"Reading {count} SLA timer rows" in drawn and "100%" in drawn) is shown
    assert drawn.endswith("escalator report: 0 Zendesk API request(s) (no Zendesk credentials: owners by id)\n")
    assert '"at_risk": 0' in out.getvalue()  # waiting breach timers nobody was warned of
