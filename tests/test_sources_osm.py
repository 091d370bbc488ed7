"""osm_pois: the polite Overpass downloader against a local server that plays Overpass, and the
dataset on the real shop=mall answer of 28.09.2025 and the real restaurants, bars and museums of
20.08.2025 (bounding-box answers with points in Brandenburg)."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from portal import Portal

import lichtenberg_data as ld
from lichtenberg_data import _kept, catalog
from lichtenberg_data._errors import CutOffError, DataNotAvailableError, DownloadError, FormatError
from lichtenberg_data._http import Http, looks_like_html
from lichtenberg_data.demo import SNAPSHOT
from lichtenberg_data.osm import _overpass as polite
from lichtenberg_data.settings import settings
from lichtenberg_data.sources import osm as src

STAMP = "2026-10-01T06:00:00Z"
FREE = b"Connected as: 1\nCurrent time: 2026-10-01T06:00:00Z\nRate limit: 2\n2 slots available now.\n"
BUSY = (b"Connected as: 1\nCurrent time: 2026-10-01T06:00:00Z\nRate limit: 2\n"
        b"Slot available after: 2026-10-01T06:00:01Z, in 1 seconds.\n"
        b"Slot available after: 2026-10-01T06:00:40Z, in 40 seconds.\nCurrently running queries:\n")
TIMED_OUT = 'runtime error: Query timed out in "query" at line 3 after 181 seconds.'
_FILTER = re.compile(r'\["([^"]+)"(?:(=|~|!~)"([^"]*)")?\]')


def _holds(tags: dict, key: str, op: str, value: str) -> bool:
    if not op:
        return key in tags
    if op == "=":
        return tags.get(key) == value
    found = key in tags and re.search(value, tags[key]) is not None
    return found if op == "~" else not found


def evaluate(query: str, pool: list[dict]) -> list[dict]:
    """The objects of ``pool`` an Overpass QL union of ``nwr[...](area.berlin);`` lines selects."""
    lines = [ln for ln in query.splitlines() if ln.strip().startswith("nwr")]
    assert lines, query
    hits = []
    for element in pool:
        if any(all(_holds(element["tags"], *f) for f in _FILTER.findall(line)) for line in lines):
            hits.append(element)
    return hits


class OverpassServer(Portal):
    """Overpass on 127.0.0.1: ``/api/status`` and ``/api/interpreter`` (POST ``data=``), which
    evaluates the query's tag filters on a pool of objects. ``partial`` answers the group whose
    query contains that text with a timed-out remark."""

    def __init__(self, pool: list[dict], *, partial: str | None = None, slow: float = 0.0) -> None:
        super().__init__()
        self.pool, self.partial, self.slow = pool, partial, slow
        self.queries: list[str] = []
        self.agents: list[str] = []
        self.running = self.most_at_once = 0
        self._count = threading.Lock()
        self.set("/api/status", ("ok", FREE))
        self.set("/api/interpreter", ("func", self.reply))

    def handle(self, h) -> None:
        """Count the requests being answered at the same time (``most_at_once``): each counts
        while its answer is prepared (the ``slow`` wait), not while it is written, since a client
        that has the last byte may send its next request before this thread gets to count down."""
        with self._count:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if self.slow:
                time.sleep(self.slow)
        finally:
            with self._count:
                self.running -= 1
        super().handle(h)

    @property
    def interpreter(self) -> str:
        return self.url + "/api/interpreter"

    def reply(self, query: dict, headers) -> tuple[int, bytes, dict]:
        self.queries.append(query.get("data", ""))
        self.agents.append(headers.get("User-Agent"))
        hits = evaluate(query["data"], self.pool)
        doc = {"version": 0.6, "generator": "Overpass API (test)", "osm3s": {"timestamp_osm_base": STAMP},
               "elements": hits}
        if self.partial and self.partial in query["data"]:
            doc["elements"], doc["remark"] = hits[: len(hits) // 2], TIMED_OUT
        return 200, json.dumps(doc, indent=1).encode(), {"Content-Type": "application/json"}


#: One object per case: (type, id, tags, lon, lat) - the expected group follows the tags.
POOL_SPEC = [
    ("way", 1, {"shop": "mall", "name": "Linden-Center"}, 13.5060, 52.5644, "einkaufszentren"),
    ("node", 2, {"shop": "supermarket", "brand": "Rewe"}, 13.5010, 52.5330, "lebensmittel"),
    ("node", 3, {"shop": "bakery", "amenity": "cafe", "name": "Backstube"}, 13.4990, 52.5120, "lebensmittel"),
    ("node", 4, {"amenity": "marketplace"}, 13.4700, 52.5290, "lebensmittel"),
    ("node", 5, {"shop": "clothes"}, 13.4760, 52.5140, "einzelhandel"),
    ("node", 6, {"amenity": "pharmacy"}, 13.5200, 52.4960, "einzelhandel"),
    ("node", 7, {"shop": "hairdresser"}, 13.5230, 52.4810, "dienstleistungen"),
    ("node", 8, {"amenity": "bank"}, 13.4650, 52.5200, "dienstleistungen"),
    ("node", 9, {"amenity": "restaurant", "cuisine": "vietnamese"}, 13.4968, 52.5094, "gastronomie"),
    ("way", 10, {"tourism": "hotel", "amenity": "restaurant", "stars": "4"}, 13.5080, 52.5060, "tourismus_kultur"),
    ("node", 11, {"tourism": "museum", "name": "Stasimuseum"}, 13.4870, 52.5140, "tourismus_kultur"),
    ("node", 12, {"amenity": "theatre"}, 13.4330, 52.5080, "tourismus_kultur"),
    ("relation", 13, {"tourism": "zoo", "name": "Tierpark", "type": "multipolygon"}, 13.5290, 52.4990,
     "tourismus_kultur"),
    ("node", 14, {"office": "it"}, 13.4800, 52.5000, None),  # in no group: never asked for
]


def pool() -> list[dict]:
    out = []
    for kind, osm_id, tags, lon, lat, _ in POOL_SPEC:
        element = {"type": kind, "id": osm_id, "tags": tags}
        element.update({"lat": lat, "lon": lon} if kind == "node" else {"center": {"lat": lat, "lon": lon}})
        out.append(element)
    return out


@pytest.fixture()
def overpass():
    servers = []

    def make(*args, **kwargs) -> OverpassServer:
        servers.append(OverpassServer(*args, **kwargs))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def _resource(server: OverpassServer, group: str = "einkaufszentren") -> catalog.Resource:
    return replace(catalog.get("osm_pois").resource(f"osm_{group}.json"), url=server.interpreter)


def _use(server: OverpassServer, monkeypatch) -> None:
    ds = catalog.get("osm_pois")
    patched = replace(ds, resources=tuple(replace(r, url=server.interpreter) if r.fetcher else r  # not the exports
                                          for r in ds.resources))
    monkeypatch.setitem(catalog._REGISTRY, "osm_pois", patched)


@pytest.fixture()
def lor(data_dir, real_data):
    """The Bezirke (ALKIS, as shipped) and the LOR 2021 Planungsräume stored, as
    ``lichtenberg-data import`` would."""
    ld.import_file("bezirke", SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml")
    ld.import_file("lor_planungsraeume", real_data / "geometries" / "kieze.geojson")
    return data_dir


@pytest.fixture()
def waits(monkeypatch) -> list[float]:
    """Every wait of the Overpass module, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(polite, "_pause", recorded.append)
    return recorded


