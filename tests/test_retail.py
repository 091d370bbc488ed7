"""StEP Zentren (``zentren``, sample WFS files only) and the curated shopping centres (``retail.centres``)."""

from __future__ import annotations

import json
import math
import re

import geopandas as gpd
import pandas as pd
import pytest

import lichtenberg_data as ld
from lichtenberg_data import catalog, retail
from lichtenberg_data._errors import FormatError
from lichtenberg_data._validate import validate
from lichtenberg_data.demo import SNAPSHOT
from lichtenberg_data.demo.retail import SAMPLES
from lichtenberg_data.sources import zentren as z

ZH, FMA = "step_zen_2040_zh.geojson", "step_zen_2040_fma.geojson"


@pytest.fixture()
def wfs_files(tmp_path):
    """The two sample layers, written as the WFS answers them."""
    out = {}
    for name in (ZH, FMA):
        out[name] = tmp_path / name
        out[name].write_bytes(SAMPLES[("zentren", name)]())
    return out


# ============================================================================ zentren

def test_sample_layers_parse(wfs_files):
    ds = catalog.get("zentren")
    df = ds.parser(wfs_files)
    validate(ds, df)
    assert len(df) == 10 and df.crs.to_epsg() == 25833
    by_name = df.set_index("name")
    assert by_name.loc["Prerower Platz", "stufe"] == "Stadtteilzentrum"
    assert by_name.loc["Anton-Saefkow-Platz", "stufe"] == by_name.loc["Karlshorst – Treskowallee", "stufe"] \
        == "Ortsteilzentrum"
    assert by_name.loc["Storkower Bogen", "stufe"] == "Nahversorgungszentrum"
    assert set(df.loc[df["layer"] == "fma", "stufe"]) == {"Fachmarktagglomeration"}
    assert (df["bezirk_id"] == "11").sum() == 7 and set(df["bezirk_id"]) == {"11", "02", "09", "10"}
    # a 16-gon of radius r has 8 r² sin(22.5°); Prerower Platz was drawn with r = 450 m
    assert by_name.loc["Prerower Platz", "flaeche_m2"] == pytest.approx(8 * 450**2 * math.sin(math.pi / 8), rel=1e-3)
    assert ds.stand(df).isoformat() == "2026-10-01"


def test_sample_says_it_is_generated(wfs_files):
    doc = json.loads(wfs_files[ZH].read_text(encoding="utf-8"))
    assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::25833" and doc["numberMatched"] == 8
    assert all(f["properties"]["hinweis"].startswith("BEISPIELDATEN") for f in doc["features"])


def test_sample_centres_lie_in_their_bezirk(wfs_files, real_data):
    """The sample areas are drawn around real places: each lies in the Bezirk it names (ALKIS)."""
    from lichtenberg_data.names import bezirk_id

    bezirke = gpd.read_file(real_data / "geometries" / "alkis_bezirke_bezirksgrenzen.geojson")
    bezirke = bezirke.set_crs(25833, allow_override=True)  # metres without a crs member (SOURCES.md)
    bezirke["key"] = bezirke["name"].str[-2:]  # "11000011": Land 11, Bezirk 11 (names are mojibake here)
    for path in wfs_files.values():
        areas = gpd.read_file(path).set_crs(25833, allow_override=True)
        joined = gpd.sjoin(areas.set_geometry(areas.centroid), bezirke[["key", "geometry"]], predicate="within")
        assert len(joined) == len(areas) and (joined["bezirk"].map(bezirk_id) == joined["key"]).all()


def test_import_by_hand_and_tolerated_attribute_names(data_dir, wfs_files, tmp_path):
    outcome = ld.import_file("zentren", list(wfs_files.values()))
    assert outcome.rows == 10
    df = ld.load("zentren")
    assert ld.source_note(df).startswith("Quelle: Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin, "
                                         "Stadtentwicklungsplan Zentren (WFS step_zen_2040), Stand 01.10.2026")
    # a real export may name its attributes otherwise: the level is found by its values
    doc = json.loads(wfs_files[ZH].read_text(encoding="utf-8"))
    for f in doc["features"]:
        p = f["properties"]
        f["properties"] = {"bezeichnung": p["name"], "typ": f"{p['zentrentyp']} (StEP)", "bez": p["bezirk"]}
    other = tmp_path / "export_step_zen_2040_zh.json"
    other.write_text(json.dumps(doc), encoding="utf-8")
    assert ld.import_file("zentren", other).rows == 10
    assert ld.load("zentren").set_index("name").loc["Prerower Platz", "stufe"] == "Stadtteilzentrum"


