"""Bodenrichtwerte: the real FIS-Broker editions 2012–2024, the real zones of 2020 (GDAL SQLite), the GDI WFS
layers 2002–2026 against a local GeoServer stand-in (paging, numberMatched, GetCapabilities), bad files."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from badfiles import assert_refused, html_page, truncated
from portal import Portal

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._doctor import check
from lichtenberg_data.demo import SNAPSHOT
from lichtenberg_data.demo.land import SAMPLES, sample_brw_wfs, sample_flaechennutzung
from lichtenberg_data.sources import land_values
from lichtenberg_data.sources.land_values import parse_bodenrichtwert_zonen, parse_bodenrichtwerte

YEARS = (2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2024)


def _edition(real_data: Path, year: int) -> Path:
    return real_data / "landuse" / f"broker_{year}.xls"


@pytest.fixture(scope="module")
def editions(real_data) -> pd.DataFrame:
    return parse_bodenrichtwerte({f"broker_{y}.xls": _edition(real_data, y) for y in YEARS})


def _raw(real_data: Path, year: int) -> pd.DataFrame:
    """The download read with pandas alone, as a check independent of the parser."""
    return pd.read_excel(_edition(real_data, year), dtype=str, engine="calamine")


# =============================================================================== real editions

@pytest.mark.realdata
def test_every_edition_has_one_stichtag_and_all_zones(editions, real_data):
    counts = editions.groupby("year").size()
    assert list(counts.index) == list(YEARS)
    for year in (2012, 2016, 2022, 2024):
        assert counts[year] == len(_raw(real_data, year))
    assert sorted(editions["stichtag"].dt.strftime("%d.%m.").unique()) == ["01.01."]
    assert editions.groupby("year")["bezirk_id"].nunique().eq(12).all()


@pytest.mark.realdata
def test_commercial_zones_lichtenberg_2012_counted_independently(editions, real_data):
    raw = _raw(real_data, 2012)
    use = raw["gebietstypische Nutzungsart"]
    mine = raw[(raw["Bezirk"] == "Lichtenberg") & (use.str.startswith(("G - ", "Gp - ")))]
    parsed = editions[(editions["year"] == 2012) & (editions["bezirk_id"] == "11") & editions["gewerbe"]]
    assert len(mine) == len(parsed) == 17
    assert pd.to_numeric(mine["Bodenrichtwert"]).median() == parsed["brw_eur_m2"].median() == 90.0
    assert sorted(parsed["brw_nummer"]) == sorted(mine["Bodenrichtwert-Nummer"])


@pytest.mark.realdata
def test_one_zone_as_published(editions):
    zone = editions[(editions["year"] == 2024) & (editions["brw_nummer"] == "2318")].iloc[0]
    assert zone["bezirk"] == "Lichtenberg" and zone["nutzung"] == "G - Gewerbe" and zone["nutzung_kurz"] == "G"
    assert zone["gfz"] == 2.0 and zone["brw_eur_m2"] == 2000.0 and zone["zusatz"] == "SU"
    assert zone["gewerbe"] and not zone["zusatzzone"]
    no_gfz = editions[(editions["year"] == 2024) & (editions["brw_nummer"] == "1462")].iloc[0]
    assert pd.isna(no_gfz["gfz"]) and no_gfz["brw_eur_m2"] == 200.0


@pytest.mark.realdata
def test_2016_values_given_as_text_become_numbers(editions, real_data):
    raw = _raw(real_data, 2016).set_index("Bodenrichtwert-Nummer")
    assert raw.loc["1864", "Bodenrichtwert"] == "130.0"  # text in the file
    zone = editions[(editions["year"] == 2016) & (editions["brw_nummer"] == "1864")].iloc[0]
    assert zone["brw_eur_m2"] == 130.0 and zone["nutzung_kurz"] == "G"


@pytest.mark.realdata
def test_zusatzzonen_are_kept_and_flagged(editions):
    flagged = editions[editions["zusatzzone"]]
    assert flagged.groupby("year").size().to_dict() == {2022: 1070, 2024: 451}
    assert flagged["brw_nummer"].astype(int).between(40000, 41099).all()
    li = editions[(editions["bezirk_id"] == "11") & editions["gewerbe"]]
    per_year = li.groupby(["year", "zusatzzone"]).size().unstack(fill_value=0)
    assert per_year.loc[2022].tolist() == [16, 12] and per_year.loc[2024].tolist() == [17, 2]
    kept = editions[(editions["year"] == 2024) & (editions["brw_nummer"] == "40504")].iloc[0]
    assert kept["nutzung"] == "G - Gewerbliche Baufläche" and kept["gewerbe"] and kept["brw_eur_m2"] == 350.0


@pytest.mark.realdata
def test_gemeinbedarf_and_subtypes_are_not_commercial(editions):
    codes = set(editions.loc[editions["gewerbe"], "nutzung_kurz"])
    assert codes == {"G", "Gp"}
    assert not editions.loc[editions["nutzung_kurz"].isin(["GB", "G-GD", "G-FZT", "GE"]), "gewerbe"].any()


@pytest.mark.realdata
def test_import_builds_the_history(data_dir, real_data):
    outcome = ld.import_file("bodenrichtwerte", [_edition(real_data, y) for y in (2012, 2024)])
    assert outcome.state == "fresh"
    ld.import_file("bodenrichtwerte", _edition(real_data, 2022))
    df = ld.load("bodenrichtwerte")
    assert sorted(df["year"].unique()) == [2012, 2022, 2024]
    assert len(df) == 1097 + 2231 + 1621
    assert df.attrs["provenance"][0]["reference_date"] == "2024-01-01"
    assert "Gutachterausschuss" in ld.source_note(df)


# =============================================================================== bad files

@pytest.fixture()
def imported_2012(data_dir, real_data) -> Path:
    ld.import_file("bodenrichtwerte", _edition(real_data, 2012))
    return data_dir


@pytest.mark.realdata
def test_bad_files_are_refused_and_change_nothing(imported_2012, real_data, tmp_path):
    data_dir = imported_2012
    other_series = real_data / "landuse" / "ibb-wohnungsmarktbericht-angebotsmieten_2012-2024.xlsx"
    assert_refused(data_dir, "bodenrichtwerte", other_series, "no column 'Bodenrichtwert-Nummer'")
    other_dataset = real_data / "tourism" / "besucherstatistik-2011_2012.xls"
    assert_refused(data_dir, "bodenrichtwerte", other_dataset, "is no Bodenrichtwert download")
    cut = truncated(_edition(real_data, 2013), tmp_path)
    assert_refused(data_dir, "bodenrichtwerte", cut, "is an Excel workbook \\(xls\\) that is cut off")
    renamed = tmp_path / "broker_2014.xlsx"
    _raw(real_data, 2014).rename(columns={"Bodenrichtwert": "BRW in EUR/m²"}).to_excel(renamed, index=False,
                                                                                         sheet_name="Download")
    assert_refused(data_dir, "bodenrichtwerte", renamed, "lacks the columns Bodenrichtwert ")
    assert_refused(data_dir, "bodenrichtwerte", html_page(tmp_path, "broker_2015.xls"), "is an HTML page")
    assert ld.load("bodenrichtwerte")["year"].unique().tolist() == [2012]


# =============================================================================== the real zones of 2020 (SQLite)

def _sqlite(real_data: Path) -> Path:
    return real_data / "landuse" / "brw-zonen" / "Bodenrichtwerte_2020.sqlite"


@pytest.fixture(scope="module")
def zones_2020(real_data):
    return parse_bodenrichtwert_zonen({"z": _sqlite(real_data)})


@pytest.mark.realdata
def test_the_real_2020_zones_from_the_gdal_sqlite_file(zones_2020):
    z = zones_2020
    assert len(z) == 1133 and z.crs.to_epsg() == 25833 and z["bezirk_id"].nunique() == 12
    assert z["stichtag"].unique().tolist() == [pd.Timestamp("2020-01-01")]
    mine = z[z["bezirk_id"] == "11"]
    commercial = mine[mine["gewerbe"]]
    assert len(mine) == 82 and len(commercial) == 16
    assert set(commercial["nutzung_kurz"]) <= {"G", "Gp"}
    assert commercial["brw_eur_m2"].median() == 225.0
    assert round(commercial.area.sum() / 10_000) == 724
    assert mine.loc[mine["nutzung_kurz"] == "W", "brw_eur_m2"].median() == 660.0
    # within the extent of Berlin in EPSG:25833 (369,098–416,865 E, 5,799,298–5,838,236 N); the file is in EPSG:4326
    minx, miny, maxx, maxy = z.total_bounds
    assert 369_098 < minx < maxx < 416_865 and 5_799_298 < miny < maxy < 5_838_236


@pytest.mark.realdata
def test_the_sqlite_form_gives_the_columns_of_the_wfs_form(zones_2020, tmp_path):
    answer = tmp_path / "brw_zonen_2026.geojson"
    answer.write_bytes(sample_brw_wfs(2026))
    wfs_form = parse_bodenrichtwert_zonen({"z": answer})
    assert list(zones_2020.columns) == list(wfs_form.columns)
    assert zones_2020.dtypes.astype(str).to_dict() == wfs_form.dtypes.astype(str).to_dict()


@pytest.mark.realdata
def test_the_sqlite_zones_are_the_zones_of_the_broker_download_2020(zones_2020, real_data):
    """The zone number comes from gml_id (s_brw_2020.1002); checked against the FIS-Broker xls of 2020."""
    raw = _raw(real_data, 2020).set_index("Bodenrichtwert-Nummer")
    assert sorted(zones_2020["brw_nummer"]) == sorted(raw.index)
    values = pd.to_numeric(raw["Bodenrichtwert"]).reindex(zones_2020["brw_nummer"]).to_numpy()
    assert (values == zones_2020["brw_eur_m2"].to_numpy()).all()
    assert zones_2020["zusatz"].value_counts().to_dict() == {"": 1082, "N": 23, "SU": 23, "EU": 5}
    uses = raw["gebietstypische Nutzungsart"].reindex(zones_2020["brw_nummer"]).to_numpy()
    assert (uses == zones_2020["nutzung"].to_numpy()).all()


@pytest.mark.realdata
def test_importing_the_sqlite_reads_it_in_place_and_read_only(data_dir, real_data, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    copy = folder / "Bodenrichtwerte_2020.sqlite"
    shutil.copyfile(_sqlite(real_data), copy)
    before = copy.read_bytes()
    outcome = ld.import_file("bodenrichtwert_zonen", copy)
    assert outcome.state == "fresh" and outcome.rows == 1133
    assert copy.read_bytes() == before and sorted(p.name for p in folder.iterdir()) == [copy.name]  # no journal
    zones = ld.load("bodenrichtwert_zonen")
    assert zones.attrs["provenance"][0]["reference_date"] == "2020-01-01"
    assert "Zonen, Stand 01.01.2020; Lizenz: dl-de/zero-2.0" in ld.source_note(zones)


@pytest.mark.realdata
def test_the_sqlite_gives_the_history_its_values_too(data_dir, real_data):
    ld.import_file("bodenrichtwerte", [_edition(real_data, 2019), _sqlite(real_data)])
    df = ld.load("bodenrichtwerte")
    assert df.groupby("year").size().to_dict() == {2019: len(_raw(real_data, 2019)), 2020: 1133}
    assert "geometry" not in df.columns
    lv = ld.land.land_values(df, "Lichtenberg")
    row = lv[(lv["year"] == 2020) & (lv["gebiet"] == "Lichtenberg")].iloc[0]
    assert (row["anzahl"], row["median_eur_m2"]) == (16, 225.0)


def test_the_snapshot_holds_the_2020_zones_and_the_demo_takes_them(data_dir):
    [outcome] = ld.refresh(["bodenrichtwert_zonen"], mirror=SNAPSHOT)
    assert outcome.state == "fresh" and outcome.rows == 1133
    zones = ld.load("bodenrichtwert_zonen")
    assert not ld.is_sample(zones)
    assert ld.source_note(zones) == ("Quelle: Gutachterausschuss für Grundstückswerte in Berlin, Bodenrichtwerte "
                                     "(BORIS Berlin), Zonen, Stand 01.01.2020; Lizenz: dl-de/zero-2.0; abgerufen am "
                                     "29.07.2020")
    assert zones.attrs["provenance"][0]["source_url"].startswith("https://github.com/patperu/fisbroker_data/blob/")
    assert "bodenrichtwert_zonen" in ld.demo.snapshot_datasets() and "bodenrichtwert_zonen" not in ld.demo.SAMPLES


def _variant(real_data: Path, folder: Path, *sql: str, name: str = "Bodenrichtwerte_2020.sqlite") -> Path:
    """A copy of the real SQLite file changed by ``sql`` (a second layer, a view, a renamed column …)."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    shutil.copyfile(_sqlite(real_data), path)
    with sqlite3.connect(path) as db:
        for statement in sql:
            db.execute(statement)
    db.close()
    return path