# ============================================================================ politeness

@pytest.mark.slow  # waits in real time (Retry-After, a timeout, a black hole)
def test_busy_status_then_a_slot(data_dir, tmp_path, overpass):
    server = overpass(pool())
    server.set("/api/status", ("ok", BUSY), ("ok", FREE))
    start = time.monotonic()
    src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    assert time.monotonic() - start >= 1.0  # the announced second was waited
    assert server.log == [("GET", "/api/status"), ("GET", "/api/status"), ("POST", "/api/interpreter")]
    assert [e["id"] for e in json.loads((tmp_path / "a.json").read_bytes())["elements"]] == [1]


@pytest.mark.slow  # waits in real time (Retry-After, a timeout, a black hole)
def test_429_with_retry_after_then_success(data_dir, tmp_path, overpass):
    server = overpass(pool())
    server.set("/api/interpreter", ("status", 429, {"Retry-After": "1"}), ("func", server.reply))
    start = time.monotonic()
    src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    assert time.monotonic() - start >= 1.0
    assert server.log.count(("POST", "/api/interpreter")) == 2
    assert json.loads((tmp_path / "a.json").read_bytes())["osm3s"]["timestamp_osm_base"] == STAMP


@pytest.mark.slow  # waits in real time (Retry-After, a timeout, a black hole)
def test_retry_after_as_http_date(data_dir, tmp_path, overpass):
    from email.utils import formatdate

    server = overpass(pool())
    server.set("/api/interpreter", ("status", 429, {"Retry-After": formatdate(time.time() + 2, usegmt=True)}),
               ("func", server.reply))
    start = time.monotonic()
    src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    assert time.monotonic() - start >= 0.9 and server.log.count(("POST", "/api/interpreter")) == 2


