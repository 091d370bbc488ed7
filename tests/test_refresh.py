"""Refresh against a real local HTTP server: success, conditional GET, and every fault.

Each fault test first refreshes good data, then breaks the portal and refreshes again, and
asserts that the processed Parquet and the manifest are byte-for-byte unchanged, that the
exit code is 1 and that the message names the dataset and the cause.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from portal import BlackHoles, Portal, closed_port, wait_for

from lichtenberg_data import cli, settings
from lichtenberg_data.demo import SNAPSHOT

EWR = "/einwohner_lor/EWR_L21_202512E_Matrix.csv"
ORTSTEILE = "/einwohner_ortsteile/EWR_Ortsteile_2020-12-31.csv"
IDS = ["einwohner_lor", "einwohner_ortsteile"]


@pytest.fixture(scope="module")
def mirror() -> Path:
    """The shipped snapshot of real files, served by the local portal: real formats, real sizes."""
    return SNAPSHOT


@pytest.fixture()
def portal(mirror):
    server = Portal()
    server.serve_folder(mirror)
    yield server
    server.close()


def run(*args: str) -> int:
    return cli.main(list(args))


def snapshot(data_dir: Path) -> dict[str, bytes]:
    """The bytes of everything a later run or load() would read."""
    files = {"manifest.json": (data_dir / "manifest.json").read_bytes()}
    for p in sorted((data_dir / "processed").glob("*.parquet")):
        files[p.name] = p.read_bytes()
    for p in sorted((data_dir / "raw").rglob("*")):
        if p.is_file():
            files[p.relative_to(data_dir).as_posix()] = p.read_bytes()
    return files


@pytest.fixture()
def good(data_dir, portal):
    """A data folder holding good data refreshed from the portal."""
    assert run("refresh", *IDS, "--mirror", portal.url) == 0
    return snapshot(data_dir)


def assert_failed_unchanged(data_dir, before, capsys, *words):
    out = capsys.readouterr().out
    assert snapshot(data_dir) == before
    line = next(ln for ln in out.splitlines() if ln.startswith("failed: "))
    assert line.startswith("failed: einwohner_"), line
    for w in words:
        assert w.lower() in line.lower(), line
    assert "Last good data kept" in line
    return line


def test_refresh_fresh_then_unchanged(data_dir, portal, capsys):
    assert run("refresh", *IDS, "--mirror", portal.url) == 0
    manifest = json.loads((data_dir / "manifest.json").read_text())
    entry = manifest["datasets"]["einwohner_lor"]
    assert entry["processed"]["rows"] == 542
    assert entry["processed"]["reference_date"] == "2025-12-31"
    res = entry["resources"]["EWR_L21_202512E_Matrix.csv"]
    assert res["arrived"] == "mirror" and res["etag"] and len(res["sha256"]) == 64
    assert res["source"] == portal.url + EWR
    assert (data_dir / res["raw_path"]).name.endswith("_EWR_L21_202512E_Matrix.csv")
    before = snapshot(data_dir)
    capsys.readouterr()
    assert run("refresh", *IDS, "--mirror", portal.url) == 0
    out = capsys.readouterr().out
    assert "einwohner_lor        unchanged" in out
    assert snapshot(data_dir) == before  # 304: nothing rewritten
    reports = sorted((data_dir / "reports").glob("refresh-*.md"))
    assert reports and "| einwohner_lor | fresh |" in reports[0].read_text()


def test_force_downloads_again(data_dir, portal, good):
    hits = portal.hits[EWR]
    assert run("refresh", "einwohner_lor", "--force", "--mirror", portal.url) == 0
    assert portal.hits[EWR] == hits + 1


@pytest.mark.slow  # 0.3 s on 2 cores
def test_http_500(data_dir, portal, good, capsys):
    portal.set(EWR, ("status", 500))
    assert run("refresh", *IDS, "--mirror", portal.url) == 1
    assert_failed_unchanged(data_dir, good, capsys, "einwohner_lor", "500")
    assert portal.hits[EWR] >= 1 + settings.settings.retries  # retried


@pytest.mark.slow  # waits in real time (Retry-After, a timeout, a black hole)
def test_503_with_retry_after_then_success(data_dir, portal, good, capsys, mirror):
    changed = (mirror / EWR[1:]).read_bytes().replace(b'"202512";"01', b'"202512";"01', 1)
    portal.set(EWR, ("status", 503, {"Retry-After": "1"}), ("ok", changed + b""))
    assert run("refresh", "einwohner_lor", "--mirror", portal.url, "--force") == 0
    assert portal.hits[EWR] >= 3  # the good run, the 503, the retry


@pytest.mark.slow  # waits in real time (Retry-After, a timeout, a black hole)
def test_timeout(data_dir, portal, good, capsys, mirror):
    settings.set(timeout=0.5, retries=1)
    try:
        portal.set(EWR, ("sleep", 5, (mirror / EWR[1:]).read_bytes()))
        assert run("refresh", "einwohner_lor", "--mirror", portal.url, "--force") == 1
    finally:
        settings.set(timeout=3, retries=4)
    assert_failed_unchanged(data_dir, good, capsys, "einwohner_lor", "did not answer")


def test_connection_dropped_mid_body(data_dir, portal, good, capsys, mirror):
    portal.set(EWR, ("drop", (mirror / EWR[1:]).read_bytes()))
    assert run("refresh", "einwohner_lor", "--mirror", portal.url, "--force") == 1
    assert_failed_unchanged(data_dir, good, capsys, "einwohner_lor", "broke off")


def test_truncated_body(data_dir, portal, good, capsys, mirror):
    body = (mirror / EWR[1:]).read_bytes()
    mid_row = body.index(b"\n", len(body) // 3) - 20  # the server sends half of what it gets
    portal.set(EWR, ("cut", body[: 2 * mid_row]))
    assert run("refresh", "einwohner_lor", "--mirror", portal.url, "--force") == 1
    assert_failed_unchanged(data_dir, good, capsys, "EWR_L21_202512E_Matrix.csv ends in the middle of a record",
                            "its last line has 47 of 51 fields", "cut off")


def test_html_error_page_with_200(data_dir, portal, good, capsys):
    portal.set(EWR, ("ok", b"<!DOCTYPE html><html><head><title>Wartung</title></head></html>"))
    assert run("refresh", *IDS, "--mirror", portal.url) == 1
    assert_failed_unchanged(data_dir, good, capsys, "einwohner_lor", "HTML page")


def test_empty_body(data_dir, portal, good, capsys):
    portal.set(EWR, ("ok", b""))
    assert run("refresh", *IDS, "--mirror", portal.url) == 1
    assert_failed_unchanged(data_dir, good, capsys, "einwohner_lor", "empty")


def test_changed_columns(data_dir, portal, good, capsys, mirror):
    body = (mirror / EWR[1:]).read_bytes().replace(b'"E_EM"', b'"E_MAENNLICH"', 1)
    portal.set(EWR, ("ok", body))
    assert run("refresh", *IDS, "--mirror", portal.url) == 1
    assert_failed_unchanged(data_dir, good, capsys, "einwohner_lor", "E_EM")


def test_wrong_encoding(data_dir, portal, good, capsys, mirror):
    body = (mirror / ORTSTEILE[1:]).read_text(encoding="utf-8").encode("cp1252")
    portal.set(ORTSTEILE, ("ok", body))
    assert run("refresh", *IDS, "--mirror", portal.url) == 1
    assert_failed_unchanged(data_dir, good, capsys, "einwohner_ortsteile", "Latin-1", "takes UTF-8 CSV")


@pytest.mark.parametrize(("body", "words"), [
    (bytes(range(256)) * 64, ("is binary data (no text, no known file format)", "this is not the data file")),
    ("ZEIT;RAUMID;BEZ\n202512;11401032;11\n".encode("utf-16"), ("is utf-16 text (csv)", "takes utf-8 csv")),
])
def test_a_download_is_named_as_what_it_is(data_dir, portal, good, capsys, body, words):
    portal.set(EWR, ("ok", body))
    assert run("refresh", *IDS, "--mirror", portal.url) == 1
    line = assert_failed_unchanged(data_dir, good, capsys, "einwohner_lor", *words)
    assert "save it again" not in line  # the portal's file: nothing for the user to save


def test_404(data_dir, portal, good, capsys):
    portal.set(EWR, ("status", 404))
    assert run("refresh", *IDS, "--mirror", portal.url) == 1
    line = assert_failed_unchanged(data_dir, good, capsys, "einwohner_lor", "404")
    assert "lichtenberg-data import einwohner_lor" in line


def test_other_datasets_go_on(data_dir, portal, good, capsys, mirror):
    portal.set(EWR, ("status", 404))
    body = (mirror / ORTSTEILE[1:]).read_bytes() + b"11;Lichtenberg;1199;Lichtenberg;1;D;95 und \xc3\xa4lter;1\n"
    portal.set(ORTSTEILE, ("ok", body))
    assert run("refresh", *IDS, "--mirror", portal.url) == 1
    out = capsys.readouterr().out
    assert "einwohner_ortsteile  fresh" in out and "einwohner_lor        failed" in out


def _spawn_refresh(data_dir: Path, url: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "LICHTENBERG_DATA_DIR": str(data_dir), "LICHTENBERG_DATA_TIMEOUT": "30"}
    return subprocess.Popen([sys.executable, "-m", "lichtenberg_data.cli", "refresh", "einwohner_lor",
                             "--mirror", url, "--force", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow  # 0.3 s on 2 cores
def test_second_concurrent_refresh(data_dir, portal, good, capsys, mirror):
    portal.set(EWR, ("stall", (mirror / EWR[1:]).read_bytes()))
    first = _spawn_refresh(data_dir, portal.url)
    try:
        assert wait_for(lambda: (data_dir / ".tmp").exists() and any((data_dir / ".tmp").iterdir()))
        assert run("refresh", *IDS, "--mirror", portal.url) == 1
        err = capsys.readouterr().err
        assert "another refresh or import is running" in err and "nothing was changed" in err
        assert snapshot(data_dir) == good
    finally:
        first.kill()
        first.wait()


@pytest.mark.slow  # 0.4 s on 2 cores
def test_refresh_killed_midway(data_dir, portal, good, mirror):
    portal.set(EWR, ("stall", (mirror / EWR[1:]).read_bytes()))
    proc = _spawn_refresh(data_dir, portal.url)
    assert wait_for(lambda: (data_dir / ".tmp").exists() and any((data_dir / ".tmp").iterdir()))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert snapshot(data_dir) == good  # nothing half-written where load() or a later run looks
    import lichtenberg_data as ld

    assert len(ld.load("einwohner_lor")) == 542
    portal.serve_folder(mirror)
    assert run("refresh", "einwohner_lor", "--mirror", portal.url, "--force") == 0
    assert not (data_dir / ".tmp").exists()


def test_unknown_dataset_is_a_usage_error(data_dir, capsys):
    assert run("refresh", "no_such_dataset") == 2
    assert "unknown dataset 'no_such_dataset'" in capsys.readouterr().err
    assert not (data_dir / "manifest.json").exists()


def test_bad_arguments_exit_2():
    with pytest.raises(SystemExit) as exc:
        run("refresh", "--no-such-flag")
    assert exc.value.code == 2


def test_lock_released_after_run(data_dir, portal, capsys):
    assert run("refresh", "einwohner_ortsteile", "--mirror", portal.url) == 0
    codes = []
    t = threading.Thread(target=lambda: codes.append(run("refresh", "einwohner_ortsteile", "--mirror", portal.url)))
    t.start()
    t.join(20)
    assert codes == [0]  # the lock of the first run was released: the second one ran
    assert "einwohner_ortsteile  unchanged" in capsys.readouterr().out


def test_new_parser_version_rebuilds_from_raw_snapshots(data_dir, portal, good):
    from dataclasses import replace

    from lichtenberg_data import catalog

    old = catalog.get("einwohner_lor")
    catalog._REGISTRY["einwohner_lor"] = replace(old, parser_version="2")
    try:
        [outcome] = __import__("lichtenberg_data").refresh(["einwohner_lor"], mirror=portal.url)
        assert outcome.state == "fresh" and outcome.rows == 542  # 304 for every file, rebuilt from raw
        manifest = json.loads((data_dir / "manifest.json").read_text())
        assert manifest["datasets"]["einwohner_lor"]["processed"]["parser_version"] == "2"
    finally:
        catalog._REGISTRY["einwohner_lor"] = old


def _at_line_break(body: bytes) -> bytes:
    return body[: body.rfind(b"\n", 0, len(body) // 2) + 1]


def test_a_cut_copy_of_a_stored_edition_is_refused_with_both_counts(data_dir, portal, good, capsys, mirror):
    """The portal serves the Ortsteile file cut at a line break (a complete CSV of 3,691 rows): the
    edition of 31.12.2020 stays at 7,276 rows, the manifest does not record the cut file."""
    portal.set(ORTSTEILE, ("ok", _at_line_break((mirror / ORTSTEILE[1:]).read_bytes())))
    assert run("refresh", "einwohner_ortsteile", "--mirror", portal.url) == 1
    line = assert_failed_unchanged(data_dir, good, capsys)
    assert line == ("failed: einwohner_ortsteile: EWR_Ortsteile_2020-12-31.csv gives 3,691 rows for the edition of "
                    "31.12.2020, but the stored copy of that edition has 7,276 (49 % fewer): the file is probably "
                    "cut off. Last good data kept; download it again, or pass --accept-fewer-rows if this edition "
                    "really has fewer rows (`lichtenberg-data refresh einwohner_ortsteile`)")
    assert run("refresh", "einwohner_ortsteile", "--mirror", portal.url, "--accept-fewer-rows") == 0
    assert "einwohner_ortsteile: EWR_Ortsteile_2020-12-31.csv: 3691 kept" in capsys.readouterr().out
    assert len(__import__("lichtenberg_data").load("einwohner_ortsteile")) == 3691


def test_a_cut_file_in_a_mirror_folder_is_refused(data_dir, tmp_path, capsys, mirror):
    folder = tmp_path / "mirror"
    (folder / "einwohner_ortsteile").mkdir(parents=True)
    target = folder / ORTSTEILE[1:]
    body = (mirror / ORTSTEILE[1:]).read_bytes()
    target.write_bytes(body)
    assert run("refresh", "einwohner_ortsteile", "--mirror", str(folder)) == 0
    before = snapshot(data_dir)
    target.write_bytes(body[: len(body) // 2])
    assert run("refresh", "einwohner_ortsteile", "--mirror", str(folder)) == 1
    out = capsys.readouterr().out
    assert ("failed: einwohner_ortsteile: EWR_Ortsteile_2020-12-31.csv ends in the middle of a record (its last "
            "line has 2 of 8 fields): the file was cut off. Last good data kept; download it again") in out
    assert snapshot(data_dir) == before


# --------------------------------------------------------------------------- offline and unreachable hosts

def _moved(url: str | None, new_netloc) -> str | None:
    from urllib.parse import urlsplit

    if url is None:
        return None
    parts = urlsplit(url)
    return parts._replace(scheme="http", netloc=new_netloc(parts.netloc)).geturl()


@pytest.fixture()
def moved_catalogue(monkeypatch):
    """Point every address of the real catalogue at other hosts: ``move(new_netloc)``."""
    from dataclasses import replace

    from lichtenberg_data import catalog

    def move(new_netloc) -> list:
        registry = {}
        for ds in catalog.datasets():
            resources = tuple(
                replace(r, url=_moved(r.url, new_netloc),
                        wfs=r.wfs and replace(r.wfs, service_url=_moved(r.wfs.service_url, new_netloc)),
                        probe=r.probe and replace(r.probe, url=_moved(r.probe.url, new_netloc)))
                for r in ds.resources)
            registry[ds.id] = replace(ds, resources=resources)
        monkeypatch.setattr(catalog, "_REGISTRY", registry)
        return list(registry.values())

    return move


def _offline_lines(out: str, datasets: list) -> dict[str, str]:
    reasons = {ln.split(": ", 2)[1]: ln for ln in out.splitlines() if ln.startswith(("failed: ", "skipped: "))}
    fetched = [d.id for d in datasets if any(r.url or r.wfs or r.fetcher for r in d.resources)]
    assert fetched and len(fetched) < len(datasets)  # some are import-only
    assert [k for k, v in reasons.items() if v.startswith("failed: ")] == fetched
    return {k: v for k, v in reasons.items() if k in fetched}


def test_whole_catalogue_without_dns_gives_up_fast(data_dir, moved_catalogue, capsys):
    datasets = moved_catalogue(lambda netloc: netloc.replace(".", "-") + ".invalid")
    start = time.monotonic()
    assert run("refresh") == 1
    assert time.monotonic() - start < 30
    lines = _offline_lines(capsys.readouterr().out, datasets)
    [first] = [k for k, v in lines.items() if ") at http://" in v]  # the catalogue's order depends on imports
    assert lines[first].startswith(f"failed: {first}: ")
    assert lines[first].endswith(f"No data yet; connect to the internet and run `lichtenberg-data refresh {first}` again")
    assert all(v == (f"failed: {k}: {v.split(': ')[2].split(' ')[0]} unreachable (no network connection) — skipped. "
                     f"No data yet; connect to the internet and run `lichtenberg-data refresh {k}` again")
               for k, v in lines.items() if k != first)
    assert "download-statistik-berlin-brandenburg-de.invalid unreachable (no network connection)" in lines["einwohner_lor"]
    assert "gdi-berlin-de.invalid unreachable (no network connection)" in lines["bezirke"]
    assert "rest-arbeitsagentur-de.invalid unreachable (no network connection)" in lines["stellenangebote"]
    assert "Last good data kept" not in "".join(lines.values())


@pytest.mark.slow  # waits in real time (Retry-After, a timeout, a black hole)
def test_whole_catalogue_black_holed_gives_up_fast(data_dir, moved_catalogue, capsys):
    holes = BlackHoles()
    ports: dict[str, int] = {}
    try:
        datasets = moved_catalogue(lambda netloc: f"127.0.0.1:{ports.setdefault(netloc, holes.port())}")
        assert len(ports) >= 7  # the catalogue's distinct hosts (8 today): trying each once takes > 4 s
        settings.set(timeout=0.6)
        start = time.monotonic()
        assert run("refresh") == 1
        took = time.monotonic() - start
    finally:
        holes.close()
    # one connect timeout and the witness check (0.6 s each, 1.8 s with the rest on a quiet
    # machine), then nothing is tried; trying each of the 7 or more hosts once would take > 4 s
    assert took < 4
    lines = _offline_lines(capsys.readouterr().out, datasets)
    assert all("unreachable (no network connection)" in ln for ln in lines.values()), lines


def test_unreachable_mirror_probed_once_and_no_data_yet(data_dir, portal, capsys):
    assert run("refresh", "einwohner_ortsteile", "--mirror", portal.url) == 0
    capsys.readouterr()
    port = closed_port()
    assert run("refresh", *IDS, "--mirror", f"http://127.0.0.1:{port}") == 1
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("failed: ")]
    assert lines == [
        f"failed: einwohner_lor: 127.0.0.1:{port} unreachable (connection refused) — skipped. No data yet; "
        "check the portal or your connection and run `lichtenberg-data refresh einwohner_lor` again, or "
        "download the file in a browser and run `lichtenberg-data import einwohner_lor FILE`",
        f"failed: einwohner_ortsteile: 127.0.0.1:{port} unreachable (connection refused) — skipped. Last good "
        "data kept; check the portal or your connection and run `lichtenberg-data refresh einwohner_ortsteile` "
        "again, or download the file in a browser and run `lichtenberg-data import einwohner_ortsteile FILE`",
    ]


@pytest.mark.slow  # waits in real time (Retry-After, a timeout, a black hole)
def test_black_holed_host_with_many_resources_waits_once(data_dir, capsys):
    holes = BlackHoles()
    try:
        settings.set(timeout=1)
        start = time.monotonic()  # 6 files and the sample marker on one host: one 1-s wait, not seven
        assert run("refresh", *IDS, "--mirror", f"http://127.0.0.1:{holes.port()}") == 1
        took = time.monotonic() - start
    finally:
        holes.close()
    assert took < 3.5
    out = capsys.readouterr().out
    assert out.count("unreachable (timed out after 1 s) — skipped. No data yet") == 2


def test_one_portal_not_found_is_probed_once(data_dir, portal, moved_catalogue, monkeypatch, capsys):
    import socket

    lookups: list[str] = []
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: lookups.append(host) or real(host, *a, **k))
    here = portal.url.split("//")[1]  # the other portals answer (404 here): the network is up
    moved_catalogue(lambda netloc: "gdi-berlin.invalid" if netloc == "gdi.berlin.de" else here)
    assert run("refresh", "bezirke", "ortsteile", "lor_planungsraeume") == 1
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("failed: ")]
    assert [ln.split(". ")[0] for ln in lines] == [
        "failed: bezirke: gdi-berlin.invalid unreachable (host not found) at http://gdi-berlin.invalid/services/wfs/alkis_bezirke",
        "failed: ortsteile: gdi-berlin.invalid unreachable (host not found) — skipped",
        "failed: lor_planungsraeume: gdi-berlin.invalid unreachable (host not found) — skipped",
    ]
    assert all(". No data yet; check the portal or your connection" in ln for ln in lines)
    assert lookups.count("gdi-berlin.invalid") == 1


def test_one_dataset_offline_is_no_network(data_dir, moved_catalogue, capsys):
    moved_catalogue(lambda netloc: netloc.replace(".", "-") + ".invalid")
    assert run("refresh", "bezirke") == 1  # the other portals of the catalogue witness: none resolves
    assert "failed: bezirke: gdi-berlin-de.invalid unreachable (no network connection) at" in capsys.readouterr().out
