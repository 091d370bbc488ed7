"""The schema checks (:mod:`lichtenberg_data._validate`) on real tables of the shipped snapshot:
each passes as published and refuses one changed value, naming the check and the value."""

from __future__ import annotations

import functools

import pytest

from lichtenberg_data import catalog
from lichtenberg_data._errors import ValidationError
from lichtenberg_data._validate import validate
from lichtenberg_data.demo import SNAPSHOT

pytestmark = pytest.mark.slow  # each real file parses in 0.2-0.5 s

#: One real file (or pair) per dataset, as shipped in ``snapshot/``.
FILES = {
    "bodenrichtwerte": ("broker_2024.xls",),
    "baufertigstellungen": ("SB_F02-02-00_2022j01_BE.xlsx",),
    "schulen": ("Schulen_fisbroker_s_schulen_2020-07.geojson", "schulen_berlin_senbjf_2020.csv"),
}


@functools.cache
def _parsed(dataset_id: str):
    ds = catalog.get(dataset_id)
    return ds.parser({name: SNAPSHOT / dataset_id / name for name in FILES[dataset_id]})


def _changed(dataset_id: str, column: str, value, rows: int = 1):
    """The real table with ``value`` in ``column`` of its first ``rows`` rows (a copy)."""
    df = _parsed(dataset_id).copy()
    df.loc[df.index[:rows], column] = value
    return catalog.get(dataset_id), df


@pytest.mark.parametrize("dataset_id", sorted(FILES))
def test_the_real_tables_pass_as_published(dataset_id):
    validate(catalog.get(dataset_id), _parsed(dataset_id))


@pytest.mark.parametrize(("dataset_id", "value", "message"), [
    ("bodenrichtwerte", "99", "check 'known districts' failed: unknown bezirk_id ['99']"),
    ("bodenrichtwerte", "00", "check 'known districts' failed: unknown bezirk_id ['00']"),  # no Berlin rows there
    ("baufertigstellungen", "99", "check 'known districts' failed: unknown bezirk_id ['99']"),
    ("schulen", "13", "check 'known Bezirke' failed: unknown bezirk_id ['13']"),
])
def test_an_unknown_bezirk_is_refused_naming_the_check_and_the_key(dataset_id, value, message):
    ds, df = _changed(dataset_id, "bezirk_id", value)
    with pytest.raises(ValidationError) as err:
        validate(ds, df)
    assert str(err.value) == message


def test_berlin_total_is_a_known_key_where_the_report_has_one():
    df = _parsed("baufertigstellungen")
    assert (df["bezirk_id"] == "00").sum() > 0  # the report's Berlin rows, which pass above


def test_an_unknown_school_type_is_refused_and_a_missing_one_named_beside_it():
    ds, df = _changed("schulen", "schulart", "Zauberschule", rows=2)
    df.loc[df.index[2], "schulart"] = None
    with pytest.raises(ValidationError) as err:
        validate(ds, df)
    assert str(err.value) == "check 'known school types' failed: unknown schulart ['Zauberschule', nan]"
