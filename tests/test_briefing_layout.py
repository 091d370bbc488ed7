"""The flow layout of the briefing PDF (briefing/_layout.py), the key-figure table laid out with it
(briefing/_keytable.py) and the check of every page as it is drawn (briefing/pdf.py)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from lichtenberg_data.briefing import pdf as paper
from lichtenberg_data.briefing._keytable import key_table
from lichtenberg_data.briefing._layout import A4_CM, PT_PER_CM, _Doc, _put, _wrapped
from lichtenberg_data.briefing._sources import SectionSources
from lichtenberg_data.briefing.peers import Comparison


def _drawn_heights_cm(texts: list[tuple[str, float, str]]) -> list[float]:
    """The heights of ``texts`` (text, size, weight) as PdfPages draws them onto a page."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from lichtenberg_data.charts.style import style

    page = Figure(figsize=(A4_CM[0] / 2.54, A4_CM[1] / 2.54))
    for i, (text, size, weight) in enumerate(texts):
        _put(page, 1.0 + 3 * (i % 6), 1.0 + 5 * (i // 6), text, size=size, weight=weight)
    heights: list[float] = []
    page.canvas.mpl_connect("draw_event", lambda event: heights.extend(
        t.get_window_extent(event.renderer).height / PT_PER_CM for t in page.texts))
    with style(), PdfPages(io.BytesIO()) as pdf:
        pdf.savefig(page)
    return heights


def test_a_text_block_is_as_high_as_the_pdf_sets_it():
    """The layout reserves for each block the height the PDF draws: the PDF backend measures lines
    unhinted at 72 dpi (a block of 8 pt lines is 7 % higher than on a 100 dpi raster, where the
    layout used to measure, and ran into the next block: the appendix, the key-figure tables)."""
    texts = [("Quelle: https://github.com/open-data-product/ " * n, size, weight)
             for size, weight in ((6.5, "normal"), (7, "normal"), (7.5, "bold"), (8, "normal"), (9, "normal"),
                                  (10, "normal"), (11, "bold"), (17, "bold"))
             for n in (1, 3)]
    laid_out = [_wrapped(text, 4.0, size, weight) for text, size, weight in texts]
    drawn = _drawn_heights_cm([(lines, size, weight) for (lines, _), (_, size, weight) in zip(laid_out, texts)])
    assert max(lines.count("\n") + 1 for lines, _ in laid_out) >= 5  # blocks of one line and of several
    assert drawn == pytest.approx([h for _, h in laid_out], abs=0.005)


FIGURES = [  # two rows of the real paper (2025): long labels, a two-line change, a unit on every value
    {"id": "einwohnerdichte", "section": "ueberblick", "label": "Einwohnerinnen und Einwohner je km²",
     "unit": "je km²", "decimals": 0, "current": 6109.6, "previous": 5698.3, "when": "2025-12-31",
     "previous_when": "2020-12-31", "subject_id": "11", "reference": {"id": "00", "name": "Berlin", "current": 4394.1},
     "bezirke": {"10": {"name": "Marzahn-Hellersdorf", "current": 4802.1}, "11": {"name": "Lichtenberg", "current": 6109.6}},
     "datasets": [], "sample": False},
    {"id": "eintritte_erwerbsalter_10j", "section": "fachkraefte", "unit": "", "decimals": 0, "current": 43606.7,
     "previous": None, "label": "Eintritte ins Erwerbsalter in zehn Jahren (werden 15; Modellrechnung, keine Prognose)",
     "when": "31.12.2025–31.12.2035", "subject_id": "11", "reference": {"id": "00", "name": "Berlin", "current": 462259},
     "bezirke": {"10": {"name": "Marzahn-Hellersdorf", "current": 40312}, "11": {"name": "Lichtenberg", "current": 43606.7}},
     "datasets": [], "sample": False},
]


def test_the_key_figure_table_keeps_every_line_clear_of_the_next(tmp_path):
    """Labels of three lines, changes of two and the comparison line under each row: nothing runs
    into anything (the page check of the PDF finds nothing), and no value is broken: „5.698 je km²“
    stands on one line (the value columns are as wide as their widest value)."""
    doc = _Doc()
    doc.new_page()
    key_table(doc, FIGURES, SectionSources(), Comparison(["10"]))
    found = paper._write(tmp_path / "k.pdf", doc, title="Klausur-Briefing", author="", subject="")
    assert found == {}
    lines = (PdfReader(tmp_path / "k.pdf").pages[0].extract_text() or "").splitlines()
    assert any(re.search(r"5\.698 je km²\s+6\.110 je km²", line) for line in lines), lines
    assert "Vergleich: Berlin: 4.394 je km² · Marzahn-Hellersdorf: 4.802 je km² · Rang 1 von 2 Bezirken" in lines
    assert "Vergleich: Berlin: 462.259 · Marzahn-Hellersdorf: 40.312 · Rang 1 von 2 Bezirken" in lines


def test_what_the_page_check_finds_is_reported_per_page_also_from_the_forked_copy(tmp_path, monkeypatch):
    """Two texts put on one another on the last of eight pages, which the forked copy draws: the
    report names that page and both texts; nothing of the copy's report stays beside the PDF."""
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


def test_a_key_figure_table_running_on_to_the_next_page_repeats_its_headings(tmp_path):
    """30 rows do not fit on one page: the page they run on to starts with the column headings."""
    doc = _Doc()
    doc.new_page()
    key_table(doc, [{**FIGURES[0], "label": f"Kennzahl {i}"} for i in range(30)], SectionSources(), Comparison(["10"]))
    assert paper._write(tmp_path / "k.pdf", doc, title="Klausur-Briefing", author="", subject="") == {}
    pages = [(p.extract_text() or "").splitlines() for p in PdfReader(tmp_path / "k.pdf").pages]
    assert len(pages) == 2
    assert pages[0][:2] == ["Kennzahlen", "Kennzahl Vorwert Aktuell Veränderung"]
    assert pages[1][0] == "Kennzahl Vorwert Aktuell Veränderung"
    rows = [line for page in pages for line in page if line.startswith("Kennzahl ") and "je km²" in line]
    assert len(rows) == 30  # every row once


@pytest.mark.parametrize("current", [762415, 1878299, 5698.3])
def test_a_value_wider_than_its_column_heading_stays_on_one_line(tmp_path, current):
    """A value column widened to its widest value holds that value on one line: „762.415 je km²“
    (2,4 cm) used to be broken into „762.415 je“ and „km²“ by a rounding error of the wrapping."""
    doc = _Doc()
    doc.new_page()
    key_table(doc, [{**FIGURES[0], "previous": None, "current": current}], SectionSources(), Comparison(["10"]))
    paper._write(tmp_path / "k.pdf", doc, title="Klausur-Briefing", author="", subject="")
    text = PdfReader(tmp_path / "k.pdf").pages[0].extract_text() or ""
    value = f"{current:,.0f}".replace(",", ".") + " je km²"
    assert any(value in line for line in text.splitlines()), text.splitlines()[:6]