def test_bezirk_from_the_stored_bezirke(data_dir, wfs_files, real_data, tmp_path):
    ld.import_file("bezirke", real_data / "geometries" / "alkis_bezirke_bezirksgrenzen.gml")
    doc = json.loads(wfs_files[ZH].read_text(encoding="utf-8"))
    for f in doc["features"]:
        del f["properties"]["bezirk"]
    path = tmp_path / ZH
    path.write_text(json.dumps(doc), encoding="utf-8")
    df = z.parse_zentren({ZH: path})
    assert df.set_index("name")["bezirk_id"].to_dict()["Schöneweide – Brückenstraße"] == "09"
    assert (df["bezirk_id"] == "11").sum() == 5


def test_bad_files_are_refused(data_dir, wfs_files, real_data, tmp_path):
    ld.import_file("zentren", list(wfs_files.values()))
    good = (data_dir / "processed" / "zentren.parquet").read_bytes()
    text = wfs_files[ZH].read_text(encoding="utf-8")
    truncated = tmp_path / "zentren_zh_truncated.geojson"
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    coded = tmp_path / "zentren_zh_codes.geojson"
    coded.write_text(re.sub(r'"zentrentyp": "[^"]+"', '"kategorie": "3"', text), encoding="utf-8")
    html = tmp_path / "step_zen_2040_zh.geojson"
    html.write_text("<!DOCTYPE html><html><body>Service Unavailable</body></html>", encoding="utf-8")
    kieze = tmp_path / "zentren_zh_kieze.geojson"
    kieze.write_bytes((real_data / "geometries" / "kieze.geojson").read_bytes())
    xlsx = tmp_path / "zentren_zh.xlsx"
    xlsx.write_bytes((real_data / "business" / "Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx").read_bytes())
    cases = [(kieze, "no attribute names the centre level"), (xlsx, "is an Excel workbook (xlsx), but this dataset takes GeoJSON files"),
             (truncated, "ends inside a text value (an opening \" without its closing one): the file was cut off"), (coded, "no attribute names the centre level"),
             (html, "is an HTML page")]
    for path, message in cases:
        with pytest.raises(FormatError) as err:
            ld.import_file("zentren", path)
        assert message in str(err.value), (path, str(err.value))
        assert (data_dir / "processed" / "zentren.parquet").read_bytes() == good


def test_wfs_layers_declared():
    ds = catalog.get("zentren")
    assert [r.wfs.type_name for r in ds.resources] == ["step_zen_2040:step_zen_2040_zh",
                                                       "step_zen_2040:step_zen_2040_fma"]
    assert {r.wfs.service_url for r in ds.resources} == {"https://gdi.berlin.de/services/wfs/step_zen_2040"}
    zh, fma = ds.resources
    assert zh.matches("step_zen_2040_zh.json") and not zh.matches("step_zen_2040_fma.json")
    assert fma.matches("step_zen_2040_fma.json") and not fma.matches("step_zen_2040_zh.json")


# ============================================================================ the curated centres

VALUES = {"eroeffnung_jahr": "eroeffnung_quelle", "verkaufsflaeche_m2": "verkaufsflaeche_quelle",
          "geschaefte": "geschaefte_quelle", "osm_id": "koordinaten_quelle"}


def test_curated_table_values_and_sources():
    df = retail.read_centres()
    assert len(df) == 21 and df["zentrum"].is_unique
    for value, source in VALUES.items():  # a value has its page, and a page its value
        assert (df[value].notna() == df[source].notna()).all(), value
        assert df[source].dropna().str.match(r"https?://").all()
    linden = df.set_index("zentrum").loc["Linden-Center"]
    assert (linden["eroeffnung_jahr"], linden["verkaufsflaeche_m2"], linden["geschaefte"]) == (1995, 25000, 90)
    ring = df.set_index("zentrum")
    assert ring.loc[["Ring-Center I", "Ring-Center II", "Ring-Center III"], "verkaufsflaeche_m2"].tolist() \
        == [16500, 20000, 8700]
    assert ring.loc["Ring-Center I", "bezirk_id"] == "02" and ring.loc["Ring-Center I", "adresse"] == "Frankfurter Allee 111"
    assert df["verkaufsflaeche_m2"].notna().sum() == 4 and df["geschaefte"].notna().sum() == 1