@pytest.mark.realdata
def test_bad_sqlite_files_are_refused_and_change_nothing(data_dir, real_data, tmp_path):
    ld.import_file("bodenrichtwert_zonen", _sqlite(real_data))
    cut = tmp_path / "cut"
    cut.mkdir()
    assert_refused(data_dir, "bodenrichtwert_zonen", truncated(_sqlite(real_data), cut),
                   r"is an SQLite database \(GDAL/SpatiaLite vector layers\) that is cut off \(1,564,672 of 3,129,344 bytes\)")
    text = tmp_path / "text" / "Bodenrichtwerte_2020.sqlite"
    text.parent.mkdir()
    text.write_text("gml_id;bezirk;brw\ns_brw_2020.1002;Spandau;600\n", encoding="utf-8")
    assert_refused(data_dir, "bodenrichtwert_zonen", text,
                   r"is a text \(CSV\) file, but this dataset takes GeoJSON or SQLite files")
    json_named = tmp_path / "json" / "Bodenrichtwerte_2020.sqlite"
    json_named.parent.mkdir()
    json_named.write_bytes(sample_brw_wfs(2026))
    assert_refused(data_dir, "bodenrichtwert_zonen", json_named,
                   "is named .sqlite but is a GeoJSON file, not an SQLite database")
    layer = "bodenrichtwerte_2020"
    two = _variant(real_data, tmp_path / "two", f"CREATE TABLE kopie AS SELECT * FROM {layer}",
                   "INSERT INTO geometry_columns SELECT 'kopie', f_geometry_column, geometry_type, coord_dimension, "
                   f"srid, geometry_format FROM geometry_columns WHERE f_table_name = '{layer}'")
    assert_refused(data_dir, "bodenrichtwert_zonen", two,
                   "holds 2 geometry layers \\(bodenrichtwerte_2020, kopie\\); one layer is expected")
    extra = _variant(real_data, tmp_path / "extra", "CREATE TABLE notizen (text TEXT)")
    assert_refused(data_dir, "bodenrichtwert_zonen", extra, "holds further tables beside the layer "
                   "bodenrichtwerte_2020 \\(notizen\\)")
    points = _variant(real_data, tmp_path / "points", "UPDATE geometry_columns SET geometry_type = 1")
    assert_refused(data_dir, "bodenrichtwert_zonen", points,
                   "its layer bodenrichtwerte_2020 holds points, not polygons or multipolygons")
    view = _variant(real_data, tmp_path / "view", f"CREATE VIEW teuer AS SELECT * FROM {layer} WHERE brw > 1000")
    assert_refused(data_dir, "bodenrichtwert_zonen", view, "holds view teuer: a GDAL SQLite export of one layer "
                   "has no views, triggers or virtual tables")
    renamed = _variant(real_data, tmp_path / "renamed", f"ALTER TABLE {layer} RENAME COLUMN nutzung TO art")
    assert_refused(data_dir, "bodenrichtwert_zonen", renamed, "lacks the Bodenrichtwert attribute nutzung")
    plain = tmp_path / "plain" / "Bodenrichtwerte_2020.sqlite"
    plain.parent.mkdir()
    with sqlite3.connect(plain) as db:
        db.execute("CREATE TABLE zonen (nummer INTEGER, brw REAL)")
    db.close()
    assert_refused(data_dir, "bodenrichtwert_zonen", plain,
                   "is an SQLite database, but no GDAL geodata file \\(no table geometry_columns; tables: zonen\\)")
    assert len(ld.load("bodenrichtwert_zonen")) == 1133


