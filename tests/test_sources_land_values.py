"""Bodenrichtwerte: the real FIS-Broker editions 2012–2024, the WFS path (sample answer), bad files."""

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
from lichtenberg_data.catalog import WFS
from lichtenberg_data.demo.land import SAMPLES, sample_brw_wfs, sample_flaechennutzung
from lichtenberg_data.sources import land_values
from lichtenberg_data.sources.land_values import parse_bodenrichtwerte

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


# =============================================================================== WFS path

class BorisWfs(Portal):
    """GeoServer stand-in for brw2025: GetFeature pages (COUNT/STARTINDEX) of the sample answer."""

    def __init__(self) -> None:
        super().__init__()
        self.doc = json.loads(sample_brw_wfs(2025))
        self.pages: list[tuple[str, int, int]] = []
        self.set("/services/wfs/brw2025", ("func", self.answer))

    def answer(self, q: dict, headers) -> tuple[int, bytes, dict]:
        start, count = int(q["STARTINDEX"]), int(q["COUNT"])
        self.pages.append((q["TYPENAMES"], start, count))
        feats = self.doc["features"][start:start + count]
        page = dict(self.doc, features=feats, numberReturned=len(feats))
        return 200, json.dumps(page).encode(), {"Content-Type": "application/json"}


@pytest.fixture()
def boris(monkeypatch):
    server = BorisWfs()
    wfs = WFS(server.url + "/services/wfs/brw2025", land_values.WFS_TYPE, page_size=100)
    for ds_id in ("bodenrichtwerte", "bodenrichtwert_zonen"):
        ds = catalog.get(ds_id)
        resources = tuple(replace(r, url=wfs.service_url, wfs=wfs) if r.wfs else r for r in ds.resources)
        monkeypatch.setitem(catalog._REGISTRY, ds_id, replace(ds, resources=resources))
    yield server
    server.close()


def test_zone_polygons_are_paged_from_the_wfs(data_dir, boris):
    [outcome] = ld.refresh(["bodenrichtwert_zonen"])
    assert outcome.state == "fresh", outcome.reason
    assert [p[1] for p in boris.pages] == [0, 100, 200, 300, 400]
    assert {p[0] for p in boris.pages} == {"brw2025:brw_2025_vector"}
    zones = ld.load("bodenrichtwert_zonen")
    assert len(zones) == 432 and zones.crs.to_epsg() == 25833
    assert zones["stichtag"].unique().tolist() == [pd.Timestamp("2025-01-01")]
    sample_g = sum(f["properties"]["nutzung"].split(" - ")[0] in {"G", "Gp"} for f in boris.doc["features"])
    assert int(zones["gewerbe"].sum()) == sample_g
    assert zones.attrs["provenance"][0]["reference_date"] == "2025-01-01"


@pytest.mark.realdata
def test_current_year_from_the_wfs_joins_the_history(data_dir, boris, real_data):
    ld.import_file("bodenrichtwerte", _edition(real_data, 2024))
    [outcome] = ld.refresh(["bodenrichtwerte"])
    assert outcome.state == "fresh", outcome.reason
    df = ld.load("bodenrichtwerte")
    assert df.groupby("year").size().to_dict() == {2024: 1621, 2025: 432}
    assert "geometry" not in df.columns


def test_sample_is_keyed_by_dataset_and_resource():
    for ds_id in ("bodenrichtwerte", "bodenrichtwert_zonen"):
        ds = catalog.get(ds_id)
        wfs_names = [r.name for r in ds.resources if r.wfs]
        assert all((ds_id, name) in SAMPLES for name in wfs_names)
        assert ds.license.id == "dl-de/zero-2.0" and ds.publisher.startswith("Gutachterausschuss")
    assert catalog.get("bodenrichtwerte").history and not catalog.get("bodenrichtwert_zonen").history


def test_wfs_answer_without_use_attribute_is_refused(tmp_path):
    doc = json.loads(sample_brw_wfs(2025))
    for f in doc["features"]:
        f["properties"].pop("nutzung")
    path = tmp_path / "brw_2025.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ld.FormatError, match="lacks the Bodenrichtwert attribute nutzung"):
        parse_bodenrichtwerte({"x": path})


@pytest.mark.realdata
def test_bad_zone_files_are_refused_and_change_nothing(data_dir, real_data, tmp_path):
    good = tmp_path / "brw_zonen_2025.geojson"
    good.write_bytes(sample_brw_wfs(2025))
    ld.import_file("bodenrichtwert_zonen", good)
    other_layer = tmp_path / "reale_nutzung_2023.geojson"
    other_layer.write_bytes(sample_flaechennutzung(cell=3000))
    assert_refused(data_dir, "bodenrichtwert_zonen", other_layer, "lacks the Bodenrichtwert attribute brw_nummer")
    assert_refused(data_dir, "bodenrichtwert_zonen", _edition(real_data, 2024),
                   "is an Excel workbook \\(xls\\), but this dataset takes GeoJSON files")
    cut = tmp_path / "cut"
    cut.mkdir()
    assert_refused(data_dir, "bodenrichtwert_zonen", truncated(good, cut), "the file was cut off")
    renamed = tmp_path / "brw_zonen_2026.geojson"
    renamed.write_bytes(good.read_bytes().replace(b'"nutzung":', b'"art_der_nutzung":'))
    assert_refused(data_dir, "bodenrichtwert_zonen", renamed, "lacks the Bodenrichtwert attribute nutzung")
    assert_refused(data_dir, "bodenrichtwert_zonen", html_page(tmp_path, "brw_2025.geojson"), "HTML page")
    assert len(ld.load("bodenrichtwert_zonen")) == 432
