"""The briefing pack: notebooks run headless, their charts bound into one PDF."""

from __future__ import annotations

import gc
import json
import os
import re
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from lichtenberg_data import briefing
from lichtenberg_data.briefing import BriefingError, pack

PROVENANCE = {
    "dataset": "test_beschaeftigte", "title": "Testdatensatz Beschäftigte am Wohnort",
    "publisher": "Amt für Statistik Berlin-Brandenburg", "source_title": "Testquelle",
    "reference_date": "2024-06-30", "retrieved_at": "2025-11-20", "license": "CC BY 3.0 DE",
    "license_url": "https://creativecommons.org/licenses/by/3.0/de/",
    "source_url": "https://example.org/beschaeftigte",
}
SAMPLE = {**PROVENANCE, "dataset": "test_bezirke", "title": "Beispielbezirke", "sample": True,
          "publisher": "lichtenberg_data (Beispieldaten)", "source_title": None}


def _notebook(path: Path, *cells: str, parameters: str | None = None,
              heading: bool = True) -> Path:
    import nbformat  # here, not at collection (jsonschema is slow to import)

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if parameters is not None:
        nb.cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    if heading:
        nb.cells.append(nbformat.v4.new_markdown_cell(f"# {path.stem}"))
    nb.cells.extend(nbformat.v4.new_code_cell(textwrap.dedent(c)) for c in cells)
    nbformat.write(nb, path)
    return path


FACHKRAEFTE = f"""
import pandas as pd
from lichtenberg_data import briefing, charts

assert YEAR == 2025 and DISTRICT == "Lichtenberg", (YEAR, DISTRICT)
rows = [{{"jahr": y, "bezirk": b, "wert": v + 10 * (y - 2020)}}
        for b, v in (("Lichtenberg", 100), ("Berlin", 1200), ("Mitte", 150))
        for y in range(2020, 2025)]
df = pd.DataFrame(rows)
df.attrs["provenance"] = [{PROVENANCE!r}]
fig, ax = charts.line_vs_berlin(df, "jahr", "wert", "bezirk", index_base=2020,
                                title=f"Beschäftigte {{YEAR}}", width="half")
briefing.mark_chart(fig, "beschaeftigte-index", "fachkraefte",
                    "Die Beschäftigung in Lichtenberg wächst.")
briefing.key_figure("fachkraefte", "Beschäftigte am Wohnort", 5320, 5200, source=df)
briefing.key_figure("fachkraefte", "Anteil Akademiker", 21.44, 20.16, unit="%", source=df)
briefing.key_figure("fachkraefte", "Wert Lichtenberg", briefing.latest_pair(df[df.bezirk == "Lichtenberg"], "wert", "jahr"),
                    source=df)
"""

UEBERBLICK = f"""
import pandas as pd
from lichtenberg_data import briefing, charts
from lichtenberg_data.names import BEZIRKE

df = pd.DataFrame({{"bezirk": list(BEZIRKE.values()), "wert": range(12)}})
df.attrs["provenance"] = [{SAMPLE!r}]
fig, ax = charts.ranked_bars(df, "bezirk", "wert", title="Überblick")
briefing.mark_chart(fig, "ueberblick", "ueberblick", "Die Bezirke im Vergleich.")
"""


def _text(pdf: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(pdf).pages))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("briefing")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "10_fachkraefte.ipynb", FACHKRAEFTE, parameters="YEAR = 2000\nDISTRICT = 'x'")
    _notebook(notebooks / "00_ueberblick.ipynb", UEBERBLICK)
    result = briefing.run(2025, root / "out", notebooks_dir=notebooks, district="Lichtenberg",
                          kernel_name="python3", timeout=120, chart_formats="pdf,svg")
    return result


@pytest.mark.slow
def test_build_writes_pdf_html_and_charts(built):
    out = built.out_dir
    assert built.pdf == out / "Klausur-Briefing-2025-Lichtenberg.pdf" and built.pdf.exists()
    assert {p.name for p in built.html} == {"00_ueberblick.html", "10_fachkraefte.html"}
    assert all(p.exists() and "<html" in p.read_text(encoding="utf-8")[:2000] for p in built.html)
    html = (out / "notebooks" / "10_fachkraefte.html").read_text(encoding="utf-8")
    assert "injected-parameters" in html or "Parameters injected" in html
    assert "data:image/png;base64" in html  # the chart is shown inline
    assert '<html lang="de">' in html  # a German page for screen readers
    assert re.search(r'<img alt="Beschäftigte 2025[^"]*"[^>]* src="data:image/png;base64', html)  # the chart's title
    assert "No description has been provided" not in html
    names = sorted(p.name for p in (out / "charts").iterdir())
    assert names == sorted(f"{n}.{e}" for n in ("beschaeftigte-index", "ueberblick")
                           for e in ("png", "svg", "pdf", "data.parquet"))  # the data drawn beside each chart
    # the vector files asked for (chart_formats="pdf,svg") beside the PNG the PDF is drawn from
    assert (out / "charts" / "ueberblick.pdf").read_bytes().startswith(b"%PDF")
    assert b"<svg" in (out / "charts" / "ueberblick.svg").read_bytes()[:2000]
    assert "Diagramme in voller Auflösung (PNG, SVG, PDF) im Ordner charts/" in _text(built.pdf)
    assert built.workbook == out / "Klausur-Briefing-2025-Lichtenberg-Daten.xlsx" and built.workbook.exists()
    assert built.sections == ["ueberblick", "fachkraefte"]
    assert built.missing_sections == ["einzelhandel", "gewerbe", "tourismus"]
    assert built.sample is True
    manifest = json.loads(built.manifest.read_text(encoding="utf-8"))
    assert manifest["pdf"] == built.pdf.name and len(manifest["charts"]) == 2
    assert "Klausur-Briefing-2025-Lichtenberg.pdf" in built.summary()
    assert gc.get_freeze_count() == 0  # what the build set aside for the collector is returned to it