# =============================================================================== the GDI WFS, 2002–2026

GDI = "https://gdi.berlin.de"


def served_type_name(year: int) -> str:
    """The layer names the GDI serves in 2026 (public code calling the services; see the module docstring)."""
    return "brw2026:brw2026_vector" if year == 2026 else f"brw{year}:brw_{year}_vector"


class GdiWfs(Portal):
    """A GeoServer stand-in for ``gdi.berlin.de/services/wfs/brw<YYYY>``: GetCapabilities lists the layer;
    GetFeature pages (COUNT/STARTINDEX) a FeatureCollection with numberMatched, refuses an unknown
    TYPENAMES with an OWS exception, and with PROPERTYNAME gives those attributes and no geometry."""

    def __init__(self, docs: dict[int, dict] | None = None, listed: dict[int, str] | None = None) -> None:
        super().__init__()
        self.docs = docs or {}
        self.listed = {y: served_type_name(y) for y in land_values.WFS_YEARS} | (listed or {})
        self.claimed: dict[int, int] = {}  # numberMatched to claim instead of the truth
        self.requests: list[dict] = []
        for year in land_values.WFS_YEARS:
            self.set(f"/services/wfs/brw{year}", ("func", lambda q, h, year=year: self.answer(year, q)))

    def answer(self, year: int, q: dict) -> tuple[int, bytes, dict]:
        if q.get("REQUEST") == "GetCapabilities":
            xml = (f'<?xml version="1.0" encoding="UTF-8"?><wfs:WFS_Capabilities version="2.0.0" '
                   f'xmlns:wfs="http://www.opengis.net/wfs/2.0"><wfs:FeatureTypeList><wfs:FeatureType>'
                   f"<wfs:Name>{self.listed[year]}</wfs:Name><wfs:Title>Bodenrichtwerte 01.01.{year}</wfs:Title>"
                   "</wfs:FeatureType></wfs:FeatureTypeList></wfs:WFS_Capabilities>")
            return 200, xml.encode(), {"Content-Type": "application/xml"}
        self.requests.append({"year": year, **q})
        if q.get("TYPENAMES") != served_type_name(year) or year not in self.docs:
            report = (b'<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Exception '
                      b'exceptionCode="InvalidParameterValue"><ows:ExceptionText>Feature type unknown'
                      b"</ows:ExceptionText></ows:Exception></ows:ExceptionReport>")
            return 400, report, {"Content-Type": "application/xml"}
        features = self.docs[year]["features"]
        start, count = int(q["STARTINDEX"]), int(q["COUNT"])
        page = features[start:start + count]
        if "PROPERTYNAME" in q:
            keep = q["PROPERTYNAME"].split(",")
            page = [dict(f, geometry=None, properties={k: f["properties"].get(k) for k in keep}) for f in page]
        body = {"type": "FeatureCollection", "features": page, "totalFeatures": len(features),
                "numberMatched": self.claimed.get(year, len(features)), "numberReturned": len(page),
                "timeStamp": "2026-11-20T08:00:00.000Z"}
        return 200, json.dumps(body).encode(), {"Content-Type": "application/json;charset=UTF-8"}


