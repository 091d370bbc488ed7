"""The cover of the briefing (briefing/_cover.py)."""

from __future__ import annotations

import io
import re

import pytest
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from pypdf import PdfReader

from lichtenberg_data.briefing._cover import draw_cover, sample_parts
from lichtenberg_data.briefing._layout import A4_CM
from lichtenberg_data.charts.check import problems_when_drawn
from lichtenberg_data.charts.style import style

CONTENTS = [("Das Wichtigste in Kürze", 2), *((f"{i}  Abschnitt {i}", 2 + 3 * i) for i in range(1, 8)),
            ("Anhang: Verwendete Datensätze", 30)]


@pytest.mark.parametrize("n", [3, 30])
def test_the_sample_warning_lists_what_fits_and_counts_the_rest(n):
    """However many sample datasets: the warning, the contents and the foot stand clear of each
    other on the cover; the datasets that do not fit are counted („… und 21 weitere, siehe Anhang“)."""
    datasets = [{"dataset": f"datensatz_{i:02d}", "title": f"Beispielhafter Datensatz Nummer {i}", "sample": True,
                 "sections": ["gewerbe", "tourismus"]} for i in range(n)]
    cover = Figure(figsize=(A4_CM[0] / 2.54, A4_CM[1] / 2.54), layout="none")
    buffer = io.BytesIO()
    with style():
        draw_cover(cover, title="Klausur-Briefing 2026 – Bezirk Lichtenberg", district="Lichtenberg", year=2026,
                   author="Bezirksamt Lichtenberg", sample=True, datasets=datasets, contents=CONTENTS)
        with PdfPages(buffer) as pdf, problems_when_drawn(cover, page=True) as found:
            pdf.savefig(cover)
    assert found == []
    text = " ".join((PdfReader(buffer).pages[0].extract_text() or "").split())
    shown = len(re.findall(r"Beispielhafter Datensatz Nummer \d+", text))
    if n == 3:
        assert shown == 3 and "weitere" not in text
    else:
        assert 3 <= shown < 30 and f"… und {30 - shown} weitere, siehe Anhang." in text
    assert len(sample_parts(datasets)) == n
    assert "Anhang: Verwendete Datensätze Seite 30" in text
