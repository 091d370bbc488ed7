"""The Overpass reader: every answer form, geometry checked against hand-computed centroids."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from lichtenberg_data import osm
from lichtenberg_data._errors import FormatError
from lichtenberg_data.demo.retail import overpass_answer

TO_WGS84 = Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True)
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
X0, Y0 = 400_000.0, 5_820_000.0  # Lichtenberg


# ----------------------------------------------------------------------------- the real answer

@pytest.fixture(scope="module")
def malls(real_data):
    return real_data / "business" / "osm_malls_berlin_raw_20250928.json"


def test_real_malls_answer(malls):
    df = osm.read_overpass(malls)
    raw = json.loads(malls.read_text(encoding="utf-8"))
    assert len(df) == len(raw["elements"]) == 104
    assert df["osm_type"].value_counts().to_dict() == {"way": 93, "relation": 7, "node": 4}
    assert df["geometry_source"].value_counts().to_dict() == {"center": 100, "node": 4}
    assert df.crs.to_epsg() == 25833 and df.attrs["osm_base"] == "2025-09-28T09:54:00Z"
    linden = df.set_index("osm_id").loc[11249452]
    assert (linden["osm_type"], linden["name"], linden["addr_street"]) == ("way", "Linden Center", "Prerower Platz")
    element = next(e for e in raw["elements"] if e["id"] == 11249452)
    x, y = TO_UTM.transform(element["center"]["lon"], element["center"]["lat"])
    assert (linden.geometry.x, linden.geometry.y) == pytest.approx((x, y), abs=1e-6)


def test_real_malls_points_match_the_publishers_csv(malls):
    """The repository's own flattening (lat/lon per object) agrees with every point read here."""
    csv = pd.read_csv(malls.with_name("osm_malls_berlin_20250928.csv"))
    df = osm.read_overpass(malls).merge(csv, on=["osm_type", "osm_id"], suffixes=("", "_csv"))
    assert len(df) == 104
    lon, lat = TO_WGS84.transform(df.geometry.x.to_numpy(), df.geometry.y.to_numpy())
    assert np.abs(lon - df["lon"]).max() < 1e-7 and np.abs(lat - df["lat"]).max() < 1e-7
    assert (df["name"].fillna("") == df["name_csv"].fillna("")).all()
    assert (df["brand"].fillna("") == df["brand_csv"].fillna("")).all()


# ----------------------------------------------------------------------------- the three forms

def _lonlat(points):
    lon, lat = TO_WGS84.transform([X0 + p[0] for p in points], [Y0 + p[1] for p in points])
    return list(zip(lon, lat))


#: Shapes in metres from (X0, Y0), with their centroids computed by hand.
L_SHAPE = [(0, 0), (100, 0), (100, 50), (50, 50), (50, 100), (0, 100), (0, 0)]  # 100x100 less a 50x50 corner
L_CENTROID = ((10000 * 50 - 2500 * 75) / 7500,) * 2                              # 41.67, 41.67
LINE = [(0, 0), (100, 0), (100, 50)]
LINE_CENTROID = ((100 * 50 + 50 * 100) / 150, (100 * 0 + 50 * 25) / 150)          # 66.67, 8.33
OUTER_A = [(0, 0), (200, 0), (200, 200)]                                          # outer ring split in two ways
OUTER_B = [(200, 200), (0, 200), (0, 0)]
HOLE = [(120, 120), (160, 120), (160, 160), (120, 160), (120, 120)]
SPLIT_CENTROID = ((40000 * 100 - 1600 * 140) / 38400,) * 2                        # 98.33, 98.33
SQUARE_1 = [(0, 300), (100, 300), (100, 400), (0, 400), (0, 300)]                 # two closed outer rings
SQUARE_2 = [(300, 300), (500, 300), (500, 500), (300, 500), (300, 300)]
TWO_SQUARES_CENTROID = ((10000 * 50 + 40000 * 400) / 50000, (10000 * 350 + 40000 * 400) / 50000)