def _pointed(monkeypatch, server: Portal, ds_id: str, years: tuple[int, ...] | None = None,
             page_size: int | None = None) -> None:
    """Point a dataset's WFS layers at the stand-in (only ``years``, when given; files stay)."""
    ds = catalog.get(ds_id)
    out = []
    for r in ds.resources:
        if r.wfs is not None:
            year = int(r.wfs.service_url.rsplit("brw", 1)[1])
            if years is not None and year not in years:
                continue
            wfs = replace(r.wfs, service_url=r.wfs.service_url.replace(GDI, server.url),
                          page_size=page_size or r.wfs.page_size)
            r = replace(r, url=wfs.service_url, wfs=wfs)
        out.append(r)
    monkeypatch.setitem(catalog._REGISTRY, ds_id, replace(ds, resources=tuple(out)))


def _gdi_form(zones: pd.DataFrame, real_data: Path) -> dict:
    """The real 2020 zones as the GDI service gives them: zone number ``brwid``, ``anwert`` (attributes only)."""
    import pyogrio

    raw = pyogrio.read_dataframe(_sqlite(real_data), read_geometry=False)
    features = [{"type": "Feature", "id": f"brw_2020_vector.{i + 1}", "geometry": None,
                 "properties": {"brwid": int(r.gml_id.rsplit(".", 1)[1]), "bezirk": r.bezirk, "brw": r.brw,
                                "nutzung": r.nutzung, "stichtag": "2020-01-01", "anwert": r.anwert,
                                "verfahrensart": r.verfahrensart, "gfz": None if pd.isna(r.gfz) else r.gfz,
                                "beitragszustand": r.beitragszustand, "lumnum": r.lumnum}}
                for i, r in enumerate(raw.itertuples())]
    return {"type": "FeatureCollection", "features": features}


