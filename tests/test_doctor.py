"""``lichtenberg-data doctor`` against local portal servers: a small catalogue of test datasets
whose endpoints are healthy, moved (404), answer HTML, list no such layer, are slow, or have no
address at all."""

from __future__ import annotations

import json
import time

import pytest
from portal import Portal

from lichtenberg_data import catalog, cli
from lichtenberg_data._doctor import check
from lichtenberg_data.catalog import LICENSES, WFS, Dataset, Probe, Resource, Schema

CAPABILITIES = b"""<?xml version="1.0" encoding="UTF-8"?>
<wfs:WFS_Capabilities version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0"
    xmlns:ows="http://www.opengis.net/ows/1.1">
  <ows:ServiceIdentification><ows:Title>LOR 2021</ows:Title></ows:ServiceIdentification>
  <wfs:FeatureTypeList>
    <wfs:FeatureType><wfs:Name>lor_2021:a_lor_plr_2021</wfs:Name><wfs:Title>Planungsraeume</wfs:Title></wfs:FeatureType>
    <wfs:FeatureType><wfs:Name>lor_2021:b_lor_bzr_2021</wfs:Name><wfs:Title>Bezirksregionen</wfs:Title></wfs:FeatureType>
  </wfs:FeatureTypeList>
</wfs:WFS_Capabilities>
"""
CSV = "Schlüssel;Bezirk\n11010101;Lichtenberg\n".encode()
HTML = b"<!DOCTYPE html><html><head><title>Wartungsarbeiten</title></head><body>Bitte sp\xc3\xa4ter</body></html>"


def capabilities(query, headers):
    if query.get("REQUEST") != "GetCapabilities" or query.get("SERVICE") != "WFS":
        return 400, b"<ows:ExceptionReport/>", {"Content-Type": "text/xml"}
    return 200, CAPABILITIES, {"Content-Type": "application/xml; charset=UTF-8"}


@pytest.fixture()
def portals():
    main, slow = Portal(), Portal()
    main.set("/wfs/lor_2021", ("func", capabilities))
    main.set("/wfs/maintenance", ("func", lambda q, h: (200, HTML, {"Content-Type": "text/html; charset=utf-8"})))
    main.set("/files/LOR_2021.csv", ("func", lambda q, h: (200, CSV, {"Content-Type": "text/csv"})))
    main.set("/files/portal.csv", ("func", lambda q, h: (200, HTML, {"Content-Type": "text/html"})))
    main.set("/files/renamed.xlsx", ("func", lambda q, h: (200, CSV, {"Content-Type": "application/octet-stream"})))
    slow.set("/slow.csv", ("sleep", 5, CSV))
    yield main, slow
    main.close()
    slow.close()


def dataset(ds_id: str, *resources: Resource) -> Dataset:
    return Dataset(id=ds_id, title=ds_id, topic="test", publisher="Test", license=LICENSES["cc0"],
                   landing_page=f"https://example.invalid/{ds_id}", resources=resources, spatial_unit="Bezirk",
                   update="static", parser=lambda files: None, schema=Schema(columns={"a": "str"}),
                   source_title=ds_id)


def wfs(name: str, base: str, service: str, type_name: str) -> Resource:
    return Resource(name=name, url=f"{base}/wfs/{service}", format="geojson",
                    wfs=WFS(f"{base}/wfs/{service}", type_name))


def make_catalogue(portals, api_seen: list) -> list[Dataset]:
    main, slow = portals
    base = main.url

    def api(query, headers):
        api_seen.append((query, headers.get("X-API-Key")))
        if headers.get("X-API-Key") != "jobboerse-jobsuche":
            return 403, b'{"error": "forbidden"}', {"Content-Type": "application/json"}
        return 200, b'{"maxErgebnisse": 4711, "stellenangebote": [{"refnr": "1"}]}', {"Content-Type": "application/json"}

    main.set("/api/jobs", ("func", api))
    return [
        dataset("planungsraeume", wfs("plr.geojson", base, "lor_2021", "lor_2021:a_lor_plr_2021")),
        dataset("gone_layer", wfs("gone.geojson", base, "lor_2021", "lor_2021:z_lor_xyz_2021")),
        dataset("wfs_maintenance", wfs("m.geojson", base, "maintenance", "m:layer")),
        dataset("schluessel", Resource(name="LOR_2021.csv", url=f"{base}/files/LOR_2021.csv", format="csv"),
                Resource(name="LOR_2019.csv", url=None, format="csv")),
        dataset("moved", Resource(name="old.csv", url=f"{base}/files/old.csv", format="csv")),
        dataset("html_page", Resource(name="portal.csv", url=f"{base}/files/portal.csv", format="csv")),
        dataset("not_xlsx", Resource(name="renamed.xlsx", url=f"{base}/files/renamed.xlsx", format="xlsx")),
        dataset("jobs", Resource(name="jobs.json", url=f"{base}/api/jobs", format="json", fetcher=lambda *a: None,
                                 headers={"X-API-Key": "jobboerse-jobsuche"},
                                 probe=Probe(f"{base}/api/jobs", {"wo": "Berlin", "size": "1"}))),
        dataset("scraped", Resource(name="listings.csv", url=f"{base}/wfs/maintenance", format="csv",
                                    fetcher=lambda *a: None)),  # no probe: the page only has to answer
        dataset("slow", Resource(name="slow.csv", url=f"{slow.url}/slow.csv", format="csv")),
        dataset("by_hand", Resource(name="SB_A06.xlsx", url=None, format="xlsx")),
    ]