def test_no_slot_within_the_longest_wait(data_dir, tmp_path, overpass, monkeypatch):
    monkeypatch.setattr(polite, "MAX_SLOT_WAIT", 0.5)
    server = overpass(pool())
    server.set("/api/status", ("ok", BUSY))
    with pytest.raises(DownloadError, match="had no free slot for this address"):
        src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    assert server.log == [("GET", "/api/status")]  # a 1-second wait would exceed 0.5 s: no query sent


def test_504_then_success(data_dir, tmp_path, overpass):
    server = overpass(pool())
    server.set("/api/interpreter", ("status", 504), ("func", server.reply))
    src.fetch_overpass(Http(), _resource(server, "gastronomie"), tmp_path / "g.json")
    assert server.log.count(("POST", "/api/interpreter")) == 2
    assert [e["id"] for e in json.loads((tmp_path / "g.json").read_bytes())["elements"]] == [3, 9, 10]


def test_429_that_persists(data_dir, tmp_path, overpass, monkeypatch, waits):
    monkeypatch.setattr(settings, "retries", 2)
    server = overpass(pool())
    server.set("/api/interpreter", ("status", 429))
    with pytest.raises(DownloadError, match="answered HTTP 429 .*after 2 retries"):
        src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    assert server.log.count(("POST", "/api/interpreter")) == 3 and not (tmp_path / "a.json").exists()
    assert waits == [30.0, 30.0]  # no Retry-After: at least 30 s before each retry


def test_429_without_retry_after_waits_30_s_and_reads_the_status(data_dir, tmp_path, overpass, waits):
    server = overpass(pool())
    server.set("/api/interpreter", ("status", 429), ("func", server.reply))
    src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    # status, the refused query, the wait, the status read again, then the retry
    assert server.log == [("GET", "/api/status"), ("POST", "/api/interpreter"), ("GET", "/api/status"),
                          ("POST", "/api/interpreter")]
    assert len(waits) == 1 and waits[0] >= 30 == polite.NO_RETRY_AFTER_WAIT
    assert [e["id"] for e in json.loads((tmp_path / "a.json").read_bytes())["elements"]] == [1]


def test_429_then_a_busy_status_waits_for_the_slot(data_dir, tmp_path, overpass, waits):
    server = overpass(pool())
    server.set("/api/status", ("ok", FREE), ("ok", BUSY), ("ok", FREE))
    server.set("/api/interpreter", ("status", 429), ("func", server.reply))
    src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    assert server.log.count(("GET", "/api/status")) == 3 and server.log.count(("POST", "/api/interpreter")) == 2
    assert waits == [30.0, 1.0 + settings.backoff]  # 30 s, then the second the status announced


def test_429_with_a_long_backoff_waits_longer(data_dir, tmp_path, overpass, waits, monkeypatch):
    monkeypatch.setattr(settings, "backoff", 40.0)
    server = overpass(pool())
    server.set("/api/interpreter", ("status", 429), ("func", server.reply))
    src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    assert waits == [40.0]  # 30 s is a floor, not a cap


def test_never_two_requests_at_once(data_dir, tmp_path, overpass):
    """Two threads fetching groups and a third asking for the status (as the doctor does): the
    server never answers two Overpass requests at the same time."""
    from lichtenberg_data._reach import one_at_a_time

    server = overpass(pool(), slow=0.05)  # each answer takes a while: two at once would overlap
    one_at_a_time(server.url)  # as the module does for overpass-api.de when it is imported
    errors: list[BaseException] = []

    def run(job):
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    jobs = [lambda: src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json"),
            lambda: src.fetch_overpass(Http(), _resource(server, "gastronomie"), tmp_path / "g.json"),
            lambda: Http().get(server.url + "/api/status").close()]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(server.log) == 5 and server.most_at_once == 1
    # each fetch asked for the status right before its query: no request of the others in between
    log = server.log
    for i, entry in enumerate(log):
        if entry == ("POST", "/api/interpreter"):
            assert log[i - 1] == ("GET", "/api/status")