def test_every_stichtag_2002_to_2026_is_declared_with_the_gdi_layer_names():
    ds = catalog.get("bodenrichtwerte")
    layers = {r.wfs.service_url: r.wfs for r in ds.resources if r.wfs}
    assert len(layers) == 25
    for year in range(2002, 2027):
        layer = layers[f"{GDI}/services/wfs/brw{year}"]
        assert layer.type_name == served_type_name(year)
        assert layer.properties == ("brwid", "bezirk", "brw", "nutzung", "gfz", "stichtag", "beitragszustand",
                                    "anwert")  # the history needs no geometry
    assert sorted(r.name for r in ds.resources if not r.wfs) == [f"broker_{y}.xls" for y in range(2012, 2025)]
    [zones] = catalog.get("bodenrichtwert_zonen").resources
    assert (zones.wfs.service_url, zones.wfs.type_name, zones.wfs.properties) == (
        f"{GDI}/services/wfs/brw2026", "brw2026:brw2026_vector", ())
    assert "aktuell" not in catalog.get("bodenrichtwert_zonen").title.lower()


@pytest.mark.realdata
def test_the_history_is_refreshed_from_the_wfs_layers(data_dir, real_data, monkeypatch, zones_2020):
    server = GdiWfs({2020: _gdi_form(zones_2020, real_data), 2026: json.loads(sample_brw_wfs(2026))})
    try:
        _pointed(monkeypatch, server, "bodenrichtwerte", years=(2020, 2026), page_size=500)
        ld.import_file("bodenrichtwerte", _edition(real_data, 2020))  # the xls of 2020 first
        [outcome] = ld.refresh(["bodenrichtwerte"])
        assert outcome.state == "fresh", outcome.reason
    finally:
        server.close()
    pages = [(r["year"], int(r["STARTINDEX"])) for r in server.requests]
    assert pages == [(2020, 0), (2020, 500), (2020, 1000), (2026, 0)]  # 1,133 zones in pages of 500
    assert {r["TYPENAMES"] for r in server.requests} == {"brw2020:brw_2020_vector", "brw2026:brw2026_vector"}
    assert {r["PROPERTYNAME"] for r in server.requests} == {"brwid,bezirk,brw,nutzung,gfz,stichtag,beitragszustand,"
                                                             "anwert"}
    df = ld.load("bodenrichtwerte")
    assert df.groupby("year").size().to_dict() == {2020: 1133, 2026: 432}  # the WFS 2020 replaced the xls 2020
    lv = ld.land.land_values(df, "Lichtenberg")
    row = lv[(lv["year"] == 2020) & (lv["gebiet"] == "Lichtenberg")].iloc[0]
    assert (row["anzahl"], row["median_eur_m2"]) == (16, 225.0)
    assert df.attrs["provenance"][0]["reference_date"] == "2026-01-01"


