"""Process-local counters rendered as Prometheus text, plus inbox gauges from the database."""

import threading
from collections import Counter


class Metrics:
    """Thread-safe labelled counters."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: Counter = Counter()

    def inc(self, name: str, **labels: str) -> None:
        """Add one to the counter `name` with these labels."""
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self._counts[key] += 1

    def render(self, inbox_counts: dict[str, int] | None) -> str:
        """Return the Prometheus text exposition."""
        lines = ["# HELP escalator_webhooks_total Webhook requests by answer.",
                 "# TYPE escalator_webhooks_total counter"]
        with self._lock:
            items = sorted(self._counts.items())
        for (name, labels), value in items:
            label_text = ",".join(f'{k}="{v}"' for k, v in labels)
            lines.append(f"{name}{{{label_text}}} {value}")
        if inbox_counts is not None:
            lines += ["# HELP escalator_inbox_rows Inbox rows by status (all processes).",
                      "# TYPE escalator_inbox_rows gauge"]
            lines += [f'escalator_inbox_rows{{status="{status}"}} {count}'
                      for status, count in sorted(inbox_counts.items())]
        lines.append(f"escalator_inbox_up {0 if inbox_counts is None else 1}")
        return "\n".join(lines) + "\n"
