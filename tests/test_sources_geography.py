"""The geography datasets: declarations, parsers on every real file variant, and the samples."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lichtenberg_data import _geoio, catalog
from lichtenberg_data._errors import FormatError
from lichtenberg_data._validate import validate
from lichtenberg_data.demo import sample_bytes
from lichtenberg_data.names import BEZIRKE
from lichtenberg_data.sources import geography as g

GEO_IDS = ["bezirke", "ortsteile", "lor_schluessel", "lor_planungsraeume", "lor_bezirksregionen",
           "lor_prognoseraeume", "lor_planungsraeume_2006"]
LICHTENBERG_ORTSTEILE = ["Alt-Hohenschönhausen", "Falkenberg", "Fennpfuhl", "Friedrichsfelde", "Karlshorst",
                         "Lichtenberg", "Malchow", "Neu-Hohenschönhausen", "Rummelsburg", "Wartenberg"]


def _parse(dataset_id: str, *paths):
    """Parse real files with the dataset's parser and validate them against its schema."""
    ds = catalog.get(dataset_id)
    df = ds.parser({p.name: p for p in paths})
    validate(ds, df)
    return df


# ----------------------------------------------------------------------------- real files

@pytest.fixture(scope="module")
def geom(real_data):
    return real_data / "geometries"


@pytest.fixture(scope="module")
def bezirke_gml(geom):
    return _parse("bezirke", geom / "alkis_bezirke_bezirksgrenzen.gml")


@pytest.fixture(scope="module")
def lor(geom):
    """The LOR 2021 levels (kieze and bezirksregionen are simplified copies) and the old LOR."""
    return {
        "planungsraum": _parse("lor_planungsraeume", geom / "kieze.geojson"),
        "bezirksregion": _parse("lor_bezirksregionen", geom / "bezirksregionen.geojson"),
        "prognoseraum": _parse("lor_prognoseraeume", geom / "lor_prognoseraeume_2021.geojson"),
        "planungsraum_2006": _parse("lor_planungsraeume_2006", geom / "LOR_Planungsraeume_2019.geojson",
                                    geom / "LOR_Planungsraeume_2019.csv"),
    }


def test_bezirke_from_wfs_gml_with_repaired_names(bezirke_gml):
    assert len(bezirke_gml) == 12
    assert dict(zip(bezirke_gml["bezirk_id"], bezirke_gml["bezirk"])) == BEZIRKE
    assert {"Tempelhof-Schöneberg", "Neukölln", "Treptow-Köpenick"} <= set(bezirke_gml["bezirk"])
    assert bezirke_gml.crs.to_epsg() == 25833
    assert catalog.get("bezirke").stand(bezirke_gml).isoformat() == "2025-09-29"  # WFS timeStamp


def test_bezirke_total_area_is_berlins(bezirke_gml):
    # Berlin covers 891.1 km² (AfS); ALKIS polygons give 890.67 km².
    assert bezirke_gml["flaeche_m2"].sum() / 1e6 == pytest.approx(891, rel=0.005)
    assert bezirke_gml.set_index("bezirk_id").loc["11", "flaeche_m2"] / 1e6 == pytest.approx(52.09, abs=0.01)


@pytest.mark.parametrize("name", ["alkis_bezirke_bezirksgrenzen.geojson", "bezirksgrenzen_berlin.geojson",
                                  "berlin-bezirke.geo.json"])
def test_bezirke_from_each_geojson_variant(geom, bezirke_gml, name):
    df = _parse("bezirke", geom / name)
    assert len(df) == 12
    assert sorted(df["bezirk"]) == sorted(BEZIRKE.values())
    areas = df.set_index("bezirk_id")["flaeche_m2"]
    reference = bezirke_gml.set_index("bezirk_id")["flaeche_m2"]
    # the rbb copy (berlin-bezirke.geo.json) is simplified: its districts differ by up to 0.14 %
    assert ((areas - reference).abs() / reference).max() < (0.005 if name == "berlin-bezirke.geo.json" else 0.001)


