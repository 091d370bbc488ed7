"""Set-up for every test and doctest of the project (``tests/`` and ``lichtenberg_data/``)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session", autouse=True)
def _never_the_users_data_folder(tmp_path_factory):
    """Point the toolkit at an empty folder for the whole run (doctests included), so that no
    test reads or writes the user's ``data/`` folder - not even after ``make demo`` filled it."""
    from lichtenberg_data import settings as s

    folder = tmp_path_factory.mktemp("session-data")
    old_env, old_dir = os.environ.get("LICHTENBERG_DATA_DIR"), s.settings.data_dir
    os.environ["LICHTENBERG_DATA_DIR"] = str(folder)
    s.set(data_dir=folder)
    yield folder
    s.set(data_dir=old_dir)
    if old_env is None:
        os.environ.pop("LICHTENBERG_DATA_DIR", None)
    else:
        os.environ["LICHTENBERG_DATA_DIR"] = old_env
