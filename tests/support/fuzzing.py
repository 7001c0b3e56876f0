"""Fuzz tests: bounded hypothesis runs that count the cases they try (conftest prints the counts)."""

import functools
from collections import Counter

from hypothesis import HealthCheck, given, settings

TRIED: Counter = Counter()  # test name -> generated cases run, shrinking included
STEPS: Counter = Counter()  # test name -> steps run, for the stateful tests (a case is a sequence of steps)


def fuzz(max_examples: int = 300, **strategies):
    """@given(**strategies), at most `max_examples` cases, no deadline, each case counted."""

    def decorate(test):
        @functools.wraps(test)
        def counted(*args, **kwargs):
            TRIED[test.__name__] += 1
            return test(*args, **kwargs)

        bounded = settings(
            max_examples=max_examples,
            deadline=None,
            suppress_health_check=[
                HealthCheck.function_scoped_fixture,
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
                HealthCheck.large_base_example,
            ],
        )
        return bounded(given(**strategies)(counted))

    return decorate


def summary(write_line) -> None:
    """Write how many cases each fuzz test tried, and the total."""
    if not TRIED:
        return
    for name, count in sorted(TRIED.items()):
        steps = f" ({STEPS[name]:,} steps)" if name in STEPS else ""
        write_line(f"{count:>7,}  {name}{steps}")
    write_line(f"{sum(TRIED.values()):>7,}  in all ({len(TRIED)} fuzz tests)")
