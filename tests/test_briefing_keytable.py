"""The key-figure table of a section (briefing/_keytable.py), drawn into a PDF and read back; every
page checked as it is drawn (briefing/pdf.py)."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from lichtenberg_data.briefing import pdf as paper
from lichtenberg_data.briefing._keytable import key_table
from lichtenberg_data.briefing._layout import _Doc
from lichtenberg_data.briefing._sources import SectionSources
from lichtenberg_data.briefing.peers import Comparison

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


@pytest.mark.slow  # 2.5 s: 30 small PDFs
def test_the_heading_and_header_row_stay_with_the_first_row(tmp_path):
    """Wherever the table starts near the foot of a page, „Kennzahlen“ and the header row never
    stand alone there: they move to the next page with the first row."""
    from lichtenberg_data.briefing._layout import A4_CM, BOTTOM_CM

    for start in [A4_CM[1] - BOTTOM_CM - 0.1 * i for i in range(1, 31)]:  # the last 3 cm of a page
        doc = _Doc()
        doc.new_page()
        doc.y = start
        key_table(doc, FIGURES[1:], SectionSources(), Comparison(["10"]))
        paper._write(tmp_path / "k.pdf", doc, title="Klausur-Briefing", author="", subject="")
        pages = [(p.extract_text() or "").splitlines() for p in PdfReader(tmp_path / "k.pdf").pages]
        first = next(i for i, p in enumerate(pages) if "Kennzahl Vorwert Aktuell Veränderung" in p)
        assert any(line.startswith("Eintritte ins Erwerbsalter") for line in pages[first]), (start, pages)
        assert pages[first].count("Kennzahl Vorwert Aktuell Veränderung") == 1


def test_a_value_wider_than_the_table_leaves_the_label_its_room(tmp_path):
    """An outsized unit: the value columns share what a label of 5 cm leaves, the value is broken
    and nothing runs into anything (the label column had -44.7 cm before)."""
    from lichtenberg_data.briefing._keytable import _columns, figure_cells

    figure = {**FIGURES[0], "unit": "sozialversicherungspflichtig Beschäftigte je 1.000 Einwohnerinnen und Einwohner"}
    widths = [w for _, w, _ in _columns([("Kennzahl", "Vorwert", "Aktuell", "Veränderung"), figure_cells(figure)], 8.0)]
    assert widths[0] == pytest.approx(5.0) and sum(widths) == pytest.approx(16.0)
    doc = _Doc()
    doc.new_page()
    key_table(doc, [figure], SectionSources(), Comparison(["10"]))
    assert paper._write(tmp_path / "k.pdf", doc, title="Klausur-Briefing", author="", subject="") == {}
    lines = (PdfReader(tmp_path / "k.pdf").pages[0].extract_text() or "").splitlines()
    assert lines[2:5] == ["Einwohnerinnen und Einwohner", "je km²", "5.698"], lines  # the label in its 5 cm
