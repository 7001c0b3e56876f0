"""What the SLA benchmark measured: requests by kind and minute, delays, false alarms; printed as a report.

Every request is classified from what the fake received: the change feed (the
incremental export), the sweep (search export pages and the show_many reads of
their ids, told apart by SweepTap), the re-check (show_many of due timers), a
ticket read again after its update answered 409 (a cost of that action, like the
write, so counted apart from steady-state tracking), writes (ticket updates) and
other (the account's schedule, the start-up role check).
"""

from collections import Counter
from dataclasses import dataclass

from common import percentile
from sla_world import Moment
from support.fake_sla import Answer, SlaEndpoints
from support.fake_zendesk import Seen

KINDS = ("feed", "re-check", "sweep", "other", "after 409", "writes")
TRACKING = ("feed", "re-check", "sweep", "other")  # what the target of 10 a minute is about
LABELS = {
    "feed": "change feed (incremental export)",
    "re-check": "re-check of due timers (show_many)",
    "sweep": "sweep (search export + show_many)",
    "other": "other (schedule, role check)",
    "after 409": "ticket read again after a 409 (per action)",
    "writes": "writes (ticket updates, 409s too)",
}
READS_TARGET, DELAY_TARGET = 10, 60.0


class SweepTap(SlaEndpoints):
    """The fake's SLA endpoints, remembering the id chunks of each search export page (the sweep's reads)."""

    def __init__(self, **options):
        super().__init__(**options)
        self.sweep_chunks: set[str] = set()

    def answer(self, fake, method, path, query, body):
        answer = super().answer(fake, method, path, query, body)
        if answer and answer[0] == 200 and path == "/api/v2/search/export.json":
            ids = [str(r["id"]) for r in answer[1]["results"]]
            self.sweep_chunks |= {",".join(ids[n : n + 100]) for n in range(0, len(ids), 100)}
        return answer


def kind_of(request: Seen, sweep_chunks: set[str]) -> str:
    """Which part of the service sent this request."""
    path = request.path
    if path.startswith("/api/v2/incremental/"):
        return "feed"
    if path == "/api/v2/search/export.json" or (
        path.endswith("show_many.json") and request.query.get("ids") in sweep_chunks
    ):
        return "sweep"
    if request.method == "PUT":
        return "writes"
    if path.endswith("show_many.json"):
        return "re-check"
    return "after 409" if path.startswith("/api/v2/tickets/") else "other"


@dataclass
class Figures:
    """The measured outcome of one run, in the fake's own order of events."""

    delays: list[float]
    missing: list[Moment]
    false_alarms: list[tuple[Moment, float, float]]  # (moment, answered s before it, updated s after the answer)
    answered_before: int  # moments an agent answered before they fell due, by the fake's clock
    extra_updates: int  # updates for no due moment: a second one, or one of a ticket with no moment due
    per_minute: dict[str, list[int]]  # kind -> requests in each full minute of the run
    refused: Counter