@pytest.fixture()
def api_seen() -> list:
    return []


@pytest.fixture()
def datasets(portals, api_seen) -> list[Dataset]:
    return make_catalogue(portals, api_seen)


def rows_by_id(rows):
    return {(r.dataset, r.resource): r for r in rows}


@pytest.mark.slow  # 0.5 s on 2 cores
def test_each_endpoint_gets_its_verdict(datasets, portals, api_seen):
    start = time.monotonic()
    rows = check(datasets, timeout=0.5)
    assert time.monotonic() - start < 3  # the slow host costs one timeout, in parallel with the rest
    got = rows_by_id(rows)
    assert [(r.dataset, r.state) for r in rows] == [
        ("planungsraeume", "ok"), ("gone_layer", "failed"), ("wfs_maintenance", "failed"), ("schluessel", "ok"),
        ("schluessel", "import only"), ("moved", "failed"), ("html_page", "failed"), ("not_xlsx", "failed"),
        ("jobs", "ok"), ("scraped", "ok"), ("slow", "failed"), ("by_hand", "import only")]
    assert got["planungsraeume", "plr.geojson"].detail == ("HTTP 200, application/xml, "
                                                           "layer lor_2021:a_lor_plr_2021 listed")
    gone = got["gone_layer", "gone.geojson"]
    assert gone.detail == "layer lor_2021:z_lor_xyz_2021 not listed among 2 layers"
    assert "look up the current type name in GetCapabilities" in gone.todo
    assert got["wfs_maintenance", "m.geojson"].detail == "HTML page instead of XML (text/html)"
    assert got["schluessel", "LOR_2021.csv"].detail == "HTTP 200, text/csv"
    moved = got["moved", "old.csv"]
    assert moved.detail == "HTTP 404 Not Found"
    assert moved.todo == "the address moved: find the new one on https://example.invalid/moved and update the catalogue"
    assert got["html_page", "portal.csv"].detail == "HTML page instead of CSV (text/html)"
    assert got["not_xlsx", "renamed.xlsx"].detail == "not an XLSX file (starts with b'Schl\\xc3\\xbcss')"
    assert got["jobs", "jobs.json"].detail == "HTTP 200, application/json"
    assert got["scraped", "listings.csv"].detail == "HTTP 200, text/html"
    assert api_seen == [({"wo": "Berlin", "size": "1"}, "jobboerse-jobsuche")]  # one small request, with the key
    slow = got["slow", "slow.csv"]
    assert slow.detail == f"{portals[1].url[7:]} did not answer (timed out after 0.5 s)"
    assert slow.todo == "the portal is slow or down: try again later, or raise --timeout"
    assert slow.seconds is not None and 0.4 < slow.seconds < 2
    by_hand = got["by_hand", "SB_A06.xlsx"]
    assert (by_hand.url, by_hand.todo) == ("", "download by hand and run `lichtenberg-data import by_hand FILE`")
    assert portals[0].hits["/wfs/lor_2021"] == 1  # two layers of one service: one GetCapabilities