def test_crs_less_geojson_in_metres_gets_25833(geom):
    raw = json.loads((geom / "alkis_bezirke_bezirksgrenzen.geojson").read_text(encoding="utf-8"))
    assert "crs" not in raw
    gdf = _geoio.read_geofile(geom / "alkis_bezirke_bezirksgrenzen.geojson")
    assert gdf.crs.to_epsg() == 25833
    assert 370_000 < gdf.total_bounds[0] < gdf.total_bounds[2] < 416_000


def test_crs_less_wgs84_geojson_is_recognised(geom):
    gdf = _geoio.read_geofile(geom / "kieze.geojson")  # no crs member, lon/lat
    assert gdf.crs.to_epsg() == 25833
    assert 5_799_000 < gdf.total_bounds[1] < gdf.total_bounds[3] < 5_838_000


def test_ortsteile_of_lichtenberg(geom):
    df = _parse("ortsteile", geom / "ortsteile_berlin.geojson")
    assert len(df) == 96
    assert sorted(df.loc[df["bezirk_id"] == "11", "ortsteil"]) == LICHTENBERG_ORTSTEILE
    assert "Französisch Buchholz" in set(df["ortsteil"])  # OTEIL wins over the truncated spatial_alias


def test_lor_2021_counts(lor):
    assert len(lor["planungsraum"]) == 542
    assert len(lor["bezirksregion"]) == 143
    assert len(lor["prognoseraum"]) == 58
    assert (lor["planungsraum"]["bezirk_id"] == "11").sum() == 41
    assert (lor["bezirksregion"]["bezirk_id"] == "11").sum() == 13
    assert (lor["prognoseraum"]["bezirk_id"] == "11").sum() == 5
    row = lor["planungsraum"].set_index("planungsraum_id").loc["11401032"]
    assert (row["planungsraum"], row["bezirksregion_id"], row["prognoseraum_id"], row["bezirk"]) == (
        "Rosenfelder Ring", "114010", "1140", "Lichtenberg")


def test_uppercase_fis_broker_attributes_in_wgs84(geom, lor):
    df = _parse("lor_prognoseraeume", geom / "lor_prognoseraeume_2021_wgs84.geojson")
    same = df.set_index("prognoseraum_id")["flaeche_m2"]
    native = lor["prognoseraum"].set_index("prognoseraum_id")["flaeche_m2"]
    assert ((same - native).abs() / native).max() < 1e-4  # reprojection round trip


def test_old_lor_from_names_only_geojson_and_key_list(lor):
    old = lor["planungsraum_2006"]
    assert len(old) == 448
    assert (old["bezirk_id"] == "11").sum() == 32
    assert set(old["lor_version"]) == {"2006"}
    row = old.set_index("planungsraum_id").loc["11041022"]
    assert (row["planungsraum"], row["bezirksregion"]) == ("Rosenfelder Ring", "Friedrichsfelde Nord")


def test_old_lor_geometry_without_key_list_is_refused(geom):
    with pytest.raises(FormatError, match="key list"):
        g.parse_lor_planungsraeume_2006({"g": geom / "LOR_Planungsraeume_2019.geojson"})


def test_old_keys_are_refused_as_lor_2021(geom):
    old = _geoio.read_geofile(geom / "LOR_Planungsraeume_2019.geojson")
    keys = g.read_key_list(geom / "LOR_Planungsraeume_2019.csv", "2006")
    with pytest.raises(FormatError, match="old LOR keys"):
        g.read_key_list(geom / "LOR_Planungsraeume_2019.csv", "2021")
    assert len(_geoio.normalise_lor(old, "planungsraum", "2006", keys=keys)) == 448


def test_lor_key_list(geom):
    keys = _parse("lor_schluessel", geom / "LOR_2021.csv")
    assert len(keys) == 542
    assert (keys["bezirk_id"] == "11").sum() == 41
    assert keys["planungsraum_id"].str.len().eq(8).all() and keys["planungsraum_id"].iloc[0] == "01100101"
    assert keys["flaeche_m2"].sum() / 1e6 == pytest.approx(891, rel=0.005)


