"""What mark_chart writes beside a chart and shows in the notebook (briefing/_chart_files.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from lichtenberg_data import charts
from lichtenberg_data.briefing._chart_files import drawn_pixels, write_data


def test_the_shown_chart_comes_from_the_pixels_the_png_was_written_from(tmp_path):
    """While the canvas still holds the 300 dpi drawing of the PNG, the notebook's image is made
    from it (no second decode); once the figure is drawn again, from the file."""
    fig = Figure(figsize=(6.3, 3.5))
    FigureCanvasAgg(fig)  # as pyplot's inline backend gives it (a bare Figure prints on a loaned canvas)
    fig.add_subplot().plot([1, 3, 2])
    (png,) = charts.save(fig, "probe", tmp_path, formats="png")
    with Image.open(png) as saved:
        drawn = drawn_pixels(fig, saved.size)
        assert drawn is not None and drawn.size == saved.size == (1890, 1050)
        assert np.array_equal(np.asarray(drawn), np.asarray(saved.convert("RGBA")))
        fig.canvas.draw()  # at the figure's 100 dpi: the canvas holds another image now
        assert drawn_pixels(fig, saved.size) is None


def test_the_data_of_a_chart_keep_numbers_and_give_every_column_a_unique_text_name(tmp_path):
    frame = pd.DataFrame([[2024, "Lichtenberg", 318261, 1.5], [2025, "Pankow", 3, "k. A."]],
                         columns=[2024, "bezirk", "wert", "wert"])
    back = pd.read_parquet(write_data(frame, tmp_path / "chart.data.parquet"))
    assert back.columns.tolist() == ["2024", "bezirk", "wert", "wert_2"]
    assert back["wert"].tolist() == [318261, 3]  # numbers stay numbers
    assert back["wert_2"].tolist() == ["1.5", "k. A."]  # a column of mixed kinds becomes text
