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


def test_a_blocks_height_from_its_glyphs_is_the_one_matplotlibs_text_gives():
    """The layout stacks a block's lines from its glyphs' boxes (cached) instead of laying out a
    matplotlib Text each time: the same heights, to the last bit, for umlauts, capitals with
    accents, descenders, symbols, empty and blank lines, sizes, weights and line spacings."""
    import importlib

    style = importlib.import_module("lichtenberg_data.charts.style")
    texts = ["Einwohnerinnen und Einwohner", "Übergänge „Ä“ – Öffnungszeiten: Größe", "ÉÈÂ Çç Ññ Åå ÿ",
             "gjpqy (Klammern) [eckig] {geschweift} | / \\\\", "1.234,5 € • 12 % ≥ 3 ± 0,5 → ½",
             "Zeile 1\nZeile 2", "oben\n\nunten", "   ", "a\n \nb", "x", "", "\n", "Quelle: Amt für Statistik\nStand: 31.12.2025"]
    fig, renderer = style._pdf_scratch()
    for text in texts:
        for size, weight, spacing in ((6.5, "normal", 1.25), (8, "bold", 1.25), (9, "normal", 1.0),
                                      (11, "bold", 1.5), (17, "bold", 1.25)):
            drawn = fig.text(0, 0, text, fontsize=size, fontweight=weight, linespacing=spacing,
                             family=style._style_family(), parse_math=False)
            expected = float(drawn.get_window_extent(renderer).height)
            drawn.remove()
            assert style._vector_height_pt(text, size, weight, spacing) == expected, (text, size, weight)
