"""The construction backlog on the real F II 2 reports 2020-2022: Lichtenberg against Berlin, over the years."""

from __future__ import annotations

import pandas as pd
import pytest

from lichtenberg_data._provenance import provenance
from lichtenberg_data.land.construction import backlog
from lichtenberg_data.sources.construction import parse_fii2_file


@pytest.fixture(scope="module")
def reports(real_data) -> pd.DataFrame:
    df = pd.concat([parse_fii2_file(real_data / "statistics-xlsx" / f"SB_F02-02-00_{y}j01_BE.xlsx")
                    for y in (2020, 2021, 2022)], ignore_index=True)
    df.attrs["provenance"] = [{"dataset": "baufertigstellungen", "publisher": "Amt für Statistik Berlin-Brandenburg"}]
    return df


def _series(table: pd.DataFrame, key: str, column: str = "ueberhang") -> dict[int, float]:
    return table[table["gebiet_id"] == key].set_index("year")[column].to_dict()


@pytest.mark.slow  # 0.4 s on 2 cores
def test_lichtenberg_backlog_over_the_years(reports):
    assert _series(backlog(reports, "wohnungen"), "11") == {2020: 5461, 2021: 7627, 2022: 8140}
    assert _series(backlog(reports, "wohnbauvorhaben"), "11") == {2020: 698, 2021: 798, 2022: 768}
    assert _series(backlog(reports, "nichtwohnbauvorhaben"), "11") == {2020: 106, 2021: 105, 2022: 109}
    assert _series(backlog(reports, "wohnungen"), "00") == {2020: 65661, 2021: 65270, 2022: 61534}


def test_states_and_the_share_not_begun(reports):
    table = backlog(reports, "wohnungen")
    li = table[(table["gebiet_id"] == "11") & (table["year"] == 2022)].iloc[0]
    assert (li["unter_dach"], li["nicht_unter_dach"], li["nicht_begonnen"], li["erloschen"]) == (2497, 2886, 2371, 110)
    assert li["neubau"] == li["unter_dach"] + li["nicht_unter_dach"] + li["nicht_begonnen"] == 7754
    assert li["anteil_nicht_begonnen_prozent"] == pytest.approx(2371 / 7754 * 100)
    share_2020 = _series(table, "11", "anteil_nicht_begonnen_prozent")[2020]
    assert share_2020 == pytest.approx(2659 / 5007 * 100)  # more than half of it not begun at the end of 2020
    assert len(table) == 39 and table["date"].dt.strftime("%d.%m.").unique().tolist() == ["31.12."]
    assert provenance(table)[0]["dataset"] == "baufertigstellungen"


def test_unknown_kind_and_a_table_without_backlog(reports):
    with pytest.raises(ValueError, match="kind must be one of wohnungen, wohnbauvorhaben, nichtwohnbauvorhaben"):
        backlog(reports, "gewerbe")
    completions_only = reports[~reports["massnahme"].str.startswith(("ueberhang", "erloschen"))]
    with pytest.raises(ValueError, match="holds no Bauüberhang of Wohnungen in Wohngebäuden"):
        backlog(completions_only)