def measure(
    requests: list[Seen],
    moments: list[Moment],
    answers: list[Answer],
    sweep_chunks: set[str],
    start: float,
    minutes: int,
    refused: Counter,
) -> Figures:
    """Tally the requests the fake received during the run against the moments and the agents' answers.

    Whether a moment was answered before it fell due, and whether an update came
    after that answer, are read from the fake: when it applied the answer (its
    clock) and in which order it applied the answer and each update, not from when
    the benchmark meant the agent to answer (a busy machine delays that thread).
    """
    updates: dict[int, list[Seen]] = {}
    per_minute = {kind: [0] * minutes for kind in KINDS}
    for request in requests:
        minute = int((request.when - start) // 60)
        if 0 <= minute < minutes:
            per_minute[kind_of(request, sweep_chunks)][minute] += 1
        if request.method == "PUT" and request.status == 200:
            updates.setdefault(int(request.path.rsplit("/", 1)[1].split(".")[0]), []).append(request)
    answered: dict[int, Answer] = {}
    for answer in answers:
        answered.setdefault(answer.ticket_id, answer)  # the first reply achieves the metric
    before = {
        m.ticket_id: answered[m.ticket_id]
        for m in moments
        if m.ticket_id in answered and answered[m.ticket_id].when < m.at
    }
    due = [m for m in moments if m.ticket_id not in before]
    acted = {m.ticket_id: next((u for u in updates.get(m.ticket_id, ()) if u.when >= m.at), None) for m in due}
    delays = [acted[m.ticket_id].when - m.at for m in due if acted[m.ticket_id]]
    false_alarms, after_answers = [], 0
    for moment in moments:
        answer = before.get(moment.ticket_id)
        later = [u for u in updates.get(moment.ticket_id, ()) if answer and u.order > answer.order]
        if later:
            false_alarms.append((moment, moment.at - answer.when, later[0].when - answer.when))
            after_answers += len(later)
    extra = sum(len(found) for found in updates.values()) - len(delays) - after_answers
    return Figures(
        delays, [m for m in due if not acted[m.ticket_id]], false_alarms, len(before), extra, per_minute, refused
    )


def report(figures: Figures, moments: list[Moment], setup: dict) -> list[str]:
    """The printed report: each figure, and each target met or not."""
    cases = Counter(m.case for m in moments)
    kinds = Counter(m.kind for m in moments)
    lines = [
        f"machine: {setup['machine']}; load average during the run {setup['load'][0]:.1f} "
        f"(max {setup['load'][1]:.1f}); commit: {setup['commit']}",
        f"open tickets: {setup['tickets']}; run: {setup['minutes']} min of real time; storage: {setup['storage']}; "
        f"worker: `escalator worker` (4 threads) against the fake Zendesk on loopback with Zendesk's limits",
        f"state at start: timers of every ticket planned, feed cursor at now (as a finished sweep leaves them); "
        f"sweep: {setup['sweep']}",
        f"moments in the run: {len(moments)} ({kinds['warning']} warnings, {kinds['breach']} breaches); "
        + ", ".join(
            f"{case} {cases[case]}" for case in ("unanswered", "answered early", "answered late", "answered after")
        )
        + f"; other tickets answered meanwhile: {setup['background']}",
    ]
    d = figures.delays
    due = len(d) + len(figures.missing)
    lines.append(f"moments answered before they fell due (by the fake's clock): {figures.answered_before}")
    lines.append(
        f"updates: {len(d)} of {due} moments due (missing {len(figures.missing)}; extra updates "
        f"{figures.extra_updates})"
    )
    if d:
        p99 = percentile(d, 99)
        lines.append(
            f"delay moment -> update: p50 {percentile(d, 50):.1f} s, p99 {p99:.1f} s, max {max(d):.1f} s "
            f"(target p99 <= {DELAY_TARGET:.0f} s: {_met(p99 <= DELAY_TARGET and not figures.missing)})"
        )
    lines.append(f"requests per minute over the run's {setup['minutes']} full minutes (mean / max):")
    reads = [sum(figures.per_minute[k][n] for k in TRACKING) for n in range(setup["minutes"])]
    rows = [(LABELS[k], figures.per_minute[k]) for k in TRACKING]
    rows += [("SLA tracking (feed + re-check + sweep + other)", reads)]
    rows += [(LABELS[k], figures.per_minute[k]) for k in KINDS if k not in TRACKING]
    for label, counts in rows:
        lines.append(
            f"  {label:<46} {sum(counts) / len(counts):5.1f} / {max(counts)}"
            + (
                f" (target <= {READS_TARGET} a minute besides actions: {_met(max(reads) <= READS_TARGET)})"
                if counts is reads
                else ""
            )
        )
    refused = ", ".join(f"{name} {n}" for name, n in figures.refused.items()) or "none"
    lines.append(f"429 answers: {sum(figures.refused.values())} ({refused})")
    lines.append(
        f"false alarms (an update the fake applied after the answer to a moment not yet due): "
        f"{len(figures.false_alarms)} (target 0: {_met(not figures.false_alarms)})"
    )
    lines += [
        f"  ticket {m.ticket_id}: {m.kind} ({m.case}), answered {early:.1f} s before it, updated {late:.1f} s "
        f"after the answer"
        for m, early, late in figures.false_alarms
    ]
    lines.append(f"worker peak memory (VmHWM): {setup['peak_mb']:.0f} MB")
    return lines


def _met(ok: bool) -> str:
    return "met" if ok else "NOT MET"
