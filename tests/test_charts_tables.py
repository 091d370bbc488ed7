"""Tables drawn as charts (charts/tables.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from lichtenberg_data import charts  # noqa: E402
from lichtenberg_data.charts.check import canvas_renderer, problems  # noqa: E402

AFS = {"dataset": "einwohner_lor", "publisher": "Amt für Statistik Berlin-Brandenburg",
       "source_title": "Einwohnerregisterstatistik", "reference_date": "2025-12-31", "license": "CC BY 3.0 DE"}


def _centres(n: int) -> pd.DataFrame:
    df = pd.DataFrame({"zentrum": [f"Zentrum {i}" for i in range(n)], "ew": [12319 - 400 * i for i in range(n)],
                       "anteil": [9.5 + i for i in range(n)]})
    df.attrs["provenance"] = [AFS]
    return df


LONG = ("Einkaufszentren in Lichtenberg und ihre Einwohnerinnen und Einwohner im Umkreis von 500 Metern",
        "Einwohner/innen im Umkreis von 500 m Luftlinie am 31.12.2025; Anteil der 65-Jährigen und Älteren in Prozent")


@pytest.mark.parametrize(("rows", "width", "title", "subtitle"), [
    (4, "full", "Einkaufszentren in Lichtenberg", "Einwohner/innen im Umkreis"),  # the paper's Huff table
    (21, "full", "Einkaufszentren in Lichtenberg", "Einwohner/innen im Umkreis"),  # ... and its table of centres
    (1, "half", *LONG), (40, "full", *LONG)])  # texts of three lines at half width: the figure grows
def test_a_table_fills_its_chart_without_a_blank_band(rows, width, title, subtitle):
    """The rows fill the plot from the subtitle down to the source line: the paper's two tables
    had 2-3 cm of white under their last row (row heights fixed before the title took its room);
    a title and subtitle of several lines make the figure taller, not the rows lower."""
    fig, ax = charts.table(_centres(rows), {"zentrum": "Zentrum", "ew": "EW 500 m", "anteil": "65+ %"},
                           decimals={"anteil": 1}, title=title, subtitle=subtitle, source=_centres(1), width=width)
    fig.draw_without_rendering()
    renderer = canvas_renderer(fig)
    table, plot = ax.tables[0].get_window_extent(renderer), ax.get_window_extent(renderer)
    px_per_cm = fig.dpi / 2.54
    assert abs(table.y0 - plot.y0) / px_per_cm < 0.02 and abs(plot.y1 - table.y1) / px_per_cm < 0.02
    row_cm = table.height / (rows + 1) / px_per_cm
    assert 0.35 <= row_cm <= 0.6
    cells = ax.tables[0].get_celld()
    assert cells[1, 1].get_text().get_text() == "12.319" and cells[1, 2].get_text().get_text() == "9,5"
    assert cells[1, 0].get_text().get_fontsize() == 6.5
    assert problems(fig) == []
