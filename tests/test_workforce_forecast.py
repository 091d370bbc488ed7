"""The Senate's forecast per Bezirk (workforce/_forecast.py) on the sample of the assumed form."""

from __future__ import annotations

import pytest

from lichtenberg_data import workforce as wf
from lichtenberg_data.demo import sample_bytes
from lichtenberg_data.sources.forecast import parse_prognose


@pytest.fixture(scope="module")
def prognose(tmp_path_factory):
    path = tmp_path_factory.mktemp("prognose") / "bevoelkerungsprognose.xlsx"
    path.write_bytes(sample_bytes("bevoelkerungsprognose", "bevoelkerungsprognose.xlsx"))
    return parse_prognose({path.name: path})


def test_change_to_2040_per_bezirk_and_berlin(prognose):
    out = wf.forecast_change(prognose).set_index("gebiet_id")
    assert len(out) == 13 and set(out["variante"]) == {"mittlere"}
    li, berlin = out.loc["11"], out.loc["00"]
    assert (li["einwohner_basis"], li["einwohner_ziel"], li["veraenderung"]) == (312_500, 337_500, 25_000)
    assert li["veraenderung_pct"] == pytest.approx(8.0)
    assert (berlin["einwohner_ziel"], berlin["veraenderung"]) == (4_006_000, 109_000)
    assert (out.drop(index="00")["veraenderung"] < 0).sum() == 4  # four Bezirke shrink, as published


def test_another_variant_age_group_and_year(prognose):
    low = wf.forecast_change(prognose, "untere").set_index("gebiet_id")
    assert low.loc["00", "einwohner_ziel"] < 4_006_000
    young = wf.forecast_change(prognose, altersgruppe="15_18", zieljahr=2030).set_index("gebiet_id")
    assert young.loc["11", "zieljahr"] == 2030 and 0 < young.loc["11", "einwohner_basis"] < 20_000
    with pytest.raises(ValueError, match="no rows for variant 'hoch'"):
        wf.forecast_change(prognose, "hoch")
    with pytest.raises(ValueError, match="no years 2024 and 2050"):
        wf.forecast_change(prognose, zieljahr=2050)
