"""The offline demo end to end: sample mirror → refresh → notebooks → briefing pack.

This is what `make demo` does on a fresh clone; the PDF is read back and checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

import lichtenberg_data as ld
from lichtenberg_data import catalog, cli

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Run the demo once for the module: mirror, refresh of every dataset, briefing."""
    root = tmp_path_factory.mktemp("demo")
    mp = pytest.MonkeyPatch()
    mp.setenv("LICHTENBERG_DATA_DIR", str(root / "data"))
    old = ld.settings.settings.data_dir
    ld.settings.set(data_dir=root / "data")
    try:
        assert cli.main(["demo-mirror", str(root / "mirror")]) == 0
        assert cli.main(["refresh", "--mirror", str(root / "mirror")]) == 0
        assert cli.main(["briefing", "--year", "2026", "--out", str(root / "briefing")]) == 0
        yield root
    finally:
        ld.settings.set(data_dir=old)
        mp.undo()


def test_every_dataset_refreshes_from_the_sample_mirror(demo):
    import json

    manifest = json.loads((demo / "data" / "manifest.json").read_text())["datasets"]
    for ds in catalog.datasets():
        entry = manifest.get(ds.id)
        assert entry and entry["processed"]["sample"] is True, ds.id
        assert entry["processed"]["rows"] > 0, ds.id


def test_briefing_pdf_reads_as_one_document(demo):
    pdfs = list((demo / "briefing").glob("Klausur-Briefing-2026-*.pdf"))
    assert len(pdfs) == 1
    text = "\n".join(page.extract_text() for page in PdfReader(pdfs[0]).pages)
    assert "Klausur-Briefing 2026 – Bezirk Lichtenberg" in text
    assert "BEISPIELDATEN" in text
    for section in ("Überblick", "Fachkräfte"):
        assert section in text
    assert "Noch nicht enthalten" in text
    for missing in ("Einzelhandel und Zentren", "Gewerbeflächen und Unternehmen", "Tourismus"):
        assert missing in text
    assert "Verwendete Datensätze" in text
    for title in ("Einwohnerinnen und Einwohner in den LOR-Planungsräumen",
                  "Monitoring Soziale Stadtentwicklung"):
        assert title in " ".join(text.split()), title


def test_briefing_writes_charts_and_notebooks(demo):
    out = demo / "briefing"
    stems = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert {p.stem for p in (out / "notebooks").glob("*.html")} == stems
    charts = list((out / "charts").iterdir())
    names = {p.stem for p in charts}
    assert names and all((out / "charts" / f"{n}.{ext}").exists() for n in names for ext in ("png", "svg", "pdf"))
