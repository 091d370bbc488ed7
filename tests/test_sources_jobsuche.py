"""The BA Jobsuche fetcher against a real local HTTP server that implements the API's limits."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from portal import Portal

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._errors import DownloadError, FormatError
from lichtenberg_data._http import Http
from lichtenberg_data._validate import validate
from lichtenberg_data.sources import jobsuche

EMPLOYMENT = "employment"



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
    """The v6 shape of a live answer recorded on 2026-09-26 (field names only; values are the test's)."""
    return {"stellenangebotsart": "ARBEIT" if o["art"] == 1 else "AUSBILDUNG",
            "referenznummer": o["refnr"], "stellenangebotsTitel": f"Stelle {o['refnr']}", "hauptberuf": o["feld"],
            "firma": "ACME", "datumErsteVeroeffentlichung": "2026-10-15",
            "aenderungsdatum": o.get("changed", "2026-10-20T07:57:38.033"),
            "stellenlokationen": [{"adresse": {"plz": "10365", "ort": "Berlin", "region": "BERLIN",
                                               "land": "DEUTSCHLAND"}, "breite": o["lat"], "laenge": o["lon"]}]}


class JobServer(Portal):
    """The BA job search on 127.0.0.1: filters, facets, and the API's limits.

    ``size`` > 100, ``page`` < 1 or ``page*size`` > 10 000 answer 400 EINGABEPARAMETER_FEHLERHAFT
    (and are recorded as violations); a missing ``X-API-Key`` answers 403. ``total=False`` leaves
    out ``maxErgebnisse`` and ``facets=False`` the facets (a v6 answer may lack both).
    """

    PATH = "/jobboerse/jobsuche-service/pc/v6/jobs"

    def __init__(self, offers: list[dict], *, mode: str = "ok", style: str = "v4",
                 string_total: tuple[int, ...] = (), total: bool = True, facets: bool = True) -> None:
        super().__init__()
        self.offers, self.mode, self.style, self.string_total = offers, mode, style, string_total
        self.total, self.facets = total, facets
        self.requests: list[dict] = []
        self.violations: list[dict] = []
        self.set(self.PATH, ("func", self._reply))

    @property
    def search_url(self) -> str:
        return self.url + self.PATH

    def _reply(self, q: dict, headers) -> tuple[int, bytes, dict]:
        status, body = self.answer(q, headers)
        return status, json.dumps(body).encode(), {"Content-Type": "application/json"}

    def answer(self, q: dict, headers) -> tuple[int, dict]:
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
        if not self.total:
            del body["maxErgebnisse"]
        if not self.facets:
            del body["facetten"]
        if self.style == "v6":
            body["woOutput"] = {"bereinigterOrt": "Berlin", "suchmodus": "UMKREISSUCHE"}
        if items:
            key, make = ("ergebnisliste", offer_v6) if self.style == "v6" else ("stellenangebote", offer_v4)
            body[key] = [make(o) for o in items]
        if self.mode == "renamed":
            body["jobs"] = body.pop("stellenangebote", [])
            body["maxErgebnisse"] = max(len(hits), 1)
        if self.mode == "not_a_list":
            body["stellenangebote"] = {"0": "x"}
        return 200, body

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
    res = replace(catalog.get("stellenangebote").resources[0], url=server.search_url)
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


@pytest.mark.slow
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


def test_v6_answer_without_max_ergebnisse_or_facets_is_counted(data_dir, tmp_path, job_server):
    data = offers(250, 1, "Elektro") + offers(200, 4, "Elektro")  # 3 pages (100, 100, 50); 2 full pages
    server = job_server(data, style="v6", total=False, facets=False)
    doc = _fetch(server, tmp_path / "jobsuche.json")
    assert server.violations == []
    pages = {art: sorted(int(q["page"]) for q in server.requests if q["angebotsart"] == art) for art in ("1", "4")}
    assert pages == {"1": [1, 2, 3], "4": [1, 2, 3]}  # a short page, or an empty one after full pages, ends it
    blocks = {b["angebotsart"]: b for b in doc["angebotsarten"]}
    assert (blocks[1]["max_ergebnisse"], blocks[1]["gesammelt"], blocks[1]["gezaehlt"]) == (250, 250, True)
    assert blocks[4]["max_ergebnisse"] == 200 and blocks[1]["vollstaendig"] and blocks[4]["vollstaendig"]
    assert [q["params"].get("berufsfeld") for q in blocks[1]["abfragen"]] == [None]  # no facets: not sliced
    df = jobsuche.parse_jobsuche({"x": tmp_path / "jobsuche.json"})
    validate(catalog.get("stellenangebote"), df)
    assert df.groupby("angebotsart").size().to_dict() == {1: 250, 4: 200}
    assert df["abfrage_vollstaendig"].all() and df["berufsfeld"].isna().all()


def test_v6_answer_without_max_ergebnisse_but_with_facets_uses_their_max_count(data_dir, tmp_path, job_server):
    server = job_server(offers(130, 1, "Bau") + offers(20, 1, "IT"), style="v6", total=False)
    doc = _fetch(server, tmp_path / "jobsuche.json")
    block = next(b for b in doc["angebotsarten"] if b["angebotsart"] == 1)
    assert block["max_ergebnisse"] == 150 and block["gezaehlt"] is False and block["vollstaendig"]
    assert {q["params"]["berufsfeld"]: len(q["stellenangebote"]) for q in block["abfragen"]} == {"Bau": 130, "IT": 20}


@pytest.mark.slow
def test_v6_answer_without_a_total_is_sliced_by_working_time_at_the_ceiling(data_dir, tmp_path, job_server):
    data = offers(10_000, 1, "Bau") + offers(150, 1, "Bau", "tz", start=20_000)
    server = job_server(data, style="v6", total=False, facets=False)
    doc = _fetch(server, tmp_path / "jobsuche.json")
    assert server.violations == []
    block = next(b for b in doc["angebotsarten"] if b["angebotsart"] == 1)
    sliced = {q["params"].get("arbeitszeit"): len(q["stellenangebote"]) for q in block["abfragen"]}
    assert sliced == {"vz": 10_000, "tz": 150, "snw": 0, "ho": 0, "mj": 0}
    assert block["gesammelt"] == 10_150 and block["vollstaendig"] is False  # vz filled the ceiling: maybe more


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

    mirror = write_mirror(tmp_path / "mirror", only=["stellenangebote"])
    [ok] = ld.refresh(["stellenangebote"], mirror=mirror)
    assert ok.state == "fresh"
    before = (data_dir / "processed" / "stellenangebote.parquet").read_bytes()
    server = job_server(offers(3, 1, "IT"), mode="renamed")
    ds = catalog.get("stellenangebote")
    patched = replace(ds, resources=(replace(ds.resources[0], url=server.search_url),))
    monkeypatch.setitem(catalog._REGISTRY, "stellenangebote", patched)
    [failed] = ld.refresh(["stellenangebote"])
    assert failed.failed and "changed its answer" in failed.reason
    assert (data_dir / "processed" / "stellenangebote.parquet").read_bytes() == before


@pytest.mark.slow  # 0.4 s on 2 cores
def test_refresh_adds_dated_snapshots(data_dir, tmp_path, job_server, monkeypatch):
    """Each refresh of the Jobsuche adds its date; earlier snapshots stay in the table."""
    from lichtenberg_data.demo import write_mirror

    mirror = write_mirror(tmp_path / "mirror", only=["stellenangebote"])
    (mirror / "SAMPLE_DATA.txt").unlink()  # an earlier real answer (sample and real data never share a table)
    earlier = mirror / "stellenangebote" / "jobsuche_berlin.json"
    doc = json.loads(earlier.read_text(encoding="utf-8"))
    doc.pop("LICHTENBERG_DATA_SAMPLE")
    earlier.write_text(json.dumps(doc), encoding="utf-8")
    ld.refresh(["stellenangebote"], mirror=mirror)
    server = job_server(offers(12, 1, "IT") + offers(3, 4, "IT"))
    ds = catalog.get("stellenangebote")
    monkeypatch.setitem(catalog._REGISTRY, "stellenangebote",
                        replace(ds, resources=(replace(ds.resources[0], url=server.search_url),)))
    [outcome] = ld.refresh(["stellenangebote"])
    assert outcome.state == "fresh"
    df = ld.load("stellenangebote")
    assert df["date"].nunique() == 2
    assert (df["date"] == df["date"].max()).sum() == 15


def test_job_details_asks_for_the_base64_reference_with_the_key(data_dir, job_server):
    assert jobsuche.JOBSUCHE_DETAILS_URL.format("MTAw").endswith("/pc/v4/jobdetails/MTAw")
    assert jobsuche.JOBSUCHE_SEARCH_URL.endswith("/pc/v6/jobs")
    server = job_server([])
    seen = []

    def details(query, headers):
        seen.append(headers.get("X-API-Key"))
        body = {"referenznummer": "10000-1234567890-S", "stellenangebotsTitel": "Fachkraft Lagerlogistik"}
        return 200, json.dumps(body).encode(), {"Content-Type": "application/json"}

    server.set("/pc/v4/jobdetails/MTAwMDAtMTIzNDU2Nzg5MC1T", ("func", details))
    got = jobsuche.job_details("10000-1234567890-S", Http(), url=server.url + "/pc/v4/jobdetails/{}")
    assert got["stellenangebotsTitel"] == "Fachkraft Lagerlogistik" and seen == ["jobboerse-jobsuche"]
    server.set("/pc/v4/jobdetails/eA==", ("status", 404))
    with pytest.raises(DownloadError, match="404"):
        jobsuche.job_details("x", Http(), url=server.url + "/pc/v4/jobdetails/{}")


# =============================================================================== saved API answers

def raw_page(rows: list[tuple[str, str]], total: int, page: int = 1, facets: dict | None = None) -> dict:
    """An answer of /pc/v4/jobs as saved by hand: (refnr, modifikationsTimestamp) per offer."""
    items = []
    for refnr, stamp in rows:
        item = offer_v4({"refnr": refnr, "feld": "Informatiker/in", "lat": 52.515, "lon": 13.49})
        item.update(modifikationsTimestamp=stamp, aktuelleVeroeffentlichungsdatum=stamp[:10])
        items.append(item)
    return {"stellenangebote": items, "maxErgebnisse": total, "page": page, "size": 3, "facetten": facets or {}}


def _save(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_saved_pages_import_together(data_dir, tmp_path):
    first = _save(tmp_path / "jobsuche_arbeit_2026-03-28_seite1.json",
                  raw_page([("r1", "2026-03-27T08:00:00.000"), ("r2", "2026-03-20T08:00:00.000"),
                            ("r3", "2026-03-25T17:00:00.000")], total=5))
    second = _save(tmp_path / "jobsuche_arbeit_2026-03-28_seite2.json",
                   raw_page([("r4", "2026-03-01T08:00:00.000"), ("r5", "2026-02-11T08:00:00.000")], total=5, page=2))
    outcome = ld.import_file("stellenangebote", [first, second])
    assert outcome.state == "fresh" and outcome.rows == 5
    df = ld.load("stellenangebote")
    assert set(df["date"]) == {pd.Timestamp("2026-03-28")} and set(df["stand_herkunft"]) == {"dateiname"}
    assert set(df["angebotsart"]) == {1} and set(df["angebot"]) == {"Arbeit"}  # "arbeit" in the file name
    assert df["refnr"].tolist() == ["r1", "r2", "r3", "r4", "r5"] and df["lat"].eq(52.515).all()
    assert not df["abfrage_vollstaendig"].any()  # imported one file at a time: completeness unknown
    together = jobsuche.parse_jobsuche({"a": first, "b": second})
    assert together["abfrage_vollstaendig"].all()  # read together, the pages hold all 5 offers
    assert ld.status().set_index("dataset").loc["stellenangebote", "reference_date"] == "2026-03-28"


def test_saved_page_without_date_in_the_name(tmp_path):
    facets = {"berufsfeld": {"counts": {"IT, Computer": 2}, "maxCount": 2}}
    path = _save(tmp_path / "antwort.json", raw_page([("r1", "2026-03-26T10:00:00.000"),
                                                      ("r2", "2026-03-27T08:30:11.250")], total=2, facets=facets))
    df = jobsuche.parse_jobsuche({"x": path})
    validate(catalog.get("stellenangebote"), df)
    assert set(df["date"]) == {pd.Timestamp("2026-03-27")}  # the latest change: a lower bound
    assert set(df["abgerufen_am"]) == {"frühestens 2026-03-27 08:30"}
    assert set(df["stand_herkunft"]) == {"letzte_aenderung"}
    assert set(df["berufsfeld"]) == {"IT, Computer"}  # the only field of the facet
    assert set(df["angebotsart"]) == {0} and set(df["angebot"]) == {"unbekannt"}
    assert df["abfrage_vollstaendig"].all()


def test_saved_page_type_from_a_facet(tmp_path):
    facets = {"angebotsart": {"counts": {"4": 1, "1": 0}}}
    path = _save(tmp_path / "antwort.json", raw_page([("r1", "2026-03-26T10:00:00.000")], total=1, facets=facets))
    assert jobsuche.parse_jobsuche({"x": path})["angebot"].tolist() == ["Ausbildung/Duales Studium"]


def test_saved_page_without_any_date_is_refused(tmp_path):
    doc = raw_page([("r1", "2026-03-26T10:00:00.000")], total=1)
    del doc["stellenangebote"][0]["modifikationsTimestamp"], doc["stellenangebote"][0]["aktuelleVeroeffentlichungsdatum"]
    with pytest.raises(FormatError, match="without a date.*rename the file with its download date"):
        jobsuche.parse_jobsuche({"x": _save(tmp_path / "antwort.json", doc)})


def test_saved_v6_page_without_max_ergebnisse(data_dir, tmp_path):
    """A v6 answer saved by hand, no total, no facets: counted, dated by aenderungsdatum, typed by stellenangebotsart."""
    items = [offer_v6({"refnr": f"r{i}", "art": 4, "feld": "Koch/Köchin", "lat": 52.51, "lon": 13.5,
                       "changed": f"2026-10-2{i}T09:00:00.000"}) for i in range(3)]
    doc = {"ergebnisliste": items, "page": 1, "size": 25, "woOutput": {"bereinigterOrt": "Berlin"}}
    outcome = ld.import_file("stellenangebote", _save(tmp_path / "antwort.json", doc))
    assert outcome.rows == 3
    df = ld.load("stellenangebote")
    assert set(df["date"]) == {pd.Timestamp("2026-10-22")} and set(df["stand_herkunft"]) == {"letzte_aenderung"}
    assert set(df["angebotsart"]) == {4} and df["abfrage_vollstaendig"].all()  # 3 < size 25 on page 1: all of it
    second = {**doc, "page": 2}
    assert not jobsuche.parse_jobsuche({"x": _save(tmp_path / "seite2.json", second)})["abfrage_vollstaendig"].any()


def test_info_describes_v6_answers():
    info = catalog.get("stellenangebote").how_to_import()
    assert "/pc/v6/jobs?wo=Berlin" in info and "'ergebnisliste'" in info and "X-API-Key: jobboerse-jobsuche" in info
    assert "/pc/v4/jobs is retired" in info and "saved by hand (/pc/v4" not in info


@pytest.mark.parametrize("doc, found", [({"results": [], "total": 0}, "found results, total"),
                                        ([{"refnr": "r1"}], "found a JSON list")])
def test_json_of_neither_form_is_refused(data_dir, tmp_path, doc, found):
    good = _save(tmp_path / "jobsuche_2026-03-28.json", raw_page([("r1", "2026-03-26T10:00:00.000")], total=1))
    ld.import_file("stellenangebote", good)
    before = (data_dir / "processed" / "stellenangebote.parquet").read_bytes()
    with pytest.raises(FormatError) as err:
        ld.import_file("stellenangebote", _save(tmp_path / "jobsuche_2026-03-29.json", doc))
    text = str(err.value)
    assert "\n" not in text and text.startswith("stellenangebote: jobsuche_2026-03-29.json")
    assert "is neither a Jobsuche snapshot of this toolkit" in text and found in text
    assert (data_dir / "processed" / "stellenangebote.parquet").read_bytes() == before
