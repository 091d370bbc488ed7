"""Business stock and dynamics on monthly snapshots rebuilt from real IHK rows (tests/ihk_rows.py)."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from ihk_rows import july_2023

import lichtenberg_data as ld
from lichtenberg_data import business
from lichtenberg_data.names import BEZIRKE

pytestmark = pytest.mark.realdata

DS = "ihk_gewerbedaten"
BEZIRK_COL = 14  # "Bezirk" in the real header


@pytest.fixture()
def july(data_dir, real_data, tmp_path):
    june, july, rows = july_2023(real_data, tmp_path / "in")
    ld.import_file(DS, [june, july])
    return rows


def _per_bezirk(rows: list[list[str]]) -> dict[str, int]:
    """Rows per Bezirk key, counted on the raw CSV rows (independent of the toolkit)."""
    keys = {name: key for key, name in BEZIRKE.items()}
    return dict(Counter(keys[r[BEZIRK_COL]] for r in rows if r[BEZIRK_COL] in keys))


def test_entries_and_exits_of_july_2023_per_bezirk(july):
    d = business.dynamics("bezirk", start="2023-07")
    assert d.columns[:7].tolist() == ["stand", "bezirk_id", "vormonat", "bestand", "zugaenge", "abgaenge", "saldo"]
    assert set(d["stand"]) == {"2023-07"} and set(d["vormonat"]) == {"2023-06"}
    got = d.set_index("bezirk_id")
    assert got["zugaenge"].to_dict() == _per_bezirk(july["added"])
    assert got["abgaenge"].to_dict() == _per_bezirk(july["deleted"])
    assert got.loc["11", "zugaenge"] == 242 and got.loc["11", "abgaenge"] == 151  # SOURCES.md
    assert got.loc["11", "saldo"] == 91
    assert (got["zuzuege"] == 0).all() and (got["fortzuege"] == 0).all()  # shared rows did not move
    assert got["bestand"].to_dict() == _per_bezirk(july["shared"] + july["added"])


def test_the_first_month_has_no_entries_and_the_stock_adds_up(july):
    d = business.dynamics("planungsraum")
    first = d[d["stand"] == "2023-06"]
    assert first["zugaenge"].isna().all() and first["vormonat"].isna().all()
    # bestand(July) = bestand(June) + entries - exits (+ moves) for every Planungsraum
    wide = d.pivot_table(index="planungsraum_id", columns="stand", values="bestand", aggfunc="sum").fillna(0)
    jul = d[d["stand"] == "2023-07"].set_index("planungsraum_id")
    change = (jul["zugaenge"] - jul["abgaenge"] + jul["zuzuege"] - jul["fortzuege"]).astype(float)
    pd.testing.assert_series_equal((wide["2023-06"] + change).reindex(jul.index), jul["bestand"].astype(float),
                                   check_names=False, check_dtype=False)
    lichtenberg = business.dynamics("planungsraum", start="2023-07", district="Lichtenberg")
    assert lichtenberg["planungsraum_id"].str.startswith("11").all()
    assert int(lichtenberg["zugaenge"].sum()) <= 242  # rows without a Planungsraum have no area


@pytest.mark.slow  # 0.4 s on 2 cores
def test_sector_switches_and_moves_are_found(july, tmp_path, real_data):
    from ihk_rows import read_rows, write_snapshot

    header = july["header"][0]
    moved = [list(r) for r in july["shared"][:3]]
    for r in moved:  # the same businesses in another Bezirk and another section in August
        r[BEZIRK_COL], r[header.index("planungsraum_id")] = "Lichtenberg", "11300721"
        r[header.index("nace_id")] = "5610"
    august = write_snapshot(tmp_path / "IHK_OD_08-2023.csv", header, moved, july["shared"][3:], july["added"])
    ld.import_file(DS, august)
    m = business.moves("bezirk", start="2023-08")
    into = m[m["nach_bezirk_id"] == "11"]["betriebe"].sum()
    expected = sum(1 for r in july["shared"][:3] if r[BEZIRK_COL] != "Lichtenberg")
    assert into == expected
    s = business.sector_switches("berlin", start="2023-08")
    switched = sum(1 for r in july["shared"][:3] if not r[header.index("nace_id")].startswith("56"))
    assert s["betriebe"].sum() == switched and set(s["nach_abschnitt"]) <= {"I"}
    d = business.dynamics("bezirk", start="2023-08").set_index("bezirk_id")
    assert d.loc["11", "zuzuege"] == expected and d["zugaenge"].sum() == 0
    del read_rows


@pytest.mark.slow  # 0.6 s on 2 cores
def test_a_business_that_moves_away_and_back_is_a_move_each_time(july, tmp_path):
    """August: three businesses move to Lichtenberg; September: back where they were. Their rows
    of each month are rebuilt from one scan (a month mask per business and area)."""
    from ihk_rows import write_snapshot

    header = july["header"][0]
    home = [list(r) for r in july["shared"][:3] if r[BEZIRK_COL] != "Lichtenberg"]
    assert home  # (the first shared rows of the real July lie outside Lichtenberg)
    away = [list(r) for r in home]
    for r in away:
        r[BEZIRK_COL], r[header.index("planungsraum_id")] = "Lichtenberg", "11300721"
    rest = [r for r in july["shared"] + july["added"] if r not in home]
    ld.import_file(DS, [write_snapshot(tmp_path / "IHK_OD_08-2023.csv", header, away, rest),
                        write_snapshot(tmp_path / "IHK_OD_09-2023.csv", header, home, rest)])
    d = business.dynamics("bezirk", start="2023-08").set_index(["stand", "bezirk_id"])
    keys = {name: key for key, name in BEZIRKE.items()}
    back = Counter(keys[r[BEZIRK_COL]] for r in home)
    assert d.loc[("2023-08", "11"), "zuzuege"] == len(home) == d.loc[("2023-09", "11"), "fortzuege"]
    for key, n in back.items():
        assert d.loc[("2023-08", key), "fortzuege"] == n and d.loc[("2023-09", key), "zuzuege"] == n
    assert d["zugaenge"].sum() == 0 and d["abgaenge"].sum() == 0  # nobody entered or left the register
    m = business.moves("bezirk", start="2023-09")
    assert m.groupby("nach_bezirk_id")["betriebe"].sum().to_dict() == dict(back)
    assert set(m["von_bezirk_id"]) == {"11"}


@pytest.mark.slow  # 0.3 s on 2 cores
def test_long_windows_are_computed_in_pieces_with_the_same_result(july, tmp_path, monkeypatch):
    from ihk_rows import write_snapshot

    from lichtenberg_data.business import _dynamics

    header = july["header"][0]
    write_snapshot(tmp_path / "IHK_OD_08-2023.csv", header, july["shared"][5:], july["added"], july["deleted"][:40])
    ld.import_file(DS, tmp_path / "IHK_OD_08-2023.csv")
    whole = business.dynamics("planungsraum")
    monkeypatch.setattr(_dynamics, "_PIECE", 2)  # pieces of one shown month and its base
    pd.testing.assert_frame_equal(business.dynamics("planungsraum"), whole)


def test_stock_by_section_with_location_quotients(july):
    s = business.stock("bezirk", by="abschnitt")
    assert set(s["stand"]) == {"2023-07"}
    berlin = s[s["gebiet_id"] == "00"]
    assert berlin["betriebe"].sum() == 360 + 5417
    assert berlin["standortquotient"].round(12).eq(1).all()
    lichtenberg = s[s["gebiet_id"] == "11"]
    assert lichtenberg["betriebe"].sum() == _per_bezirk(july["shared"] + july["added"])["11"]
    row = lichtenberg.set_index("abschnitt").loc["I"]
    lq = (row["betriebe"] / lichtenberg["betriebe"].sum()) / (berlin.set_index("abschnitt").loc["I", "betriebe"]
                                                             / berlin["betriebe"].sum())
    assert row["standortquotient"] == pytest.approx(lq)
    assert row["abschnitt_text"] == "Gastgewerbe"
    assert business.stock("berlin")["betriebe"].tolist() == [360 + 5417]


def test_stock_per_planungsraum_of_the_district_per_1000_residents(july):
    ld.import_file("einwohner_lor", ld.demo.SNAPSHOT / "einwohner_lor" / "EWR_L21_202512E_Matrix.csv")
    s = business.stock("planungsraum", stand="2023-07")
    plr = s[s["gebiet_id"] != "00"]
    assert plr["gebiet_id"].str.startswith("11").all() and len(plr) <= 41
    ew = ld.load("einwohner_lor")
    one = plr.iloc[0]
    people = ew.loc[ew["planungsraum_id"] == one["gebiet_id"], "einwohner"].sum()
    assert one["je_1000_einwohner"] == pytest.approx(one["betriebe"] / people * 1000)
    assert "Einwohnerregister" in ld.source_note(s) and "IHK Berlin" in ld.source_note(s)
    by_size = business.stock("bezirk", by="groesse")
    assert set(by_size["groesse_text"]) <= set(business.GROUPS["groesse"][1].values())


def test_nearby_counts_the_businesses_within_a_radius(july):
    df = ld.load(DS)
    centre = df.dropna(subset=["latitude"]).iloc[0]
    near = business.nearby(centre["longitude"], centre["latitude"], 500)
    assert near["distanz_m"].max() <= 500 and near["distanz_m"].min() == pytest.approx(0, abs=0.01)
    assert centre["opendata_id"] in set(near["opendata_id"])
