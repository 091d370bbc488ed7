"""The topic module for commercial land: land values, completions, commercial area (real figures)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest

from lichtenberg_data import land
from lichtenberg_data import settings as s
from lichtenberg_data._provenance import provenance
from lichtenberg_data.demo.land import sample_flaechennutzung
from lichtenberg_data.sources.construction import parse_fii2_file
from lichtenberg_data.sources.geography import parse_lor_planungsraeume
from lichtenberg_data.sources.land_use import parse_flaechennutzung
from lichtenberg_data.sources.land_values import parse_bodenrichtwert_zonen, parse_bodenrichtwerte

YEARS = (2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2024)


def _with_provenance(df, dataset: str):
    df.attrs["provenance"] = [{"dataset": dataset, "reference_date": "2024-01-01", "retrieved_at": "2026-01-01"}]
    return df


@pytest.fixture(scope="module")
def brw(real_data) -> pd.DataFrame:
    files = {y: real_data / "landuse" / f"broker_{y}.xls" for y in YEARS}
    return _with_provenance(parse_bodenrichtwerte(files), "bodenrichtwerte")


def _pick(table: pd.DataFrame, year: int, gebiet: str) -> pd.Series:
    hit = table[(table["year"] == year) & (table["gebiet"] == gebiet)]
    assert len(hit) == 1
    return hit.iloc[0]


# =============================================================================== land values

@pytest.mark.realdata
def test_land_values_reproduce_the_published_figures(brw):
    lv = land.land_values(brw, "Lichtenberg")
    assert (_pick(lv, 2012, "Lichtenberg")[["anzahl", "median_eur_m2"]].tolist()) == [17, 90.0]
    assert (_pick(lv, 2024, "Lichtenberg")[["anzahl", "median_eur_m2"]].tolist()) == [19, 350.0]
    assert _pick(lv, 2024, "Berlin")["median_eur_m2"] == 400.0
    assert _pick(lv, 2024, "Lichtenberg")["davon_zusatzzonen"] == 2
    assert lv.groupby("year").size().eq(2).all() and len(lv) == 2 * len(YEARS)
    assert [p["dataset"] for p in provenance(lv)] == ["bodenrichtwerte"]


@pytest.mark.realdata
def test_land_values_without_the_zusatzzonen(brw):
    lv = land.land_values(brw, "11", zusatzzonen=False)
    assert _pick(lv, 2022, "Lichtenberg")[["anzahl", "median_eur_m2"]].tolist() == [16, 300.0]
    assert _pick(lv, 2024, "Lichtenberg")[["anzahl", "median_eur_m2"]].tolist() == [17, 350.0]
    assert _pick(lv, 2024, "Berlin")["median_eur_m2"] == 450.0
    assert lv["davon_zusatzzonen"].eq(0).all()
    with_extra = land.land_values(brw, "11")
    assert _pick(with_extra, 2022, "Lichtenberg")[["anzahl", "davon_zusatzzonen"]].tolist() == [28, 12]


@pytest.mark.realdata
def test_land_values_min_max_checked_with_pandas(brw, real_data):
    raw = pd.read_excel(real_data / "landuse" / "broker_2020.xls", dtype=str, engine="calamine")
    code = raw["gebietstypische Nutzungsart"].str.split(" - ").str[0]
    values = pd.to_numeric(raw.loc[code.isin(["G", "Gp"]) & (raw["Bezirk"] == "Lichtenberg"), "Bodenrichtwert"])
    row = _pick(land.land_values(brw, "Lichtenberg"), 2020, "Lichtenberg")
    assert [row["min_eur_m2"], row["median_eur_m2"], row["max_eur_m2"]] == [values.min(), values.median(),
                                                                               values.max()]


@pytest.mark.realdata
def test_district_defaults_to_the_setting(brw):
    old = s.settings.district
    try:
        s.set(district="Mitte")
        lv = land.land_values(brw)
    finally:
        s.set(district=old)
    assert set(lv["gebiet"]) == {"Mitte", "Berlin"}


# =============================================================================== the zone map

@pytest.fixture(scope="module")
def zones_2020(real_data):
    zones = parse_bodenrichtwert_zonen({"z": real_data / "landuse" / "brw-zonen" / "Bodenrichtwerte_2020.sqlite"})
    zones.attrs["provenance"] = [{"dataset": "bodenrichtwert_zonen", "reference_date": "2020-01-01"}]
    return zones


@pytest.mark.realdata
def test_commercial_zones_of_lichtenberg_on_the_real_2020_polygons(zones_2020):
    z = land.commercial_zones(zones_2020, "Lichtenberg")
    assert len(z) == 16 and z["bezirk"].eq("Lichtenberg").all() and set(z["nutzung_kurz"]) <= {"G", "Gp"}
    assert z["brw_eur_m2"].median() == 225.0 and round(z["flaeche_ha"].sum()) == 724
    assert z["brw_eur_m2"].is_monotonic_decreasing
    # the zone's own Bezirk counts, not every zone whose polygon touches the Bezirk
    touching = zones_2020[zones_2020["gewerbe"] & zones_2020.intersects(zones_2020[zones_2020["bezirk_id"] == "11"]
                                                                           .union_all())]
    assert len(touching) > len(z)
    assert [p["dataset"] for p in provenance(z)] == ["bodenrichtwert_zonen"]
    everywhere = land.commercial_zones(zones_2020, None)
    assert len(everywhere) == int(zones_2020["gewerbe"].sum()) == 220
    with pytest.raises(ValueError, match="EPSG:25833"):
        land.commercial_zones(zones_2020.to_crs(4326))


# =============================================================================== completions

@pytest.fixture(scope="module")
def fii2(real_data) -> pd.DataFrame:
    return _with_provenance(parse_fii2_file(real_data / "statistics-xlsx" / "SB_F02-02-00_2022j01_BE.xlsx"),
                            "baufertigstellungen")


@pytest.mark.realdata
def test_completions_of_new_non_residential_buildings(fii2):
    c = land.completions(fii2)
    li = c[c["gebiet_id"] == "11"].iloc[0]
    assert li["year"] == 2022 and li["gebaeude"] == 16 and li["nutzflaeche_m2"] == 60_390
    berlin = c[c["gebiet_id"] == "00"].iloc[0]
    assert berlin["gebiet"] == "Berlin" and berlin["gebaeude"] == 187 and berlin["nutzflaeche_m2"] == 603_290
    assert len(c) == 13 and provenance(c)[0]["dataset"] == "baufertigstellungen"


@pytest.mark.realdata
def test_completions_of_other_kinds(fii2):
    everything = land.completions(fii2, "wohn_und_nichtwohnbau")
    assert everything.set_index("gebiet_id").loc["11", "gebaeude"] == 152
    homes = land.completions(fii2, "wohngebaeude")
    assert homes.set_index("gebiet_id").loc["11", "wohnungen"] == 1522
    with pytest.raises(ValueError, match="kind must be one of"):
        land.completions(fii2, "gewerbe")


# =============================================================================== commercial area

@pytest.fixture(scope="module")
def planungsraeume(real_data):
    plr = parse_lor_planungsraeume({"kieze.geojson": real_data / "geometries" / "kieze.geojson"})
    return _with_provenance(plr, "lor_planungsraeume")


@pytest.fixture(scope="module")
def blocks():
    path = Path(tempfile.mkdtemp()) / "reale_nutzung_2023.geojson"
    path.write_bytes(sample_flaechennutzung())
    return _with_provenance(parse_flaechennutzung({"x": path}), "flaechennutzung")


@pytest.mark.slow  # 0.6 s on 2 cores
@pytest.mark.realdata
def test_commercial_area_per_real_planungsraum(blocks, planungsraeume):
    import geopandas as gpd

    area = land.commercial_area(blocks, planungsraeume)
    assert len(area) == 542 and area["planungsraum_id"].str.fullmatch(r"\d{8}").all()
    assert area["anteil_prozent"].between(0, 100).all() and (area["gewerbe_ha"] <= area["bloecke_ha"] + 1e-6).all()
    # one Planungsraum against geopandas' own overlay
    key = area.sort_values("gewerbe_ha").iloc[-1]["planungsraum_id"]
    one = planungsraeume[planungsraeume["planungsraum_id"] == key]
    pieces = gpd.overlay(blocks[blocks["gewerbe"]][["geometry"]], one[["geometry"]], how="intersection")
    row = area.set_index("planungsraum_id").loc[key]
    assert row["gewerbe_ha"] == pytest.approx(pieces.area.sum() / 10_000)
    assert row["flaeche_ha"] == pytest.approx(one.area.sum() / 10_000)
    assert row["anteil_prozent"] == pytest.approx(row["gewerbe_ha"] / row["flaeche_ha"] * 100)
    assert [p["dataset"] for p in provenance(area)] == ["flaechennutzung", "lor_planungsraeume"]


@pytest.mark.realdata
def test_lichtenberg_has_the_sample_cluster(blocks, planungsraeume):
    area = land.commercial_area(blocks, planungsraeume)
    li = area[area["bezirk_id"] == "11"]
    assert len(li) == 41 and li["gewerbe_ha"].sum() > 100


def test_commercial_area_needs_25833(blocks):
    with pytest.raises(ValueError, match="EPSG:25833"):
        land.commercial_area(blocks, blocks.to_crs(4326))
