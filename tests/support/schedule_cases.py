"""Schedules written as week-minute intervals, as the core's Schedule takes them."""

DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def hours(**days: str) -> tuple[tuple[int, int], ...]:
    """Zendesk week minutes from {"mon": "09:00-12:00 13:00-17:00", ...}."""
    intervals = []
    for day, shifts in days.items():
        for shift in shifts.split():
            start, end = ([int(part) for part in clock.split(":")] for clock in shift.split("-"))
            base = DAYS.index(day) * 1440
            intervals.append((base + start[0] * 60 + start[1], base + end[0] * 60 + end[1]))
    return tuple(intervals)


WEEKDAYS_9_17 = hours(**{day: "09:00-17:00" for day in DAYS[1:6]})
