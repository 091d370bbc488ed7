"""The pages of findings and goals and the opening of each section, rendered from hand-made material."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from lichtenberg_data.briefing import findings, goals, pages
from lichtenberg_data.briefing.pdf import render_pdf
from lichtenberg_data.briefing.peers import Comparison

EINWOHNER = {"id": "einwohner", "section": "ueberblick", "label": "Einwohnerinnen und Einwohner", "unit": "",
             "decimals": 0, "current": 318261, "previous": 296837, "when": "2025-12-31",
             "previous_when": "2020-12-31", "subject": "Lichtenberg", "subject_id": "11", "detail": "",
             "reference": {"id": "00", "name": "Berlin", "current": 3913644, "previous": 3769962},
             "bezirke": {"10": {"name": "Marzahn-Hellersdorf", "current": 296687, "previous": 273731},
                         "11": {"name": "Lichtenberg", "current": 318261, "previous": 296837}},
             "series": [["2020-12-31", 296837], ["2025-12-31", 318261]], "sample": False, "datasets": [],
             "source": "Amt für Statistik", "chart": "einwohner-verlauf"}


def _png(path: Path) -> str:
    from PIL import Image

    Image.new("RGB", (600, 300), "white").save(path)
    return str(path)


def _chart(tmp_path: Path, name: str, section: str) -> dict:
    return {"name": name, "section": section, "caption": f"Grafik {name}.", "png_path": _png(tmp_path / f"{name}.png"),
            "width_cm": 16.0, "datasets": [], "sample": False, "notebook": section, "order": 1}


def _render(tmp_path: Path, **kw) -> list[str]:
    charts = [_chart(tmp_path, "karte", "ueberblick"), _chart(tmp_path, "einwohner-verlauf", "ueberblick")]
    built = findings.build([EINWOHNER], peers=["10"], charts=[c["name"] for c in charts])
    numbers: dict[str, int] = {}
    pdf = tmp_path / "b.pdf"
    render_pdf(pdf, year=2026, district="Lichtenberg", charts=charts, figures=[EINWOHNER], datasets=[], notebooks=[],
               sample=False, other_sources=[], findings=built, figure_numbers=numbers,
               comparison=Comparison(["10"], "Vergleichsbezirke: Marzahn-Hellersdorf – der Bezirk, der … am ähnlichsten ist."),
               **kw)
    assert numbers == {"karte": 1, "einwohner-verlauf": 2}
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]


@pytest.mark.slow  # 0.6 s on 2 cores
def test_the_summary_follows_the_cover_and_points_to_the_charts_number(tmp_path):
    text = _render(tmp_path)
    assert text[0].index("Das Wichtigste in Kürze Seite 2") < text[0].index("Stand der Ziele Seite 2")
    summary = text[1]
    assert summary.startswith("Das Wichtigste in Kürze " + pages.GENERATED_NOTE)
    assert ("• Lichtenberg wuchs von 296.837 (31.12.2020) auf 318.261 Einwohnerinnen und Einwohner (31.12.2025), "
            "um 7,2 % – stärker als Berlin (+3,8 %); ähnliche Bezirke: Marzahn-Hellersdorf +8,4 %. → Abb. 2") in summary
    chart_page = next(p for p in text if "Abbildung 2: Grafik einwohner-verlauf." in p)
    assert chart_page  # "Abb. 2" is the chart that shows it


@pytest.mark.slow  # 0.6 s on 2 cores
def test_each_section_opens_with_its_kernaussagen_the_comparison_and_the_key_figures_compared(tmp_path):
    overview = next(p for p in _render(tmp_path) if p.startswith("1 Überblick"))
    assert overview.startswith("1 Überblick Kernaussagen • Lichtenberg wuchs von 296.837")
    assert "Vergleichsbezirke: Marzahn-Hellersdorf" in overview
    assert ("Vergleich: Berlin: 3.913.644 · Marzahn-Hellersdorf: 296.687 · Rang 1 von 2 Bezirken") in overview
    assert overview.index("Kernaussagen") < overview.index("Vergleichsbezirke") < overview.index("Kennzahl Vorwert")


@pytest.mark.slow  # 0.4 s on 2 cores
def test_without_targets_the_goals_page_says_how_to_write_them(tmp_path):
    page = next(p for p in _render(tmp_path) if "Stand der Ziele" in p and not p.startswith("Bezirk"))
    assert "ziele.csv" in page and "einwohner,320.000,2026,,,Wachstumsziel" in page
    assert "lichtenberg-data kennzahlen" in page


@pytest.mark.slow  # 0.7 s on 2 cores
def test_the_goals_table_marks_each_state_with_a_symbol(tmp_path):
    targets = [goals.Target(2, "einwohner", 320000, 2026), goals.Target(3, "einwohner", 330000, 2026),
               goals.Target(4, "uebernachtungen", 2_000_000, 2027)]
    states = goals.evaluate(targets, [EINWOHNER])
    page = next(p for p in _render(tmp_path, goals=states) if "Stand der Ziele" in p and not p.startswith("Bezirk"))
    assert re.search(r"Einwohnerinnen und Einwohner 296\.837 31\.12\.2020 318\.261 31\.12\.2025 320\.000 2026 "
                     r"316\.140 ● auf Kurs", page)
    assert "324.473 ✗ nicht auf Kurs" in page and "Übernachtungen – – 2.000.000 2027 – – fehlt" in page
    assert "✓ erreicht, ● auf Kurs, ✗ nicht auf Kurs" in page


def test_comparison_line_only_for_figures_with_an_id():
    assert pages.comparison_line(EINWOHNER, Comparison(["10"])) == \
        "Vergleich: Berlin: 3.913.644 · Marzahn-Hellersdorf: 296.687 · Rang 1 von 2 Bezirken"
    assert pages.comparison_line({"label": "ohne Kennung", "current": 5}) is None
