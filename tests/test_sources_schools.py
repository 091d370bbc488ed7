"""Schools (``schulen``): the real FIS-Broker export and school directory of 2020, the GDI WFS
against a local GeoServer stand-in (GetCapabilities naming the layer either way, paging, a missing
layer), ``doctor``, and five bad files refused."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from badfiles import assert_refused, html_page, truncated
from portal import Portal

import lichtenberg_data as ld
from lichtenberg_data import _kept, catalog
from lichtenberg_data._doctor import check
from lichtenberg_data.demo import SNAPSHOT
from lichtenberg_data.sources.schools import (
    BSN_LETTERS,
    LAYER,
    LAYER_ALTERNATIVES,
    SERVICE,
    parse_schulen,
)

EXPORT = "Schulen_fisbroker_s_schulen_2020-07.geojson"
DIRECTORY = "schulen_berlin_senbjf_2020.csv"


def _files(real_data: Path) -> tuple[Path, Path]:
    return real_data / "education" / EXPORT, real_data / "education" / DIRECTORY


@pytest.fixture(scope="module")
def export_only(real_data):
    return parse_schulen({"schulen.geojson": _files(real_data)[0]})


# =============================================================================== the real files
def test_the_export_gives_lichtenberg_54_public_schools_by_type(export_only):
    assert len(export_only) == 688 and set(export_only["traeger"]) == {"öffentlich"}
    li = export_only[export_only["bezirk_id"] == "11"]
    assert len(li) == 54
    kinds = li["schulart"].value_counts().to_dict()
    assert (kinds["Grundschule"], kinds["Integrierte Sekundarschule"], kinds["Gymnasium"],
            kinds["Berufliche Schule"]) == (27, 11, 5, 3)
    assert set(li.loc[li["schulart"] == "Berufliche Schule", "schulart_detail"]) == {"Oberstufenzentrum"}
    assert li["bsn"].str.startswith("11").all() and export_only.crs.to_epsg() == 25833
    herder = export_only.set_index("bsn").loc["11Y02"]
    assert (herder["name"], herder["ortsteil"], herder["quelle"]) == (
        "Johann-Gottfried-Herder-Gymnasium", "Fennpfuhl", "Schulstandorte")
    assert export_only.attrs["stand"] == "2020-07-01"  # the month in the file name


def test_the_bsn_letter_is_the_type_the_export_gives(export_only, real_data):
    """The evidence for BSN_LETTERS: in the export each letter goes with one SCHULTYP only."""
    raw = json.loads(_files(real_data)[0].read_text(encoding="utf-8"))
    pairs = {(f["properties"]["gml_id"].split(".")[1][2], f["properties"]["SCHULTYP"]) for f in raw["features"]}
    letters = {letter for letter, _ in pairs}
    assert len(pairs) == len(letters) == 6 and letters == {"A", "B", "G", "K", "S", "Y"}
    by_letter = export_only.assign(letter=export_only["bsn"].str[2]).groupby("letter")["schulart"].unique()
    assert {k: list(v) for k, v in by_letter.items()} == {k: [BSN_LETTERS[k][0]] for k in letters}


def test_the_directory_alone_gives_type_bezirk_and_traeger_from_the_bsn(real_data):
    table = parse_schulen({"schulverzeichnis.csv": _files(real_data)[1]})
    assert len(table) == 1036 and table.geometry.isna().all()
    li = table[table["bezirk_id"] == "11"]
    assert len(li) == 72
    assert li["schulart"].value_counts()[["Grundschule", "Integrierte Sekundarschule", "Gymnasium",
                                          "Berufliche Schule"]].tolist() == [29, 11, 5, 3]
    new = table.set_index("bsn").loc[["11G34", "11G35"], "name"].tolist()  # two Grundschulen not in the export
    assert new == ["34. Schule (Grundschule)", "35. Schule (Grundschule)"]
    assert (li["traeger"] == "privat").sum() == 16  # P and E: private schools of no stated type
    assert set(li.loc[li["traeger"] == "privat", "schulart"]) == {"sonstige"}
    assert table.set_index("bsn").loc["11B01", "name"] == "Hein-Moeller-Schule (OSZ Energietechnik II)"


def test_both_forms_give_the_located_schools_and_the_private_ones_of_the_directory(real_data):
    export, directory = _files(real_data)
    with _kept.tally() as files:
        table = parse_schulen({"schulen.geojson": export, "schulverzeichnis.csv": directory})
    assert files[EXPORT].kept == 688 and files[DIRECTORY].kept == 350
    assert len(table) == 1038
    li = table[table["bezirk_id"] == "11"]
    assert len(li) == 72 and (li["quelle"] == "Schulstandorte").sum() == 54
    assert li.loc[li["quelle"] == "Schulverzeichnis", "geometry"].isna().all()


def test_a_directory_of_another_year_adds_nothing_and_says_so(real_data, tmp_path):
    export, directory = _files(real_data)
    later = tmp_path / "schulen_berlin_senbjf_2024.csv"
    later.write_bytes(directory.read_bytes())
    with _kept.tally() as files:
        table = parse_schulen({"schulen.geojson": export, "schulverzeichnis.csv": later})
    assert len(table) == 688
    assert files[later.name].kept == 0
    assert files[later.name].dropped == {"directory of 2024, school layer of 2020: not added": 350}


def test_the_snapshot_loads_with_planungsraeume_and_its_stand(data_dir):
    outcomes = ld.refresh(["lor_planungsraeume", "schulen"], mirror=SNAPSHOT)
    assert [o.state for o in outcomes] == ["fresh", "fresh"], [o.reason for o in outcomes]
    df = ld.load("schulen")
    li = df[(df["bezirk_id"] == "11") & (df["quelle"] == "Schulstandorte")]
    assert len(li) == 54 and li["planungsraum_id"].str.startswith("11").all()
    assert li["planungsraum_id"].str.len().eq(8).all()
    note = ld.source_note(df)
    assert "Senatsverwaltung für Bildung, Jugend und Familie" in note and "Stand 01.07.2020" in note
    assert "dl-de/by-2.0" in note


def test_info_names_the_gdi_wfs_and_both_layer_names(capsys):
    from lichtenberg_data.cli import main

    assert main(["info", "schulen"]) == 0
    out = capsys.readouterr().out
    assert "https://gdi.berlin.de/services/wfs/schulen" in out
    assert "WFS layer schulen:schulen (or fis:schulen: whichever GetCapabilities lists)" in out
    assert "Datenschule/jedeschule-scraper" in out


# =============================================================================== the GDI WFS
GDI = "https://gdi.berlin.de"


def wfs_form(export: Path) -> dict:
    """The real export in the attribute form of today's WFS answer (bsn, schulname, schulart, traeger,
    schultyp, bezirk, ortsteil, plz, strasse, hausnr, schuljahr), in EPSG:25833."""
    import geopandas as gpd

    gdf = gpd.read_file(export).to_crs(25833)
    features = []
    for r in gdf.itertuples():
        street, _, number = r.ADRESSE.rpartition(" ")
        features.append({"type": "Feature", "id": f"schulen.{r.gml_id.split('.')[1]}",
                         "geometry": {"type": "Point", "coordinates": [r.geometry.x, r.geometry.y]},
                         "properties": {"bsn": r.gml_id.split(".")[1], "schulname": r.NAME, "schulart": r.SCHULART,
                                        "traeger": r.TRAEGER, "schultyp": r.SCHULTYP, "bezirk": r.BEZIRK,
                                        "ortsteil": r.OT if isinstance(r.OT, str) else None, "plz": str(r.PLZ), "strasse": street, "hausnr": number,
                                        "schuljahr": "2019/20"}})
    return {"type": "FeatureCollection", "features": features,
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}}}


class SchoolWfs(Portal):
    """A GeoServer stand-in for gdi.berlin.de/services/wfs/schulen that lists one school layer name."""

    def __init__(self, doc: dict, listed: str | None) -> None:
        super().__init__()
        self.doc, self.listed, self.requests = doc, listed, []
        self.set("/services/wfs/schulen", ("func", lambda q, h: self.answer(q)))

    def answer(self, q: dict) -> tuple[int, bytes, dict]:
        if q.get("REQUEST") == "GetCapabilities":
            names = [n for n in (self.listed, "schulen:schulen_esb") if n]
            types = "".join(f"<wfs:FeatureType><wfs:Name>{n}</wfs:Name></wfs:FeatureType>" for n in names)
            xml = ('<?xml version="1.0" encoding="UTF-8"?><wfs:WFS_Capabilities version="2.0.0" '
                   f'xmlns:wfs="http://www.opengis.net/wfs/2.0"><wfs:FeatureTypeList>{types}'
                   "</wfs:FeatureTypeList></wfs:WFS_Capabilities>")
            return 200, xml.encode(), {"Content-Type": "application/xml"}
        self.requests.append(q)
        if q.get("TYPENAMES") != self.listed:
            return 400, (b'<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Exception>'
                         b"<ows:ExceptionText>Feature type unknown</ows:ExceptionText></ows:Exception>"
                         b"</ows:ExceptionReport>"), {"Content-Type": "application/xml"}
        start, count = int(q["STARTINDEX"]), int(q["COUNT"])
        features = self.doc["features"]
        body = {**self.doc, "features": features[start:start + count], "numberMatched": len(features),
                "numberReturned": len(features[start:start + count]), "timeStamp": "2026-11-20T08:00:00.000Z"}
        return 200, json.dumps(body).encode(), {"Content-Type": "application/json;charset=UTF-8"}


def _pointed(monkeypatch, server: Portal, page_size: int = 200) -> None:
    ds = catalog.get("schulen")
    res = [replace(r, wfs=replace(r.wfs, service_url=r.wfs.service_url.replace(GDI, server.url), page_size=page_size))
           if r.wfs else r for r in ds.resources]
    monkeypatch.setitem(catalog._REGISTRY, "schulen", replace(ds, resources=tuple(res)))


def test_the_layer_is_declared_under_both_names_of_public_code():
    [wfs] = [r.wfs for r in catalog.get("schulen").resources if r.wfs]
    assert (wfs.service_url, wfs.type_names) == (SERVICE, ("schulen:schulen", "fis:schulen"))
    assert (LAYER, LAYER_ALTERNATIVES) == ("schulen:schulen", ("fis:schulen",))


@pytest.mark.parametrize("listed", ["schulen:schulen", "fis:schulen"])
def test_refresh_pages_the_layer_getcapabilities_lists(data_dir, real_data, monkeypatch, listed):
    server = SchoolWfs(wfs_form(_files(real_data)[0]), listed)
    try:
        _pointed(monkeypatch, server)
        [outcome] = ld.refresh(["schulen"])
    finally:
        server.close()
    assert outcome.state == "fresh", outcome.reason
    assert [int(q["STARTINDEX"]) for q in server.requests] == [0, 200, 400, 600]  # 688 schools, pages of 200
    assert {q["TYPENAMES"] for q in server.requests} == {listed}
    df = ld.load("schulen")
    li = df[df["bezirk_id"] == "11"]
    assert len(df) == 688 and len(li) == 54
    assert li["schulart"].value_counts()[["Integrierte Sekundarschule", "Gymnasium", "Berufliche Schule"]].tolist() \
        == [11, 5, 3]
    assert df.set_index("bsn").loc["11K01", "adresse"] == "Massower Str. 37"  # strasse + hausnr
    assert "Stand 20.11.2026" in ld.source_note(df)  # the answer's timeStamp


def test_a_layer_under_neither_name_fails_and_keeps_the_data(data_dir, real_data, monkeypatch):
    ld.refresh(["schulen"], mirror=SNAPSHOT)
    server = SchoolWfs(wfs_form(_files(real_data)[0]), "schulen:schulen_2026")
    try:
        _pointed(monkeypatch, server)
        [outcome] = ld.refresh(["schulen"])
    finally:
        server.close()
    assert outcome.state == "failed"
    assert "lists none of the layers schulen:schulen, fis:schulen among 2 layers" in outcome.reason
    assert server.requests == []  # no GetFeature with a guessed name
    assert len(ld.load("schulen")) == 1038  # the snapshot's schools stay


@pytest.mark.parametrize(("listed", "state", "detail"), [
    ("schulen:schulen", "ok", "layer schulen:schulen listed (looked for schulen:schulen or fis:schulen)"),
    ("fis:schulen", "ok", "layer fis:schulen listed (looked for schulen:schulen or fis:schulen)"),
    (None, "failed", "none of the layers schulen:schulen, fis:schulen listed among 1 layers"),
])
def test_doctor_says_which_name_getcapabilities_lists(monkeypatch, listed, state, detail):
    server = SchoolWfs({"type": "FeatureCollection", "features": []}, listed)
    try:
        _pointed(monkeypatch, server)
        rows = check([catalog.get("schulen")], timeout=3)
    finally:
        server.close()
    got = {r.resource: r for r in rows}
    assert got["schulen.geojson"].state == state and got["schulen.geojson"].detail.endswith(detail)
    assert got["schulverzeichnis.csv"].state == "import only"


# =============================================================================== bad files
@pytest.mark.slow  # 0.5 s on 2 cores
def test_five_bad_files_are_refused_and_change_nothing(data_dir, real_data, tmp_path):
    export, directory = _files(real_data)
    ld.import_file("schulen", export)
    bad = tmp_path / "bad"
    bad.mkdir()
    assert_refused(data_dir, "schulen", html_page(bad, "Schulen_2026.geojson"), r"HTML page")
    cut = truncated(export, bad)
    assert_refused(data_dir, "schulen", cut, r"not readable GeoJSON|truncated|cut")
    areas = bad / "schulen_esb.geojson"
    areas.write_bytes((SNAPSHOT / "lor_prognoseraeume" / "lor_prognoseraeume_2021.geojson").read_bytes())
    assert_refused(data_dir, "schulen", areas, r"Polygon geometries; the school layer holds points")
    shops = bad / "schulen_punkte.geojson"
    shops.write_bytes((SNAPSHOT / "osm_pois" / "supermarkets_raw.geojson").read_bytes())
    assert_refused(data_dir, "schulen", shops, r"no valid school number \(BSN like 11K01; e.g. .58489979.\)")
    other = bad / "schulen_2020.csv"
    other.write_bytes((SNAPSHOT / "einwohner_lor" / "EWR202012E_Matrix.csv").read_bytes())
    assert_refused(data_dir, "schulen", other, r"lacks the columns BSN and Name of the school directory")
    assert len(ld.load("schulen")) == 688