def test_host_not_found_and_refused(portals):
    from portal import closed_port

    port = closed_port()
    sets = [dataset("moved_host", Resource(name="a.csv", url="https://portal-moved.invalid/a.csv", format="csv"),
                    Resource(name="b.csv", url="https://portal-moved.invalid/b.csv", format="csv")),
            dataset("down", Resource(name="c.csv", url=f"http://127.0.0.1:{port}/c.csv", format="csv")),
            dataset("fine", Resource(name="LOR_2021.csv", url=f"{portals[0].url}/files/LOR_2021.csv", format="csv"))]
    got = rows_by_id(check(sets, timeout=1))
    assert got["moved_host", "a.csv"].detail == "portal-moved.invalid unreachable (host not found)"
    assert got["moved_host", "b.csv"].detail == "portal-moved.invalid unreachable (host not found)"
    assert got["moved_host", "a.csv"].todo.startswith("the host name does not resolve")
    assert got["down", "c.csv"].detail == f"127.0.0.1:{port} unreachable (connection refused)"
    assert got["fine", "LOR_2021.csv"].state == "ok"


def test_offline_answers_fast(portals):
    sets = [dataset(f"d{i}", Resource(name="x.csv", url=f"https://host{i}.invalid/x.csv", format="csv"))
            for i in range(6)] + [dataset("by_hand", Resource(name="SB_A06.xlsx", url=None, format="xlsx"))]
    start = time.monotonic()
    rows = check(sets, timeout=10)
    assert time.monotonic() - start < 30
    assert [r.state for r in rows] == ["failed"] * 6 + ["import only"]
    assert all(r.detail.endswith("unreachable (no network connection)") for r in rows[:6])
    assert all("connect to the internet" in r.todo for r in rows[:6])


@pytest.mark.slow  # 0.5 s on 2 cores
def test_cli_rows_and_exit_code(datasets, monkeypatch, capsys):
    monkeypatch.setattr(catalog, "datasets", lambda: datasets)
    assert cli.main(["doctor", "--timeout", "0.5"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["dataset", "state", "time", "url", "/", "resource", "—", "result;", "what", "to", "do"]
    moved = next(ln for ln in lines if ln.startswith("moved "))
    assert moved.split("  ")[0] == "moved" and " failed " in moved
    assert moved.endswith("/files/old.csv  —  HTTP 404 Not Found; the address moved: find the new one on "
                          "https://example.invalid/moved and update the catalogue")
    by_hand = next(ln for ln in lines if ln.startswith("by_hand "))
    assert " import only " in by_hand and "(SB_A06.xlsx)" in by_hand
    assert lines[-1] == "4 ok, 6 failed, 2 import only"


def test_cli_json_and_healthy_exit_0(datasets, monkeypatch, capsys):
    healthy = [d for d in datasets if d.id in {"planungsraeume", "schluessel", "jobs", "by_hand"}]
    monkeypatch.setattr(catalog, "datasets", lambda: healthy)
    assert cli.main(["doctor", "--json", "--timeout", "2"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["dataset"], r["state"]) for r in rows] == [
        ("planungsraeume", "ok"), ("schluessel", "ok"), ("schluessel", "import only"), ("jobs", "ok"),
        ("by_hand", "import only")]
    assert set(rows[0]) == {"dataset", "resource", "url", "state", "seconds", "detail", "todo"}


def test_cli_refuses_a_bad_timeout(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["doctor", "--timeout", "0"])
    assert exc.value.code == 2
    assert "must be a number of seconds > 0" in capsys.readouterr().err


def test_wfs_exception_and_hostile_xml(portals):
    main = portals[0]
    bomb = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b"<wfs:WFS_Capabilities xmlns:wfs='http://www.opengis.net/wfs/2.0'>&b;</wfs:WFS_Capabilities>")
    report = (b'<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1">'
              b'<ows:Exception exceptionCode="InvalidParameterValue"><ows:ExceptionText>Unknown service '
              b"mss_2027</ows:ExceptionText></ows:Exception></ows:ExceptionReport>")
    main.set("/wfs/bomb", ("func", lambda q, h: (200, bomb, {"Content-Type": "text/xml"})))
    main.set("/wfs/retired", ("func", lambda q, h: (200, report, {"Content-Type": "application/xml"})))
    got = rows_by_id(check([dataset("bomb", wfs("b.geojson", main.url, "bomb", "x:y")),
                            dataset("retired", Resource(name="mss_2027.json", url=f"{main.url}/wfs/retired",
                                                        format="json", fetcher=lambda *a: None,
                                                        probe=Probe(f"{main.url}/wfs/retired", expect="wfs",
                                                                    type_names=("mss_2027:idx",))))],
                           timeout=2))
    assert got["bomb", "b.geojson"].detail == "GetCapabilities is not well-formed XML (EntitiesForbidden)"
    retired = got["retired", "mss_2027.json"]
    assert retired.detail == "the WFS answered an exception: Unknown service mss_2027"
    assert retired.todo == "the service may have been renamed or retired: check https://example.invalid/retired"