def _answer(form: str) -> dict:
    """One answer holding every shape, in ``skel`` (node ids) or ``geom`` (geometry lists) form."""
    nodes: dict[tuple, int] = {}
    elements: list[dict] = []

    def ids(points):
        return [nodes.setdefault((round(p[0], 6), round(p[1], 6)), 100 + len(nodes)) for p in points]

    def way(way_id, points, tags=None):
        w = {"type": "way", "id": way_id}
        if form == "geom":
            w["geometry"] = [{"lat": lat, "lon": lon} for lon, lat in _lonlat(points)]
        else:
            w["nodes"] = ids(points)
        if tags:
            w["tags"] = tags
        return w

    def member(way_id, points, role):
        m = {"type": "way", "ref": way_id, "role": role}
        if form == "geom":
            m["geometry"] = [{"lat": lat, "lon": lon} for lon, lat in _lonlat(points)]
        else:
            elements.append(way(way_id, points))
        return m

    elements += [way(1, L_SHAPE, {"shop": "mall", "name": "L"}), way(2, LINE, {"amenity": "cafe", "name": "Linie"})]
    elements.append({"type": "relation", "id": 10, "tags": {"type": "multipolygon", "shop": "mall", "name": "Split"},
                     "members": [member(11, OUTER_A, "outer"), member(12, OUTER_B, "outer"),
                                 member(13, HOLE, "inner")]})
    elements.append({"type": "relation", "id": 20, "tags": {"type": "multipolygon", "tourism": "zoo"},
                     "members": [member(21, SQUARE_1, "outer"), member(22, SQUARE_2, "outer")]})
    (lon, lat), = _lonlat([L_SHAPE[0]])  # a tagged node that is also a corner of L (listed again by skel)
    elements.append({"type": "node", "id": 100, "lat": lat, "lon": lon, "tags": {"shop": "kiosk"}})
    if form == "skel":
        for (x, y), nid in nodes.items():
            (lon, lat), = _lonlat([(x, y)])
            elements.append({"type": "node", "id": nid, "lat": lat, "lon": lon})  # untagged: no objects
    return {"version": 0.6, "osm3s": {"timestamp_osm_base": "2026-10-01T06:00:00Z"}, "elements": elements}


@pytest.mark.parametrize("form", ["skel", "geom"])
def test_centroids_of_ways_and_relations(form):
    df = osm.read_overpass(_answer(form)).set_index(["osm_type", "osm_id"])
    assert len(df) == 5  # four tagged shapes and one tagged node; untagged nodes and member ways are no objects
    expected = {("way", 1): (L_CENTROID, "way_polygon"), ("way", 2): (LINE_CENTROID, "way_line"),
                ("relation", 10): (SPLIT_CENTROID, "relation_members"),
                ("relation", 20): (TWO_SQUARES_CENTROID, "relation_members")}
    for key, ((ex, ey), source) in expected.items():
        point = df.loc[key, "geometry"]
        assert (point.x - X0, point.y - Y0) == pytest.approx((ex, ey), abs=1e-3), key
        assert df.loc[key, "geometry_source"] == source
    assert df.loc[("node", 100), "shop"] == "kiosk"


def test_skel_and_geom_forms_agree():
    skel = osm.read_overpass(_answer("skel")).sort_values(["osm_type", "osm_id"], ignore_index=True)
    geom = osm.read_overpass(_answer("geom")).sort_values(["osm_type", "osm_id"], ignore_index=True)
    assert skel.drop(columns="geometry").equals(geom.drop(columns="geometry"))
    assert np.allclose(skel.geometry.x, geom.geometry.x, atol=1e-6)


def test_center_form_and_missing_geometry():
    doc = {"elements": [
        {"type": "way", "id": 5, "center": {"lat": 52.5, "lon": 13.5}, "nodes": [1, 2, 3], "tags": {"shop": "x"}},
        {"type": "way", "id": 6, "tags": {"shop": "y"}},                               # out tags: no position
        {"type": "relation", "id": 7, "center": {"lat": 52.51, "lon": 13.51}, "tags": {"shop": "mall"},
         "members": [{"type": "way", "ref": 99, "role": "outer"}]},                    # member not in the answer
        {"type": "node", "id": 8, "lat": 52.52, "lon": 13.52, "tags": {"shop": "z"}},
        {"type": "node", "id": 8, "lat": 52.52, "lon": 13.52, "tags": {"shop": "z"}},  # listed twice
    ]}
    df = osm.read_overpass(doc).set_index("osm_id")
    assert len(df) == 4
    assert df["geometry_source"].to_dict() == {5: "center", 6: None, 7: "center", 8: "node"}
    assert df.loc[6, "geometry"] is None
    assert (df.loc[5, "geometry"].x, df.loc[5, "geometry"].y) == pytest.approx(TO_UTM.transform(13.5, 52.5))


