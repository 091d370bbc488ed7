"""The Modellrechnung of the future workforce (workforce/_cohorts.py): the arithmetic on a small
register worked out by hand, and the real register of 2020 and 2025 (exact where the bands give
the answer, bounds where the spreading within a band decides)."""

from __future__ import annotations

import pandas as pd
import pytest

from lichtenberg_data import workforce as wf
from lichtenberg_data._errors import DataNotAvailableError
from lichtenberg_data.sources.population import AGE_BANDS

# Counts per band (all other bands 0). Area 11 = Lichtenberg, area 01 = Mitte.
HAND = {
    (2020, "11010101"): {"05_06": 100, "08_10": 200, "40_45": 500, "45_50": 500, "50_55": 500, "55_60": 1000},
    (2025, "11010101"): {"05_06": 50, "10_12": 260, "12_14": 220, "14_15": 100, "15_18": 90, "45_50": 500,
                         "50_55": 500, "55_60": 450, "60_63": 600, "63_65": 380},
    (2020, "01010101"): {"10_12": 40},
    (2025, "01010101"): {"15_18": 60},
}


@pytest.fixture()
def register() -> pd.DataFrame:
    rows = []
    for (year, plr), bands in HAND.items():
        row = {"year": year, "planungsraum_id": plr, "bezirk_id": plr[:2]}
        row.update({f"alter_{b}": float(bands.get(b, 0)) for b in AGE_BANDS})
        rows.append(row)
    df = pd.DataFrame(rows)
    df.attrs["provenance"] = [{"dataset": "einwohner_lor", "publisher": "Test", "reference_date": "2025-12-31"}]
    return df


def test_bands_are_spread_evenly_over_their_ages(register):
    ages = wf.single_years(register)
    li = ages.loc[(2025, "11")]
    assert li[[10, 11, 12, 13, 14, 15, 16, 17, 18]].tolist() == [130, 130, 110, 110, 100, 30, 30, 30, 0]
    assert li[[60, 61, 62, 63, 64]].tolist() == [200, 200, 200, 190, 190]
    assert ages.loc[(2025, "00"), 15] == 50  # Berlin = 30 (11) + 20 (01)


def test_the_cohort_change_is_the_residual_of_five_years(register):
    r = wf.cohort_change(register)
    assert r.attrs["base_year"] == 2025
    # R(a) = N_2025(a) - N_2020(a - 5): e.g. R(10) = 130 - 100, R(13) = 110 - 100, R(15) = 30 - 0
    assert r.loc["11", [10, 11, 12, 13, 14, 15, 16, 17]].tolist() == [30, 130, 110, 10, 0, 30, 30, 30]
    assert r.loc["11", [55, 59, 60, 62, 63, 64]].tolist() == [-10, -10, 0, 0, -10, -10]
    assert r.loc["01", [15, 16, 17]].tolist() == [0, 0, 20]  # 20 - 20, 20 - 20, 20 - 0
    assert r.loc["11"].iloc[:5].isna().all()  # no cohort change below age 5 (births)


def test_entries_and_exits_worked_out_by_hand(register):
    out = wf.working_age_flows(register).set_index(["gebiet_id", "zieljahr"])
    li30, li35 = out.loc[("11", 2030)], out.loc[("11", 2035)]
    # 2030: N_2025(10..14) = 130+130+110+110+100 = 580, plus R(15..19) = 90
    assert (li30["eintritte"], li30["eintritte_nur_alterung"], li30["wanderung_eintritte"]) == (670, 580, 90)
    assert li30["austritte"] == 980                       # N_2025(60..64) = 3 * 200 + 2 * 190
    assert li30["saldo"] == -310
    assert li30["einwohner_15_25"] == 760                 # N_2025(10..19) = 670, + R(15..24) = 90
    assert li30["einwohner_55_65"] == 880                 # N_2025(50..59) = 950, + R(55..64) = -70
    # 2035: N_2025(5..14) = 630, + R(10..19) = 370, + R(15..24) = 90
    assert (li35["eintritte"], li35["eintritte_nur_alterung"], li35["wanderung_eintritte"]) == (1090, 630, 460)
    assert li35["austritte"] == 1430                      # N_2025(55..64) = 450 + 980
    assert li35["saldo"] == -340
    assert li35["einwohner_15_25"] == li35["eintritte"]   # h = 10: the entrants are the 15-25 of 2035
    assert li35["einwohner_55_65_basis"] == 1430 and li35["einwohner_15_25_basis"] == 90
    mi30, mi35 = out.loc[("01", 2030)], out.loc[("01", 2035)]
    assert (mi30["eintritte"], mi30["austritte"], mi35["eintritte"]) == (20, 0, 40)  # R(17) = 20, twice by 2035
    be30 = out.loc[("00", 2030)]
    assert (be30["gebiet"], be30["eintritte"], be30["austritte"]) == ("Berlin", 690, 980)
    assert "Saldo der Jahrgänge 2020–2025 je Altersjahr" in wf.working_age_flows(register).attrs["annahme"]


def test_without_the_register_five_years_before_it_says_which_year(register):
    with pytest.raises(DataNotAvailableError, match=r"needs the register of 31\.12\.2025 and of 31\.12\.2020") as info:
        wf.working_age_flows(register[register["year"] == 2025])
    assert info.value.dataset == "einwohner_lor"
    with pytest.raises(ValueError, match="multiples of 5"):
        wf.working_age_flows(register, horizons=(4,))


@pytest.fixture(scope="module")
def real_register(real_data):
    from lichtenberg_data.sources.population import parse_ewr_matrix

    folder = real_data / "population"
    parts = [parse_ewr_matrix(folder / name) for name in ("EWR202012E_Matrix.csv", "EWR_L21_202512E_Matrix.csv")]
    return pd.concat(parts, ignore_index=True)


def test_the_real_register_2020_and_2025(real_register):
    out = wf.working_age_flows(real_register).set_index(["gebiet_id", "zieljahr"])
    now = real_register[real_register["year"] == 2025]
    li = now[now["bezirk_id"] == "11"]
    band = {b: li[f"alter_{b}"].sum() for b in AGE_BANDS}
    li30, li35 = out.loc[("11", 2030)], out.loc[("11", 2035)]
    # exact where the band edges are the ages asked for
    assert li30["austritte"] == band["60_63"] + band["63_65"]                  # turn 65 by 2030
    assert li35["austritte"] == li["alter_55_65"].sum()                         # turn 65 by 2035
    assert li30["eintritte_nur_alterung"] == band["10_12"] + band["12_14"] + band["14_15"]
    assert li35["eintritte_nur_alterung"] == sum(band[b] for b in ("05_06", "06_07", "07_08", "08_10", "10_12",
                                                                   "12_14", "14_15"))
    # the assumption: Lichtenberg gained young people in 2020–2025, so more enter than age into it
    assert 0 < li30["wanderung_eintritte"] < 0.25 * li30["eintritte_nur_alterung"]
    assert 0 < li35["wanderung_eintritte"] < 0.5 * li35["eintritte_nur_alterung"]
    assert 10_000 < li30["eintritte"] < 30_000 and 30_000 < li35["eintritte"] < 60_000
    # Berlin is the sum of the twelve Bezirke
    for year in (2030, 2035):
        bez = out.xs(year, level="zieljahr").drop(index="00")
        assert len(bez) == 12
        assert out.loc[("00", year), "eintritte"] == pytest.approx(bez["eintritte"].sum())
        assert out.loc[("00", year), "austritte"] == pytest.approx(bez["austritte"].sum())
