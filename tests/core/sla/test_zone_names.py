"""Time-zone names: Zendesk's Rails display names and IANA names, and unknown names refused by name."""

from zoneinfo import ZoneInfo

import pytest

from zendesk_escalator.core.sla.zone_names import RAILS_TO_IANA, UnknownTimeZone, iana_zone


@pytest.mark.parametrize(
    "name, iana",
    [
        ("Eastern Time (US & Canada)", "America/New_York"),
        ("Central Time (US & Canada)", "America/Chicago"),
        ("Pacific Time (US & Canada)", "America/Los_Angeles"),
        ("London", "Europe/London"),
        ("Berlin", "Europe/Berlin"),
        ("Tokyo", "Asia/Tokyo"),
        ("International Date Line West", "Etc/GMT+12"),  # what Zendesk gives as a user's iana_time_zone
        ("Kyiv", "Europe/Kyiv"),
        ("Europe/Berlin", "Europe/Berlin"),  # an IANA name is taken as it is
        ("Australia/Lord_Howe", "Australia/Lord_Howe"),
        ("UTC", "Etc/UTC"),  # a Rails name too
    ],
)
def test_names_map_to_iana(name, iana):
    assert iana_zone(name) == iana


def test_every_target_of_the_table_is_a_zone_here():
    assert len(RAILS_TO_IANA) == 154  # Rails main, 2026-08: a shorter table lost names
    assert [name for name, iana in RAILS_TO_IANA.items() if ZoneInfo(iana).key != iana] == []


@pytest.mark.parametrize(
    "name", ["Nowhere", "eastern time (us & canada)", "", "Europe/Atlantis", "../etc/passwd", "localtime", None, 5]
)
def test_unknown_names_are_refused_by_name(name):
    with pytest.raises(UnknownTimeZone) as caught:
        iana_zone(name)
    assert caught.value.name == name and repr(name) in str(caught.value)