def test_each_level_adds_up_to_its_parent(geom, bezirke_gml, lor):
    """Areas of each level sum to the parent's area.

    The layers do not come from one source: the Prognoseräume are the ODIS export of LOR 2021,
    the Bezirksregionen and Planungsräume the simplified kiez-finder copies (coordinates rounded
    to 5 decimals, ~1 m, and generalised), the Bezirke ALKIS 2025, the Ortsteile an older ODIS
    ALKIS layer. Borders therefore shift by metres: measured deviations are < 0.05 % between
    the LOR levels and Bezirke and 0.36 % for the older Ortsteile, so 0.1 % and 0.5 % are
    tight tolerances that still catch a missing or doubled area (the smallest Planungsraum
    is 1.5 % of its Bezirksregion's area).
    """
    def worst(child: pd.DataFrame, key: str, parent: pd.Series) -> float:
        sums = child.groupby(key)["flaeche_m2"].sum()
        return float(((sums - parent) / parent).abs().max())

    bez = bezirke_gml.set_index("bezirk_id")["flaeche_m2"]
    pgr = lor["prognoseraum"].set_index("prognoseraum_id")["flaeche_m2"]
    bzr = lor["bezirksregion"].set_index("bezirksregion_id")["flaeche_m2"]
    assert worst(lor["prognoseraum"], "bezirk_id", bez) < 0.001
    assert worst(lor["bezirksregion"], "prognoseraum_id", pgr) < 0.001
    assert worst(lor["planungsraum"], "bezirksregion_id", bzr) < 0.001
    assert worst(lor["planungsraum_2006"], "bezirk_id", bez) < 0.001
    ortsteile = _parse("ortsteile", geom / "ortsteile_berlin.geojson")
    assert worst(ortsteile, "bezirk_id", bez) < 0.005


def test_import_old_lor_pair_through_the_engine(geom, data_dir):
    import lichtenberg_data as ld

    outcome = ld.import_file("lor_planungsraeume_2006", [geom / "LOR_Planungsraeume_2019.geojson",
                                                         geom / "LOR_Planungsraeume_2019.csv"])
    assert outcome.rows == 448
    loaded = ld.load("lor_planungsraeume_2006")
    assert loaded.crs.to_epsg() == 25833 and (loaded["bezirk_id"] == "11").sum() == 32


# ----------------------------------------------------------------------------- bad input

def test_gml_with_doctype_is_refused(tmp_path):
    bomb = tmp_path / "bezirke.gml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                    '<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0">&b;'
                    '</wfs:FeatureCollection>', encoding="utf-8")
    with pytest.raises(FormatError, match="DTD or entity"):
        g.parse_bezirke({"bezirksgrenzen.geojson": bomb})


def test_gml_with_external_entity_is_refused(tmp_path):
    xxe = tmp_path / "x.gml"
    xxe.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
                   encoding="utf-8")
    with pytest.raises(FormatError, match="unsafe XML"):
        _geoio.read_geofile(xxe)


def _collection(coords, props=None):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props or {"namgem": "Mitte"},
         "geometry": {"type": "Polygon", "coordinates": [coords]}}]}


def test_ambiguous_crs_less_file_is_refused(tmp_path):
    path = tmp_path / "web_mercator.geojson"  # EPSG:3857 metres: neither 25833 nor lon/lat
    path.write_text(json.dumps(_collection([[1490000, 6890000], [1500000, 6890000], [1500000, 6900000],
                                            [1490000, 6890000]])))
    with pytest.raises(FormatError, match="names no coordinate system"):
        _geoio.read_geofile(path)


def test_swapped_lat_lon_is_refused(tmp_path):
    path = tmp_path / "swapped.geojson"
    path.write_text(json.dumps(_collection([[52.5, 13.4], [52.51, 13.4], [52.51, 13.41], [52.5, 13.4]])))
    with pytest.raises(FormatError, match="swapped"):
        _geoio.read_geofile(path)


