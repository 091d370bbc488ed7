"""The workforce datasets: MSS, GSSA, the AfS employee/unemployed tables and the BA Jobsuche.

Real files (``real_data`` fixture) check the parsers on what the portals publish; the
Jobsuche fetcher runs against a real local HTTP server that implements the API's limits.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._errors import DownloadError, FormatError, ValidationError
from lichtenberg_data._http import Http
from lichtenberg_data._validate import validate
from lichtenberg_data.sources import jobsuche, labour, social_atlas, social_monitoring

EMPLOYMENT = "employment"
MSS_2021 = ["mss_2021_index_indikatoren.csv", "mss_2021_kontext_indikatoren.csv", "mss_2021_indizes.csv"]


# =============================================================================== MSS, real files

@pytest.fixture()
def mss_2021(data_dir, real_data):
    """The three real MSS-2021 WFS exports imported into a fresh data folder."""
    outcome = ld.import_file("mss", [real_data / EMPLOYMENT / n for n in MSS_2021])
    assert outcome.state == "fresh"
    return ld.load("mss")


@pytest.mark.realdata
def test_mss_2021_real_files_import(mss_2021):
    df = mss_2021
    assert set(df["edition"]) == {2021}
    assert set(df["date"]) == {pd.Timestamp("2020-12-31")}
    assert set(df["lor_version"]) == {"2021"}
    assert df["planungsraum_id"].nunique() == 542
    alq = df[df["indikator"] == "arbeitslosigkeit"].set_index("planungsraum_id")
    lichtenberg = alq[alq["bezirk_id"] == "11"]
    assert len(lichtenberg) == 41 and lichtenberg["wert"].notna().all() and lichtenberg["gueltig"].all()
    # read from mss_2021_index_indikatoren.csv: 11501339 Karlshorst West, S1 = 1.94083, S3 = 4.70713
    assert alq.loc["11501339", "planungsraum"] == "Karlshorst West"
    assert alq.loc["11501339", "wert"] == pytest.approx(1.94083)
    assert alq.loc["11501339", "einwohner"] == 10346
    row = df[(df["planungsraum_id"] == "11501339") & (df["indikator"] == "transferbezug")]
    assert row["wert"].item() == pytest.approx(4.70713)
    # mss_2021_kontext_indikatoren.csv: 11100203 Falkenberg Ost, KI_01 = 4.86
    row = df[(df["planungsraum_id"] == "11100203") & (df["indikator"] == "jugendarbeitslosigkeit")]
    assert row["wert"].item() == pytest.approx(4.86)


@pytest.mark.realdata
def test_mss_2021_suppressed_values_become_missing(mss_2021):
    df = mss_2021
    # 5 Planungsräume "ungültig (EW unter 300)" and 1 "ungültig (Ausreißer)" carry -9999 everywhere
    assert (df["wert"] <= -9999).sum() == 0
    per_indicator = df[df["wert"].isna()].groupby("indikator").size()
    assert per_indicator.to_dict() == dict.fromkeys(per_indicator.index, 6)
    assert len(per_indicator) == 11  # s1, s3, s4, d1, d3, d4, k01-k03, si_n, di_n
    assert int(df["wert"].isna().sum()) == 66
    assert int((~df.drop_duplicates("planungsraum_id")["gueltig"]).sum()) == 6


@pytest.mark.realdata
def test_mss_2021_mapping_per_edition(mss_2021):
    df = mss_2021
    # 2021 has no S2 (empty column): neither long-term unemployment (<=2017) nor single parents (>=2023)
    assert "langzeitarbeitslosigkeit" not in set(df["indikator"])
    assert "kinder_alleinerziehend" not in set(df["indikator"])
    assert df["zuordnung_geprueft"].all()
    source = df.drop_duplicates("indikator").set_index("indikator")["quelle"]
    assert source["arbeitslosigkeit"] == "indexind:s1" and source["kinderarmut"] == "indexind:s4"
    assert source["jugendarbeitslosigkeit"] == "kontextind:k01"


@pytest.mark.realdata
def test_mss_xlsx_extract_agrees_with_wfs_export(real_data):
    """Two independent extracts of the 2021 context table give the same values (mapping check)."""
    wfs = social_monitoring.parse_mss_file(real_data / EMPLOYMENT / "mss_2021_kontext_indikatoren.csv")
    xlsx = social_monitoring.parse_mss_file(real_data / EMPLOYMENT / "mss_2021_kontext-indikatoren_anteile_plr.csv")
    both = wfs.merge(xlsx, on=["planungsraum_id", "indikator"], suffixes=("_wfs", "_xlsx"))
    assert len(both) == 542 * 3
    present = both.dropna(subset=["wert_wfs", "wert_xlsx"])
    assert (present["wert_wfs"] - present["wert_xlsx"]).abs().max() < 1e-9
    # the XLSX extract leaves K02 empty for two tiny Planungsräume where the WFS says 0
    assert int((both["wert_wfs"].isna() != both["wert_xlsx"].isna()).sum()) == 2


@pytest.mark.realdata
def test_mss_refuses_tables_of_another_kind(data_dir, real_data):
    with pytest.raises(FormatError, match="LOR 2006"):  # K08/K14/K15 on the 447 old Planungsräume
        ld.import_file("mss", [real_data / EMPLOYMENT / "mss_2021_kontext_indikatoren_k08_k14_k15.csv"])
    with pytest.raises(FormatError, match="index"):  # z-scores, not shares
        ld.import_file("mss", [real_data / EMPLOYMENT / "mss_2021_index-indikatoren_z-werte_plr.csv"])
    assert not (data_dir / "processed" / "mss.parquet").exists()


# =============================================================================== MSS, samples and WFS

def test_mss_sample_bundle_editions(tmp_path):
    files = {}
    for edition in social_monitoring.MSS_DOWNLOADED:
        files[edition] = tmp_path / f"mss_{edition}.json"
        files[edition].write_bytes(social_monitoring.sample_mss(edition))
    df = social_monitoring.parse_mss(files)
    validate(catalog.get("mss"), df)
    indicators = df.groupby("edition")["indikator"].agg(set)
    assert "kinder_alleinerziehend" not in indicators[2021]
    assert "kinder_alleinerziehend" in indicators[2023] and "kinder_alleinerziehend" in indicators[2025]
    assert df.loc[df["edition"] == 2023, "quelle"].eq("indexind:s2").sum() == 542
    assert set(df.loc[df["edition"] == 2025, "zuordnung_geprueft"]) == {False}
    assert df.groupby("edition")["planungsraum_id"].nunique().tolist() == [542, 542, 542]


def test_mss_single_wfs_layer(tmp_path):
    """A GeoJSON layer as the WFS returns it (lower-case attributes, edition from ``zeit``)."""
    layer = json.loads(social_monitoring.sample_mss(2023))["layers"]["indexind"]
    path = tmp_path / "mss2023_indexind_542.geojson"
    path.write_text(json.dumps(layer), encoding="utf-8")
    df = social_monitoring.parse_mss_file(path)
    assert set(df["edition"]) == {2023} and set(df["date"]) == {pd.Timestamp("2022-12-31")}
    assert sorted(df["quelle"].unique()) == [f"indexind:{c}" for c in ("d1", "d2", "d3", "d4", "s1", "s2", "s3", "s4")]


def test_mss_swapped_mapping_is_caught(tmp_path):
    """If an edition's s1-s4 moved, Kinderarmut would come out below Arbeitslosigkeit."""
    path = tmp_path / "mss_2025.json"
    path.write_bytes(social_monitoring.sample_mss(2025))
    df = social_monitoring.parse_mss({"x": path})
    swapped = df.replace({"indikator": {"kinderarmut": "arbeitslosigkeit", "arbeitslosigkeit": "kinderarmut"}})
    with pytest.raises(ValidationError, match="meaning of s1-s4 may have changed"):
        validate(catalog.get("mss"), swapped)


