"""The flow layout of the briefing PDF (briefing/_layout.py): text measured as the PDF sets it."""

from __future__ import annotations

import io

import pytest

from lichtenberg_data.briefing._layout import A4_CM, PT_PER_CM, _put, _wrapped


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