@pytest.mark.slow  # 4 s on 2 cores
def test_a_workbook_that_cannot_be_written_fails_the_build_after_the_pdf_and_manifest(tmp_path, monkeypatch):
    """The workbook is written while the pages are drawn; should it fail, the PDF and the manifest
    are still written, then the build fails with its error (as when it was written after them)."""
    from lichtenberg_data.briefing import workbook

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "00_ueberblick.ipynb", UEBERBLICK)

    def full(path, manifest, charts_dir):
        assert manifest["charts"][0]["figure"] == 1 and manifest["pages"] == []  # laid out, not yet drawn
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook, "write_workbook", full)
    with pytest.raises(OSError, match="No space left on device"):
        briefing.run(2025, tmp_path / "out", notebooks_dir=notebooks, timeout=120)
    manifest = json.loads((tmp_path / "out" / "briefing-manifest.json").read_text(encoding="utf-8"))
    assert (tmp_path / "out" / manifest["pdf"]).exists() and len(manifest["pages"]) >= 5
    assert not (tmp_path / "out" / manifest["workbook"]).exists()


@pytest.mark.slow
def test_each_marked_chart_is_shown_once_in_its_notebook(built):
    """The executed notebook shows the chart from its saved PNG; the inline backend does not draw
    it a second time at the end of the cell."""
    import base64
    import io

    from PIL import Image

    html = (built.out_dir / "notebooks" / "10_fachkraefte.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64') == 1  # (the stylesheet has a PNG of its own)
    shown = Image.open(io.BytesIO(base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1))))
    with Image.open(built.out_dir / "charts" / "beschaeftigte-index.png") as saved:  # 300 dpi
        assert shown.size == (saved.width // 3, saved.height // 3)  # the figure's 100 dpi
        # the very pixels of the saved chart, reduced
        assert shown.tobytes() == saved.convert("RGBA").reduce(3).tobytes()


@pytest.mark.slow
def test_pdf_text_has_sections_key_figures_missing_page_and_datasets(built):
    text = _text(built.pdf)
    assert "Klausur-Briefing 2025 – Bezirk Lichtenberg" in text
    assert "BEISPIELDATEN" in text  # warning on the cover
    # sections in order: Überblick first, then Fachkräfte
    assert text.index("1 Überblick") < text.index("2 Fachkräfte") < text.index("Noch nicht enthalten")
    missing_page = text[text.rindex("Noch nicht enthalten"):text.rindex("Anhang: Verwendete Datensätze")]
    for title in ("Einzelhandel und Zentren", "Gewerbeflächen und Unternehmen", "Tourismus"):
        assert title in missing_page
    assert "Fachkräfte" not in missing_page
    # key figure table with German numbers and the change
    for cell in ("Kennzahl", "Aktuell", "Vorwert", "Veränderung", "Beschäftigte am Wohnort",
                 "5.320", "5.200", "+120 (+2,3 %)",
                 # 21,44 and 20,16 print as 21,4 and 20,2: the change adds up as printed (+1,2, not +1,3)
                 "21,4 %", "20,2 %", "+1,2 Pp.",
                 # latest_pair brings both periods; the table names them
                 "Wert Lichtenberg", "140", "130", "+10 (+7,7 %) 2023 → 2024"):
        assert cell in text, cell
    assert "Abbildung 1: Die Bezirke im Vergleich." in text
    assert "Abbildung 2: Die Beschäftigung in Lichtenberg wächst." in text
    appendix = text[text.rindex("Anhang: Verwendete Datensätze"):]
    for item in ("Testdatensatz Beschäftigte am Wohnort", "Amt für Statistik Berlin-Brandenburg",
                 "Stand: 30.06.2024 · abgerufen am 20.11.2025", "CC BY 3.0 DE",
                 "Beispielbezirke – BEISPIELDATEN (synthetisch erzeugt", "10_fachkraefte.ipynb"):
        assert item in appendix, item
    pages = [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(built.pdf).pages]
    # the cover names the sample dataset; only the pages showing it carry the mark
    assert "Beispieldaten: Beispielbezirke (test_bezirke; in: Überblick)." in pages[0]
    header = "BEISPIELDATEN – keine amtlichen Zahlen"
    assert header in next(p for p in pages if p.startswith("1 Überblick"))
    assert header not in next(p for p in pages if p.startswith("2 Fachkräfte"))
    assert len(PdfReader(built.pdf).pages) >= 5  # cover, 2 sections, missing, appendix
    box = PdfReader(built.pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


@pytest.mark.slow
def test_failing_notebook_names_notebook_and_cell(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "kaputt.ipynb", "import os\nprint(os.getpid())", "raise ValueError('Spalte fehlt')\ny = 2",
              "z = 3", heading=False)
    with pytest.raises(BriefingError) as info:
        briefing.build(2025, tmp_path / "out", notebooks_dir=notebooks)
    message = str(info.value)
    assert "kaputt.ipynb" in message and "cell 2 of 3" in message
    assert "raise ValueError('Spalte fehlt')" in message and "ValueError: Spalte fehlt" in message
    assert (tmp_path / "out" / "notebooks" / "kaputt.html").exists()  # traceback kept
    executed = json.loads((tmp_path / "out" / "_collect" / "kaputt" / "kaputt.executed.ipynb").read_text(encoding="utf-8"))
    pid = int("".join(next(o["text"] for c in executed["cells"] for o in c.get("outputs", []) if o.get("name") == "stdout")))
    with pytest.raises(ProcessLookupError):  # the failed notebook's kernel is shut down, not kept
        os.kill(pid, 0)


@pytest.mark.slow
def test_notebooks_run_side_by_side_and_the_first_failure_in_file_order_is_reported(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    # b fails at once, a only after a second: a is still reported, as it comes first
    _notebook(notebooks / "a.ipynb", "import time; time.sleep(1)", "raise KeyError('a kaputt')")
    _notebook(notebooks / "b.ipynb", "raise KeyError('b kaputt')")
    with pytest.raises(BriefingError) as info:
        briefing.run(2025, tmp_path / "out", notebooks_dir=notebooks, workers=2)
    assert str(info.value).startswith("notebook a.ipynb, cell 3 of 3")  # heading, sleep, raise and "KeyError: 'a kaputt'" in str(info.value)
    assert {p.name for p in (tmp_path / "out" / "notebooks").iterdir()} == {"a.html", "b.html"}


INTERRUPTED = """
import os, signal, sys, threading, time
from pathlib import Path
from lichtenberg_data.briefing import _run

notebooks, out = Path(sys.argv[1]), Path(sys.argv[2])


def ctrl_c():  # once a and b run
    while not all((out / "_collect" / stem).exists() for stem in "ab"):
        time.sleep(0.05)
    time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGINT)


threading.Thread(target=ctrl_c, daemon=True).start()
try:
    _run._run_all(sorted(notebooks.glob("*.ipynb")), out / "notebooks", out / "_collect", 2025, "Lichtenberg",
                  "python3", 120, 2)
except KeyboardInterrupt:
    print("interrupted")
"""


@pytest.mark.slow  # 7 s on 2 cores
def test_after_ctrl_c_the_running_notebooks_finish_with_their_pages_and_no_other_starts(tmp_path):
    import subprocess
    import sys

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for stem in "ab":
        _notebook(notebooks / f"{stem}.ipynb", "import time; time.sleep(3)", heading=False)
    _notebook(notebooks / "c.ipynb", "x = 1", heading=False)
    out = tmp_path / "out"
    (out / "notebooks").mkdir(parents=True)
    done = subprocess.run([sys.executable, "-c", INTERRUPTED, str(notebooks), str(out)], capture_output=True,
                          text=True, timeout=300)
    assert done.stdout.strip() == "interrupted", done.stderr
    assert sorted(p.name for p in (out / "notebooks").iterdir()) == ["a.html", "b.html"]


def test_missing_notebooks_folder_and_unknown_section(tmp_path):
    with pytest.raises(BriefingError, match="not found"):
        briefing.build(2025, tmp_path / "out", notebooks_dir=tmp_path / "nope")
    with pytest.raises(ValueError, match="workers must be a whole number >= 1"):
        briefing.build(2025, tmp_path / "out", notebooks_dir=tmp_path, workers=0)
    with pytest.raises(ValueError, match="tourismus"):
        briefing.key_figure("wohnen", "x", 1, 2)


def test_rebuild_removes_only_what_the_previous_build_listed(tmp_path):
    out = tmp_path / "out"
    (out / "charts").mkdir(parents=True)
    (out / "_collect" / "a").mkdir(parents=True)
    old, keep = out / "charts" / "alt.png", out / "charts" / "eigene-notiz.png"
    old.write_bytes(b"x")
    keep.write_bytes(b"x")
    (out / "briefing-manifest.json").write_text(
        json.dumps({"outputs": ["charts/alt.png", "../ausserhalb.pdf"]}), encoding="utf-8")
    (tmp_path / "ausserhalb.pdf").write_bytes(b"x")
    pack._remove_previous_outputs(out.resolve(), ["a"], pack._previous_manifest(out.resolve()))
    assert not old.exists() and keep.exists() and (tmp_path / "ausserhalb.pdf").exists()
    assert not (out / "_collect" / "a").exists()


def test_the_seconds_of_the_previous_build_order_the_next(tmp_path):
    from lichtenberg_data.briefing._run import _longest_first

    (tmp_path / "briefing-manifest.json").write_text(json.dumps({"notebooks": [
        {"file": "00_ueberblick.ipynb", "seconds": 1.1}, {"file": "20_einzelhandel.ipynb", "seconds": 4.6},
        {"file": "10_fachkraefte.ipynb", "seconds": 3.9}, {"file": "30_gewerbe.ipynb"},  # no time: first
        {"file": 40, "seconds": 1.0}, "kaputt"]}), encoding="utf-8")
    seconds = pack._previous_seconds(pack._previous_manifest(tmp_path))
    assert seconds == {"00_ueberblick.ipynb": 1.1, "20_einzelhandel.ipynb": 4.6, "10_fachkraefte.ipynb": 3.9}
    paths = [tmp_path / f for f in ("00_ueberblick.ipynb", "10_fachkraefte.ipynb", "20_einzelhandel.ipynb",
                                    "30_gewerbe.ipynb", "40_tourismus.ipynb")]
    order = _longest_first(paths, seconds)
    assert [p.name[:2] for _, p in order] == ["30", "40", "20", "10", "00"]
    assert [i for i, _ in order] == [3, 4, 2, 1, 0]  # the index in file order goes with each (errors by it)
    assert [p.name[:2] for _, p in _longest_first(paths, None)] == ["00", "10", "20", "30", "40"]
    (tmp_path / "briefing-manifest.json").write_text("{kaputt", encoding="utf-8")
    assert pack._previous_manifest(tmp_path) == {} and pack._previous_seconds({}) == {}


# =============================================================================== the contract

AFS = {"dataset": "einwohner_lor", "publisher": "Amt für Statistik Berlin-Brandenburg",
       "source_title": "Einwohnerregisterstatistik", "reference_date": "2024-12-31",
       "retrieved_at": "2026-11-25", "license": "CC BY 3.0 DE", "sample": False}


def _districts(entry: dict = AFS):
    import pandas as pd

    from lichtenberg_data.names import BEZIRKE

    df = pd.DataFrame({"bezirk": list(BEZIRKE.values()), "quote": [5.0 + i for i in range(12)]})
    df.attrs["provenance"] = [entry]
    return df


def test_mark_chart_is_a_no_op_outside_a_build(monkeypatch):
    from lichtenberg_data import charts

    monkeypatch.delenv("LICHTENBERG_BRIEFING_DIR", raising=False)
    fig, _ = charts.ranked_bars(_districts(), "bezirk", "quote", title="Quote")
    assert briefing.mark_chart(fig, "quote", "fachkraefte", "Text") is None
    with pytest.raises(ValueError, match="section"):
        briefing.mark_chart(fig, "quote", "wohnen", "Text")


@pytest.mark.slow  # 1.0 s on 2 cores
def test_mark_chart_takes_the_charts_hand_over_and_records(tmp_path, monkeypatch):
    import numpy as np

    from lichtenberg_data import charts

    monkeypatch.setenv("LICHTENBERG_BRIEFING_DIR", str(tmp_path))
    fig, _ = charts.ranked_bars(_districts({**AFS, "sample": True}), "bezirk", "quote", title="Quote")
    info = charts.chart_info(fig)
    assert info.title == "Quote" and info.sample is True and info.source_line.startswith("Quelle: Amt")
    entry = briefing.mark_chart(fig, "Quote 2024", "Fachkräfte", "Lichtenberg liegt vorn.")
    briefing.mark_chart(fig, "Quote 2024", "fachkraefte", "Ersetzt.")  # same name: replaced
    briefing.key_figure("fachkraefte", "Beschäftigte", np.int64(5320), 5200.0, source=_districts())
    data = json.loads((tmp_path / "briefing.json").read_text(encoding="utf-8"))
    assert len(data["charts"]) == 1 and data["charts"][0]["caption"] == "Ersetzt."
    assert entry["section"] == "fachkraefte" and entry["sample"] is True
    assert entry["datasets"][0]["publisher"] == AFS["publisher"]
    assert entry["datasets"][0]["reference_date"] == "2024-12-31"
    assert entry["source"] == info.source_line
    for name in entry["files"].values():
        assert (tmp_path / name).exists()
    (kf,) = data["key_figures"]
    assert kf["current"] == 5320 and kf["previous"] == 5200.0
    assert kf["datasets"][0]["dataset"] == "einwohner_lor"


@pytest.mark.slow  # 0.6 s
def test_mark_chart_records_and_logs_what_the_check_finds_in_the_saved_chart(tmp_path, monkeypatch, caplog):
    """The check runs on the draw that writes the 300-dpi PNG; a label running off the chart is
    logged and recorded in the chart's entry (the manifest's ``problems``)."""
    import logging

    from lichtenberg_data import charts

    monkeypatch.setenv("LICHTENBERG_BRIEFING_DIR", str(tmp_path))
    fig, _ = charts.ranked_bars(_districts(), "bezirk", "quote", title="Quote", width="half")
    fig.text(0.9, 0.5, "Hinweis: Werte gerundet")  # past the right edge
    with caplog.at_level(logging.WARNING, logger="lichtenberg_data.briefing.collect"):
        entry = briefing.mark_chart(fig, "quote", "fachkraefte", "Text")
    (found,) = entry["problems"]
    assert found.startswith("text 'Hinweis: Werte gerundet' is cut: it runs ")
    assert found.endswith(" px past the right edge")
    assert f"chart 'quote': {found}" in caplog.text
    data = json.loads((tmp_path / "briefing.json").read_text(encoding="utf-8"))
    assert data["charts"][0]["problems"] == [found]


# =============================================================================== missing data

NEEDS_MISSING = """
import pandas as pd
import lichtenberg_data as ld
from lichtenberg_data import briefing, charts
SECTION = "fachkraefte"
"""


@pytest.fixture(scope="module")
def with_missing(tmp_path_factory):
    root = tmp_path_factory.mktemp("missing")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(NEEDS_MISSING),
                nbformat.v4.new_markdown_cell("## Beschäftigte am Arbeitsort"),
                nbformat.v4.new_code_cell("b = ld.load('beschaeftigte_bezirke')\na = ld.load(\"arbeitslose_bezirke\")\n"
                                          "briefing.key_figure(SECTION, 'x', 1, 2)"),
                nbformat.v4.new_markdown_cell("## Eine Grafik, die gelingt"),
                nbformat.v4.new_code_cell(textwrap.dedent(f"""
                    df = pd.DataFrame({{"bezirk": ["Lichtenberg", "Berlin"], "wert": [1.0, 2.0]}})
                    df.attrs["provenance"] = [{PROVENANCE!r}]
                    fig, ax = charts.ranked_bars(df, "bezirk", "wert", title="Gelingt")
                    briefing.mark_chart(fig, "gelingt", SECTION, "Diese Grafik ist da.")
                """))]
    nbformat.write(nb, notebooks / "fk.ipynb")
    return root, briefing.run(2025, root / "out", notebooks_dir=notebooks, timeout=120)


@pytest.mark.slow
def test_a_missing_dataset_becomes_a_box_and_the_rest_is_built(with_missing):
    _, result = with_missing
    assert [m["dataset"] for m in result.missing_data] == ["beschaeftigte_bezirke"]
    assert result.missing_data[0]["heading"] == "Beschäftigte am Arbeitsort"
    # the cell loads a second missing dataset by name: the box names it too
    assert [o["dataset"] for o in result.missing_data[0]["also"]] == ["arbeitslose_bezirke"]
    for dataset in ("beschaeftigte_bezirke", "arbeitslose_bezirke"):
        assert f"Fehlender Datensatz {dataset} (Fachkräfte): lichtenberg-data import {dataset}" in result.summary()
    text = _text(result.pdf)
    box = text[text.index("„Beschäftigte am Arbeitsort“ fehlt"):]
    assert "(beschaeftigte_bezirke) ist nicht geladen" in box
    assert "lichtenberg-data import beschaeftigte_bezirke DATEI" in box
    assert "Ebenso fehlt der Datensatz Arbeitslose nach Bezirken (Jahresdurchschnitt) (arbeitslose_bezirke): " \
           "lichtenberg-data import arbeitslose_bezirke DATEI" in box
    assert "Abbildung 1: Diese Grafik ist da." in text  # the cell after the missing data still ran


@pytest.mark.slow
def test_strict_makes_a_missing_dataset_an_error(with_missing):
    root, _ = with_missing
    with pytest.raises(BriefingError, match="--strict: datasets missing: beschaeftigte_bezirke, arbeitslose_bezirke"):
        briefing.run(2025, root / "strict", notebooks_dir=root / "notebooks", timeout=120, strict=True)


@pytest.mark.slow  # 0.4 s on 2 cores
def test_a_loaded_dataset_that_lacks_a_part_says_what_it_lacks(tmp_path):
    """The box names what the loaded dataset lacks, in the words of the error (osm_pois without hotels)."""
    import pandas as pd

    from lichtenberg_data import tourism
    from lichtenberg_data._errors import DataNotAvailableError
    from lichtenberg_data.briefing.pdf import render_pdf

    restaurants = pd.DataFrame({"tourism": ["hotel", None], "amenity": "restaurant", "planungsraum_id": "11300722",
                                "datei_gruppe": "gastronomie", "osm_stand": pd.Timestamp("2025-08-20")})
    with pytest.raises(DataNotAvailableError) as err:
        tourism.accommodation(restaurants)
    entry = {"dataset": "osm_pois", "title": "OSM-Daten", "landing_page": None, "section": "tourismus",
             "heading": "5 Hotels, Hostels und Pensionen in OpenStreetMap", "loaded": True, "lacks": err.value.lacks,
             "order": 1, "message": str(err.value)}
    render_pdf(tmp_path / "b.pdf", year=2026, district="Lichtenberg", charts=[], figures=[], datasets=[], notebooks=[],
               sample=False, other_sources=[], missing_data=[entry])
    text = " ".join(_text(tmp_path / "b.pdf").split())
    assert ("„5 Hotels, Hostels und Pensionen in OpenStreetMap“ fehlt: Der geladene Datensatz OSM-Daten (osm_pois) "
            "enthält keine Unterkünfte: die geladenen OpenStreetMap-Auszüge erfassen keine Hotels, Hostels oder "
            "Pensionen (nur 1 Eintrag anderer Auszüge, etwa ein Restaurant, trägt nebenbei ein Unterkunfts-Merkmal). "
            "Vollständig laden mit lichtenberg-data refresh osm_pois") in text
# =============================================================================== the sample mark

IHK_SAMPLE = {"dataset": "ihk_gewerbedaten", "title": "Gewerbedaten der IHK Berlin", "publisher": "IHK Berlin",
              "source_title": "Gewerbedaten (Mitgliedsunternehmen)", "reference_date": "2026-12-01",
              "retrieved_at": "2026-12-07", "arrived": "sample", "license": "CC0 1.0", "sample": True}
EWR = {**AFS, "title": "Einwohnerinnen und Einwohner in den LOR-Planungsräumen", "reference_date": "2025-12-31",
       "retrieved_at": "2026-07-19", "arrived": "snapshot"}


def _png(path: Path) -> str:
    from PIL import Image

    Image.new("RGB", (600, 300), "white").save(path)  # 5 cm wide at 300 dpi: small and quick
    return str(path)


def _render(tmp_path: Path, charts: list[dict], figures: list[dict]) -> list[str]:
    """Render the PDF from hand-made material (no notebook runs); the text of each page."""
    from lichtenberg_data.briefing.pdf import render_pdf

    datasets: dict[str, dict] = {}
    for item in [*charts, *figures]:
        for d in item["datasets"]:
            entry = datasets.setdefault(d["dataset"], {**d, "sections": []})
            if item["section"] not in entry["sections"]:
                entry["sections"].append(item["section"])
    sample = any(d.get("sample") for d in datasets.values())
    pdf = tmp_path / "b.pdf"
    render_pdf(pdf, year=2026, district="Lichtenberg", charts=charts, figures=figures,
               datasets=list(datasets.values()), notebooks=[], sample=sample, other_sources=[])
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(pdf).pages]


def _chart(tmp_path: Path, name: str, section: str, entries: list[dict]) -> dict:
    return {"name": name, "section": section, "caption": f"Grafik {name}.", "png_path": _png(tmp_path / f"{name}.png"),
            "width_cm": 16.0, "datasets": entries, "sample": any(e.get("sample") for e in entries),
            "notebook": section, "order": 1}


def _figure(section: str, label: str, entries: list[dict], source_texts: tuple[str, ...] = ()) -> dict:
    from lichtenberg_data._provenance import resolve_source

    return {"section": section, "label": label, "current": 867, "previous": None, "unit": "",
            "source": resolve_source([*entries, *source_texts])[0], "source_texts": list(source_texts),
            "datasets": entries, "sample": any(e.get("sample") for e in entries), "notebook": section, "order": 1}


@pytest.mark.slow  # 0.6 s on 2 cores
def test_only_pages_with_sample_content_carry_the_mark_and_the_cover_lists_the_sample_datasets(tmp_path):
    header = "BEISPIELDATEN – keine amtlichen Zahlen"
    pages = _render(tmp_path, charts=[_chart(tmp_path, "echt", "ueberblick", [EWR]),
                                      _chart(tmp_path, "betriebe", "gewerbe", [IHK_SAMPLE, EWR])],
                    figures=[_figure("ueberblick", "Einwohnerinnen und Einwohner", [EWR])])
    overview = next(p for p in pages if p.startswith("1 Überblick"))
    business = next(p for p in pages if p.startswith("2 Gewerbeflächen und Unternehmen"))
    assert "Grafik echt." in overview and header not in overview  # real only: no mark
    assert "Grafik betriebe." in business and header in business  # a sample chart: marked
    appendix = next(p for p in pages if p.startswith("Anhang: Verwendete Datensätze"))
    assert header in appendix  # it lists the sample dataset, marked
    cover = pages[0]
    assert header in cover
    assert "Beispieldaten: Gewerbedaten der IHK Berlin (ihk_gewerbedaten; in: Gewerbeflächen und Unternehmen)." in cover
    assert "Einwohner" not in cover[cover.index("Beispieldaten:"):]  # the real dataset is not listed


def _section_sources(text: str) -> list[str]:
    """The numbered entries of „Quellen dieses Abschnitts“ in a section's text, in order."""
    block = text[text.index("Quellen dieses Abschnitts") + len("Quellen dieses Abschnitts"):]
    block = re.split(r" (?:Klausur-Briefing \d{4} – Bezirk|Seite \d+ von)", block)[0]
    parts = re.split(r"\[(\d+)\] ", block)[1:]
    assert [int(n) for n in parts[::2]] == list(range(1, len(parts) // 2 + 1))
    return [p.strip() for p in parts[1::2]]


@pytest.mark.slow  # 0.5 s on 2 cores
def test_the_key_figures_name_each_source_once_and_mark_only_the_sample_one(tmp_path):
    header = "BEISPIELDATEN – keine amtlichen Zahlen"
    pages = _render(tmp_path, charts=[], figures=[
        _figure("gewerbe", "Betriebe je 1.000 Einwohner/innen", [IHK_SAMPLE, EWR]),
        _figure("gewerbe", "Einwohner/innen", [EWR], ("Eigene Berechnung",)),
        _figure("fachkraefte", "Einwohner/innen 15 bis unter 65", [EWR])])
    business = next(p for p in pages if p.startswith("2 Gewerbeflächen und Unternehmen"))
    assert "Quellen [1–3]" in business  # the table cites the section's list
    assert _section_sources(business.replace(header, "")) == [
        "IHK Berlin, Gewerbedaten (Mitgliedsunternehmen), Stand 01.12.2026; Lizenz: CC0 1.0; erzeugt am 07.12.2026 "
        "– BEISPIELDATEN (synthetisch erzeugt, keine amtlichen Zahlen)",
        "Amt für Statistik Berlin-Brandenburg, Einwohnerregisterstatistik, Stand 31.12.2025; Lizenz: CC BY 3.0 DE; "
        "abgerufen am 19.07.2026",
        "Eigene Berechnung"]
    assert "Betriebe je 1.000 Einwohner/innen – BEISPIELDATEN" in business and header in business
    workforce = next(p for p in pages if p.startswith("1 Fachkräfte"))
    assert "BEISPIELDATEN" not in workforce  # the same real source on a page of its own: no mark
    assert _section_sources(workforce) == ["Amt für Statistik Berlin-Brandenburg, Einwohnerregisterstatistik, "
                                           "Stand 31.12.2025; Lizenz: CC BY 3.0 DE; abgerufen am 19.07.2026"]


# =============================================================================== the layout

LOR = {"dataset": "lor_planungsraeume", "publisher": "Amt für Statistik Berlin-Brandenburg / SenStadt",
       "source_title": "Lebensweltlich orientierte Räume (LOR) (01.01.2021)", "reference_date": "2021-01-01",
       "retrieved_at": "2026-06-22", "arrived": "snapshot", "license": "CC BY 3.0 DE", "sample": False}


def _rendered(tmp_path: Path, charts: list[dict], figures: list[dict], **kw):
    from lichtenberg_data.briefing.pdf import render_pdf

    datasets: dict[str, dict] = {}
    for item in [*charts, *figures]:
        for d in item["datasets"]:
            datasets.setdefault(d["dataset"], {**d, "sections": []})
    pdf = tmp_path / "b.pdf"
    result = render_pdf(pdf, year=2026, district=kw.pop("district", "Lichtenberg"), charts=charts, figures=figures,
                        datasets=list(datasets.values()), notebooks=[], sample=False, other_sources=[], **kw)
    return result, PdfReader(pdf), [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(pdf).pages]


@pytest.mark.slow  # 0.5 s on 2 cores
def test_a_section_lists_each_source_once_and_its_charts_cite_the_list(tmp_path):
    """Four retail charts on the same residents and LOR: the section names each source once."""
    charts = [{**_chart(tmp_path, f"karte-{i}", "einzelhandel", [EWR, LOR]), "order": i} for i in range(4)]
    pages = _rendered(tmp_path, charts, [_figure("einzelhandel", "Einwohner/innen", [EWR])])[2]
    text = " ".join(pages)
    assert _section_sources(text) == [
        "Amt für Statistik Berlin-Brandenburg, Einwohnerregisterstatistik, Stand 31.12.2025; Lizenz: CC BY 3.0 DE; "
        "abgerufen am 19.07.2026",
        "Amt für Statistik Berlin-Brandenburg / SenStadt, Lebensweltlich orientierte Räume (LOR) (01.01.2021), "
        "Stand 01.01.2021; Lizenz: CC BY 3.0 DE; abgerufen am 22.06.2026"]
    assert text.count("Einwohnerregisterstatistik, Stand 31.12.2025") == 1
    for i in range(4):
        assert f"Abbildung {i + 1}: Grafik karte-{i}. – Quellen [1, 2]" in text
    assert "Quelle [1]" in text  # the key-figure table


@pytest.mark.slow  # 0.5 s on 2 cores
def test_the_pdf_has_bookmarks_per_section_and_chart_title_author_and_selectable_text(tmp_path):
    charts = [_chart(tmp_path, "einwohner", "ueberblick", [EWR]), _chart(tmp_path, "zentren", "einzelhandel", [EWR])]
    result, reader, pages = _rendered(tmp_path, charts, [], district="Marzahn-Hellersdorf")
    outline = [(o.title if not isinstance(o, list) else [c.title for c in o]) for o in reader.outline]
    assert outline == ["1 Überblick", ["Abbildung 1: Grafik einwohner."], "2 Einzelhandel und Zentren",
                       ["Abbildung 2: Grafik zentren."], "Noch nicht enthalten", "Anhang: Verwendete Datensätze"]
    assert reader.metadata.title == "Klausur-Briefing 2026 – Bezirk Marzahn-Hellersdorf"
    assert reader.metadata.author == "Bezirksamt Marzahn-Hellersdorf, Wirtschaftsförderung"
    assert "Abbildung 2: Grafik zentren." in " ".join(pages)  # captions are text, not pixels
    assert result.figure_numbers == {"einwohner": 1, "zentren": 2}
    assert [p["part"] for p in result.pages] == ["cover", "ueberblick", "einzelhandel", "missing", "appendix"]


@pytest.mark.slow  # 0.5 s on 2 cores
def test_half_width_charts_stand_side_by_side_and_the_parts_missing_one_dataset_share_a_box(tmp_path):
    charts = [{**_chart(tmp_path, f"karte-{i}", "fachkraefte", [EWR]), "order": i} for i in (1, 2)]
    missing = [{"dataset": "beschaeftigte_bezirke", "title": "Beschäftigte", "section": "fachkraefte",
                "heading": heading, "order": order, "notebook": "fachkraefte", "loaded": False}
               for heading, order in (("6 Sozialversicherungspflichtig Beschäftigte", 3),
                                      ("8 Frauen in Führungspositionen", 4))]
    result, reader, pages = _rendered(tmp_path, charts, [], missing_data=missing)
    page = next(p for p in pages if p.startswith("1 Fachkräfte"))
    assert "Abbildung 1: Grafik karte-1." in page and "Abbildung 2: Grafik karte-2." in page
    images = [op for op in reader.pages[1].images]
    assert len(images) == 2
    assert ("„6 Sozialversicherungspflichtig Beschäftigte“ und „8 Frauen in Führungspositionen“ fehlen: "
            "Der Datensatz Beschäftigte (beschaeftigte_bezirke) ist nicht geladen.") in page
    assert page.count("lichtenberg-data import beschaeftigte_bezirke DATEI") == 1
    (used,) = [p["used_cm"] for p in result.pages if p["part"] == "fachkraefte"]
    assert 5 < used < 12  # one row of two 2.5 cm charts, captions, the box, the sources


@pytest.mark.slow  # 0.5 s on 2 cores
def test_the_appendix_names_a_history_of_editions_in_one_entry(tmp_path):
    editions = [{"file": f"EWR{y}12E_Matrix.csv", "reference_date": f"{y}-12-31", "retrieved_at": "2023-08-23",
                 "arrived": "snapshot"} for y in range(2001, 2021)]
    editions.append({"file": "EWR_L21_202512E_Matrix.csv", "reference_date": "2025-12-31",
                     "retrieved_at": "2026-07-19", "arrived": "snapshot"})
    history = {**EWR, "editions": editions}
    text = " ".join(_rendered(tmp_path, [_chart(tmp_path, "a", "ueberblick", [history])], [])[2])
    appendix = text[text.rindex("Anhang: Verwendete Datensätze"):]
    assert ("21 Ausgaben, Stand 31.12.2001 bis 31.12.2025, aus 21 Dateien; neueste: EWR_L21_202512E_Matrix.csv · "
            "aus dem mitgelieferten Datenstand, abgerufen am 19.07.2026") in appendix
    assert "EWR200512E_Matrix.csv" not in appendix  # the older files are in the workbook


@pytest.mark.slow  # 1.0 s on 2 cores
def test_the_pages_of_findings_and_goals_come_after_the_cover_with_bookmarks(tmp_path):
    """Without findings neither page; with them the summary and the goals follow the cover, in the
    outline and the contents, and the summary points to the chart's number."""
    from lichtenberg_data.briefing import findings

    charts = [_chart(tmp_path, "zentren", "einzelhandel", [EWR]), _chart(tmp_path, "einwohner-verlauf", "ueberblick", [EWR])]
    assert "Das Wichtigste in Kürze" not in " ".join(_rendered(tmp_path, charts, [])[2])
    figure = {"id": "einwohner", "section": "ueberblick", "label": "Einwohnerinnen und Einwohner", "unit": "",
              "decimals": 0, "current": 318261, "previous": 296837, "when": "2025-12-31", "previous_when": "2020-12-31",
              "subject": "Lichtenberg", "subject_id": "11", "detail": "", "sample": False, "datasets": [EWR],
              "reference": {"id": "00", "name": "Berlin", "current": 3913644, "previous": 3769962},
              "series": [["2020-12-31", 296837], ["2025-12-31", 318261]], "chart": "einwohner-verlauf"}
    found = findings.build([figure], peers=[], charts=[c["name"] for c in charts])
    result, reader, texts = _rendered(tmp_path, charts, [figure], findings=found)
    assert texts[1].startswith("Das Wichtigste in Kürze")
    assert "Einwohnerinnen und Einwohner (31.12.2025), um 7,2 % – stärker als Berlin (+3,8 %). → Abb. 1" in texts[1]
    assert "Abbildung 1: Grafik einwohner-verlauf." in texts[2]  # the overview comes first, whatever the chart order
    assert [o.title for o in reader.outline if not isinstance(o, list)][:3] == [
        "Das Wichtigste in Kürze", "Stand der Ziele", "1 Überblick"]
    assert "Das Wichtigste in Kürze Seite 2" in texts[0] and "Stand der Ziele Seite 2" in texts[0]
    assert [p["part"] for p in result.pages][:3] == ["cover", "summary", "ueberblick"]


@pytest.mark.slow  # 0.8 s on 2 cores
def test_a_long_paper_drawn_in_two_processes_is_the_paper_drawn_in_one(tmp_path, monkeypatch):
    """The second half of the pages drawn by a forked copy (as for the 25-page demo paper) gives the
    same pages, texts, images, outline and metadata as one process drawing them all."""
    from lichtenberg_data.briefing import _drawing as paper

    charts = [{**_chart(tmp_path, f"karte-{i}", section, [EWR]), "order": i}
              for i, section in enumerate(("ueberblick", "fachkraefte", "einzelhandel", "tourismus"))]
    forks = []
    real_fork = paper._draw_forked
    monkeypatch.setattr(paper, "_draw_forked", lambda *a: forks.append(a[2]) or real_fork(*a))
    monkeypatch.setattr(paper, "_SPLIT_PAGES", 2)
    monkeypatch.setattr(paper, "_can_fork", lambda: False)
    one = _rendered(tmp_path / "one", charts, [])
    monkeypatch.setattr(paper, "_can_fork", lambda: True)
    two = _rendered(tmp_path / "two", charts, [])
    assert forks == [range(4, 8)]  # pages 4-7 of 7 in the copy
    assert len(two[1].pages) == len(one[1].pages) == 7 and two[2] == one[2]
    drawn = [[p.get_contents().get_data().count(b" Do") for p in paper_.pages] for paper_ in (one[1], two[1])]
    assert drawn[0] == drawn[1] == [0, 1, 1, 1, 1, 0, 0]  # the images drawn on each page
    titles = [[o.title for o in (x if isinstance(x, list) else [x])] for x in two[1].outline]
    assert titles == [[o.title for o in (x if isinstance(x, list) else [x])] for x in one[1].outline]
    assert two[1].get_destination_page_number(two[1].outline[-1]) == 6  # the appendix, on the copy's last page
    assert two[1].metadata.title == one[1].metadata.title == "Klausur-Briefing 2026 – Bezirk Lichtenberg"
    assert not list((tmp_path / "two").glob(".b.pdf.draft*"))


@pytest.mark.slow  # draws the paper twice, forks
def test_what_is_done_meanwhile_runs_while_the_copy_draws_the_larger_part_and_sees_the_figure_numbers(
        tmp_path, monkeypatch):
    """A build writes its workbook while the pages are drawn: this process calls it after starting
    the copy, which draws the larger part (:data:`_OWN_SHARE`); it gets the sections and figure numbers
    the layout settled, and the paper is the one drawn without it."""
    from lichtenberg_data.briefing import _drawing as paper

    charts = [{**_chart(tmp_path, f"karte-{i}", section, [EWR]), "order": i}
              for i, section in enumerate(("ueberblick", "fachkraefte", "einzelhandel", "tourismus"))]
    events: list[tuple] = []
    real_fork = paper._draw_forked
    monkeypatch.setattr(paper, "_draw_forked", lambda *a: events.append(("copy draws", a[2])) or real_fork(*a))
    monkeypatch.setattr(paper, "_SPLIT_PAGES", 2)
    monkeypatch.setattr(paper, "_can_fork", lambda: True)
    monkeypatch.setattr(paper, "_OWN_SHARE", 0.3)
    plain = _rendered(tmp_path / "plain", charts, [])
    assert events == [("copy draws", range(4, 8))]  # 7 pages: the copy draws the second half
    events.clear()
    meanwhile = _rendered(tmp_path / "meanwhile", charts, [], meanwhile=lambda r: events.append(
        ("meanwhile", r.present, dict(r.figure_numbers), r.pages)))
    assert events == [("copy draws", range(3, 8)),  # this process 2 pages (3/10), the copy 5
                      ("meanwhile", ["ueberblick", "fachkraefte", "einzelhandel", "tourismus"],
                       {"karte-0": 1, "karte-1": 2, "karte-2": 3, "karte-3": 4}, [])]
    assert meanwhile[2] == plain[2] and meanwhile[0].figure_numbers == plain[0].figure_numbers


@pytest.mark.parametrize("report", ["read", "unreadable"])
def test_what_the_page_check_finds_is_reported_per_page_also_from_the_forked_copy(tmp_path, monkeypatch, report):
    """Two texts put on one another on the last of eight pages, which the forked copy draws: the
    report names that page and both texts; nothing of the copy's report stays beside the PDF. A
    report the copy left unreadable: this process draws those pages again and finds the same."""
    from lichtenberg_data.briefing import _drawing as paper
    from lichtenberg_data.briefing._layout import _Doc, _put

    if report == "unreadable":  # the copy (a fork of this process) writes a cut report
        monkeypatch.setattr(paper.json, "dumps", lambda found: '{"8": ["text')

    doc = _Doc()
    for _ in range(8):
        doc.new_page()
        doc.text("Absatz", 10)
    doc.add(lambda fig: _put(fig, 2.5, 2.3, "Absatz darüber", size=10))
    monkeypatch.setattr(paper, "_can_fork", lambda: True)
    forks = []
    real_fork = paper._draw_forked
    monkeypatch.setattr(paper, "_draw_forked", lambda *a: forks.append(a[2]) or real_fork(*a))
    found = paper._write(tmp_path / "k.pdf", doc, title="Klausur-Briefing", author="", subject="")
    assert forks == [range(5, 9)]
    assert found == {8: ["text 'Absatz' overlaps the text 'Absatz darüber'"]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.pdf"]


@pytest.mark.slow
def test_the_profile_switch_writes_where_each_kernel_spent_its_time(tmp_path, monkeypatch):
    """LICHTENBERG_BRIEFING_PROFILE=DIR: each kernel writes a pyinstrument profile of its cells."""
    from lichtenberg_data.briefing.kernel import PROFILE_VAR

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "00_ueberblick.ipynb",
              "def zaehle_langsam():\n    return sum(i * i for i in range(3_000_000))\n\nzaehle_langsam()")
    monkeypatch.setenv(PROFILE_VAR, str(tmp_path / "profile"))
    briefing.run(2025, tmp_path / "out", notebooks_dir=notebooks, district="Lichtenberg", timeout=120)
    text = (tmp_path / "profile" / "00_ueberblick.txt").read_text(encoding="utf-8")
    assert "zaehle_langsam" in text
    assert (tmp_path / "profile" / "00_ueberblick.pyisession").stat().st_size > 0


def test_a_process_with_other_threads_draws_the_whole_paper_itself():
    """A Jupyter kernel calling briefing.run has threads of its own: no forked copy there."""
    import threading

    from lichtenberg_data.briefing import _drawing as paper

    alone = paper._can_fork()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert paper._can_fork() is False
    finally:
        stop.set()
        other.join()
    assert paper._can_fork() is alone
