"""Bebauungspläne and Fördergebiete: sample WFS answers, tolerance, a GDI stand-in with paging and a
missing layer, ``doctor`` rows, bad files."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from badfiles import assert_refused, html_page, truncated
from portal import Portal

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._doctor import check
from lichtenberg_data._validate import validate
from lichtenberg_data.demo.planning import PLANS_PER_BEZIRK, sample_bplan, sample_programme
from lichtenberg_data.sources.planning import (
    BPLAN_LAYERS,
    PROGRAMMES,
    parse_bebauungsplaene,
    parse_foerdergebiete,
)

LAYERS = ("im_verfahren", "festgesetzt", "ausser_kraft")


def _write(folder: Path, name: str, body: bytes) -> Path:
    path = folder / name
    path.write_bytes(body)
    return path


@pytest.fixture()
def plan_files(tmp_path) -> dict[str, Path]:
    return {f"bplan_{layer}.geojson": _write(tmp_path, f"bplan_{layer}.geojson", sample_bplan(layer))
            for layer in LAYERS}


# =============================================================================== parsing

def test_sample_layers_parse_into_one_row_per_plan(plan_files):
    gdf = parse_bebauungsplaene(plan_files)
    validate(catalog.get("bebauungsplaene"), gdf)
    counts = gdf.groupby("status").size().to_dict()
    assert counts == {"im Verfahren": 72, "festgesetzt": 108, "außer Kraft": 24}
    assert counts["im Verfahren"] == 12 * PLANS_PER_BEZIRK["im_verfahren"]
    li = gdf[(gdf["bezirk_id"] == "11") & (gdf["layer"] == "festgesetzt")]
    doc = json.loads(plan_files["bplan_festgesetzt.geojson"].read_bytes())
    first = next(f["properties"] for f in doc["features"] if f["properties"]["bezirk"] == "Lichtenberg")
    row = li[li["plan_id"] == first["planid"]].iloc[0]
    assert row["name"] == first["planname"] and row["inhalt"] == first["inhalt"]
    assert row["festgesetzt_am"] == pd.Timestamp(first["festsg_am"]) and row["behoerde"] == "Bezirksamt Lichtenberg"
    assert row["flaeche_m2"] == pytest.approx(row.geometry.area, abs=0.1) and row["flaeche_ha"] > 1
    assert gdf.loc[gdf["layer"] == "im_verfahren", "festgesetzt_am"].isna().all()
    assert catalog.get("bebauungsplaene").stand(gdf).isoformat() == "2026-01-01"  # the WFS timeStamp


def test_extra_and_missing_optional_attributes_and_german_dates(tmp_path):
    doc = json.loads(sample_bplan("festgesetzt"))
    for f in doc["features"]:
        p = f["properties"]
        f["properties"] = {"planid": p["planid"], "bezirk": f"11 - {p['bezirk']}" if p["bezirk"] == "Lichtenberg"
                           else p["bezirk"], "festsg_am": "04.03.2021", "neues_attribut": 1}
    path = _write(tmp_path, "b_bp_fs.json", json.dumps(doc).encode())
    gdf = parse_bebauungsplaene({"bplan_festgesetzt.geojson": path})
    assert (gdf["name"] == gdf["plan_id"]).all()  # no planname: the number names the plan
    assert gdf["inhalt"].isna().all() and gdf["planart"].isna().all()
    assert set(gdf["festgesetzt_am"]) == {pd.Timestamp("2021-03-04")}
    assert (gdf["bezirk_id"] == "11").sum() == 9 and "neues_attribut" not in gdf.columns


def test_programme_areas_with_their_names_dates_and_hectares(tmp_path):
    files = {f"{layer}.geojson": _write(tmp_path, f"{layer}.geojson", sample_programme(layer)) for layer in PROGRAMMES}
    gdf = parse_foerdergebiete(files)
    validate(catalog.get("foerdergebiete"), gdf)
    assert gdf.groupby("programm").size().to_dict() == {
        "Lebendige Zentren und Quartiere": 5, "Sanierungsgebiet (aufgehoben)": 3,
        "Sanierungsgebiet (umfassendes Verfahren)": 4, "Sanierungsgebiet (vereinfachtes Verfahren)": 4,
        "Sozialer Zusammenhalt / Quartiersmanagement": 5}
    qm = gdf[(gdf["layer"] == "quartiersmanagement") & (gdf["bezirk_id"] == "11")].iloc[0]
    assert qm["name"] == "BEISPIEL Quartiersmanagement Lichtenberg" and qm["festgelegt_am"] == pd.Timestamp("2014-05-10")
    assert qm["flaeche_ha"] == pytest.approx(qm.geometry.area / 10_000, abs=0.01)  # no published hectares
    gone = gdf[gdf["layer"] == "sanierung_aufgehoben"]
    assert (gone["aufgehoben_am"] == pd.Timestamp("2024-12-31")).all()


def test_published_hectares_are_taken_where_given(tmp_path):
    doc = json.loads(sample_programme("sanierung_umfassend"))
    for f in doc["features"]:
        f["properties"]["fl_in_ha"] = "12,5"
    gdf = parse_foerdergebiete({"sanierung_umfassend.geojson": _write(tmp_path, "a.geojson", json.dumps(doc).encode())})
    assert gdf["flaeche_ha"].tolist() == [12.5] * 4


# =============================================================================== the GDI stand-in

class GdiWfs(Portal):
    """The GeoServer of gdi.berlin.de for one service: GetCapabilities listing ``listed``,
    GetFeature paging through ``layers`` (GeoJSON only, as application/json), and a 400
    ExceptionReport for any other type name."""

    def __init__(self, service: str, layers: dict[str, bytes], listed: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.service, self.layers = service, {k: json.loads(v) for k, v in layers.items()}
        self.listed = tuple(layers) if listed is None else listed
        self.pages: list[tuple[str, int]] = []
        self.set(f"/services/wfs/{service}", ("func", self.answer))

    def answer(self, q: dict, headers) -> tuple[int, bytes, dict]:
        if q.get("REQUEST") == "GetCapabilities":
            names = "".join(f"<wfs:FeatureType><wfs:Name>{n}</wfs:Name></wfs:FeatureType>" for n in self.listed)
            body = (f'<wfs:WFS_Capabilities version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0">'
                    f"<wfs:FeatureTypeList>{names}</wfs:FeatureTypeList></wfs:WFS_Capabilities>").encode()
            return 200, body, {"Content-Type": "application/xml"}
        name = q["TYPENAMES"]
        if name not in self.layers or q["OUTPUTFORMAT"] != "application/json":
            return 400, (f'<ows:ExceptionReport><ows:Exception exceptionCode="InvalidParameterValue">'
                         f"<ows:ExceptionText>Feature type {name} unknown</ows:ExceptionText></ows:Exception>"
                         "</ows:ExceptionReport>").encode(), {"Content-Type": "application/xml"}
        assert q["SRSNAME"] == "EPSG:25833"
        start, count = int(q["STARTINDEX"]), int(q["COUNT"])
        self.pages.append((name, start))
        doc = self.layers[name]
        page = dict(doc, features=doc["features"][start:start + count], numberReturned=min(count, len(doc["features"])))
        return 200, json.dumps(page).encode(), {"Content-Type": "application/json"}

    def dataset(self, ds: catalog.Dataset, page_size: int = 40) -> catalog.Dataset:
        """``ds`` with its WFS layers served here."""
        url = f"{self.url}/services/wfs/{self.service}"
        return replace(ds, resources=tuple(
            replace(r, wfs=replace(r.wfs, service_url=url, page_size=page_size)) if r.wfs else r
            for r in ds.resources))


def _bplan_server(*layers: str, listed: tuple[str, ...] | None = None) -> GdiWfs:
    return GdiWfs("bplan", {BPLAN_LAYERS[layer][0]: sample_bplan(layer) for layer in layers}, listed)


def test_refresh_pages_through_the_layers(data_dir, monkeypatch):
    server = _bplan_server(*LAYERS)
    try:
        monkeypatch.setitem(catalog._REGISTRY, "bebauungsplaene", server.dataset(catalog.get("bebauungsplaene")))
        [outcome] = ld.refresh(["bebauungsplaene"])
    finally:
        server.close()
    assert outcome.state == "fresh", outcome.reason
    assert [s for n, s in server.pages if n == "bplan:b_bp_fs"] == [0, 40, 80]  # 108 plans, 40 a page
    df = ld.load("bebauungsplaene")
    assert len(df) == 204 and df.groupby("layer").size().to_dict() == {
        "ausser_kraft": 24, "festgesetzt": 108, "im_verfahren": 72}
    assert df.attrs["provenance"][0]["reference_date"] == "2026-01-01"


def test_a_missing_optional_layer_is_left_out_and_said(data_dir, monkeypatch):
    server = _bplan_server("im_verfahren", "festgesetzt")  # außer Kraft gone from the service
    try:
        monkeypatch.setitem(catalog._REGISTRY, "bebauungsplaene", server.dataset(catalog.get("bebauungsplaene")))
        [outcome] = ld.refresh(["bebauungsplaene"])
    finally:
        server.close()
    assert outcome.state == "fresh"
    assert "built without the optional bplan_ausser_kraft.geojson (WFS layer bplan:c_bp_ak:" in outcome.reason
    assert "HTTP 400" in outcome.reason
    assert sorted(ld.load("bebauungsplaene")["layer"].unique()) == ["festgesetzt", "im_verfahren"]


def test_the_plans_in_procedure_are_required(data_dir, monkeypatch):
    server = _bplan_server("festgesetzt", "ausser_kraft")  # the fair needs the plans in procedure
    try:
        monkeypatch.setitem(catalog._REGISTRY, "bebauungsplaene", server.dataset(catalog.get("bebauungsplaene")))
        [outcome] = ld.refresh(["bebauungsplaene"])
    finally:
        server.close()
    assert outcome.failed and "WFS layer bplan:a_bp_iv:" in outcome.reason and "HTTP 400" in outcome.reason
    assert "\n" not in outcome.reason
    with pytest.raises(ld.DataNotAvailableError):
        ld.load("bebauungsplaene")


def test_sanier_layers_refresh_and_the_hand_made_files_join_them(data_dir, monkeypatch, tmp_path):
    layers = ("sanierung_umfassend", "sanierung_vereinfacht", "sanierung_aufgehoben")
    server = GdiWfs("sanier", {PROGRAMMES[k][0]: sample_programme(k) for k in layers})
    try:
        monkeypatch.setitem(catalog._REGISTRY, "foerdergebiete", server.dataset(catalog.get("foerdergebiete"), 3))
        [outcome] = ld.refresh(["foerdergebiete"])
    finally:
        server.close()
    assert outcome.state == "fresh", outcome.reason
    assert [s for n, s in server.pages if n == "sanier:a_sanier_umfassend"] == [0, 3]
    ld.import_file("foerdergebiete", _write(tmp_path, "quartiersmanagement.geojson",
                                            sample_programme("quartiersmanagement")))
    df = ld.load("foerdergebiete")
    assert df.groupby("layer").size().to_dict() == {"quartiersmanagement": 5, "sanierung_aufgehoben": 3,
                                                    "sanierung_umfassend": 4, "sanierung_vereinfacht": 4}


def test_doctor_checks_every_layer_against_getcapabilities():
    server = _bplan_server(*LAYERS, listed=("bplan:a_bp_iv", "bplan:b_bp_fs"))
    sanier = GdiWfs("sanier", {}, listed=tuple(PROGRAMMES[k][0] for k in PROGRAMMES if PROGRAMMES[k][0]))
    try:
        rows = check([server.dataset(catalog.get("bebauungsplaene")), sanier.dataset(catalog.get("foerdergebiete"))],
                     timeout=2)
    finally:
        server.close()
        sanier.close()
    got = {(r.dataset, r.resource): r for r in rows}
    assert got["bebauungsplaene", "bplan_im_verfahren.geojson"].detail.endswith("layer bplan:a_bp_iv listed")
    assert got["bebauungsplaene", "bplan_festgesetzt.geojson"].state == "ok"
    gone = got["bebauungsplaene", "bplan_ausser_kraft.geojson"]
    assert gone.failed and gone.detail == "layer bplan:c_bp_ak not listed among 2 layers"
    assert [got["foerdergebiete", f"{k}.geojson"].state for k in PROGRAMMES] == [
        "ok", "ok", "ok", "import only", "import only"]
    assert server.hits["/services/wfs/bplan"] == 1  # three layers of one service: one GetCapabilities


def test_info_names_the_wfs_addresses_and_says_unverified():
    text = catalog.get("bebauungsplaene").how_to_import()
    assert "https://gdi.berlin.de/services/wfs/bplan" in text and "WFS layer bplan:a_bp_iv" in text
    assert "OUTPUTFORMAT=application%2Fjson" in text and "never saw a real file" in text
    text = catalog.get("foerdergebiete").how_to_import()
    assert "WFS layer sanier:c_sanier_aufgehoben" in text and "quartiersmanagement.geojson" in text
    assert "never saw a real file" in text


# =============================================================================== bad files

@pytest.mark.slow  # 0.4 s on 2 cores
def test_bad_plan_files_are_refused_and_change_nothing(data_dir, plan_files, tmp_path):
    ld.import_file("bebauungsplaene", list(plan_files.values()))
    bad = tmp_path / "bad"
    bad.mkdir()
    assert_refused(data_dir, "bebauungsplaene", html_page(bad, "bplan_im_verfahren.geojson"), "HTML page")
    assert_refused(data_dir, "bebauungsplaene", truncated(plan_files["bplan_festgesetzt.geojson"], bad),
                   "cut off")
    no_id = json.loads(sample_bplan("im_verfahren"))
    for f in no_id["features"]:
        f["properties"] = {k: v for k, v in f["properties"].items() if k not in ("planid", "planname")}
    assert_refused(data_dir, "bebauungsplaene", _write(bad, "a_bp_iv.geojson", json.dumps(no_id).encode()),
                   "has no attribute 'planid' of the GDI layer bplan:a_bp_iv")
    points = json.loads(sample_bplan("festgesetzt"))
    for f in points["features"]:
        f["geometry"] = {"type": "Point", "coordinates": f["geometry"]["coordinates"][0][0][0]}
    assert_refused(data_dir, "bebauungsplaene", _write(bad, "b_bp_fs.geojson", json.dumps(points).encode()),
                   "holds Point geometries; Bebauungspläne are areas")
    assert_refused(data_dir, "bebauungsplaene", _write(bad, "plaene.geojson", sample_bplan("festgesetzt")),
                   "cannot tell which file plaene.geojson is")


def test_bad_programme_files_are_refused_and_change_nothing(data_dir, tmp_path):
    good = [_write(tmp_path, f"{k}.geojson", sample_programme(k)) for k in ("sanierung_umfassend", "sanierung_vereinfacht")]
    ld.import_file("foerdergebiete", good)
    bad = tmp_path / "bad"
    bad.mkdir()
    assert_refused(data_dir, "foerdergebiete", html_page(bad, "sanierung_umfassend.geojson"), "HTML page")
    assert_refused(data_dir, "foerdergebiete", truncated(good[1], bad), "cut off")
    plans_as_areas = _write(bad, "quartiersmanagement.geojson", sample_bplan("im_verfahren"))
    assert_refused(data_dir, "foerdergebiete", plans_as_areas,
                   "has no attribute 'gebietsname' of the areas of Sozialer Zusammenhalt / Quartiersmanagement")
    wgs84 = json.loads(sample_programme("lebendige_zentren"))
    del wgs84["crs"]
    for f in wgs84["features"]:
        f["geometry"]["coordinates"] = [[[[c[0] / 1e5, c[1] / 1e5] for c in ring] for ring in poly]
                                        for poly in f["geometry"]["coordinates"]]
    assert_refused(data_dir, "foerdergebiete", _write(bad, "lebendige_zentren.geojson", json.dumps(wgs84).encode()),
                   "lebendige_zentren.geojson")
    workbook = bad / "sanierung_vereinfacht.xlsx"
    workbook.write_bytes(_xlsx())
    assert_refused(data_dir, "foerdergebiete", workbook, "is an Excel workbook")


def _xlsx() -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Gebiet", "Fläche"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
