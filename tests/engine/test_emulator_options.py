"""Service options: set from Python and over HTTP, checked, and undone by reset()."""

import pytest
import requests
from graph_emulator import EmulatorClient

DEFAULTS = {"series_paging": "whole", "incremental_series": "whole",
            "deleted_occurrence": "absent", "transaction_id_after_delete": "creates_new",
            "resend_unchanged": 0.0}


def test_defaults_are_the_tidy_behaviour(emulator):
    assert emulator.options() == DEFAULTS


def test_set_options_returns_every_value_and_reset_restores_the_defaults(emulator):
    chosen = emulator.set_options(series_paging="split_reversed", resend_unchanged=0.25)
    assert chosen == {**DEFAULTS, "series_paging": "split_reversed",
                      "resend_unchanged": 0.25}
    emulator.reset()
    assert emulator.options() == DEFAULTS


@pytest.mark.parametrize("options", [
    {"series_paging": "sometimes"},
    {"colour": "blue"},
    {"resend_unchanged": 1.5},
    {"resend_unchanged": "half"},
    {"incremental_series": "master_only", "deleted_occurrence": "maybe"},
])
def test_unknown_names_and_values_are_refused_and_change_nothing(emulator, options):
    with pytest.raises(ValueError):
        emulator.set_options(**options)
    assert emulator.options() == DEFAULTS


def test_options_over_http(emulator):
    client = EmulatorClient(emulator.base_url)
    answer = client.set_options(incremental_series="changed_only",
                                deleted_occurrence="cancelled")
    assert answer["incremental_series"] == "changed_only"
    assert emulator.options()["deleted_occurrence"] == "cancelled"
    assert client.options() == emulator.options()
    refused = requests.post(f"{emulator.base_url}/_emulator/set_options", timeout=10,
                            json={"series_paging": "sideways"})
    assert refused.status_code == 400 and "split_reversed" in refused.json()["error"]
    client.reset()
    assert emulator.options() == DEFAULTS
