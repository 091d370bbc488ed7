"""Shared fixtures: the real portal files beside the checkout, and a fresh data folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

#: Real files published by the Berlin portals, laid beside the checkout (never copied into it).
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "real-data"


#: The folders of ``../shared/real-data`` the shipped snapshot's files come from.
_TOPICS = ("population", "geometries", "employment", "landuse", "business", "statistics-xlsx", "tourism",
           "education")


@pytest.fixture(scope="session")
def real_data(tmp_path_factory) -> Path:
    """The real portal files: ``../shared/real-data`` where it lies beside the checkout, else
    the shipped snapshot laid out the same way (``LICHTENBERG_TEST_REAL_DATA=snapshot`` forces
    that). A test that needs a file the snapshot does not hold skips, naming the file."""
    if REAL_DATA.is_dir() and os.environ.get("LICHTENBERG_TEST_REAL_DATA") != "snapshot":
        return REAL_DATA
    from lichtenberg_data.demo import SNAPSHOT

    view = tmp_path_factory.mktemp("real-data-from-snapshot")
    files = [p for p in SNAPSHOT.glob("*/*") if p.is_file()]
    for topic in _TOPICS:
        (view / topic).mkdir()
        for f in files:
            (view / topic / f.name).symlink_to(f)
    return view


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Where only the snapshot is at hand, a real file it does not hold skips the test (naming
    the file) instead of failing it."""
    outcome = yield
    report = outcome.get_result()
    exc = call.excinfo.value if call.excinfo is not None else None
    if exc is None or call.excinfo.errisinstance(pytest.skip.Exception):
        return
    text = f"{getattr(exc, 'filename', '') or ''} {exc}"
    absent = [m for m in re.findall(r"/[^\s'\",()]*real-data-from-snapshot[^\s'\",()]*", text) if not Path(m).exists()]
    if absent:
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0,
                           f"Skipped: {Path(absent[0]).name} is not in the shipped snapshot "
                           "(../shared/real-data is absent)")


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


def need(path: Path) -> Path:
    """``path``, or a skip naming it where only the shipped snapshot is at hand."""
    if not path.exists():
        pytest.skip(f"{path.name} is not in the shipped snapshot (../shared/real-data is absent)")
    return path