class WfsServer:
    """A GeoServer stand-in: GetFeature with COUNT/STARTINDEX paging; layers may be missing (404)."""

    def __init__(self, layers: dict[str, dict]) -> None:
        self.layers = layers
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                q = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                layer = server.layers.get(q.get("TYPENAMES", ""))
                if layer is None:
                    return self._send(404, b'{"error": "no such layer"}')
                start, count = int(q["STARTINDEX"]), int(q["COUNT"])
                page = dict(layer, features=layer["features"][start:start + count],
                            numberMatched=len(layer["features"]))
                self._send(200, json.dumps(page).encode())

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/services/wfs/mss_2025"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_mss_fetcher_bundles_layers_and_tolerates_a_missing_one(data_dir, tmp_path):
    sample = json.loads(social_monitoring.sample_mss(2025))["layers"]
    names = social_monitoring.MSS_EDITIONS[2025].layers
    server = WfsServer({names["indexind"]: sample["indexind"], names["indizes"]: sample["indizes"]})
    try:
        res = replace(catalog.get("mss").resource("mss_2025.json"), url=server.url)
        dest = tmp_path / "mss_2025.json"
        social_monitoring.fetch_mss_edition(Http(), res, dest)
    finally:
        server.close()
    doc = json.loads(dest.read_bytes())
    assert sorted(doc["layers"]) == ["indexind", "indizes"] and "kontextind" in doc["missing"]
    df = social_monitoring.parse_mss({"x": dest})
    assert "jugendarbeitslosigkeit" not in set(df["indikator"]) and "statusindex" in set(df["indikator"])