def test_the_doctor_asks_the_overpass_status():
    ds = catalog.get("osm_pois")
    probes = {r.probe.url for r in ds.resources if r.fetcher}
    assert probes == {"https://overpass-api.de/api/status"}


def test_html_error_page(data_dir, tmp_path, overpass):
    from test_osm import OVERPASS_ERROR_PAGE

    server = overpass(pool())
    server.set("/api/interpreter", ("ok", OVERPASS_ERROR_PAGE))
    with pytest.raises(FormatError, match="for Einkaufszentren is an HTML page, not an Overpass JSON answer: "
                                          'line 3: parse error: Unknown type "nwx"'):
        src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    server.set("/api/interpreter", ("status", 400))
    with pytest.raises(DownloadError, match="answered HTTP 400"):
        src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    assert not (tmp_path / "a.json").exists()
    assert looks_like_html(OVERPASS_ERROR_PAGE[:200]) and not looks_like_html(b'<?xml version="1.0"?><wfs:Feat')


def test_partial_answer_is_refused(data_dir, tmp_path, overpass):
    server = overpass(pool(), partial='"shop"="mall"')
    with pytest.raises(DownloadError, match="partial Overpass answer .*timed out"):
        src.fetch_overpass(Http(), _resource(server), tmp_path / "a.json")
    assert not (tmp_path / "a.json").exists()


def test_status_page_parsing():
    assert src.slot_wait(FREE.decode()) == 0.0
    assert src.slot_wait(BUSY.decode()) == 1.0
    assert src.slot_wait("Rate limit: 0\n") == 0.0
    assert src.slot_wait("Slot available after: 2026-10-01T05:59:58Z, in -2 seconds.\n") == 0.0
    assert src.slot_wait("<html>maintenance</html>") is None


# ============================================================================ refresh

def test_refresh_asks_politely_and_classifies(lor, overpass, monkeypatch):
    server = overpass(pool())
    _use(server, monkeypatch)
    [outcome] = ld.refresh(["osm_pois"])
    assert outcome.state == "fresh", outcome.reason
    assert server.log == [("GET", "/api/status"), ("POST", "/api/interpreter")] * len(src.GROUPS)
    assert set(server.agents) == {settings.user_agent}
    assert all("rel(62422);map_to_area->.berlin;" in q and q.endswith("out tags center;") for q in server.queries)
    df = ld.load("osm_pois")
    expected = {str(osm_id): group for _, osm_id, _, _, _, group in POOL_SPEC if group}
    assert dict(zip(df["osm_id"], df["gruppe"])) == expected  # each object once, in its first group
    assert set(df["bezirk_id"]) == {"11", "02"}  # the theatre (13.433, 52.508) is in Friedrichshain
    hotel = df.set_index("osm_id").loc["10"]
    assert json.loads(hotel["tags"])["stars"] == "4" and hotel["geometry_source"] == "center"
    assert ld.source_note(df).startswith("Quelle: © OpenStreetMap-Mitwirkende, OpenStreetMap-Daten (Overpass API), "
                                         "Stand 01.10.2026; Lizenz: ODbL 1.0")


def test_partial_answer_keeps_the_last_good_data(lor, overpass, monkeypatch):
    _use(overpass(pool()), monkeypatch)
    assert ld.refresh(["osm_pois"])[0].state == "fresh"
    before = (lor / "processed" / "osm_pois.parquet").read_bytes()
    raw_before = sorted(p.name for p in (lor / "raw" / "osm_pois").rglob("*.json"))
    _use(overpass(pool(), partial='"amenity"~"^(restaurant'), monkeypatch)
    [failed] = ld.refresh(["osm_pois"], force=True)
    assert failed.failed and "partial Overpass answer (runtime error: Query timed out" in failed.reason
    assert (lor / "processed" / "osm_pois.parquet").read_bytes() == before
    assert sorted(p.name for p in (lor / "raw" / "osm_pois").rglob("*.json")) == raw_before


# ============================================================================ the real answer

@pytest.fixture()
def malls(real_data):
    return real_data / "business" / "osm_malls_berlin_raw_20250928.json"


