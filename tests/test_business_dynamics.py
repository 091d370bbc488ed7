"""The month-to-month flows of the IHK register (business/_dynamics.py) on hand-made months."""

from __future__ import annotations

import pandas as pd

from lichtenberg_data import _store, business


def _months(months: dict[str, list[tuple[str, str, str, str]]]) -> None:
    """Store monthly register tables: rows of (opendata_id, planungsraum_id, bezirk_id, abschnitt)."""
    for month, rows in months.items():
        df = pd.DataFrame(rows, columns=["opendata_id", "planungsraum_id", "bezirk_id", "abschnitt"])
        df["date"] = pd.Timestamp(f"{month}-01")
        df.attrs = {"provenance": [{"dataset": "ihk_gewerbedaten"}]}
        _store.write_processed("ihk_gewerbedaten", df)


def test_a_repeated_row_of_a_business_that_moves_counts_once_and_the_stock_adds_up(data_dir):
    """x appears twice in January (an export repeating a row) and moves from Bezirk 01 to 02 in
    February: one move, as the stock counts x once."""
    _months({"2023-01": [("x", "01010101", "01", "G"), ("x", "01010101", "01", "G"), ("y", "01010101", "01", "G")],
             "2023-02": [("x", "02020202", "02", "G"), ("y", "01010101", "01", "G")]})
    d = business.dynamics("bezirk").set_index(["stand", "bezirk_id"])
    assert d.loc[("2023-01", "01"), "bestand"] == 2  # x and y, x once
    assert d.loc[("2023-02", "01"), ["bestand", "fortzuege"]].tolist() == [1, 1]
    assert d.loc[("2023-02", "02"), ["bestand", "zuzuege"]].tolist() == [1, 1]
    for bezirk in ("01", "02"):  # bestand = bestand(vormonat) + zugaenge - abgaenge + zuzuege - fortzuege
        before = d["bestand"].get(("2023-01", bezirk), 0)
        now = d.loc[("2023-02", bezirk)]
        assert now["bestand"] == before + now["zugaenge"] - now["abgaenge"] + now["zuzuege"] - now["fortzuege"]
    assert business.moves("bezirk")["betriebe"].tolist() == [1]


def test_entries_exits_and_a_move_away_and_back_over_three_months(data_dir):
    _months({"2023-01": [("a", "01010101", "01", "G"), ("b", "01010101", "01", "C")],
             "2023-02": [("a", "02020202", "02", "G"), ("c", "01010101", "01", "G")],
             "2023-03": [("a", "01010101", "01", "G"), ("c", "01010101", "01", "G"), ("d", "02020202", "02", "C")]})
    d = business.dynamics("bezirk").set_index(["stand", "bezirk_id"])
    feb, mar = d.xs("2023-02"), d.xs("2023-03")
    assert feb.loc["01", ["zugaenge", "abgaenge", "fortzuege"]].tolist() == [1, 1, 1]  # c in, b out, a away
    assert feb.loc["02", ["bestand", "zuzuege"]].tolist() == [1, 1]
    assert mar.loc["01", ["bestand", "zuzuege"]].tolist() == [2, 1]  # a back
    assert mar.loc["02", ["zugaenge", "fortzuege", "bestand"]].tolist() == [1, 1, 1]  # d in, a away
    moves = business.moves("bezirk")
    assert moves[["stand", "von_bezirk_id", "nach_bezirk_id", "betriebe"]].values.tolist() == [
        ["2023-02", "01", "02", 1], ["2023-03", "02", "01", 1]]


def test_an_id_in_two_bezirke_at_once_is_a_business_in_each_and_never_a_move(data_dir):
    """An id an Excel export mangled ('9,43032E+11') stands for a business in 01 and one in 02; in
    March only the one in 01 is left: an exit in 02, no move, and the stock adds up in each."""
    mangled = "9,43032E+11"
    _months({"2023-01": [(mangled, "01010101", "01", "G"), (mangled, "02020202", "02", "G"), ("y", "01010101", "01", "G")],
             "2023-02": [(mangled, "01010101", "01", "G"), (mangled, "02020202", "02", "C"), ("y", "01010101", "01", "G")],
             "2023-03": [(mangled, "01010101", "01", "G"), ("y", "01010101", "01", "G")]})
    d = business.dynamics("bezirk").set_index(["stand", "bezirk_id"])
    assert d.loc[("2023-01", "01"), "bestand"] == 2 and d.loc[("2023-01", "02"), "bestand"] == 1
    assert d.loc[("2023-03", "02"), ["bestand", "abgaenge", "fortzuege"]].tolist() == [0, 1, 0]
    assert d.loc[("2023-03", "01"), ["bestand", "zuzuege"]].tolist() == [2, 0]
    assert d["zuzuege"].sum() == 0 and d["fortzuege"].sum() == 0
    for (stand, bezirk), now in d.loc[["2023-02", "2023-03"]].iterrows():
        before = d["bestand"].get((f"2023-0{int(stand[-1]) - 1}", bezirk), 0)
        assert now["bestand"] == before + now["zugaenge"] - now["abgaenge"] + now["zuzuege"] - now["fortzuege"]
    assert business.moves("bezirk").empty
    assert business.sector_switches("berlin").empty  # its G and C in February are two businesses
