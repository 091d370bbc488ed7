"""Shared fixtures: the real portal files beside the checkout, and a fresh data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Real files published by the Berlin portals, laid beside the checkout (never copied into it).
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "real-data"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The folder ``../shared/real-data``; tests using it skip where it is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip(f"real portal files not found at {REAL_DATA} (CI lays ../shared beside the checkout)")
    return REAL_DATA


@pytest.fixture()
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh, empty data folder used by the toolkit for this test."""
    from lichtenberg_data import settings as s

    folder = tmp_path / "data"
    monkeypatch.setenv("LICHTENBERG_DATA_DIR", str(folder))
    monkeypatch.setenv("LICHTENBERG_DATA_BACKOFF", "0.01")
    monkeypatch.setenv("LICHTENBERG_DATA_TIMEOUT", "3")
    old = (s.settings.data_dir, s.settings.backoff, s.settings.timeout)
    s.set(data_dir=folder, backoff=0.01, timeout=3)
    yield folder
    s.set(data_dir=old[0], backoff=old[1], timeout=old[2])


os.environ.setdefault("MPLBACKEND", "Agg")



def pytest_collection_modifyitems(config, items):
    """A test that reads the real portal files carries the ``realdata`` marker, always."""
    for item in items:
        if "real_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.realdata)
