"""The office's own text (klausur.md): read per section, checked, and shown literally in the PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from lichtenberg_data.briefing import office
from lichtenberg_data.briefing.office import OfficeTextError


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "klausur.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_is_no_text(tmp_path):
    assert office.read(tmp_path / "klausur.md") == {}


def test_one_text_per_section_by_title_or_key(tmp_path):
    got = office.read(_file(tmp_path, "# Klausur 2026\nwird übersprungen\n\n## Fachkräfte\nEinleitung.\n\n"
                                      "### Fragen für die Klausur\n- Wie erreichen wir die 14- bis 18-Jährigen?\n"
                                      "## tourismus\nBeschluss 2025: Tourismuskonzept.\n## Überblick\n\n"))
    assert got == {"fachkraefte": "Einleitung.\n\n### Fragen für die Klausur\n- Wie erreichen wir die 14- bis "
                                  "18-Jährigen?",
                   "tourismus": "Beschluss 2025: Tourismuskonzept."}  # an empty section is no text


def test_an_unknown_heading_names_the_sections(tmp_path):
    with pytest.raises(OfficeTextError) as info:
        office.read(_file(tmp_path, "## Fachkräfte\nText\n\n## Wohnen\nText\n"))
    assert str(info.value) == ("klausur.md line 4: '## Wohnen' names no section of the briefing; use one of: "
                               "## Überblick, ## Fachkräfte, ## Einzelhandel und Zentren, "
                               "## Gewerbeflächen und Unternehmen, ## Tourismus")
    with pytest.raises(OfficeTextError, match="section 'Tourismus' comes twice"):
        office.read(_file(tmp_path, "## Tourismus\na\n## tourismus\nb\n"))


def test_dollar_underscore_and_percent_are_text_in_the_pdf(tmp_path):
    from lichtenberg_data.briefing.pdf import render_pdf

    text = "Budget: $5 Mio_ 100 % für $x_1$ und 50 %_Anteil"
    figure = {"section": "fachkraefte", "label": "Anteil $a_b$ % der Zentren", "current": 5, "previous": None,
              "unit": "", "source": "Eigene Zählung $5_", "datasets": [], "sample": False}
    pdf = tmp_path / "b.pdf"
    render_pdf(pdf, year=2026, district="Lichtenberg", charts=[], figures=[figure], datasets=[], notebooks=[],
               sample=False, other_sources=[], office={"fachkraefte": "### Fragen $1_\n" + text})
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    page = next(p for p in pages if p.startswith("1 Fachkräfte"))
    assert page.startswith("1 Fachkräfte Aus der Wirtschaftsförderung Fragen $1_ " + text)  # literally, at its start
    assert "Anteil $a_b$ % der Zentren" in page and "Eigene Zählung $5_" in page
    assert not re.search(r"Fragen 1\b|x1|ab", page.replace("Anteil $a_b$", ""))  # no mathtext rendering
