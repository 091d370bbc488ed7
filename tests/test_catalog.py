"""The catalogue: every dataset fully declared; the CLI list; WFS paging on the real path."""

from __future__ import annotations

import json

import pytest
from portal import Portal

import lichtenberg_data as ld
from lichtenberg_data import catalog, cli
from lichtenberg_data.catalog import LICENSES, WFS, Dataset, Resource, Schema

EXPECTED_IDS = [
    "einwohner_lor", "einwohner_ortsteile", "bezirke", "ortsteile", "lor_schluessel", "lor_planungsraeume",
    "lor_bezirksregionen", "lor_prognoseraeume", "lor_planungsraeume_2006", "mss", "gssa", "stellenangebote",
    "beschaeftigte_bezirke", "arbeitslose_bezirke", "ihk_gewerbedaten", "bodenrichtwerte", "bodenrichtwert_zonen",
    "baufertigstellungen", "gigabit_versorgung", "gewerbeanzeigen", "flaechennutzung", "besucherstatistik",
    "kurzzeitvermietung", "beherbergung_bezirke", "entgelte_lor", "osm_pois", "zentren", "bebauungsplaene",
    "foerdergebiete", "schulen", "bevoelkerungsprognose",
]


def test_the_catalogue_lists_every_dataset_once_in_order():
    assert catalog.ids() == EXPECTED_IDS


def test_every_dataset_is_fully_declared():

    for ds in catalog.datasets():
        assert ds.title and ds.publisher and ds.source_title, ds.id
        assert ds.license.id and ds.license.name, ds.id
        assert ds.landing_page.startswith("https://"), ds.id
        assert ds.resources, ds.id
        assert ds.schema.columns, ds.id
        for r in ds.resources:
            if r.url:
                assert r.url.startswith("https://"), (ds.id, r.url)
            assert r.format in {"csv", "xlsx", "xls", "geojson", "gml", "json", "zip"}, (ds.id, r.format)


def test_keys_declared_as_strings():
    for ds in catalog.datasets():
        for col, kind in ds.schema.columns.items():
            if col.endswith("_id"):
                assert kind == "str", (ds.id, col)