@pytest.mark.slow  # 0.5 s on 2 cores
def test_real_malls_answer_imports(lor, real_data, malls):
    outcome = ld.import_file("osm_pois", malls)
    df = ld.load("osm_pois").set_index(["osm_type", "osm_id"])
    assert outcome.rows == len(df) == 104 and set(df["gruppe"]) == {"einkaufszentren"}
    assert df.loc[("way", "11249452"), "planungsraum_id"] == "11100307"        # Linden-Center
    assert df.loc[("way", "11249452"), "planungsraum"] == "Zingster Straße Ost"
    ring_1 = df.loc[("way", "23970735")]
    assert (ring_1["addr_street"], ring_1["addr_housenumber"], ring_1["bezirk_id"]) == ("Frankfurter Allee", "111", "02")
    # independently: the publisher's CSV points in the kieze polygons, joined with geopandas alone
    csv = pd.read_csv(malls.with_name("osm_malls_berlin_20250928.csv"))
    points = gpd.GeoDataFrame(csv, geometry=gpd.points_from_xy(csv["lon"], csv["lat"]), crs="EPSG:4326")
    kieze = gpd.read_file(real_data / "geometries" / "kieze.geojson").set_crs("EPSG:4326", allow_override=True)
    joined = gpd.sjoin(points, kieze[["bez", "geometry"]], predicate="within")
    assert int(joined["bez"].str.startswith("11").sum()) == int((df["bezirk_id"] == "11").sum()) == 21
    assert catalog.get("osm_pois").stand(df).isoformat() == "2025-09-28"
    assert "© OpenStreetMap-Mitwirkende" in ld.source_note(df) and "ODbL 1.0" in ld.source_note(df)