def test_declared_crs_that_does_not_fit_is_refused(tmp_path):
    doc = _collection([[52.5, 13.4], [52.51, 13.4], [52.51, 13.41], [52.5, 13.4]])
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    path = tmp_path / "wrong.geojson"
    path.write_text(json.dumps(doc))
    with pytest.raises(FormatError, match="outside Berlin"):
        _geoio.read_geofile(path)


def test_unknown_district_name_is_a_format_error(tmp_path):
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(_collection([[390000, 5815000], [391000, 5815000], [391000, 5816000],
                                            [390000, 5815000]], {"namgem": "Atlantis"})))
    with pytest.raises(FormatError, match="Bezirk 'Atlantis' that is not a Berlin Bezirk"):
        g.parse_bezirke({"b": path})


def test_unknown_ortsteil_is_a_format_error(tmp_path):
    path = tmp_path / "o.geojson"
    path.write_text(json.dumps(_collection([[390000, 5815000], [391000, 5815000], [391000, 5816000],
                                            [390000, 5815000]], {"nam": "Neu-Atlantis"})))
    with pytest.raises(FormatError, match="unknown Ortsteil"):
        g.parse_ortsteile({"o": path})


def test_html_instead_of_geodata(tmp_path):
    path = tmp_path / "b.geojson"
    path.write_text("<!DOCTYPE html><html><body>Wartung</body></html>")
    with pytest.raises(FormatError, match="HTML"):
        _geoio.read_geofile(path)


# ----------------------------------------------------------------------------- catalogue and samples

def test_datasets_declared():
    for dataset_id in GEO_IDS:
        ds = catalog.get(dataset_id)
        assert ds.topic == "geography" and ds.license.id in {"dl-de/zero-2.0", "CC BY 3.0 DE"}
    lor = catalog.get("lor_planungsraeume")
    assert lor.resources[0].wfs.type_name == "lor_2021:a_lor_plr_2021"
    assert lor.resources[0].wfs.service_url == "https://gdi.berlin.de/services/wfs/lor_2021"
    assert catalog.get("bezirke").resources[0].wfs.type_name == "alkis_bezirke:bezirksgrenzen"
    assert catalog.get("ortsteile").resources[0].wfs.type_name == "alkis_ortsteile:ortsteile"
    old = catalog.get("lor_planungsraeume_2006")
    geometry, key_list = old.resources
    assert geometry.matches("LOR_Planungsraeume_2019.geojson") and not key_list.matches("LOR_Planungsraeume_2019.geojson")
    assert key_list.matches("LOR_Planungsraeume_2019.csv") and not geometry.matches("LOR_Planungsraeume_2019.csv")


@pytest.mark.parametrize("dataset_id", GEO_IDS)
def test_samples_parse_and_validate(tmp_path, dataset_id):
    ds = catalog.get(dataset_id)
    files = {}
    for res in ds.resources:
        path = tmp_path / res.name
        path.write_bytes(sample_bytes(dataset_id, res.name))
        files[res.name] = path
    df = ds.parser(files)
    validate(ds, df)
    expected = {"bezirke": 1, "ortsteile": 10, "lor_planungsraeume_2006": 32, "lor_bezirksregionen": 13,
                "lor_prognoseraeume": 5}.get(dataset_id, 41)
    assert (df["bezirk_id"] == "11").sum() == expected


def test_wfs_sample_looks_like_gdi_berlin():
    doc = json.loads(sample_bytes("lor_planungsraeume", "planungsraeume.geojson"))
    assert doc["type"] == "FeatureCollection" and doc["numberMatched"] == 542
    assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::25833"
    props = doc["features"][0]["properties"]
    assert {"plr_id", "plr_name", "bzr_id", "bzr_name", "pgr_id", "pgr_name", "bez"} <= set(props)
    assert all(k == k.lower() for k in props)


def test_samples_are_deterministic():
    for dataset_id in GEO_IDS:
        for res in catalog.get(dataset_id).resources:
            assert sample_bytes(dataset_id, res.name) == sample_bytes(dataset_id, res.name)