def test_further_keys_and_all_tags():
    tags = {"name": "Café {A},{B}", "amenity": "cafe", "cuisine": "coffee_shop", "addr:street": "Treskowallee"}
    doc = {"elements": [{"type": "node", "id": 1, "lat": 52.48, "lon": 13.52, "tags": tags},
                        {"type": "node", "id": 2, "lat": 52.48, "lon": 13.53, "tags": {"name": "Ü", "shop": "x"}}]}
    df = osm.read_overpass(doc, keys=["cuisine", "brand:wikidata"], all_tags=True)
    assert df["cuisine"].tolist() == ["coffee_shop", None] and df["brand_wikidata"].isna().all()
    assert df["addr_street"].tolist() == ["Treskowallee", None]
    assert [json.loads(t) for t in df["tags"]] == [tags, {"name": "Ü", "shop": "x"}]  # "},{" in a value
    assert "tags" not in osm.read_overpass(doc).columns


# ----------------------------------------------------------------------------- refused answers

OVERPASS_ERROR_PAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en"><head>
<meta http-equiv="content-type" content="text/html; charset=utf-8" lang="en"/><title>OSM3S Response</title>
</head><body>
<p><strong style="color:#FF0000">Error</strong>: line 3: parse error: Unknown type &quot;nwx&quot; </p>
</body></html>"""


@pytest.mark.parametrize(("body", "message"), [
    (OVERPASS_ERROR_PAGE, 'HTML page, not an Overpass JSON answer: line 3: parse error: Unknown type "nwx"'),
    (b'<?xml version="1.0"?><osm version="0.6"><node id="1"/></osm>', "is XML, not JSON"),
    (b'{"version": 0.6, "elements": [{"type": "node", "id": 1, "lat": 52.5', "is not valid JSON"),
    (b'{"type": "FeatureCollection", "features": []}', "not an Overpass API answer (no 'elements' list"),
    (b'{"elements": [{"kind": "node", "id": 1, "tags": {"shop": "x"}}]}', "elements without 'type'/'id'"),
    (b'{"elements": [{"type": "node", "id": 1, "lat": 52.5, "lon": 13.5, "tags": {"shop": "x"}}], '
     b'"remark": "runtime error: Query run out of memory using about 2048 MB of RAM."}', "partial Overpass answer"),
    (b"PK\x03\x04rest-of-an-xlsx", "zip or xlsx"),
])
def test_refused(body, message):
    with pytest.raises(FormatError, match="^the answer .*") as err:
        osm.read_overpass(body)
    assert message in str(err.value)


def test_a_harmless_remark_is_kept():
    doc = {"elements": [{"type": "node", "id": 1, "lat": 52.5, "lon": 13.5, "tags": {"shop": "x"}}],
           "remark": "runtime remark: Timeout is shorter than default."}
    assert osm.read_overpass(doc).attrs["remark"].startswith("runtime remark")


# ----------------------------------------------------------------------------- a large answer

@pytest.mark.slow  # 0.7 s on 2 cores
def test_a_large_answer_keeps_every_element_once_with_its_type_and_tags():
    """Correctness on a large answer; the speed (at most 3x ``json.loads`` for 100,000 elements,
    issue 11) is measured by `make bench` (row overpass_parse_100k), not by a timed test."""
    doc = overpass_answer(20_000, form="center")
    table = osm.read_overpass(json.dumps(doc).encode())
    assert len(table) == 20_000 and table["osm_id"].is_unique
    assert table["osm_type"].value_counts().to_dict() == {"node": 11_000, "way": 8_400, "relation": 600}
    first = doc["elements"][0]
    row = table[table["osm_id"] == first["id"]].iloc[0]
    assert (row["name"], row["shop"]) == (first["tags"]["name"], first["tags"]["shop"])
    assert table.crs.to_epsg() == 25833 and table.geometry.notna().all()