def test_the_zones_are_refreshed_from_brw2026_with_their_polygons(data_dir, monkeypatch):
    sample = json.loads(sample_brw_wfs(2026))
    server = GdiWfs({2026: sample})
    try:
        _pointed(monkeypatch, server, "bodenrichtwert_zonen", page_size=100)
        [outcome] = ld.refresh(["bodenrichtwert_zonen"])
        assert outcome.state == "fresh", outcome.reason
    finally:
        server.close()
    assert [int(r["STARTINDEX"]) for r in server.requests] == [0, 100, 200, 300, 400]
    assert {r["TYPENAMES"] for r in server.requests} == {"brw2026:brw2026_vector"}
    assert not any("PROPERTYNAME" in r for r in server.requests)
    zones = ld.load("bodenrichtwert_zonen")
    assert len(zones) == 432 and zones.crs.to_epsg() == 25833 and zones.geometry.notna().all()
    assert zones["stichtag"].unique().tolist() == [pd.Timestamp("2026-01-01")]
    sample_g = sum(f["properties"]["nutzung"].split(" - ")[0] in {"G", "Gp"} for f in sample["features"])
    assert int(zones["gewerbe"].sum()) == sample_g
    assert "Zonen, Stand 01.01.2026" in ld.source_note(zones)


def test_an_incomplete_answer_is_refused_and_the_zones_stay(data_dir, monkeypatch, tmp_path):
    ld.refresh(["bodenrichtwert_zonen"], mirror=SNAPSHOT)  # the real zones of 2020
    server = GdiWfs({2026: json.loads(sample_brw_wfs(2026))})
    server.claimed[2026] = 500  # the server says 500 but delivers 432
    try:
        _pointed(monkeypatch, server, "bodenrichtwert_zonen", page_size=100)
        [outcome] = ld.refresh(["bodenrichtwert_zonen"])
    finally:
        server.close()
    assert outcome.state == "failed"
    assert "received 432 features but the server reported numberMatched=500" in outcome.reason
    assert "Last good data kept" in outcome.reason
    zones = ld.load("bodenrichtwert_zonen")
    assert len(zones) == 1133 and zones["stichtag"].max() == pd.Timestamp("2020-01-01")


