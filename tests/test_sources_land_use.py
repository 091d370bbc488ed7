"""Flächennutzung (Umweltatlas "Reale Nutzung"): sample WFS answer, paging, variants, bad files."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from badfiles import assert_refused, html_page, truncated
from portal import Portal

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._validate import validate
from lichtenberg_data.catalog import WFS
from lichtenberg_data.demo.land import SAMPLES, sample_brw_wfs, sample_flaechennutzung
from lichtenberg_data.sources import land_use
from lichtenberg_data.sources.land_use import parse_flaechennutzung


@pytest.fixture(scope="module")
def answer() -> bytes:
    return sample_flaechennutzung()


@pytest.fixture()
def sample_file(tmp_path, answer) -> Path:
    path = tmp_path / "reale_nutzung_2023.geojson"
    path.write_bytes(answer)
    return path


@pytest.mark.slow  # 0.5 s on 2 cores
def test_sample_answer_parses(sample_file, answer):
    gdf = parse_flaechennutzung({"x": sample_file})
    validate(catalog.get("flaechennutzung"), gdf)
    doc = json.loads(answer)
    assert len(gdf) == len(doc["features"]) == 4500 and gdf.crs.to_epsg() == 25833
    commercial = [f for f in doc["features"] if f["properties"]["nutz"] == 40]
    assert int(gdf["gewerbe"].sum()) == len(commercial)
    assert gdf.loc[gdf["gewerbe"], "flaeche_m2"].sum() == pytest.approx(
        sum(f["properties"]["flalle"] for f in commercial))
    assert catalog.get("flaechennutzung").stand(gdf).isoformat() == "2026-01-01"  # the WFS timeStamp


def test_attribute_names_of_the_2020_service(tmp_path, answer):
    doc = json.loads(answer)
    for f in doc["features"][:300]:
        p = f["properties"]
        f["properties"] = {"bez": "11", "nutz": str(p["nutz"]), "nutzung": p["nutzung"],
                           "flalle": str(p["flalle"])}
    doc["features"] = doc["features"][:300]
    path = tmp_path / "c_ua_realnutz_2020.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    gdf = parse_flaechennutzung({"x": path})
    assert gdf["bezirk_id"].unique().tolist() == ["11"] and gdf["nutz"].dtype.kind == "i"
    assert gdf["block_id"].is_unique and (gdf["flaeche_m2"] > 0).all()


def test_a_recoded_use_is_caught(sample_file):
    gdf = parse_flaechennutzung({"x": sample_file})
    gdf.loc[gdf["gewerbe"], "nutzung"] = "Wald"
    with pytest.raises(ld.ValidationError, match="code 40 now means 'Wald'"):
        validate(catalog.get("flaechennutzung"), gdf)


class UmweltatlasWfs(Portal):
    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.doc = json.loads(body)
        self.starts: list[int] = []
        self.set("/services/wfs/ua_flaechennutzung", ("func", self.page))

    def page(self, q: dict, headers) -> tuple[int, bytes, dict]:
        assert q["TYPENAMES"] == land_use.TYPE_NAME and q["SRSNAME"] == "EPSG:25833"
        start, count = int(q["STARTINDEX"]), int(q["COUNT"])
        self.starts.append(start)
        feats = self.doc["features"][start:start + count]
        return 200, json.dumps(dict(self.doc, features=feats)).encode(), {"Content-Type": "application/json"}


@pytest.mark.slow  # 0.4 s on 2 cores
def test_refresh_pages_through_the_wfs(data_dir, answer, monkeypatch):
    server = UmweltatlasWfs(answer)
    try:
        ds = catalog.get("flaechennutzung")
        wfs = WFS(server.url + "/services/wfs/ua_flaechennutzung", land_use.TYPE_NAME, page_size=2000)
        monkeypatch.setitem(catalog._REGISTRY, ds.id, replace(ds, resources=(replace(ds.resources[0], wfs=wfs),)))
        [outcome] = ld.refresh(["flaechennutzung"])
    finally:
        server.close()
    assert outcome.state == "fresh", outcome.reason
    assert server.starts == [0, 2000, 4000]
    df = ld.load("flaechennutzung")
    assert len(df) == 4500 and df.attrs["provenance"][0]["reference_date"] == "2026-01-01"
    assert ("flaechennutzung", ds.resources[0].name) in SAMPLES


@pytest.mark.slow  # 0.4 s on 2 cores
def test_bad_files_are_refused_and_change_nothing(data_dir, sample_file, tmp_path):
    ld.import_file("flaechennutzung", sample_file)
    other_layer = tmp_path / "brw_2025.geojson"
    other_layer.write_bytes(sample_brw_wfs(2025))
    assert_refused(data_dir, "flaechennutzung", other_layer, "has no attribute 'nutz'")
    workbook = tmp_path / "nutzung.xlsx"
    workbook.write_bytes(_workbook())
    assert_refused(data_dir, "flaechennutzung", workbook, "is an Excel workbook \\(xlsx\\), but this dataset takes GeoJSON")
    cut = tmp_path / "cut"
    cut.mkdir()
    assert_refused(data_dir, "flaechennutzung", truncated(sample_file, cut), "the file was cut off")
    renamed = tmp_path / "reale_nutzung_2021.geojson"
    renamed.write_bytes(sample_file.read_bytes().replace(b'"nutz":', b'"nutzart":'))
    assert_refused(data_dir, "flaechennutzung", renamed, "has no attribute 'nutz'")
    assert_refused(data_dir, "flaechennutzung", html_page(tmp_path, "reale_nutzung.geojson"), "HTML page")


def _workbook() -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Block", "Nutzung"])
    wb.active.append(["0100001", "Wohnnutzung"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
