"""The offline demo end to end, as `make demo` runs it on a fresh clone: the real snapshot (and
marked samples only where no real file exists) → notebooks → briefing PDF, read back.

The notebooks run here and nowhere else in the suite (each once per district).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

import lichtenberg_data as ld
from lichtenberg_data import catalog, cli
from lichtenberg_data._fetch import SAMPLE_SOURCE
from lichtenberg_data.demo import SAMPLES, snapshot_datasets

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _text(pdf: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`lichtenberg-data demo` and the briefing for Lichtenberg and for Marzahn-Hellersdorf."""
    root = tmp_path_factory.mktemp("demo")
    mp = pytest.MonkeyPatch()
    mp.setenv("LICHTENBERG_DATA_DIR", str(root / "data"))
    old = ld.settings.settings.data_dir
    ld.settings.set(data_dir=root / "data")
    try:
        assert cli.main(["demo", "--samples", str(root / "samples")]) == 0
        assert cli.main(["briefing", "--year", "2026", "--out", str(root / "briefing")]) == 0
        assert cli.main(["briefing", "--year", "2026", "--district", "Marzahn-Hellersdorf",
                         "--out", str(root / "mh")]) == 0
        yield root
    finally:
        ld.settings.set(data_dir=old)
        mp.undo()


def test_every_dataset_is_real_from_the_snapshot_or_marked_sample(demo):
    manifest = json.loads((demo / "data" / "manifest.json").read_text())["datasets"]
    real = set(snapshot_datasets())
    for ds in catalog.datasets():
        entry = manifest.get(ds.id)
        if ds.id in real:
            assert entry and entry["processed"]["sample"] is False, ds.id
            assert {s["arrived"] for s in entry["snapshots"]} == {"snapshot"}, ds.id
        elif ds.id in SAMPLES:
            assert entry and entry["processed"]["sample"] is True, ds.id
            # the source of a sample is the generator, not the path of a temporary mirror
            assert entry["processed"]["source"] == SAMPLE_SOURCE, ds.id
        else:  # neither a real file nor a sample: the briefing shows a box for it
            assert entry is None, ds.id
    assert not real & set(SAMPLES)  # sample data only where no real file exists


def test_the_first_run_shows_real_numbers(demo):
    df = ld.load("einwohner_lor")
    assert df.loc[(df["year"] == 2025) & (df["bezirk_id"] == "11"), "einwohner"].sum() == 318_261
    assert not ld.is_sample(df)
    plr = ld.geo.boundaries("planungsraum")
    assert len(plr) == 41 and not ld.is_sample(plr)  # the real Planungsräume, not rectangles
    text = _text(next((demo / "briefing").glob("Klausur-Briefing-2026-*.pdf")))
    assert "Klausur-Briefing 2026 – Bezirk Lichtenberg" in text
    assert "318.261" in text and "296.837" in text and "31.12.2020 → 31.12.2025" in text
    assert "Lichtenberg hat 318.261 Einwohnerinnen und Einwohner in 41 Planungsräumen" in text


def test_sample_parts_are_named_on_the_cover_and_in_the_appendix(demo):
    pdf = next((demo / "briefing").glob("Klausur-Briefing-2026-*.pdf"))
    cover = PdfReader(pdf).pages[0].extract_text()
    assert "BEISPIELDATEN" in cover and "Betroffen" in " ".join(cover.split())
    text = _text(pdf)
    appendix = text[text.rindex("Anhang: Verwendete Datensätze"):]
    assert "BEISPIELDATEN (synthetisch erzeugt" in appendix
    assert "Einwohnerregisterstatistik" in appendix
    # the real dataset rows name their files and are not marked
    assert "EWR_L21_202512E_Matrix.csv" in appendix
    assert "Quelle: lichtenberg_data.demo (erzeugte Beispieldaten" in appendix and "erzeugt am" in appendix
    assert str(demo) not in appendix  # no local paths
    for section in ("Überblick", "Fachkräfte"):
        assert section in text


def test_briefing_writes_charts_and_notebooks(demo):
    out = demo / "briefing"
    stems = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert {p.stem for p in (out / "notebooks").glob("*.html")} == stems
    names = {p.stem for p in (out / "charts").iterdir()}
    assert {"einwohner-planungsraeume", "medianeinkommen-karte", "status-index-karte"} <= names
    assert all((out / "charts" / f"{n}.{ext}").exists() for n in names for ext in ("png", "svg", "pdf"))
    for html in (out / "notebooks").glob("*.html"):
        body = html.read_text(encoding="utf-8")
        assert "Traceback" not in body, html.name
        assert body.count("data:image/png;base64") >= 4, html.name


def test_the_briefing_serves_any_district(demo):
    pdf = next((demo / "mh").glob("Klausur-Briefing-2026-*.pdf"))
    assert pdf.name == "Klausur-Briefing-2026-Marzahn-Hellersdorf.pdf"
    text = _text(pdf)
    assert "Klausur-Briefing 2026 – Bezirk Marzahn-Hellersdorf" in text
    assert "296.687" in text  # Marzahn-Hellersdorf, 31.12.2025
    assert "Marzahn-Hellersdorf hat 296.687 Einwohnerinnen und Einwohner" in text
    # osm_pois is loaded (malls, supermarkets) but has no shop counts for the district's centres:
    # the box says the loaded dataset lacks what the part needs, not that it is missing
    box = text[text.index("„3 Marktgebiete (Huff-Modell)“ fehlt"):]
    assert box.startswith("„3 Marktgebiete (Huff-Modell)“ fehlt: Der geladene Datensatz")
    assert "(osm_pois) enthält nicht die Angaben, die dieser Teil braucht" in box
    assert "lichtenberg-data refresh osm_pois" in box


def test_the_tourism_section_shows_the_real_listings_of_september_2025(demo):
    """The real Inside Airbnb scrape of the snapshot (no sample): Lichtenberg's 413 listings."""
    assert not ld.is_sample(ld.load("kurzzeitvermietung"))
    text = _text(next((demo / "briefing").glob("Klausur-Briefing-2026-*.pdf")))
    assert "Airbnb-Angebote (24.09.2025) – 413 –" in text
    assert "davon ganze Wohnungen (24.09.2025) – 253 –" in text
    assert "Abruf vom 24.09.2025 (Stand: jüngste Bewertung in der Datei; das Abrufdatum nennt die Datei nicht)" in text
