"""GeoJSON exports of OSM objects as ``osm_pois`` files: the real supermarkets of Berlin and the
overpass-turbo flavour; shop from the file name; an Overpass answer replaces an export."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._errors import FormatError
from lichtenberg_data.demo import SNAPSHOT
from lichtenberg_data.osm._geojson import read_export

pytestmark = pytest.mark.realdata

SUPERMARKETS = SNAPSHOT / "osm_pois" / "supermarkets_raw.geojson"
MALLS = SNAPSHOT / "osm_pois" / "osm_malls_berlin_raw_20250928.json"


@pytest.fixture()
def lor(data_dir):
    ld.import_file("bezirke", SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml")
    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    return data_dir


def _raw() -> pd.DataFrame:
    doc = json.loads(SUPERMARKETS.read_text(encoding="utf-8"))
    return pd.DataFrame([{**f["properties"], "lon": f["geometry"]["coordinates"][0],
                          "lat": f["geometry"]["coordinates"][1]} for f in doc["features"]])


def test_the_snapshot_file_is_the_real_one(real_data):
    assert SUPERMARKETS.read_bytes() == (real_data / "business" / "supermarkets_raw.geojson").read_bytes()


def test_real_supermarkets_import_as_shop_supermarket(lor):
    outcome = ld.import_file("osm_pois", SUPERMARKETS)
    df = ld.load("osm_pois")
    raw = _raw()
    assert outcome.rows == len(df) == len(raw) == 1358
    assert (df["shop"] == "supermarket").all() and (df["gruppe"] == "lebensmittel").all()
    assert df["osm_type"].value_counts().to_dict() == raw["element"].value_counts().to_dict() \
        == {"node": 874, "way": 480, "relation": 4}
    assert (df["brand"] == "Edeka").sum() == (raw["brand"] == "Edeka").sum() == 163
    # renamed tags are read back to their OSM keys
    netto = df.set_index("osm_id").loc["58489979"]
    assert (netto["addr_street"], netto["addr_housenumber"], netto["addr_postcode"]) == ("Alte Jakobstraße", "83", "10179")
    tags = json.loads(netto["tags"])
    assert tags["addr:city"] == "Berlin" and tags["wheelchair"] == "no" and "latitude" not in tags and "shop" not in tags
    # Bezirk by position, checked independently with geopandas on the same Planungsräume
    plr = gpd.read_file(SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    points = gpd.GeoDataFrame(raw, geometry=gpd.points_from_xy(raw["lon"], raw["lat"]), crs="EPSG:4326")
    joined = gpd.sjoin(points, plr[["plr_id", "geometry"]], predicate="within")
    expected = int((joined["plr_id"].astype(str).str.zfill(8).str[:2] == "11").sum())
    assert (df["bezirk_id"] == "11").sum() == expected == 92
    assert df["osm_stand"].isna().all() and catalog.get("osm_pois").stand(df) is None  # the export states none
    assert set(df["geometry_source"]) == {"export_point"}


def test_with_the_malls_answer_the_stand_is_the_answers(lor):
    ld.import_file("osm_pois", [MALLS, SUPERMARKETS])
    df = ld.load("osm_pois")
    assert len(df) == 1358 + 104
    assert df.groupby("gruppe").size().to_dict() == {"einkaufszentren": 104, "lebensmittel": 1358}
    assert ld.source_note(df).startswith("Quelle: © OpenStreetMap-Mitwirkende, OpenStreetMap-Daten (Overpass API), "
                                         "Stand 28.09.2025; Lizenz: ODbL 1.0")


@pytest.mark.slow  # 0.5 s on 2 cores
def test_an_overpass_answer_of_the_group_replaces_the_export(lor, tmp_path):
    ld.import_file("osm_pois", [MALLS, SUPERMARKETS])
    answer = {"version": 0.6, "osm3s": {"timestamp_osm_base": "2026-01-05T10:00:00Z"}, "elements": [
        {"type": "node", "id": 58489979, "lat": 52.5098, "lon": 13.4074, "tags": {"shop": "supermarket", "name": "Netto"}},
        {"type": "node", "id": 1, "lat": 52.5644, "lon": 13.506, "tags": {"shop": "bakery", "name": "B"}}]}
    path = tmp_path / "osm_lebensmittel.json"
    path.write_text(json.dumps(answer), encoding="utf-8")
    outcome = ld.import_file("osm_pois", path)
    df = ld.load("osm_pois")
    assert len(df) == 104 + 2 and df.loc[df["osm_id"] == "58489979", "name"].item() == "Netto"
    # the stored export gives nothing now (no error: it is no file of this import), and the report says why
    assert [t.line() for t in outcome.files] == [
        "osm_lebensmittel.json: 2 kept",
        "supermarkets_raw.geojson: 0 kept; 1358 dropped (1358 replaced by the Overpass answer of the group lebensmittel)"]


def test_resources_by_file_name():
    ds = catalog.get("osm_pois")

    def resource(name: str) -> list[str]:
        return [r.name for r in ds.resources if r.matches(name)]

    assert resource("supermarkets_raw.geojson") == ["osm_export_supermarket.geojson"]
    assert resource("Baeckereien_Berlin.geojson") == ["osm_export_bakery.geojson"]
    assert resource("export.geojson") == ["osm_export.geojson"]
    assert resource("osm_malls_berlin_raw_20250928.json") == ["osm_einkaufszentren.json"]
    assert resource("supermarkets.json") == ["osm_lebensmittel.json"]
    assert resource("shops.json") == ["osm_einzelhandel.json"]


def test_overpass_turbo_flavour(lor, tmp_path):
    doc = {"type": "FeatureCollection", "generator": "overpass-turbo", "timestamp": "2025-11-02T08:00:00Z",
           "features": [
               {"type": "Feature", "id": "way/11249452",
                "properties": {"@id": "way/11249452", "shop": "mall", "name": "Linden-Center", "addr:street": "Prerower Platz"},
                "geometry": {"type": "Polygon", "coordinates": [[[13.505, 52.564], [13.507, 52.564], [13.507, 52.565],
                                                                 [13.505, 52.565], [13.505, 52.564]]]}},
               {"type": "Feature", "id": "node/7",
                "properties": {"@id": "node/7", "amenity": "cafe", "name": "Café"},
                "geometry": {"type": "Point", "coordinates": [13.5, 52.5]}}]}
    path = tmp_path / "export.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    ld.import_file("osm_pois", path)
    df = ld.load("osm_pois").set_index("osm_id")
    assert df.loc["11249452", "planungsraum_id"] == "11100307" and df.loc["11249452", "geometry_source"] == "export_centroid"
    assert df.loc["11249452", "addr_street"] == "Prerower Platz" and df.loc["7", "gruppe"] == "gastronomie"
    assert catalog.get("osm_pois").stand(df).isoformat() == "2025-11-02"


def test_explicit_shop_in_python():
    body = SUPERMARKETS.read_bytes()
    assert read_export(body)["shop"].isna().all()
    assert (read_export(body, shop="supermarket")["shop"] == "supermarket").all()


@pytest.mark.slow  # 0.4 s on 2 cores
def test_bad_exports_are_refused(lor, tmp_path, real_data):
    ld.import_file("osm_pois", SUPERMARKETS)
    good = (lor / "processed" / "osm_pois.parquet").read_bytes()
    text = SUPERMARKETS.read_text(encoding="utf-8")
    truncated = tmp_path / "supermarkets_truncated.geojson"
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    renamed = tmp_path / "supermarkets_renamed.geojson"
    renamed.write_text(text.replace('"element":', '"objekt":'), encoding="utf-8")
    html = tmp_path / "supermarkets.geojson"
    html.write_text("<!DOCTYPE html><html><body>Too many requests</body></html>", encoding="utf-8")
    xlsx = tmp_path / "supermarkets.geojson.xlsx"
    xlsx.write_bytes((real_data / "business" / "Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx").read_bytes())
    untagged = tmp_path / "export.geojson"
    doc = json.loads(text)
    untagged.write_text(json.dumps(doc), encoding="utf-8")  # the same file without the name saying what it holds
    cases = [(real_data / "geometries" / "kieze.geojson", "has a feature without OSM type and id"),
             (truncated, "ends before the JSON document is closed (4 brackets left open): the file was cut off"),
             (renamed, "has a feature without OSM type and id"),
             (html, "is an HTML page"), (xlsx, "is an Excel workbook (xlsx), but this dataset takes JSON files"),
             (untagged, "1358 of 1358 objects of export.geojson carry no shop, amenity or tourism tag")]
    for path, message in cases:
        with pytest.raises(FormatError) as err:
            ld.import_file("osm_pois", path)
        assert message in str(err.value), (path, str(err.value))
        assert (lor / "processed" / "osm_pois.parquet").read_bytes() == good


@pytest.mark.slow  # 0.5 s on 2 cores
def test_refresh_from_the_snapshot_has_all_five_files(data_dir):
    """Malls, supermarkets (an export), restaurants and bars (both Gastronomie) and museums."""
    outcomes = ld.refresh(["bezirke", "lor_planungsraeume", "osm_pois"], mirror=SNAPSHOT)
    assert [o.state for o in outcomes] == ["fresh", "fresh", "fresh"]
    df = ld.load("osm_pois")
    assert len(df) == 104 + 1358 + 4471 + 928 + 145 and not ld.is_sample(df)
    assert (df.loc[df["bezirk_id"] == "11", "gruppe"].value_counts().to_dict()
            == {"gastronomie": 144, "lebensmittel": 92, "einkaufszentren": 21, "tourismus_kultur": 3,
                "einzelhandel": 1})  # a bar that also carries a shop tag
    assert ld.refresh(["osm_pois"], mirror=SNAPSHOT)[0].state == "unchanged"
