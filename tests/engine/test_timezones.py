"""Time zone names as Outlook and Odoo write them."""

import pytest
import pytz

from engine.event_values import MappingError
from engine.timezones import WINDOWS_TO_IANA, graph_time_zone, to_iana, to_windows


@pytest.mark.parametrize(
    ("windows", "iana"),
    [
        ("Romance Standard Time", "Europe/Paris"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Eastern Standard Time", "America/New_York"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("New Zealand Standard Time", "Pacific/Auckland"),
        ("India Standard Time", "Asia/Kolkata"),
        ("FLE Standard Time", "Europe/Kyiv"),
        ("UTC+12", "Etc/GMT-12"),
        ("Dateline Standard Time", "Etc/GMT+12"),
    ],
)
def test_windows_names_read_as_iana(windows, iana):
    assert to_iana(windows) == iana


def test_windows_names_are_matched_whatever_their_case():
    assert to_iana("  romance STANDARD time ") == "Europe/Paris"


@pytest.mark.parametrize("name", ["UTC", "utc", "tzone://Microsoft/Utc", "Etc/UTC", "GMT"])
def test_outlook_spellings_of_utc_are_utc(name):
    assert to_iana(name) == "UTC"


def test_iana_names_pass_through_and_legacy_spellings_are_modernised():
    assert to_iana("Europe/Brussels") == "Europe/Brussels"
    assert to_iana("europe/brussels") == "Europe/Brussels"
    assert to_iana("Asia/Calcutta") == "Asia/Kolkata"
    assert to_iana("Europe/Kiev") == "Europe/Kyiv"


def test_retired_windows_names_still_read():
    assert to_iana("Kamchatka Standard Time") == "Asia/Kamchatka"


@pytest.mark.parametrize("name", ["Customized Time Zone", "Mars/Olympus_Mons", "tzone://Microsoft/Custom"])
def test_unknown_zone_is_a_clear_mapping_error(name):
    with pytest.raises(MappingError) as caught:
        to_iana(name)
    message = str(caught.value)
    assert name in message
    assert "Europe/Brussels" in message  # tells the user what a valid zone looks like


def test_missing_zone_is_a_mapping_error():
    with pytest.raises(MappingError, match="No time zone"):
        to_iana("")
    with pytest.raises(MappingError):
        to_iana(None)


def test_table_covers_cldr_and_every_entry_is_a_real_zone():
    assert len(WINDOWS_TO_IANA) >= 135
    for iana in WINDOWS_TO_IANA.values():
        pytz.timezone(iana)


def test_every_windows_name_survives_the_way_back():
    for windows in WINDOWS_TO_IANA:
        assert to_windows(to_iana(windows)) == windows


def test_graph_gets_windows_names_when_they_exist_and_iana_otherwise():
    assert graph_time_zone("Europe/Paris") == "Romance Standard Time"
    assert graph_time_zone("Asia/Calcutta") == "India Standard Time"
    assert graph_time_zone("UTC") == "UTC"
    # Brussels shares Paris' rules but is its own IANA zone: Graph accepts the IANA name.
    assert graph_time_zone("Europe/Brussels") == "Europe/Brussels"
    assert to_windows("Europe/Brussels") is None