def test_doctor_checks_that_every_brw_layer_is_listed(monkeypatch):
    server = GdiWfs(listed={2013: "brw2013:brw2013_vector"})  # as if 2013 were renamed like 2026
    try:
        for ds_id in ("bodenrichtwerte", "bodenrichtwert_zonen"):
            _pointed(monkeypatch, server, ds_id)
        rows = check([catalog.get("bodenrichtwerte"), catalog.get("bodenrichtwert_zonen")], timeout=3)
    finally:
        server.close()
    got = {(r.dataset, r.resource): r for r in rows}
    states = [r.state for r in rows]
    assert states.count("import only") == 13 and states.count("ok") == 25 and states.count("failed") == 1
    bad = got["bodenrichtwerte", "brw_2013.geojson"]
    assert bad.detail == "layer brw2013:brw_2013_vector not listed among 1 layers"
    assert "look up the current type name in GetCapabilities" in bad.todo
    assert got["bodenrichtwerte", "brw_2026.geojson"].detail.endswith("layer brw2026:brw2026_vector listed")
    assert got["bodenrichtwerte", "brw_2002.geojson"].detail.endswith("layer brw2002:brw_2002_vector listed")
    assert got["bodenrichtwert_zonen", "brw_zonen_2026.geojson"].state == "ok"