def test_mss_fetcher_needs_the_index_layer(data_dir, tmp_path):
    server = WfsServer({})
    try:
        res = replace(catalog.get("mss").resource("mss_2025.json"), url=server.url)
        with pytest.raises(DownloadError, match="404"):
            social_monitoring.fetch_mss_edition(Http(), res, tmp_path / "mss_2025.json")
    finally:
        server.close()
    assert not (tmp_path / "mss_2025.json").exists()


# =============================================================================== GSSA

@pytest.mark.realdata
def test_gssa_real_files(real_data):
    files = {f"gssa_2022_{lvl}.csv": real_data / EMPLOYMENT / f"gssa_2022_{lvl}.csv" for lvl in
             ("planungsraeume", "bezirksregionen", "prognoseraeume", "bezirke")}
    df = social_atlas.parse_gssa(files)
    validate(catalog.get("gssa"), df)
    counts = df[df["jahr"] == 2022]["ebene"].value_counts().to_dict()
    assert counts == {"planungsraum": 448, "bezirksregion": 138, "prognoseraum": 60, "bezirk": 12}
    plr = df[df["ebene"] == "planungsraum"].set_index(["gebiet_id", "jahr"])
    # "01011101,Stülerstr.,.70700312,...": Stata decimals without a leading zero
    assert plr.loc[("01011101", 2013), "gesix"] == pytest.approx(0.70700312)
    # 11041022 Rosenfelder Ring (old LOR key): ESIx 2022 = -.2492203
    assert plr.loc[("11041022", 2022), "esix"] == pytest.approx(-0.2492203)
    # uninhabited areas: empty cells (column GESIx_2022: 20 empty, GESIx_2013: 27)
    assert int(plr.xs(2022, level="jahr")["gesix"].isna().sum()) == 20
    assert int(plr.xs(2013, level="jahr")["gesix"].isna().sum()) == 27
    bez = df[(df["ebene"] == "bezirk") & (df["gebiet_id"] == "11")].set_index("jahr")
    assert bez.loc[2022, "esix"] == pytest.approx(0.039579716)
    assert bez.loc[2013, "soziale_lage"] == pytest.approx(0.42248219)
    assert (df.loc[df["ebene"] == "planungsraum", "bezirk_id"] == "11").sum() == 32 * 2


def test_gssa_sample_format(tmp_path):
    text = social_atlas.sample_gssa("planungsraeume").decode()
    assert text.startswith("plrID,plrNAME,GESIx_2013,GESIx_2022,ESIx_2013")
    assert ",." in text or ",-." in text  # decimals without leading zero
    assert social_atlas._stata(0.707) == ".707" and social_atlas._stata(-0.93678898) == "-.93678898" and social_atlas._stata(1.5) == "1.5"


# =============================================================================== AfS reports

