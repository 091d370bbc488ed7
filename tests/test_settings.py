"""Settings: defaults, environment overrides, validation with messages that say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

import lichtenberg_data as ld
from lichtenberg_data import settings as s


def test_settings_validate():
    with pytest.raises(ld.UnknownDistrictError, match="Atlantis"):
        ld.settings.set(district="Atlantis")
    with pytest.raises(ld.SettingsError, match="timeout"):
        ld.settings.set(timeout=-1)
    with pytest.raises(ld.SettingsError, match="unknown setting"):
        ld.settings.set(colour="red")
    assert ld.settings.set(district="11").district == "Lichtenberg"




def test_environment_overrides_and_reload(monkeypatch, tmp_path):
    monkeypatch.setenv("LICHTENBERG_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("LICHTENBERG_DATA_DISTRICT", "10")
    monkeypatch.setenv("LICHTENBERG_DATA_TIMEOUT", "12.5")
    old = {f: getattr(s.settings, f) for f in ("data_dir", "district", "timeout")}
    try:
        fresh = s.reload_from_environment()
        assert fresh.data_dir == tmp_path / "elsewhere"
        assert fresh.district == "Marzahn-Hellersdorf" and fresh.timeout == 12.5
        assert fresh.processed_dir == tmp_path / "elsewhere" / "processed"
    finally:
        s.set(**old)


def test_district_accepts_name_key_and_label():
    try:
        for value in ("Lichtenberg", "11", 11, "011", "11 - Lichtenberg"):
            assert s.set(district=value).district == "Lichtenberg"
    finally:
        s.set(district="Lichtenberg")


@pytest.mark.parametrize("name, value, message", [
    ("retries", -1, "whole number >= 0"), ("keep_snapshots", 0, "whole number >= 1"),
    ("backoff", "x", "number >= 0"), ("user_agent", "  ", "descriptive one"),
])
def test_bad_values_are_refused_and_nothing_changes(name, value, message):
    before = getattr(s.settings, name)
    with pytest.raises(ld.SettingsError, match=message):
        s.set(**{name: value})
    assert getattr(s.settings, name) == before


def test_the_tests_never_use_the_users_data_folder():
    project_data = Path(ld.settings.project_root()) / "data"
    assert s.settings.data_dir != project_data
    assert not s.settings.data_dir.is_relative_to(project_data)