def test_sample_is_keyed_by_dataset_and_resource():
    for ds_id in ("bodenrichtwerte", "bodenrichtwert_zonen"):
        ds = catalog.get(ds_id)
        assert (ds_id, f"brw{'_zonen' if ds_id.endswith('zonen') else ''}_2026.geojson") in SAMPLES
        assert ds.license.id == "dl-de/zero-2.0" and ds.publisher.startswith("Gutachterausschuss")
    assert catalog.get("bodenrichtwerte").history and not catalog.get("bodenrichtwert_zonen").history


def test_wfs_answer_without_use_attribute_is_refused(tmp_path):
    doc = json.loads(sample_brw_wfs(2026))
    for f in doc["features"]:
        f["properties"].pop("nutzung")
    path = tmp_path / "brw_2026.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ld.FormatError, match="lacks the Bodenrichtwert attribute nutzung"):
        parse_bodenrichtwerte({"x": path})


def test_a_cut_attribute_answer_is_named_cut(data_dir, tmp_path):
    good = tmp_path / "brw_2026.geojson"
    good.write_bytes(sample_brw_wfs(2026))
    ld.import_file("bodenrichtwerte", good)
    cut = tmp_path / "cut"
    cut.mkdir()
    assert_refused(data_dir, "bodenrichtwerte", truncated(good, cut),
                   r"ends before the JSON document is closed \(\d+ brackets left open\): the file was cut off")
    assert len(ld.load("bodenrichtwerte")) == 432


@pytest.mark.realdata
def test_bad_zone_files_are_refused_and_change_nothing(data_dir, real_data, tmp_path):
    good = tmp_path / "brw_zonen_2026.geojson"
    good.write_bytes(sample_brw_wfs(2026))
    ld.import_file("bodenrichtwert_zonen", good)
    other_layer = tmp_path / "reale_nutzung_2023.geojson"
    other_layer.write_bytes(sample_flaechennutzung(cell=3000))
    assert_refused(data_dir, "bodenrichtwert_zonen", other_layer, "lacks the Bodenrichtwert attribute brw_nummer")
    assert_refused(data_dir, "bodenrichtwert_zonen", _edition(real_data, 2024),
                   "is an Excel workbook \\(xls\\), but this dataset takes GeoJSON or SQLite files")
    cut = tmp_path / "cut"
    cut.mkdir()
    assert_refused(data_dir, "bodenrichtwert_zonen", truncated(good, cut), "not readable GeoJSON|the file was cut off")
    renamed = tmp_path / "brw_zonen_2025.geojson"
    renamed.write_bytes(good.read_bytes().replace(b'"nutzung":', b'"art_der_nutzung":'))
    assert_refused(data_dir, "bodenrichtwert_zonen", renamed, "lacks the Bodenrichtwert attribute nutzung")
    assert_refused(data_dir, "bodenrichtwert_zonen", html_page(tmp_path, "brw_2025.geojson"), "HTML page")
    assert len(ld.load("bodenrichtwert_zonen")) == 432
