"""The spatial API: boundaries, aggregate, assign, crosswalk - on hand-made frames with
hand-checked numbers, on the synthetic sample city, and on the real files through the engine."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import lichtenberg_data as ld
from lichtenberg_data import geo, names
from lichtenberg_data._provenance import provenance
from lichtenberg_data.demo import city as _sample
from lichtenberg_data.geo import LorVersionError


def _areas(ids, boxes, **cols):
    return gpd.GeoDataFrame({"planungsraum_id": ids, **cols},
                            geometry=[shapely.box(*b) for b in boxes], crs="EPSG:25833")


# ----------------------------------------------------------------------------- aggregate (hand-made)

KEYS = pd.DataFrame({"planungsraum_id": ["11100101", "11100102", "11100203", "11200410", "01100101"],
                     "bezirksregion": ["Nord", "Nord", "Mitte", "Süd", "Tiergarten"],
                     "prognoseraum": ["HSH Nord", "HSH Nord", "HSH Nord", "HSH Süd", "Zentrum"]})


def _table(values=(10, 20, 30, 40, 5), **extra):
    df = pd.DataFrame({"planungsraum_id": KEYS["planungsraum_id"], "einwohner": list(values), **extra})
    df.attrs["provenance"] = [{"dataset": "test"}]
    return df


def test_aggregate_sums_by_key_prefix():
    out = geo.aggregate(_table(), "bezirksregion", "einwohner", keys=KEYS)
    assert out["bezirksregion_id"].tolist() == ["011001", "111001", "111002", "112004"]
    assert out["einwohner"].tolist() == [5, 30, 30, 40]
    assert out["bezirksregion"].tolist() == ["Tiergarten", "Nord", "Mitte", "Süd"]
    assert set(out["lor_version"]) == {"2021"}
    assert provenance(out) == [{"dataset": "test"}]


def test_aggregate_levels_and_berlin():
    t = _table()
    assert geo.aggregate(t, "prognoseraum", "einwohner", keys=KEYS)["einwohner"].tolist() == [5, 60, 40]
    bez = geo.aggregate(t, "bezirk", "einwohner", keys=KEYS)
    assert bez[["bezirk", "einwohner"]].values.tolist() == [["Mitte", 5], ["Lichtenberg", 100]]
    berlin = geo.aggregate(t, "berlin", "einwohner", keys=KEYS)
    assert berlin[["gebiet", "einwohner"]].values.tolist() == [["Berlin", 105]]


def test_aggregate_keeps_groups_apart():
    t = pd.concat([_table(year=2024), _table(values=(1, 1, 1, 1, 1), year=2025)], ignore_index=True)
    out = geo.aggregate(t, "bezirk", "einwohner", by="year", keys=KEYS)
    assert out[["year", "bezirk_id", "einwohner"]].values.tolist() == [
        [2024, "01", 5], [2024, "11", 100], [2025, "01", 1], [2025, "11", 4]]
    with pytest.raises(LorVersionError, match="several values of 'year'"):
        geo.aggregate(t, "bezirk", "einwohner", keys=KEYS)


def test_aggregate_refuses_missing_keys():
    t = _table()
    t.loc[2, "planungsraum_id"] = None
    with pytest.raises(LorVersionError, match="1 rows have no planungsraum_id"):
        geo.aggregate(t, "bezirk", "einwohner", keys=KEYS)
    with pytest.raises(LorVersionError, match="no planungsraum_id column"):
        geo.aggregate(t.drop(columns="planungsraum_id"), "bezirk", "einwohner")


def test_aggregate_refuses_mixed_or_foreign_versions():
    mixed = _table(lor_version=["2021", "2021", "2006", "2021", "2021"])
    with pytest.raises(LorVersionError, match="mixes LOR versions"):
        geo.aggregate(mixed, "bezirk", "einwohner", keys=KEYS)
    old = pd.DataFrame({"planungsraum_id": ["11041022", "11100101"], "einwohner": [1, 2]})
    with pytest.raises(LorVersionError, match="not in the LOR 2006 key list|not in the LOR 2021 key list"):
        geo.aggregate(old, "bezirk", "einwohner", keys=KEYS)


def test_aggregate_refuses_incomplete_areas():
    part = _table().iloc[[0, 2, 3, 4]]  # 11100102 is missing from Bezirksregion 111001
    with pytest.raises(LorVersionError, match="1 Planungsräume are missing"):
        geo.aggregate(part, "bezirksregion", "einwohner", keys=KEYS)
    out = geo.aggregate(part, "bezirksregion", "einwohner", keys=KEYS, complete=False)
    assert out["einwohner"].tolist() == [5, 10, 30, 40]


def test_aggregate_all_missing_stays_missing():
    t = _table(values=(np.nan, np.nan, 3.0, 4.0, 5.0))
    out = geo.aggregate(t, "bezirksregion", "einwohner", keys=KEYS).set_index("bezirksregion_id")
    assert np.isnan(out.loc["111001", "einwohner"]) and out.loc["111002", "einwohner"] == 3


def test_lor_version_detection():
    assert geo.lor_version(pd.DataFrame({"planungsraum_id": ["11100101", "01100101"]})) == "2021"
    assert geo.lor_version(pd.DataFrame({"planungsraum_id": ["11041022", "11100101"]})) == "2006"
    assert geo.lor_version(pd.DataFrame({"planungsraum_id": ["1100101"]})) == "2021"  # lost leading zero


# ----------------------------------------------------------------------------- assign (hand-made)

def test_assign_geodataframe_points():
    areas = _areas(["11100101", "11100102"], [(0, 0, 10, 10), (10, 0, 20, 10)], planungsraum=["West", "Ost"])
    pts = gpd.GeoDataFrame({"n": [1, 2, 3, 4]}, geometry=gpd.points_from_xy([5, 15, 10, 50], [5, 5, 5, 5]),
                           crs="EPSG:25833", index=[10, 11, 12, 13])
    out = geo.assign(pts, "planungsraum", areas=areas)
    assert out.index.tolist() == [10, 11, 12, 13] and out["n"].tolist() == [1, 2, 3, 4]
    # a point on the shared border goes to the area listed first; outside → missing
    assert out["planungsraum_id"].tolist()[:3] == ["11100101", "11100102", "11100101"]
    assert pd.isna(out.loc[13, "planungsraum"])


def test_assign_lon_lat_columns_and_district_filter():
    lon, lat = np.array([13.50, 13.45]), np.array([52.50, 52.50])
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True).transform(lon, lat)
    areas = gpd.GeoDataFrame({"bezirk_id": ["11", "02"], "bezirk": ["Lichtenberg", "Friedrichshain-Kreuzberg"]},
                             geometry=[shapely.Point(x[0], y[0]).buffer(100), shapely.Point(x[1], y[1]).buffer(100)],
                             crs="EPSG:25833")
    pts = pd.DataFrame({"lon": lon, "lat": lat, "name": ["a", "b"]})
    out = geo.assign(pts, "bezirk", lon="lon", lat="lat", areas=areas)
    assert out["bezirk"].tolist() == ["Lichtenberg", "Friedrichshain-Kreuzberg"]
    only = geo.assign(pts, "bezirk", district="Lichtenberg", lon="lon", lat="lat", areas=areas)
    assert only["bezirk_id"].tolist()[0] == "11" and pd.isna(only["bezirk_id"].iloc[1])


def test_assign_wgs84_geodataframe_and_missing_coordinates():
    areas = gpd.GeoDataFrame({"bezirk_id": ["11"], "bezirk": ["Lichtenberg"]},
                             geometry=[shapely.box(395000, 5810000, 410000, 5825000)], crs="EPSG:25833")
    pts = pd.DataFrame({"longitude": [13.52, np.nan], "latitude": [52.50, 52.5]})
    assert geo.assign(pts, "bezirk", areas=areas)["bezirk"].tolist()[0] == "Lichtenberg"
    g = gpd.GeoDataFrame(geometry=gpd.points_from_xy([13.52], [52.50]), crs="EPSG:4326")
    assert geo.assign(g, "bezirk", areas=areas)["bezirk_id"].tolist() == ["11"]


@pytest.mark.slow
def test_assign_400000_points_to_their_planungsraum():
    """Correctness on a large input; the speed is measured by `make bench` (row geo_assign_400k)."""
    areas = _sample.sample_geometry(_sample.sample_lor())
    pts = _sample.sample_points(400_000, seed=1)
    out = geo.assign(pts, "planungsraum", areas=areas)
    # the sample city fills its extent; lon/lat rounded to 6 decimals (~0.1 m) may fall off the edge
    assert out["planungsraum_id"].notna().mean() > 0.9999
    # every assigned point lies in the box of its Planungsraum (0.5 m for the lon/lat rounding)
    hit = out["planungsraum_id"].notna()
    box = areas.set_index("planungsraum_id").loc[out.loc[hit, "planungsraum_id"]].bounds
    x, y = pts.loc[hit, "x"].to_numpy(), pts.loc[hit, "y"].to_numpy()
    assert ((box["minx"].to_numpy() - 0.5 <= x) & (x <= box["maxx"].to_numpy() + 0.5)).all()
    assert ((box["miny"].to_numpy() - 0.5 <= y) & (y <= box["maxy"].to_numpy() + 0.5)).all()


# ----------------------------------------------------------------------------- crosswalk (hand-made)

def test_crosswalk_by_area_preserves_totals():
    old = _areas(["11041022", "11041023"], [(0, 0, 100, 100), (100, 0, 200, 100)])
    new = _areas(["11401032", "11401033"], [(0, 0, 150, 100), (150, 0, 200, 100)])
    table = geo.crosswalk_table(old=old, new=new)
    assert table[["source_id", "target_id", "share"]].values.tolist() == [
        ["11041022", "11401032", 1.0], ["11041023", "11401032", 0.5], ["11041023", "11401033", 0.5]]
    assert table["overlap_m2"].tolist() == [10000.0, 5000.0, 5000.0]
    counts = pd.DataFrame({"planungsraum_id": ["11041022", "11041023"], "einwohner": [100, 60]})
    out = geo.crosswalk(counts, "einwohner", table=table)
    assert out[["planungsraum_id", "einwohner"]].values.tolist() == [["11401032", 130.0], ["11401033", 30.0]]
    assert out[["bezirksregion_id", "prognoseraum_id", "bezirk_id", "lor_version"]].iloc[0].tolist() == [
        "114010", "1140", "11", "2021"]
    assert out["einwohner"].sum() == counts["einwohner"].sum()


def test_crosswalk_by_population_points():
    old = _areas(["11041023"], [(0, 0, 200, 100)])
    new = _areas(["11401032", "11401033"], [(0, 0, 150, 100), (150, 0, 200, 100)])
    people = gpd.GeoDataFrame({"einwohner": [30, 10, 60]}, geometry=gpd.points_from_xy([10, 100, 180], [50] * 3),
                              crs="EPSG:25833")
    table = geo.crosswalk_table(old=old, new=new, weights="population", population=people)
    assert table["share"].round(6).tolist() == [0.4, 0.6]  # 40 of 100 residents west of x=150


def test_crosswalk_by_population_blocks_and_fallback():
    old = _areas(["11041022", "11041023"], [(0, 0, 100, 100), (100, 0, 200, 100)])
    new = _areas(["11401032", "11401033"], [(0, 0, 150, 100), (150, 0, 200, 100)])
    blocks = gpd.GeoDataFrame({"einwohner": [80]}, geometry=[shapely.box(120, 0, 160, 100)], crs="EPSG:25833")
    table = geo.crosswalk_table(old=old, new=new, weights="population", population=blocks)
    shares = table.set_index(["source_id", "target_id"])["share"]
    assert shares[("11041023", "11401032")] == pytest.approx(0.75)  # 30 of the block's 40 m width
    assert shares[("11041022", "11401032")] == 1.0  # no residents: area weights


def test_crosswalk_drops_slivers_and_rescales():
    old = _areas(["11041022"], [(0, 0, 1000, 100)])
    new = _areas(["11401032", "11401033"], [(0, 0, 999.5, 100), (999.5, 0, 2000, 100)])
    table = geo.crosswalk_table(old=old, new=new)  # 0.05 % sliver < min_share 1 %
    assert table[["target_id", "share"]].values.tolist() == [["11401032", 1.0]]


def test_crosswalk_refuses_wrong_version_and_unknown_keys():
    table = pd.DataFrame({"source_id": ["11041022"], "target_id": ["11401032"], "share": [1.0],
                          "overlap_m2": [1.0]})
    with pytest.raises(LorVersionError, match="is on LOR 2021, not 2006"):
        geo.crosswalk(pd.DataFrame({"planungsraum_id": ["11401032"], "x": [1]}), "x", table=table)
    with pytest.raises(LorVersionError, match="no crosswalk entry"):
        geo.crosswalk(pd.DataFrame({"planungsraum_id": ["11041023"], "x": [1]}), "x", table=table)


def test_crosswalk_on_the_sample_city_keeps_every_district_total():
    old = _sample.sample_geometry(_sample.sample_lor_2006())
    new = _sample.sample_geometry(_sample.sample_lor())
    counts = old[["planungsraum_id", "bezirk_id"]].assign(n=np.arange(len(old)) % 97 + 1)
    out = geo.crosswalk(counts, "n", table=geo.crosswalk_table(old=old, new=new))
    before = counts.groupby("bezirk_id")["n"].sum()
    after = out.groupby("bezirk_id")["n"].sum()
    assert np.allclose(before.to_numpy(), after.to_numpy())  # same Bezirk rectangles in both versions
    assert len(out) == 542


# ----------------------------------------------------------------------------- districts

def test_an_unknown_district_raises_one_error_everywhere():
    from lichtenberg_data import settings, workforce

    for call in (lambda: geo.boundaries("ortsteil", district="Atlantis"),
                 lambda: workforce.working_age(pd.DataFrame(), district="Atlantis"),
                 lambda: settings.set(district="Atlantis"),
                 lambda: geo.district_id("Atlantis")):
        with pytest.raises(ld.UnknownDistrictError, match="'Atlantis' is not a Berlin district; use one of: Mitte"):
            call()
    assert names.bezirk_id("NeukÃ¶lln") == "08"


def test_unknown_level():
    with pytest.raises(ValueError, match="level must be one of"):
        geo.boundaries("kiez")


# ----------------------------------------------------------------------------- through the engine

@pytest.fixture(scope="module")
def real_store(real_data, tmp_path_factory):
    """A data folder with the real geometries and population imported once for this module."""
    import lichtenberg_data as ld
    from lichtenberg_data import settings as s

    if not hasattr(ld, "import_file"):
        pytest.skip("the engine (import_file/load) is not there yet")
    old = s.settings.data_dir
    s.set(data_dir=tmp_path_factory.mktemp("geo_real") / "data")
    geom, pop = real_data / "geometries", real_data / "population"
    try:
        for dataset_id, files in [
            ("bezirke", [geom / "alkis_bezirke_bezirksgrenzen.gml"]),
            ("ortsteile", [geom / "ortsteile_berlin.geojson"]),
            ("lor_schluessel", [geom / "LOR_2021.csv"]),
            ("lor_planungsraeume", [geom / "kieze.geojson"]),
            ("lor_planungsraeume_2006", [geom / "LOR_Planungsraeume_2019.geojson",
                                         geom / "LOR_Planungsraeume_2019.csv"]),
            ("einwohner_lor", [pop / "EWR202012E_Matrix.csv", pop / "EWR_L21_202512E_Matrix.csv"]),
            ("einwohner_ortsteile", [pop / "EWR_Ortsteile_2020-12-31.csv"]),
        ]:
            ld.import_file(dataset_id, files)
        yield ld
    finally:
        s.set(data_dir=old)


@pytest.mark.slow  # 0.6 s on 2 cores
def test_boundaries_default_district_and_all_berlin(real_store):
    plr = geo.boundaries("planungsraum")
    assert len(plr) == 41 and set(plr["bezirk"]) == {"Lichtenberg"}
    assert provenance(plr)[0]["dataset"] == "lor_planungsraeume"
    assert len(geo.boundaries("planungsraum", None)) == 542
    assert len(geo.boundaries("planungsraum_2006", "11")) == 32
    assert sorted(geo.boundaries("ortsteil", "Lichtenberg")["ortsteil"])[:2] == ["Alt-Hohenschönhausen", "Falkenberg"]
    assert len(geo.boundaries("bezirk", None)) == 12


def test_aggregate_2020_population_matches_ortsteile_file(real_store):
    ewr = real_store.load("einwohner_lor")
    lor_2020 = ewr[ewr["year"] == 2020]
    by_bezirk = geo.aggregate(lor_2020, "bezirk", "einwohner", by="year").set_index("bezirk_id")["einwohner"]
    ortsteile = real_store.load("einwohner_ortsteile").groupby("bezirk_id")["einwohner"].sum()
    assert len(by_bezirk) == 12
    assert by_bezirk.astype(int).to_dict() == ortsteile.astype(int).to_dict()
    assert by_bezirk["11"] == 296_837
    assert geo.aggregate(lor_2020, "berlin", "einwohner")["einwohner"].item() == 3_769_962


def test_aggregate_refuses_mixing_2020_and_2025(real_store):
    ewr = real_store.load("einwohner_lor")
    with pytest.raises(LorVersionError, match="mixes LOR versions"):
        geo.aggregate(ewr, "bezirk", "einwohner", by="year")


def test_crosswalk_2020_population_to_lor_2021(real_store):
    """Old-LOR residents of 2020 moved to LOR 2021 by area, compared with 2025.

    Berlin's total is kept exactly; Lichtenberg's within 0.5 % (area slivers across district
    borders could move a few residents; with min_share 1 % none do). Per Planungsraum the
    crosswalked 2020 counts must resemble the real 2025 counts: area weights ignore where
    people live inside a Planungsraum, and five years of growth (+3.8 % in Berlin, new quarters)
    lie between, so we ask for a correlation above 0.8 (measured 0.87) and a median ratio
    2025/2020 between 0.95 and 1.10 (measured 1.02, Berlin grew by 3.8 %).
    """
    ewr = real_store.load("einwohner_lor")
    e2020, e2025 = ewr[ewr["year"] == 2020], ewr[ewr["year"] == 2025]
    moved = geo.crosswalk(e2020, "einwohner", by="year")
    assert set(moved["lor_version"]) == {"2021"} and moved["planungsraum_id"].nunique() == 542
    assert moved["einwohner"].sum() == pytest.approx(3_769_962, rel=1e-9)
    lichtenberg = moved.loc[moved["bezirk_id"] == "11", "einwohner"].sum()
    assert lichtenberg == pytest.approx(296_837, rel=0.005)
    assert e2025.loc[e2025["bezirk_id"] == "11", "einwohner"].sum() == 318_261
    both = moved.merge(e2025[["planungsraum_id", "einwohner"]], on="planungsraum_id", suffixes=("_2020", "_2025"))
    both = both.dropna()
    both = both[both["einwohner_2020"] > 100]
    assert np.corrcoef(both["einwohner_2020"], both["einwohner_2025"].astype(float))[0, 1] > 0.8
    assert 0.95 < (both["einwohner_2025"] / both["einwohner_2020"]).median() < 1.10
    # the Lichtenberg aggregate of the moved counts is a proper LOR-2021 table now
    assert geo.aggregate(moved, "bezirk", "einwohner", by="year", complete=False).shape[0] == 12


def test_crosswalk_table_is_inspectable(real_store):
    table = geo.crosswalk_table()
    assert list(table.columns) == ["source_id", "target_id", "share", "overlap_m2", "coverage"]
    assert table.groupby("source_id")["share"].sum().round(12).eq(1).all()
    assert table["source_id"].nunique() == 448 and table["target_id"].nunique() == 542
    assert table["coverage"].min() > 0.98  # slivers dropped: kieze is a simplified geometry


def test_assign_real_points_to_lichtenberg_planungsraeume(real_store):
    plr = geo.boundaries("planungsraum", None)
    centres = plr.geometry.representative_point()
    pts = gpd.GeoDataFrame({"soll": plr["planungsraum_id"]}, geometry=centres.to_crs("EPSG:4326"), crs="EPSG:4326")
    out = geo.assign(pts, "planungsraum", district="Lichtenberg")
    lichtenberg = out["soll"].str.startswith("11")
    assert (out.loc[lichtenberg, "planungsraum_id"] == out.loc[lichtenberg, "soll"]).all()
    assert out.loc[~lichtenberg, "planungsraum_id"].isna().all()


def test_join_refuses_other_lor_version_and_gaps():
    new = pd.DataFrame({"planungsraum_id": ["11401032", "11401033"], "einwohner": [5, 6]})
    old = pd.DataFrame({"planungsraum_id": ["11041022"], "einwohner_2019": [4], "lor_version": ["2006"]})
    with pytest.raises(LorVersionError, match="cannot join LOR 2021 with LOR 2006"):
        geo.join(new, old)
    part = pd.DataFrame({"planungsraum_id": ["11401032"], "arbeitslose": [1]})
    with pytest.raises(LorVersionError, match="1 planungsraum_id of the left table are missing"):
        geo.join(new, part)
    assert geo.join(new, part, allow_missing=True)["arbeitslose"].isna().tolist() == [False, True]


def test_aggregate_refuses_to_sum_rates_and_averages_them_with_weights():
    t = pd.DataFrame({"planungsraum_id": ["11100101", "11100102"], "einwohner": [300, 100],
                      "anteil_65_plus": [20.0, 40.0]})
    with pytest.raises(ValueError, match="anteil_65_plus is a rate or share"):
        geo.aggregate(t, "bezirk", "anteil_65_plus", complete=False)
    out = geo.aggregate(t, "bezirk", "anteil_65_plus", complete=False, weights="einwohner")
    assert out["anteil_65_plus"].tolist() == [25.0]
    mss = pd.DataFrame({"planungsraum_id": ["11100101", "11100102"], "indikator": ["arbeitslosigkeit"] * 2,
                        "wert": [5.0, 7.0]})
    with pytest.raises(ValueError, match="wert is a rate"):
        geo.aggregate(mss, "bezirk", "wert", by="indikator", complete=False)


@pytest.mark.realdata
def test_within_interpolates_residents_of_the_real_planungsraeume(data_dir):
    from lichtenberg_data.demo import SNAPSHOT

    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    ld.import_file("einwohner_lor", SNAPSHOT / "einwohner_lor" / "EWR_L21_202512E_Matrix.csv")
    ew = ld.load("einwohner_lor")
    ew = ew[ew["year"] == 2025]
    places = pd.DataFrame({"longitude": [13.405, 13.5055], "latitude": [52.52, 52.5641]})  # Alexanderplatz, Prerower Platz
    out = geo.within(places, [1000, 40_000], ew)
    # 40 km around the centre hold all of Berlin (3,913,644; two suppressed Planungsräume add nothing)
    assert out["einwohner_40000m"].iloc[0] == pytest.approx(3_913_644, rel=1e-6)
    # a 1 km circle holds a few tens of thousands at the Linden-Center
    assert 15_000 < out["einwohner_1000m"].iloc[1] < 60_000
    assert "Einwohnerregisterstatistik" in ld.source_note(out)