def test_curated_osm_objects_are_those_of_the_real_answer(real_data):
    """Every OSM object of the table exists in the 28.09.2025 answer, at the table's coordinates."""
    raw = json.loads((real_data / "business" / "osm_malls_berlin_raw_20250928.json").read_text(encoding="utf-8"))
    answer = {(e["type"], e["id"]): e for e in raw["elements"]}
    df = retail.read_centres()
    for row in df.itertuples():
        element = answer[(row.osm_type, int(row.osm_id))]
        position = element.get("center") or element
        assert (position["lat"], position["lon"]) == (row.lat, row.lon), row.zentrum
        assert row.koordinaten_quelle == f"https://www.openstreetmap.org/{row.osm_type}/{row.osm_id}"
    in_lichtenberg = {(t, int(i)) for t, i in zip(df["osm_type"], df["osm_id"])} | {
        ("way", 1065811824), ("way", 594722015), ("way", 594722016)}  # duplicates named in weitere_osm_objekte
    assert len({k for k in in_lichtenberg if k in answer}) == 21 + 3


def test_centres_without_osm_pois(data_dir):
    df = retail.centres()
    assert len(df) == 21 and df.crs.to_epsg() == 25833
    assert set(df["geometry_quelle"]) == {"Koordinaten der Tabelle"} and df["planungsraum_id"].isna().all()
    assert [p["dataset"] for p in df.attrs["provenance"]] == ["einkaufszentren"]


def test_centres_with_osm_pois(data_dir, real_data):
    ld.import_file("bezirke", SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml")
    ld.import_file("lor_planungsraeume", real_data / "geometries" / "kieze.geojson")
    ld.import_file("osm_pois", real_data / "business" / "osm_malls_berlin_raw_20250928.json")
    df = retail.centres().set_index("zentrum")
    assert (df["geometry_quelle"] == "osm_pois").all()
    assert df.loc["Linden-Center", "planungsraum_id"] == "11100307"
    assert df.loc["Ring-Center I", "planungsraum_id"] == "02500729"
    assert (df["planungsraum_id"].str[:2] == df["bezirk_id"]).all()  # the curated Bezirk agrees with the position
    pois = ld.load("osm_pois").set_index("osm_id")
    assert df.loc["Linden-Center", "geometry"].equals(pois.loc["11249452", "geometry"])
    note = ld.source_note(df)
    assert note.startswith("Quellen: lichtenberg_data") and "© OpenStreetMap-Mitwirkende, OpenStreetMap-Daten" in note
    assert not ld.is_sample(df)


def test_curated_table_is_package_data():
    from importlib import resources

    text = resources.files("lichtenberg_data").joinpath("curated/einkaufszentren.csv").read_text(encoding="utf-8")
    assert text.startswith("zentrum,bezirk_id,lage,adresse") and pd.read_csv(
        resources.files("lichtenberg_data").joinpath("curated/einkaufszentren.csv")).shape == (21, 19)
    pyproject = (resources.files("lichtenberg_data") / ".." / "pyproject.toml").read_text(encoding="utf-8")
    assert '"curated/*.csv"' in pyproject


def test_the_study_centres_are_computed_once_for_the_loaded_shops(data_dir, monkeypatch):
    from lichtenberg_data.retail import _centres

    built: list[str | None] = []
    real = _centres._study_centres
    monkeypatch.setattr(_centres, "_study_centres", lambda *a: built.append(a[0]) or real(*a))
    monkeypatch.setattr(_centres, "_osm_pois", lambda: None)  # nothing loaded: the curated table
    first = _centres.study_centres("Lichtenberg")
    second = _centres.study_centres("Lichtenberg")
    assert built == ["11"] and len(first) == len(second) == 21
    _centres.study_centres("11")  # the same Bezirk by its key
    assert built == ["11"]
    assert (second["rolle"] == "Zentrum im Bezirk").sum() == 18
    assert _centres.study_centres("Lichtenberg", pois=_centres.centres(use_osm=False).iloc[:0]) is not None
    assert built == ["11", "11"]  # shops given by the caller: computed for them