def test_needs_the_bezirke_and_the_planungsraeume(data_dir, malls):
    with pytest.raises(DataNotAvailableError, match="the Bezirke boundaries, needed to tell the objects inside Berlin "
                                                     "from those outside .* run `lichtenberg-data refresh bezirke`"):
        ld.import_file("osm_pois", malls)
    ld.import_file("bezirke", SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml")
    with pytest.raises(DataNotAvailableError, match="run `lichtenberg-data refresh lor_planungsraeume`"):
        ld.import_file("osm_pois", malls)
    assert not (data_dir / "processed" / "osm_pois.parquet").exists()


def test_a_refresh_without_the_bezirke_names_them(data_dir, overpass, monkeypatch):
    _use(overpass(pool()), monkeypatch)
    [outcome] = ld.refresh(["osm_pois"])
    assert outcome.failed and "run `lichtenberg-data refresh bezirke`" in outcome.reason
    assert outcome.reason.endswith("No data yet; it needs bezirke first: load that, then run "
                                   "`lichtenberg-data refresh osm_pois` again")
    assert "the portal may have changed the file" not in outcome.reason


def test_group_files_together(lor, malls, tmp_path):
    """Several group files at once: an object in two files is kept once, from the newer answer."""
    food = {"version": 0.6, "osm3s": {"timestamp_osm_base": "2025-10-02T08:00:00Z"},
            "elements": [e for e in pool() if e["id"] in (2, 3)]
            + [{"type": "way", "id": 11249452, "center": {"lat": 52.5644, "lon": 13.5060},
                "tags": {"shop": "mall", "name": "Linden-Center (neu)"}}]}
    (tmp_path / "osm_lebensmittel.json").write_text(json.dumps(food), encoding="utf-8")
    outcome = ld.import_file("osm_pois", [malls, tmp_path / "osm_lebensmittel.json"])
    df = ld.load("osm_pois").set_index("osm_id")
    assert outcome.rows == 104 + 2
    assert df.loc["11249452", "name"] == "Linden-Center (neu)" and df.loc["2", "gruppe"] == "lebensmittel"
    assert catalog.get("osm_pois").stand(df.reset_index()).isoformat() == "2025-09-28"  # the older file


# ============================================================================ restaurants, bars, museums

POI = "berlin-points-of-interest-{}-2025-08-details.json"
#: Per file of 20.08.2025 (SOURCES.md, counted on the ALKIS Bezirk polygons): nodes, inside Berlin,
#: in Lichtenberg.
REAL_COUNTS = {"restaurants": (4717, 4471, 109), "bars": (945, 928, 36), "museums": (156, 146, 3)}


def _poi(real_data, kind: str):
    here = real_data / "tourism" / "osm" / POI.format(kind)
    return here if here.exists() else real_data / "tourism" / POI.format(kind)  # the snapshot laid out flat


@pytest.fixture()
def pois(real_data) -> dict:
    return {kind: _poi(real_data, kind) for kind in REAL_COUNTS}


def test_real_answers_each_give_their_objects_inside_berlin(lor, pois):
    """What each file gives, reported per file: the objects outside Berlin dropped (the answers
    cover a bounding box), the Ramones Museum (a bar and a museum) kept once."""
    files = {"osm_gastronomie.json": pois["bars"], "osm_gastronomie.2.json": pois["restaurants"],
             "osm_tourismus_kultur.json": pois["museums"]}
    with _kept.tally() as report:
        df = catalog.get("osm_pois").parser(files)
    by_kind = {kind: report[path.name] for kind, path in pois.items()}
    assert {k: t.dropped.get("outside Berlin") for k, t in by_kind.items()} == {
        k: nodes - inside for k, (nodes, inside, _) in REAL_COUNTS.items()} == {"restaurants": 246, "bars": 17,
                                                                               "museums": 10}
    # the museum is kept from the bars (the newer answer: 14:19:30 against 14:18:30)
    assert by_kind["museums"].dropped["duplicate of an object in another file"] == 1
    assert by_kind["museums"].examples["duplicate of an object in another file"] == ["node/2971387933"]
    assert {k: t.kept for k, t in by_kind.items()} == {"restaurants": 4471, "bars": 928, "museums": 146 - 1}
    assert len(by_kind["restaurants"].examples["outside Berlin"]) == 5
    assert by_kind["bars"].line().startswith(f"{POI.format('bars')}: 928 kept; 17 dropped (17 outside Berlin, e.g. node/")
    assert len(df) == 4471 + 928 + 145 and df["bezirk_id"].notna().all()
    ramones = df.set_index("osm_id").loc["2971387933"]
    assert (ramones["name"], ramones["amenity"], ramones["tourism"]) == ("Ramones Museum", "bar", "museum")


@pytest.mark.slow  # 0.4 s on 2 cores
def test_real_answers_import_together(lor, pois):
    outcome = ld.import_file("osm_pois", [pois["restaurants"], pois["bars"], pois["museums"]])
    df = ld.load("osm_pois")
    assert outcome.rows == len(df) == 5544
    lichtenberg = df[df["bezirk_id"] == "11"]
    assert int((lichtenberg["amenity"] == "restaurant").sum()) == REAL_COUNTS["restaurants"][2] == 109
    assert int((lichtenberg["amenity"] == "bar").sum()) == REAL_COUNTS["bars"][2] == 36
    assert sorted(lichtenberg.loc[lichtenberg["tourism"] == "museum", "name"]) == [
        "Museum Lichtenberg im Stadthaus", "Museum Schloß Friedrichsfelde", "Stasimuseum"]
    # restaurants and bars are the group Gastronomie, the museums Tourismus und Kultur, by their tags
    stored = json.loads((lor / "manifest.json").read_text())["datasets"]["osm_pois"]["resources"]
    assert {k: Path(v["raw_path"]).name.split("_", 1)[1] for k, v in stored.items()} == {
        "osm_gastronomie.json": POI.format("bars"), "osm_gastronomie.2.json": POI.format("restaurants"),
        "osm_tourismus_kultur.json": POI.format("museums")}
    assert catalog.get("osm_pois").stand(df).isoformat() == "2025-08-20"


@pytest.mark.slow  # 0.5 s on 2 cores
def test_a_new_answer_of_a_group_replaces_all_its_files(lor, pois, malls):
    ld.import_file("osm_pois", [pois["restaurants"], pois["bars"], pois["museums"], malls])
    outcome = ld.import_file("osm_pois", pois["bars"])  # the group Gastronomie is now this file alone
    df = ld.load("osm_pois")
    assert outcome.rows == len(df) == 928 + 145 + 104
    assert int((df["amenity"] == "restaurant").sum()) == 0 and int((df["shop"] == "mall").sum()) == 104
    stored = json.loads((lor / "manifest.json").read_text())["datasets"]["osm_pois"]["resources"]
    assert sorted(stored) == ["osm_einkaufszentren.json", "osm_gastronomie.json", "osm_tourismus_kultur.json"]


@pytest.mark.slow  # 1.0 s on 2 cores
def test_a_cut_copy_of_one_file_of_a_group_is_refused_by_its_namesake(lor, pois, tmp_path):
    """Files of one group are stored numbered in the order of their names: a new copy is compared
    with the stored file of its name, not with the stored file of its number."""
    ld.import_file("osm_pois", [pois["bars"], pois["restaurants"]])  # stored: bars 1st, restaurants 2nd
    good = (lor / "processed" / "osm_pois.parquet").read_bytes()
    doc = json.loads(pois["restaurants"].read_text(encoding="utf-8"))
    doc["elements"] = doc["elements"][:3000]  # an answer cut after 3,000 objects (same data state)
    cut = tmp_path / pois["restaurants"].name
    cut.write_text(json.dumps(doc), encoding="utf-8")
    inside = len(catalog.get("osm_pois").parser({"osm_gastronomie.json": cut}))  # the cut objects inside Berlin
    with pytest.raises(CutOffError) as err:
        ld.import_file("osm_pois", [pois["bars"], cut])
    assert f"{cut.name} gives {inside:,} rows for the edition of 20.08.2025, but the stored copy of that edition " \
           f"has 4,471 ({round(100 * (4471 - inside) / 4471)} % fewer): the file is probably cut off" in str(err.value)
    assert 2000 < inside < 3000
    assert (lor / "processed" / "osm_pois.parquet").read_bytes() == good
    # the same two files, numbered the other way round by their names, are no cut copies of each other
    bars = tmp_path / "zz_bars.json"
    bars.write_bytes(pois["bars"].read_bytes())
    outcome = ld.import_file("osm_pois", [pois["restaurants"], bars])
    assert outcome.rows == 4471 + 928
    assert [t.line().split(";")[0] for t in outcome.files] == [f"{pois['restaurants'].name}: 4471 kept",
                                                               "zz_bars.json: 928 kept"]


def test_the_tags_not_the_name_tell_the_group(lor, pois, tmp_path):
    named = tmp_path / "osm_gastronomie_restaurants.json"  # a name that says gastronomy, but museums inside
    named.write_bytes(pois["museums"].read_bytes())
    ld.import_file("osm_pois", named)
    stored = json.loads((lor / "manifest.json").read_text())["datasets"]["osm_pois"]["resources"]
    assert list(stored) == ["osm_tourismus_kultur.json"]
    assert src.group_file(pois["restaurants"]) == src.group_file(pois["bars"]) == "osm_gastronomie.json"
    assert src.group_file(SNAPSHOT / "osm_pois" / "supermarkets_raw.geojson") is None  # an export: by its name


@pytest.mark.slow  # 0.8 s on 2 cores
def test_a_mirror_update_of_one_file_keeps_the_others_of_its_group(lor, pois, tmp_path):
    """A mirror whose restaurants changed and whose bars did not: both arrive again (they are
    the group Gastronomie together), so the bars are not lost."""
    mirror = tmp_path / "mirror" / "osm_pois"
    mirror.mkdir(parents=True)
    for kind in ("restaurants", "bars"):
        (mirror / pois[kind].name).write_bytes(pois[kind].read_bytes())
    assert ld.refresh(["osm_pois"], mirror=mirror.parent)[0].rows == 4471 + 928
    doc = json.loads(pois["restaurants"].read_text(encoding="utf-8"))
    doc["elements"] = doc["elements"][:-100]  # an update: 100 restaurants fewer
    (mirror / pois["restaurants"].name).write_text(json.dumps(doc), encoding="utf-8")
    [outcome] = ld.refresh(["osm_pois"], mirror=mirror.parent)
    df = ld.load("osm_pois")
    assert outcome.state == "fresh" and int((df["amenity"] == "bar").sum()) == 928
    assert int((df["amenity"] == "restaurant").sum()) < 4471 and len(df) == outcome.rows


def _moved(path, tmp_path, name: str, share: float, dlon: float = -3.4) -> tuple:
    """The real answer with the first ``share`` of its Berlin objects moved ``dlon`` degrees west
    (towards Hamburg), and only those and the other Berlin objects kept."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    inside = [e for e in doc["elements"] if 13.30 < e["lon"] < 13.50 and 52.46 < e["lat"] < 52.56][:200]  # central Berlin
    n = round(len(inside) * share)
    for e in inside[:n]:
        e["lon"] += dlon
    doc["elements"] = inside
    out = tmp_path / name
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out, n, len(inside)


@pytest.mark.slow  # 0.5 s on 2 cores
def test_an_answer_for_another_area_is_refused(lor, pois, tmp_path):
    ld.import_file("osm_pois", pois["museums"])
    good = (lor / "processed" / "osm_pois.parquet").read_bytes()
    hamburg, n, total = _moved(pois["restaurants"], tmp_path, "restaurants_hamburg.json", 1.0)
    mostly, m, total_m = _moved(pois["restaurants"], tmp_path, "restaurants_mostly_outside.json", 0.6)
    for path, out, of in ((hamburg, n, total), (mostly, m, total_m)):
        with pytest.raises(FormatError) as err:
            ld.import_file("osm_pois", path)
        assert str(err.value).startswith(f"osm_pois: {path.name}: {out:,} of {of:,} objects lie outside Berlin "
                                         "(outside the Bezirke): an answer for another area?"), str(err.value)
        assert (lor / "processed" / "osm_pois.parquet").read_bytes() == good
    assert (n, total, m) == (200, 200, 120)
    # fewer than half outside: the answer is taken, the objects outside are dropped and counted
    some, k, _ = _moved(pois["restaurants"], tmp_path, "restaurants_some_outside.json", 0.4)
    [report] = ld.import_file("osm_pois", some).files  # the import's report per file
    assert (report.file, report.kept, report.dropped) == (some.name, 200 - k, {"outside Berlin": k}) == (
        some.name, 120, {"outside Berlin": 80})


# ============================================================================ bad files

@pytest.fixture()
def good(lor, malls):
    ld.import_file("osm_pois", malls)
    return (lor / "processed" / "osm_pois.parquet").read_bytes()


def _bad_files(real_data, malls, tmp_path) -> list[tuple]:
    text = malls.read_text(encoding="utf-8")
    truncated = tmp_path / "osm_malls_truncated.json"
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    renamed = tmp_path / "osm_malls_renamed.json"
    renamed.write_text(text.replace('"type":', '"kind":'), encoding="utf-8")
    html = tmp_path / "osm_malls.json"
    html.write_text("<!DOCTYPE html><html><body>Rate limit exceeded</body></html>", encoding="utf-8")
    partial = tmp_path / "osm_malls_partial.json"
    doc = json.loads(text)
    doc["elements"], doc["remark"] = doc["elements"][:30], TIMED_OUT
    partial.write_text(json.dumps(doc), encoding="utf-8")
    return [
        (real_data / "geometries" / "kieze.geojson", "has a feature without OSM type and id"),
        (real_data / "population" / "EWR_L21_202512E_Matrix.csv", "is a text (CSV) file, but this dataset takes JSON"),
        (real_data / "business" / "Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx",
         "is an Excel workbook (xlsx), but this dataset takes JSON files"),
        (truncated, "ends before the JSON document is closed (4 brackets left open): the file was cut off"),
        (renamed, "has elements without 'type'/'id'"),
        (html, "is an HTML page"),
        (partial, "is a partial Overpass answer (runtime error: Query timed out"),
    ]


def test_bad_files_are_refused(good, lor, real_data, malls, tmp_path):
    for path, message in _bad_files(real_data, malls, tmp_path):
        with pytest.raises(FormatError) as err:
            ld.import_file("osm_pois", path)
        assert str(err.value).startswith(f"osm_pois: {path.name} {message}"), (path, str(err.value))
        assert "Nothing was changed" in str(err.value)
        assert (lor / "processed" / "osm_pois.parquet").read_bytes() == good


# ============================================================================ samples

@pytest.mark.slow
def test_sample_group_files(data_dir, tmp_path):
    from lichtenberg_data.demo.retail import SAMPLES

    ld.import_file("bezirke", SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml")
    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    files = {}
    for (dataset, name), write in SAMPLES.items():
        if dataset == "osm_pois":
            files[name] = tmp_path / name
            files[name].write_bytes(write())
    assert set(files) == {r.name for r in catalog.get("osm_pois").resources if r.fetcher}  # not the exports
    outcome = ld.import_file("osm_pois", list(files.values()))
    df = ld.load("osm_pois")
    assert outcome.rows == len(df) > 10_000 and df["planungsraum_id"].notna().mean() > 0.99
    assert "BEISPIELDATEN" in json.loads(files["osm_gastronomie.json"].read_text())["generator"]
    malls = df[df["gruppe"] == "einkaufszentren"]
    assert len(malls) == 12 + 11 * 6 and "11249452" in set(malls["osm_id"])
    assert (malls["bezirk_id"] == "11").sum() == 12
