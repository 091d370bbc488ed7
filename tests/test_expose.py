"""The site exposé: one A4 page for a named commercial area, on the real snapshot + marked sample data."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
import shapely
from pypdf import PdfReader

import lichtenberg_data as ld
from conftest import copy_data, using_data
from lichtenberg_data import cli
from lichtenberg_data.demo import SNAPSHOT
from lichtenberg_data.demo.business import sample_ihk_history
from lichtenberg_data.demo.land import sample_brw_wfs

pytestmark = pytest.mark.slow


def _text(pdf) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(pdf).pages))


@pytest.fixture(scope="module")
def _filled(tmp_path_factory):
    """The real snapshot's LOR, population, land values and earnings; IHK and zone polygons as samples
    (imported once for the module; each test works on its own copy, see :func:`loaded`)."""
    root = tmp_path_factory.mktemp("expose")
    with using_data(root / "data"):
        ld.refresh(["lor_planungsraeume", "einwohner_lor", "bodenrichtwerte", "entgelte_lor", "bezirke"],
                   mirror=SNAPSHOT)
        folder = root / "ihk"
        folder.mkdir()
        files = []
        for name, body in sample_ihk_history(months=13, n=4000, end=(2026, 6)).items():
            (folder / name).write_bytes(body)
            files.append(folder / name)
        ld.import_file("ihk_gewerbedaten", files)
        zones = root / "brw_zonen_2025.geojson"
        zones.write_bytes(ld.demo._mark.mark(sample_brw_wfs(2025)))
        ld.import_file("bodenrichtwert_zonen", zones)
    return root / "data"


@pytest.fixture()
def loaded(data_dir, _filled):
    """This test's data folder: a copy of the module's filled one."""
    return copy_data(_filled, data_dir)


def test_the_sites_table_has_a_source_per_row_and_real_planungsraeume(loaded):
    sites = ld.land.commercial_sites()
    assert {"Herzbergstraße", "Pablo-Picasso-Straße"} <= set(sites["kurzname"])
    assert sites["quelle"].str.startswith("http").all() and sites["koordinaten_quelle"].str.startswith("http").all()
    # each point lies in the Planungsraum the table names (the real LOR 2021 polygons)
    got = ld.geo.assign(sites.rename(columns={"lon": "longitude", "lat": "latitude"}), "planungsraum", None)
    assert got["planungsraum_id"].tolist() == sites["planungsraum_ids"].tolist()


def test_the_expose_of_a_named_area(loaded, tmp_path, caplog):
    out = tmp_path / "expose.pdf"
    with caplog.at_level("WARNING", logger="lichtenberg_data.briefing.expose"):
        assert cli.main(["expose", "Herzbergstraße", "--out", str(out)]) == 0
    assert caplog.messages == []  # the page check found no text running into another or off the page
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 2.54, 1), round(float(box.height) / 72 * 2.54, 1)) == (21.0, 29.7)
    text = _text(out)
    assert "Gewerbegebiet Herzbergstraße" in text and "(190 ha)" in text
    assert "BEISPIELDATEN" in text  # the IHK register and the zone polygons are samples
    # businesses: recount the sample points in the circle of 190 ha and its 1 km ring
    site = ld.land.site_profile("Herzbergstraße")
    month = ld.load("ihk_gewerbedaten").dropna(subset=["latitude"])
    pts = gpd.GeoSeries.from_xy(month["longitude"], month["latitude"], crs="EPSG:4326").to_crs("EPSG:25833")
    inside = int(shapely.contains(site.geometry, pts.to_numpy()).sum())
    ring = int(shapely.contains(site.geometry.buffer(1000), pts.to_numpy()).sum())
    assert f"Betriebe im Gebiet: {inside}; im Gebiet und bis 1 km: {ring:,}".replace(",", ".") in text
    # residents within 1 and 3 km and median earnings of the surrounding Planungsräume: real files
    assert re.search(r"Einwohner/innen bis 1 km: [\d.]+, davon 15 bis unter 65 Jahre [\d.]+", text)
    plr = ld.geo.boundaries("planungsraum", None)
    around = set(plr.loc[plr.intersects(site.geometry.buffer(1000)), "planungsraum_id"])
    e = ld.load("entgelte_lor")
    e = e[(e["ebene"] == "planungsraum") & e["gebiet_id"].isin(around)].dropna(subset=["median_eur"])
    lo, hi = (f"{int(v):,}".replace(",", ".") for v in (e["median_eur"].min(), e["median_eur"].max()))
    assert f"{lo} bis {hi} EUR im Monat" in text
    # land values: the real commercial median of Lichtenberg, 2012 and 2024
    assert "Gewerbezonen Lichtenberg: Median 90 €/m² (2012, 17 Zonen) → 350 €/m² (2024, 19 Zonen)" in text
    # every block has its source line; a missing dataset is a German line, not a crash
    assert "Quelle: IHK Berlin" in text and "Quelle: Amt für Statistik Berlin-Brandenburg" in text
    assert "Gutachterausschuss" in text
    assert "Gigabit-Versorgung fehlt: lichtenberg-data import gigabit_versorgung" in text
    assert "neu im IHK-Register" in text and "nicht Gründungen" in text


@pytest.mark.realdata
def test_gigabit_share_of_the_surrounding_planungsraeume(loaded, real_data, tmp_path):
    ld.import_file("gigabit_versorgung", real_data / "business" / "Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx")
    out = tmp_path / "plr.pdf"
    assert cli.main(["expose", "--plr", "11300721", "--out", str(out)]) == 0
    text = _text(out)
    site = ld.land.site_profile(plr=["11300721"])
    plr = ld.geo.boundaries("planungsraum", None)
    around = set(plr.loc[plr.intersects(site.geometry.buffer(1000)), "planungsraum_id"])
    gv = ld.load("gigabit_versorgung")
    rows = gv[(gv["stufe"] == "ist") & (gv["technologie"] == "gigabit") & gv["planungsraum_id"].isin(around)]
    share = rows["einheiten"].sum() / (rows["einheiten"] / rows["anteil_prozent"] * 100).sum() * 100
    assert f"{share:.1f} %".replace(".", ",") in text
    assert "Stand 02/2024" in text


def test_a_point_with_a_radius_and_nothing_but_the_lor(data_dir, tmp_path, capsys):
    ld.refresh(["lor_planungsraeume"], mirror=SNAPSHOT)
    out = tmp_path / "point.pdf"
    assert cli.main(["expose", "--point", "13.4985", "52.5265", "--radius", "300", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert said.count("ihk_gewerbedaten") == 1  # the two blocks of the register name it once
    text = _text(out)
    for ds in ("ihk_gewerbedaten", "einwohner_lor", "entgelte_lor", "gigabit_versorgung", "bodenrichtwert_zonen"):
        assert f"lichtenberg-data import {ds}" in text, ds
    assert "BEISPIELDATEN" not in text
    assert cli.main(["expose", "Nirgendwo", "--out", str(out)]) == 2