def test_beschaeftigte_sample_parses_through_afs(tmp_path):
    path = tmp_path / "SB_A06-05-00_2021q02_BE.xlsx"
    path.write_bytes(labour.sample_beschaeftigte(2021))
    df = labour.parse_beschaeftigte_file(path)
    validate(catalog.get("beschaeftigte_bezirke"), df)
    assert set(df["date"]) == {pd.Timestamp("2021-06-30")}
    assert df.groupby("ort").size().to_dict() == {"arbeitsort": 13, "wohnort": 13}
    spandau = df[(df["ort"] == "wohnort") & (df["bezirk_id"] == "05")].iloc[0]
    assert np.isnan(spandau["alter_65_plus"]) and spandau["flags"] == "alter_65_plus:•"
    assert df.loc[df["bezirk_id"] == "00", "bezirk"].eq("Berlin").all()


def test_provisional_flags_are_kept(tmp_path):
    path = tmp_path / "SB_A06-05-00_2025q02_BE.xlsx"
    path.write_bytes(labour.sample_beschaeftigte(2025))
    df = labour.parse_beschaeftigte_file(path)
    berlin = df[df["bezirk_id"] == "00"]
    assert berlin["flags"].str.contains("insgesamt:p").all() and berlin["insgesamt"].gt(1e6).all()


def test_arbeitslose_sample(tmp_path):
    path = tmp_path / "arbeitslose_bezirke_2024.xlsx"
    path.write_bytes(labour.sample_arbeitslose(2024))
    df = labour.parse_arbeitslose_file(path)
    validate(catalog.get("arbeitslose_bezirke"), df)
    assert set(df["date"]) == {pd.Timestamp("2024-12-31")} and len(df) == 13


