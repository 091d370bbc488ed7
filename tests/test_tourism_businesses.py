"""Tourism businesses of the IHK register: branches, places and size bands, by hand and on real
IHK lines (the monthly diff files of 2023 hold unmodified rows of the register)."""

from __future__ import annotations

import csv
import io

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from lichtenberg_data import catalog, source_note, tourism
from lichtenberg_data.demo import SNAPSHOT
from lichtenberg_data.sources.business import parse_ihk
from lichtenberg_data.sources.geography import parse_lor_planungsraeume

IHK = [{"dataset": "ihk_gewerbedaten", "publisher": "IHK Berlin", "license": "CC0 1.0", "reference_date": "2026-11-01"}]
TOURISM = ("55", "56", "79", "90", "91", "92", "93")


def _areas() -> gpd.GeoDataFrame:
    """Two Planungsräume of Lichtenberg and one of Mitte, 1 km squares (EPSG:25833)."""
    boxes = [shapely.box(400000, 5820000, 401000, 5821000), shapely.box(401000, 5820000, 402000, 5821000),
             shapely.box(390000, 5820000, 391000, 5821000)]
    return gpd.GeoDataFrame({"planungsraum_id": ["11300722", "11300723", "01100101"],
                             "planungsraum": ["Nord", "Süd", "Mitte A"], "lor_version": "2021"},
                            geometry=boxes, crs="EPSG:25833")


def _lonlat(x: float, y: float) -> tuple[float, float]:
    return Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True).transform(x, y)


def _ihk() -> pd.DataFrame:
    inside_nord, inside_mitte = _lonlat(400500, 5820500), _lonlat(390500, 5820500)
    rows = [  # nace_id, employees_range, planungsraum_id, (lon, lat), bezirk_id of the IHK
        ("5510", "1 - 3 Beschäftigte", "11300722", inside_nord, "11"),
        ("5610", "0 Beschäftigte", "11300722", inside_nord, "11"),
        ("5610", "0", None, inside_nord, None),  # no Planungsraum: placed by its coordinates
        ("5630", "10 - 19 Beschäftigte", "11300723", inside_nord, "11"),  # the IHK's Planungsraum wins
        ("7990", "unbekannt", "11300723", inside_nord, "11"),
        ("9311", "200 - 499 Beschäftigte", "01100101", inside_mitte, "01"),
        ("9101", "50 - 99 Beschäftigte", None, (None, None), "11"),  # no place at all: only in Berlin's count
        ("4711", "1 - 3 Beschäftigte", "11300722", inside_nord, "11"),  # retail: no tourism
        ("0000", "0", "11300722", inside_nord, "11"),
    ]
    df = pd.DataFrame({"date": pd.Timestamp("2026-11-01"), "nace_id": [r[0] for r in rows],
                       "employees_range": [r[1] for r in rows], "planungsraum_id": [r[2] for r in rows],
                       "longitude": [r[3][0] for r in rows], "latitude": [r[3][1] for r in rows],
                       "bezirk_id": [r[4] for r in rows]})
    df["branch_top_level_id"] = df["nace_id"].str[:2]
    df.attrs["provenance"] = IHK
    return df


def test_tourism_rows_branch_size_and_place():
    rows = tourism.tourism_rows(_ihk(), areas=_areas())
    assert rows["branche"].tolist() == ["beherbergung", "gastronomie", "gastronomie", "gastronomie", "reisen",
                                        "kultur_freizeit", "kultur_freizeit"]
    assert rows["groesse"].tolist() == ["b_1_9", "ohne_beschaeftigte", "ohne_beschaeftigte", "b_10_49", "unbekannt",
                                        "b_200_plus", "b_50_199"]
    assert rows["planungsraum_id"].tolist()[:4] == ["11300722", "11300722", "11300722", "11300723"]
    assert rows["bezirk_id"].tolist() == ["11", "11", "11", "11", "11", "01", "11"]


def test_businesses_per_planungsraum_and_bezirk():
    einwohner = pd.DataFrame({"year": 2025, "planungsraum_id": ["11300722", "11300723", "11401034", "01100101"],
                              "einwohner": [1500, 500, 1000, 2000]})
    out = tourism.businesses(_ihk(), "planungsraum", "Lichtenberg", einwohner=einwohner, areas=_areas()).set_index("gebiet_id")
    assert out.index.tolist() == ["11300722", "11300723", "11401034"]
    nord, sued = out.loc["11300722"], out.loc["11300723"]
    assert nord[["betriebe", "beherbergung", "gastronomie", "betriebe_unter_10"]].tolist() == [3, 1, 2, 3]
    assert (nord["betriebe_je_1000_ew"], nord["anteil_unter_10"], nord["gebiet"]) == (2.0, 100.0, "Nord")
    assert sued[["betriebe", "gastronomie", "reisen", "betriebe_unter_10"]].tolist() == [2, 1, 1, 0]
    assert sued["anteil_unter_10"] == 0.0 and sued["betriebe_je_1000_ew"] == 4.0  # the unknown size is left out
    assert out.loc["11401034", "betriebe"] == 0 and pd.isna(out.loc["11401034", "anteil_unter_10"])
    bezirke = tourism.businesses(_ihk(), "bezirk", areas=_areas()).set_index("gebiet")
    # Lichtenberg: 5 placed + 1 with only the IHK's district; Berlin: all 7
    assert bezirke.loc[["Berlin", "Mitte", "Lichtenberg"], "betriebe"].tolist() == [7, 1, 6]
    assert bezirke.loc["Berlin", "kultur_freizeit"] == 2 and bezirke.loc["Berlin", "anteil_unter_10"] == 50.0  # 3 of 6
    assert bezirke["date"].iloc[0] == pd.Timestamp("2026-11-01") and source_note(bezirke).startswith("Quelle: IHK Berlin")


