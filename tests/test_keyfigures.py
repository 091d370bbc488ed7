"""The key figures, declared once: the registry, a figure's values for a district, the notebooks' use."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from lichtenberg_data import catalog
from lichtenberg_data.briefing import SECTIONS, keyfigures
from lichtenberg_data.briefing.keyfigures import Ctx, evaluate, get
from lichtenberg_data.names import BEZIRKE

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def _code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_every_figure_is_declared_once_with_label_unit_section_and_known_datasets():
    ids = keyfigures.ids()
    assert len(ids) == len(set(ids)) >= 55
    for fid in ids:
        fig = get(fid)
        assert fig.section in SECTIONS and fig.label and fig.noun, fid
        assert re.fullmatch(r"[a-z][a-z0-9_]*", fid), fid
        assert set(fig.datasets) <= set(catalog.ids()), (fid, fig.datasets)
        assert fig.kind in {"rate", "count"} and set(fig.says) <= {"change", "level"}, fid
    assert [get(i).section for i in ids] == sorted((get(i).section for i in ids), key=list(SECTIONS).index)


def test_an_unknown_id_names_the_valid_ones():
    with pytest.raises(KeyError, match="unknown key figure 'einwohnerzahl'; valid ids: einwohner, einwohnerdichte"):
        get("einwohnerzahl")


def test_the_notebooks_hand_over_every_figure_by_its_id_and_no_figure_without_one():
    code = "\n".join(_code(p) for p in NOTEBOOKS)
    assert "key_figure(SECTION" not in code and "latest_pair" not in code
    called = set(re.findall(r'key_figure\("([a-z0-9_]+)"', code)) | set(re.findall(r'"([a-z0-9_]+)"', code))
    assert set(keyfigures.ids()) - called == set()


def _long(rows: list[tuple[str, object, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"gebiet_id": g, "gebiet": {**BEZIRKE, "00": "Berlin"}[g], "zeit": z, "wert": v}
                         for g, z, v in rows])


def test_the_previous_value_is_the_previous_available_one_and_berlin_and_the_bezirke_share_its_periods():
    rows = [("11", pd.Timestamp("2020-12-31"), 296837), ("11", pd.Timestamp("2025-12-31"), 318261),
            ("00", pd.Timestamp("2020-12-31"), 3769962), ("00", pd.Timestamp("2025-12-31"), 3913644),
            ("00", pd.Timestamp("2019-12-31"), 3700000),  # Berlin has a year the district lacks
            ("10", pd.Timestamp("2020-12-31"), 273731), ("10", pd.Timestamp("2025-12-31"), 296687)]
    got = evaluate(get("einwohner"), _long(rows), Ctx("Lichtenberg", "11"))
    assert (got["current"], got["when"], got["previous"], got["previous_when"]) == \
        (318261, "2025-12-31", 296837, "2020-12-31")
    assert got["reference"] == {"id": "00", "name": "Berlin", "current": 3913644, "previous": 3769962}
    assert got["bezirke"] == {"10": {"name": "Marzahn-Hellersdorf", "current": 296687, "previous": 273731},
                              "11": {"name": "Lichtenberg", "current": 318261, "previous": 296837}}
    assert got["series"] == [["2020-12-31", 296837], ["2025-12-31", 318261]]


def test_the_briefing_year_leaves_out_later_periods():
    rows = [("11", 2019, 5.0), ("11", 2024, 6.0), ("11", 2027, 9.0), ("00", 2024, 5.5), ("00", 2027, 8.0)]
    got = evaluate(get("bettenauslastung"), _long(rows), Ctx("Lichtenberg", "11", year=2026))
    assert (got["current"], got["when"], got["previous"], got["previous_when"]) == (6.0, "2024", 5.0, "2019")
    assert got["reference"]["current"] == 5.5


def test_no_value_for_the_district_is_a_missing_figure_naming_its_dataset():
    from lichtenberg_data import DataNotAvailableError

    table = _long([("10", 2024, 1.0)])
    fig = get("bettenauslastung")
    with pytest.raises(LookupError, match="no value for Lichtenberg"):
        evaluate(fig, table, Ctx("Lichtenberg", "11"))
    with pytest.raises(DataNotAvailableError) as info:
        keyfigures.compute("bettenauslastung", table.assign(jahr=2024, bettenauslastung=1.0), district="Lichtenberg")
    assert info.value.dataset == "beherbergung_bezirke" and "keine Angabe für Lichtenberg" in info.value.lacks


def test_a_missing_dataset_is_listed_as_missing(data_dir):
    rows = {r["id"]: r for r in keyfigures.listing("Lichtenberg")}
    assert rows["einwohner"]["missing"] == "fehlt: einwohner_lor"
    assert rows["uebernachtungen"]["missing"] == "fehlt: beherbergung_bezirke"
    assert all(r["current"] is None for r in rows.values())


def test_published_figures_come_from_the_curated_table_with_their_source():
    (row,) = keyfigures.published("einkaufszentren", "11")
    assert row["wert"] == "12" and row["quelle_url"].startswith("https://www.berliner-woche.de/")
    assert keyfigures.published("einkaufszentren", "10") == []