def test_afs_report_without_bezirk_table(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "T1"
    ws["A1"] = "1 Sozialversicherungspflichtig Beschäftigte am Arbeitsort nach Wirtschaftsabschnitten"
    ws["A3"], ws["B3"] = "Abschnitt", "Insgesamt"
    ws["A5"], ws["B5"] = "Verarbeitendes Gewerbe", 100
    ws["A6"], ws["B6"] = "Handel", 200
    path = tmp_path / "SB_A06-05-00_2025q02_BE.xlsx"
    wb.save(path)
    with pytest.raises(FormatError, match="no table of employees by Bezirk"):
        labour.parse_beschaeftigte_file(path)


# =============================================================================== BA Jobsuche

#: Field inventory of the search answer (paths of api-schema-baseline.json, endpoint "search").
SEARCH_FIELDS = {
    "maxErgebnisse": "number", "page": "number", "size": "number", "facetten": "object",
    "stellenangebote[].aktuelleVeroeffentlichungsdatum": "string", "stellenangebote[].arbeitgeber": "string",
    "stellenangebote[].arbeitsort.koordinaten.lat": "number", "stellenangebote[].arbeitsort.koordinaten.lon": "number",
    "stellenangebote[].arbeitsort.land": "string", "stellenangebote[].arbeitsort.ort": "string",
    "stellenangebote[].arbeitsort.plz": "string", "stellenangebote[].arbeitsort.region": "string",
    "stellenangebote[].arbeitsort.strasse": "string", "stellenangebote[].beruf": "string",
    "stellenangebote[].eintrittsdatum": "string", "stellenangebote[].externeUrl": "string",
    "stellenangebote[].kundennummerHash": "string", "stellenangebote[].modifikationsTimestamp": "string",
    "stellenangebote[].refnr": "string", "stellenangebote[].studiengang": "string",
    "stellenangebote[].titel": "string",
}
_DUMMY = {"string": "x", "number": 0, "object": {}}


@pytest.mark.realdata
def test_search_fields_match_the_schema_baseline(real_data):
    baseline = json.loads((real_data / EMPLOYMENT / "ba-jobsuche" / "api-schema-baseline.json").read_text())
    leaves = {p: f["type"] for p, f in baseline["endpoints"]["search"]["fields"].items()
              if f["type"] not in ("object", "array") or p == "facetten"}
    assert leaves == SEARCH_FIELDS


def offer_v4(o: dict) -> dict:
    """An offer built from the baseline's field inventory, then filled with the test's values."""
    item: dict = {}
    for path, kind in SEARCH_FIELDS.items():
        if not path.startswith("stellenangebote[]."):
            continue
        node = item
        *parents, leaf = path.removeprefix("stellenangebote[].").split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = _DUMMY[kind]
    item.update(refnr=o["refnr"], titel=f"Stelle {o['refnr']}", beruf=o["feld"],
                aktuelleVeroeffentlichungsdatum="2026-10-15", eintrittsdatum="2026-12-01")
    item["arbeitsort"].update(plz=o.get("plz", "10365"), ort="Berlin",
                              koordinaten={"lat": o["lat"], "lon": o["lon"]} if o.get("lat") else {})
    return item


def offer_v6(o: dict) -> dict:
    """The v6 shape seen in a third-party scraper (details-style names, ``stellenlokationen``)."""
    return {"referenznummer": o["refnr"], "stellenangebotsTitel": f"Stelle {o['refnr']}", "hauptberuf": o["feld"],
            "firma": "ACME", "datumErsteVeroeffentlichung": "2026-10-15",
            "stellenlokationen": [{"adresse": {"plz": "10365", "ort": "Berlin", "region": "BERLIN",
                                               "land": "DEUTSCHLAND"}, "breite": o["lat"], "laenge": o["lon"]}]}


class JobServer:
    """The BA job search on 127.0.0.1: filters, facets, and the API's limits.

    ``size`` > 100, ``page`` < 1 or ``page*size`` > 10 000 answer 400 EINGABEPARAMETER_FEHLERHAFT
    (and are recorded as violations); a missing ``X-API-Key`` answers 403.
    """

    def __init__(self, offers: list[dict], *, mode: str = "ok", style: str = "v4",
                 string_total: tuple[int, ...] = ()) -> None:
        self.offers, self.mode, self.style, self.string_total = offers, mode, style, string_total
        self.requests: list[dict] = []
        self.violations: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                status, body = server.answer(self.path, self.headers)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/jobboerse/jobsuche-service/pc/v6/jobs"

    def answer(self, path: str, headers) -> tuple[int, dict]:
        q = {k: v[0] for k, v in parse_qs(urlparse(path).query).items()}
        self.requests.append(q)
        if self.mode == "404":
            return 404, {"status": 404, "error": "Not Found"}
        if headers.get("X-API-Key") != "jobboerse-jobsuche":
            return 403, {"message": "forbidden"}
        size, page = int(q.get("size", 25)), int(q.get("page", 1))
        if size > 100 or page < 1 or page * size > 10_000:
            self.violations.append(q)
            return 400, {"code": "EINGABEPARAMETER_FEHLERHAFT"}
        hits = [o for o in self.offers if str(o["art"]) == q.get("angebotsart")
                and o["feld"] == q.get("berufsfeld", o["feld"]) and o["az"] == q.get("arbeitszeit", o["az"])]
        items = hits[(page - 1) * size: page * size]
        fields: dict[str, int] = {}
        for o in hits:
            fields[o["feld"]] = fields.get(o["feld"], 0) + 1
        total: int | str = str(len(hits)) if int(q["angebotsart"]) in self.string_total else len(hits)
        body: dict = {"maxErgebnisse": total, "page": page, "size": size,
                      "facetten": {"berufsfeld": {"counts": fields, "maxCount": len(hits)}}}
        if items:
            key, make = ("ergebnisliste", offer_v6) if self.style == "v6" else ("stellenangebote", offer_v4)
            body[key] = [make(o) for o in items]
        if self.mode == "renamed":
            body["jobs"] = body.pop("stellenangebote", [])
            body["maxErgebnisse"] = max(len(hits), 1)
        if self.mode == "not_a_list":
            body["stellenangebote"] = {"0": "x"}
        return 200, body

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def offers(n: int, art: int, feld: str, az: str = "vz", start: int = 0) -> list[dict]:
    return [{"refnr": f"10000-{art}{feld[:3]}{az}{start + i:06d}-S", "art": art, "feld": feld, "az": az,
             "lat": 52.51 + (i % 50) / 1000, "lon": 13.50 + (i % 40) / 1000} for i in range(n)]


@pytest.fixture()
def job_server(request):
    servers = []

    def make(*args, **kwargs) -> JobServer:
        servers.append(JobServer(*args, **kwargs))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def _fetch(server: JobServer, dest: Path) -> dict:
    res = replace(catalog.get("stellenangebote").resources[0], url=server.url)
    jobsuche.fetch_jobsuche(Http(), res, dest)
    return json.loads(dest.read_bytes())


def test_jobsuche_pages_and_attributes_fields(data_dir, tmp_path, job_server):
    data = offers(120, 1, "Gesundheit") + offers(95, 1, "IT, Computer") + offers(35, 1, "Verkauf", "tz") \
        + offers(40, 4, "Gesundheit")
    server = job_server(data, string_total=(1,))  # maxErgebnisse as string for jobs, number for training
    doc = _fetch(server, tmp_path / "jobsuche.json")
    assert server.violations == []
    assert all(int(q["size"]) == 100 and int(q["page"]) >= 1 for q in server.requests)
    blocks = {b["angebotsart"]: b for b in doc["angebotsarten"]}
    assert blocks[1]["max_ergebnisse"] == 250 and blocks[1]["gesammelt"] == 250 and blocks[1]["vollstaendig"]
    assert blocks[4]["gesammelt"] == 40
    assert doc["fetched_at"] and doc["query"]["wo"] == "Berlin" and doc["query"]["ceiling"] == 10_000
    df = jobsuche.parse_jobsuche({"jobsuche_berlin.json": tmp_path / "jobsuche.json"})
    validate(catalog.get("stellenangebote"), df)
    jobs = df[df["angebotsart"] == 1]
    assert jobs.groupby("berufsfeld").size().to_dict() == {"Gesundheit": 120, "IT, Computer": 95, "Verkauf": 35}
    assert df["lat"].notna().all() and set(df["angebot"]) == {"Arbeit", "Ausbildung/Duales Studium"}
    # 120 Gesundheit jobs = 2 pages; 95 IT = 1 page; page 1 of each query first
    gesundheit = [q for q in server.requests if q.get("berufsfeld") == "Gesundheit" and q["angebotsart"] == "1"]
    assert sorted(int(q["page"]) for q in gesundheit) == [1, 2]


def test_jobsuche_respects_the_10000_ceiling(data_dir, tmp_path, job_server):
    data = (offers(10_050, 1, "Bau") + offers(100, 1, "Bau", "tz", start=20_000) + offers(300, 1, "IT"))
    server = job_server(data)
    doc = _fetch(server, tmp_path / "jobsuche.json")
    assert server.violations == []  # never asked beyond page*size = 10 000
    assert max(int(q["page"]) * int(q["size"]) for q in server.requests) == 10_000
    block = next(b for b in doc["angebotsarten"] if b["angebotsart"] == 1)
    assert block["max_ergebnisse"] == 10_450
    assert block["gesammelt"] == 10_400 and block["vollstaendig"] is False  # 50 beyond the ceiling
    sliced = {(q["params"].get("berufsfeld"), q["params"].get("arbeitszeit")): q for q in block["abfragen"]}
    assert sliced[("Bau", "vz")]["truncated"] is True and len(sliced[("Bau", "vz")]["stellenangebote"]) == 10_000
    assert len(sliced[("Bau", "tz")]["stellenangebote"]) == 100 and sliced[("IT", None)]["truncated"] is False
    empty = next(b for b in doc["angebotsarten"] if b["angebotsart"] == 4)
    assert empty["max_ergebnisse"] == 0 and empty["vollstaendig"] is True  # answer without a list
    df = jobsuche.parse_jobsuche({"x": tmp_path / "jobsuche.json"})
    assert len(df) == 10_400 and not df["abfrage_vollstaendig"].any()


def test_jobsuche_v6_field_names(data_dir, tmp_path, job_server):
    server = job_server(offers(30, 1, "Elektro") + offers(5, 4, "Elektro"), style="v6")
    _fetch(server, tmp_path / "jobsuche.json")
    df = jobsuche.parse_jobsuche({"x": tmp_path / "jobsuche.json"})
    assert len(df) == 35 and df["lat"].between(52.5, 52.6).all() and df["titel"].str.startswith("Stelle").all()
    assert set(df["beruf"]) == {"Elektro"} and set(df["plz"]) == {"10365"}


def test_jobsuche_404_names_the_retired_version(data_dir, tmp_path, job_server):
    server = job_server(offers(3, 1, "IT"), mode="404")
    with pytest.raises(DownloadError, match="404.*retired"):
        _fetch(server, tmp_path / "jobsuche.json")
    assert not (tmp_path / "jobsuche.json").exists()


@pytest.mark.parametrize("mode", ["renamed", "not_a_list"])
def test_jobsuche_changed_shape(data_dir, tmp_path, job_server, mode):
    server = job_server(offers(3, 1, "IT"), mode=mode)
    with pytest.raises(FormatError, match="the BA job search API changed its answer"):
        _fetch(server, tmp_path / "jobsuche.json")
    assert not (tmp_path / "jobsuche.json").exists()


def test_refresh_keeps_last_snapshot_when_the_api_changes(data_dir, tmp_path, job_server, monkeypatch):
    from lichtenberg_data.demo import write_mirror

    mirror = write_mirror(tmp_path / "mirror")
    [ok] = ld.refresh(["stellenangebote"], mirror=mirror)
    assert ok.state == "fresh"
    before = (data_dir / "processed" / "stellenangebote.parquet").read_bytes()
    server = job_server(offers(3, 1, "IT"), mode="renamed")
    ds = catalog.get("stellenangebote")
    patched = replace(ds, resources=(replace(ds.resources[0], url=server.url),))
    monkeypatch.setitem(catalog._REGISTRY, "stellenangebote", patched)
    [failed] = ld.refresh(["stellenangebote"])
    assert failed.failed and "changed its answer" in failed.reason
    assert (data_dir / "processed" / "stellenangebote.parquet").read_bytes() == before


def test_refresh_adds_dated_snapshots(data_dir, tmp_path, job_server, monkeypatch):
    """Each refresh of the Jobsuche adds its date; earlier snapshots stay in the table."""
    from lichtenberg_data.demo import write_mirror

    ld.refresh(["stellenangebote"], mirror=write_mirror(tmp_path / "mirror"))
    server = job_server(offers(12, 1, "IT") + offers(3, 4, "IT"))
    ds = catalog.get("stellenangebote")
    monkeypatch.setitem(catalog._REGISTRY, "stellenangebote",
                        replace(ds, resources=(replace(ds.resources[0], url=server.url),)))
    [outcome] = ld.refresh(["stellenangebote"])
    assert outcome.state == "fresh"
    df = ld.load("stellenangebote")
    assert df["date"].nunique() == 2
    assert (df["date"] == df["date"].max()).sum() == 15


def test_job_details_url(data_dir, job_server):
    assert jobsuche.JOBSUCHE_DETAILS_URL.format("MTAw").endswith("/pc/v4/jobdetails/MTAw")
    assert jobsuche.JOBSUCHE_SEARCH_URL.endswith("/pc/v6/jobs")


# =============================================================================== catalogue

@pytest.mark.parametrize("dataset_id", ["mss", "gssa", "stellenangebote", "beschaeftigte_bezirke",
                                        "arbeitslose_bezirke"])
def test_declarations(dataset_id):
    ds = catalog.get(dataset_id)
    assert ds.topic == "workforce" and ds.license in catalog.LICENSES.values()
    assert ds.source_title and ds.title and ds.landing_page.startswith("https://")
    assert all(r.sample is not None for r in ds.resources)
    if ds.history:
        assert "date" in ds.schema.columns


def test_sample_mirror_refresh(data_dir, tmp_path):
    from lichtenberg_data.demo import write_mirror

    mirror = write_mirror(tmp_path / "mirror")
    ids = ["mss", "gssa", "stellenangebote", "beschaeftigte_bezirke", "arbeitslose_bezirke"]
    outcomes = ld.refresh(ids, mirror=mirror)
    assert [o.state for o in outcomes] == ["fresh"] * 5, [o.reason for o in outcomes]
    assert ld.load("mss")["edition"].nunique() == 3
    assert ld.load("beschaeftigte_bezirke")["date"].nunique() == 5
    assert ld.load("mss").attrs["provenance"][0]["sample"] is True