def test_business_sizes_district_against_berlin():
    out = tourism.business_sizes(_ihk(), "Lichtenberg", areas=_areas())
    lb, berlin = out[out["gebiet"] == "Lichtenberg"], out[out["gebiet"] == "Berlin"]
    assert lb["groesse"].tolist() == list(tourism.SIZE_BANDS.values())
    assert lb["betriebe"].tolist() == [2, 1, 1, 1, 0, 1] and berlin["betriebe"].tolist() == [2, 1, 1, 1, 1, 1]
    assert lb["anteil"].tolist()[:5] == [40.0, 20.0, 20.0, 20.0, 0.0] and pd.isna(lb["anteil"].iloc[5])
    assert berlin["anteil"].tolist()[:2] == [33.3, 16.7]
    gastro = tourism.business_sizes(_ihk(), "11", branche="gastronomie", areas=_areas())
    assert gastro["branche"].iloc[0] == "Gastronomie (56)" and gastro["betriebe"].tolist()[:3] == [2, 0, 1]
    with pytest.raises(ValueError, match="branche must be one of"):
        tourism.business_sizes(_ihk(), branche="hotels", areas=_areas())


# ----------------------------------------------------------------------------- real IHK lines
DIFF = "ihk-monthly-diffs-2023/05_may_added.csv"


@pytest.fixture(scope="module")
def real(real_data):
    path = real_data / "business" / DIFF
    areas = parse_lor_planungsraeume({"kieze.geojson": SNAPSHOT / "lor_planungsraeume" / "kieze.geojson"})
    return path, parse_ihk(path), areas


@pytest.mark.realdata
def test_real_tourism_businesses_per_bezirk(real):
    """Lichtenberg's count equals the rows the IHK puts in Lichtenberg plus the rows without a
    district whose coordinates lie in Lichtenberg's ALKIS border - read with the csv module."""
    path, ihk, areas = real
    raw = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8").replace("\r", "\n"))))
    tour = [r for r in raw if r["nace_id"][:2] in TOURISM and len(r["nace_id"]) == 4]
    gml = SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml"
    border = catalog.get("bezirke").parser({gml.name: gml}).set_index("bezirk_id").to_crs("EPSG:4326").loc["11", "geometry"]
    named = sum(1 for r in tour if r["Bezirk"] == "Lichtenberg")
    placed = sum(1 for r in tour if r["Bezirk"] == "NULL" and r["latitude"] != "NULL"
                 and border.contains(shapely.Point(float(r["longitude"]), float(r["latitude"]))))
    out = tourism.businesses(ihk, "bezirk", areas=areas).set_index("gebiet")
    assert (named, placed) == (30, 2) and out.loc["Lichtenberg", "betriebe"] == named + placed
    assert out.loc["Berlin", "betriebe"] == len(tour) == 540
    for col, divisions in (("beherbergung", ("55",)), ("gastronomie", ("56",)), ("reisen", ("79",)),
                           ("kultur_freizeit", ("90", "91", "92", "93"))):
        assert out.loc["Berlin", col] == sum(1 for r in tour if r["nace_id"][:2] in divisions), col
    small = sum(1 for r in tour if r["employees_range"] in ("0", "0 Beschäftigte", "1 - 3 Beschäftigte",
                                                                 "4 - 6 Beschäftigte", "7 - 9 Beschäftigte"))
    known = sum(1 for r in tour if r["employees_range"] != "unbekannt")
    assert out.loc["Berlin", "anteil_unter_10"] == round(small / known * 100, 1)


@pytest.mark.realdata
def test_real_size_bands_of_lichtenberg(real):
    _, ihk, areas = real
    out = tourism.business_sizes(ihk, "Lichtenberg", areas=areas)
    lb = out[out["gebiet"] == "Lichtenberg"].set_index("groesse")["betriebe"]
    berlin = out[out["gebiet"] == "Berlin"].set_index("groesse")["betriebe"]
    assert lb.sum() == 32 and berlin.sum() == 540
    assert lb["0 Beschäftigte"] == 24 and lb["50–199 Beschäftigte"] == 1
    assert berlin["unbekannt"] == 22