def test_list_json(capsys):
    assert cli.main(["list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ewr = next(d for d in data if d["id"] == "einwohner_lor")
    assert ewr["license"]["id"] == "CC BY 3.0 DE"
    assert ewr["update"] == "annual" and ewr["spatial_unit"] == "LOR-Planungsraum"
    assert any(r["url"] and "download.statistik-berlin-brandenburg.de" in r["url"] for r in ewr["resources"])
    assert "planungsraum_id" in ewr["schema"]["columns"]


def test_list_table(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "einwohner_lor" in out and "Amt für Statistik" in out


def _features(start: int, count: int, total: int) -> list[dict]:
    return [{"type": "Feature", "id": f"f.{i}", "properties": {"n": i},
             "geometry": {"type": "Point", "coordinates": [390000.0 + i, 5820000.0]}}
            for i in range(start, min(start + count, total))]


def _parse_points(files):
    import geopandas as gpd

    gdf = gpd.read_file(next(iter(files.values())))
    return gdf.set_crs(25833, allow_override=True)


@pytest.fixture()
def wfs_dataset():
    portal = Portal()
    ds = catalog.register(Dataset(
        id="test_wfs_points", title="Testpunkte", topic="test", publisher="Test", license=LICENSES["cc0"],
        landing_page="https://example.org", spatial_unit="Punkt", update="static",
        resources=(Resource("punkte.geojson", url=None, format="geojson",
                            wfs=WFS(portal.url + "/wfs", "test:punkte", page_size=4)),),
        parser=_parse_points, schema=Schema(columns={"n": "int", "geometry": "geometry"}, key=("n",)),
        source_title="Testpunkte"))
    yield ds, portal
    catalog._REGISTRY.pop(ds.id)
    portal.close()


def test_wfs_is_paged_and_checked_complete(data_dir, wfs_dataset):
    ds, portal = wfs_dataset
    seen = []

    def answer(q, headers):
        start, count = int(q["STARTINDEX"]), int(q["COUNT"])
        seen.append((q["TYPENAMES"], start, count, q["SRSNAME"]))
        doc = {"type": "FeatureCollection", "numberMatched": 10, "numberReturned": 0,
               "features": _features(start, count, 10)}
        return 200, json.dumps(doc).encode(), {"Content-Type": "application/json"}

    portal.set("/wfs", ("func", answer))
    [outcome] = ld.refresh([ds.id])
    assert outcome.state == "fresh", outcome.reason
    assert [s[1] for s in seen] == [0, 4, 8]
    assert seen[0][0] == "test:punkte" and seen[0][3] == "EPSG:25833"
    assert sorted(ld.load(ds.id)["n"]) == list(range(10))


def test_wfs_incomplete_is_refused(data_dir, wfs_dataset):
    ds, portal = wfs_dataset

    def short(q, headers):  # the server claims 10 but stops after the first page
        start = int(q["STARTINDEX"])
        feats = _features(start, 4, 10) if start == 0 else []
        doc = {"type": "FeatureCollection", "numberMatched": 10, "features": feats}
        return 200, json.dumps(doc).encode(), {"Content-Type": "application/json"}

    portal.set("/wfs", ("func", short))
    [outcome] = ld.refresh([ds.id])
    assert outcome.state == "failed"
    assert "received 4 features but the server reported numberMatched=10" in outcome.reason
    assert not (data_dir / "processed" / f"{ds.id}.parquet").exists()


def test_direct_download_uses_conditional_get(data_dir):
    portal = Portal()
    body = b"a;b\n1;2\n"
    portal.set("/file.csv", ("ok", body))
    import pandas as pd

    ds = catalog.register(Dataset(
        id="test_plain_file", title="Test", topic="test", publisher="Test", license=LICENSES["cc0"],
        landing_page="https://example.org", spatial_unit="-", update="static",
        resources=(Resource("file.csv", url=portal.url + "/file.csv", format="csv"),),
        parser=lambda files: pd.read_csv(next(iter(files.values())), sep=";"),
        schema=Schema(columns={"a": "int", "b": "int"}), source_title="Test"))
    try:
        assert [o.state for o in ld.refresh([ds.id])] == ["fresh"]
        assert [o.state for o in ld.refresh([ds.id])] == ["unchanged"]
        assert portal.hits["/file.csv"] == 2
        manifest = json.loads((data_dir / "manifest.json").read_text())
        assert manifest["datasets"][ds.id]["resources"]["file.csv"]["last_modified"] == "Wed, 01 Oct 2025 08:00:00 GMT"
        assert manifest["datasets"][ds.id]["resources"]["file.csv"]["arrived"] == "download"
    finally:
        catalog._REGISTRY.pop(ds.id)
        portal.close()


# ------------------------------------------------------------------ where a person finds an import-only file
def test_info_of_every_import_only_dataset_names_its_page_or_says_it_is_not_verified():
    import re

    import_only = [ds for ds in catalog.datasets() if ds.import_only]
    assert {ds.id for ds in import_only} >= {"einwohner_ortsteile", "beherbergung_bezirke", "beschaeftigte_bezirke",
                                            "arbeitslose_bezirke", "gewerbeanzeigen", "entgelte_lor",
                                            "baufertigstellungen"}
    for ds in import_only:
        info = ds.how_to_import()
        line = next(text for text in info.splitlines() if text.startswith("  download by hand: "))
        assert re.match(r"  download by hand: https?://\S+ \(", line), ds.id
        if ds.landing_evidence:
            assert f"(page seen in use: {ds.landing_evidence})" in line, ds.id
        else:
            assert "(address not verified: no evidence is recorded that the file is found there)" in line, ds.id
    guessed = sorted(ds.id for ds in import_only if not ds.landing_evidence)
    assert {"beherbergung_bezirke", "beschaeftigte_bezirke", "arbeitslose_bezirke", "gewerbeanzeigen",
            "entgelte_lor"} <= set(guessed)


def test_parsers_that_never_read_a_real_file_say_so_in_info_and_status(data_dir, capsys):
    unverified = {ds.id for ds in catalog.datasets() if not ds.verified}
    assert unverified == {"stellenangebote", "beschaeftigte_bezirke", "arbeitslose_bezirke", "gewerbeanzeigen",
                          "flaechennutzung", "beherbergung_bezirke", "zentren", "bevoelkerungsprognose",
                          "bebauungsplaene", "foerdergebiete"}
    assert "  parser NOT VERIFIED: never read a real report D I 2" in catalog.get("gewerbeanzeigen").how_to_import()
    assert "parser NOT VERIFIED" not in catalog.get("einwohner_lor").how_to_import()
    status = ld.status().set_index("dataset")["verified"]
    assert not status["zentren"] and status["einwohner_lor"]
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "parser unverified (never read a real file; `lichtenberg-data info ID` says what): stellenangebote, " in out
    assert catalog.get("zentren").summary()["verified"] is False
