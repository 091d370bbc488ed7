"""The house style of every chart: A4 sizes, colours, the style file, text and axis formats.

Shared by the chart forms (:mod:`.lines`, :mod:`.bars`, :mod:`.maps`, …), the title and source line
(:mod:`.finish`) and the briefing PDF (:mod:`lichtenberg_data.briefing.pdf`); the public names
are re-exported by :mod:`lichtenberg_data.charts`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .formats import GermanFormatter, format_number, format_percent, german_date_formatter

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "FULL_WIDTH_CM", "HALF_WIDTH_CM", "DEFAULT_HEIGHT_CM", "CM", "STYLE_PATH", "COLORS",
    "SEQUENTIAL_CMAP", "use_style", "style", "quiet_font_subsetting", "figure", "wrap_text",
]

#: Width of a full-width chart on an A4 page (text width with 2.5 cm margins), in cm.
FULL_WIDTH_CM = 16.0
#: Width of a half-width chart (two side by side with 4 mm between them), in cm.
HALF_WIDTH_CM = 7.8
#: Default heights in cm of a full and a half-width chart (title and source line included).
DEFAULT_HEIGHT_CM = {"full": 8.5, "half": 7.5}
CM = 1 / 2.54

#: The package's matplotlib style file.
STYLE_PATH = Path(__file__).with_name("lichtenberg.mplstyle")

#: The palette (Okabe-Ito based, colour-blind safe): the district stands out in vermillion,
#: Berlin is dark grey, the other districts recede in light grey.
COLORS: dict[str, str] = {
    "highlight": "#D55E00",   # the district (Lichtenberg)
    "berlin": "#4D4D4D",      # Berlin as a whole
    "other": "#BDBDBD",       # the other districts
    "accent": "#0072B2",      # a second series that is not a comparison (blue)
    "accent2": "#E69F00",     # a third series (orange)
    "accent3": "#009E73",     # a fourth series (bluish green)
    "male": "#0072B2",
    "female": "#E69F00",
    "text": "#222222",
    "muted": "#666666",
    "grid": "#E3E3E3",
    "missing": "#F2F2F2",
    "sample": "#B2182B",
}
#: Sequential colour map of choropleths (single hue, readable in grey print).
SEQUENTIAL_CMAP = "Oranges"


# --------------------------------------------------------------------------------------------
# style and figures
# --------------------------------------------------------------------------------------------

def use_style() -> None:
    """Apply the package style to every chart made from now on in this session."""
    mpl.rcParams.update(_style_rc())


@lru_cache(maxsize=1)
def _style_rc() -> dict[str, Any]:
    """The settings of the style file, read once."""
    return dict(mpl.rc_params_from_file(STYLE_PATH, use_default_template=False))


@lru_cache(maxsize=1)
def _style_family() -> str:
    """The first font of the style's ``font.sans-serif`` list that is installed (as matplotlib
    picks it)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _style_rc()["font.sans-serif"] if name in installed), "sans-serif")


@contextmanager
def style() -> Iterator[None]:
    """Context manager applying the package style only inside the ``with`` block."""
    with mpl.rc_context(_style_rc()):
        yield


@contextmanager
def quiet_font_subsetting() -> Iterator[None]:
    """Silence fontTools' INFO chatter while matplotlib embeds fonts in a PDF, and embed lean
    subsets (:func:`_lean_font_subsets`)."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        with _lean_font_subsets():
            yield
    finally:
        logger.setLevel(level)


#: OpenType tables a PDF or PostScript file never uses: the glyphs are placed by matplotlib (with
#: the kerning FreeType reads from the whole font), viewers shape nothing.
_LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern")


class _LeanSubset:
    """fontTools' ``subset`` module as matplotlib uses it, with options that drop the layout tables."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def Options(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - fontTools' name
        options = self._module.Options(*args, **kwargs)
        options.drop_tables += [t for t in _LAYOUT_TABLES if t not in options.drop_tables]
        return options


@contextmanager
def _lean_font_subsets() -> Iterator[None]:
    """Have matplotlib embed font subsets without the OpenType layout tables (GSUB, GPOS, …).

    matplotlib subsets DejaVu Sans for every PDF it writes and keeps those tables, which nothing
    in a PDF reads; pruning them is most of the subsetting time (0.1 s of a chart's 0.26 s PDF).
    The glyphs, their widths and the text as text (ToUnicode) are the same. Works through the
    ``subset`` name of ``matplotlib.backends._backend_pdf_ps``; where a matplotlib version has none,
    nothing changes.
    """
    from matplotlib.backends import _backend_pdf_ps

    module = getattr(_backend_pdf_ps, "subset", None)
    if module is None or isinstance(module, _LeanSubset) or not hasattr(module, "Options"):
        yield
        return
    _backend_pdf_ps.subset = _LeanSubset(module)
    try:
        yield
    finally:
        _backend_pdf_ps.subset = module


def _width_cm(width: str | float) -> float:
    if isinstance(width, str):
        if width not in DEFAULT_HEIGHT_CM:
            raise ValueError(f"width must be 'full', 'half' or a number of cm, got {width!r}")
        return FULL_WIDTH_CM if width == "full" else HALF_WIDTH_CM
    return float(width)


def _canvas(ax: Any, width: str | float, height_cm: float | None) -> tuple[Figure, Any]:
    """The figure of ``ax`` and ``ax``, or a new figure of ``width`` x ``height_cm`` and its axes."""
    if ax is None:
        return figure(width, height_cm)
    return ax.get_figure(), ax


def _map_height_cm(width: str | float) -> float:
    """The default height of a map: 11 cm at full width, 9 cm narrower."""
    return 11.0 if _width_cm(width) >= FULL_WIDTH_CM else 9.0


def figure(width: str | float = "full", height_cm: float | None = None, *, nrows: int = 1,
           ncols: int = 1, **subplot_kw: Any) -> tuple[Figure, Any]:
    """A new figure sized for A4, in the package style.

    Parameters
    ----------
    width
        ``"full"`` (16 cm), ``"half"`` (7.8 cm) or a width in cm.
    height_cm
        Total height in cm, title and source line included; default 8.5 cm (full) or 7.5 cm
        (half).
    nrows, ncols, **subplot_kw
        Passed to :func:`matplotlib.pyplot.subplots` (``sharex``, ``sharey``, ...).

    Returns
    -------
    (Figure, Axes or array of Axes)
    """
    w = _width_cm(width)
    if height_cm is None:
        height_cm = DEFAULT_HEIGHT_CM.get(width if isinstance(width, str) else "full", DEFAULT_HEIGHT_CM["full"])
    with style():
        fig, ax = plt.subplots(nrows, ncols, figsize=(w * CM, height_cm * CM),
                               layout="constrained", **subplot_kw)
    return fig, ax


# --------------------------------------------------------------------------------------------
# text measuring and wrapping
# --------------------------------------------------------------------------------------------

#: Text in a figure is measured as drawn at 100 dpi, the screen resolution of a figure (hinting
#: makes some sizes a little wider, others narrower than in print; the chart check measures the
#: drawn figure). Text set by a PDF page is measured with the font's own advances
#: (``wrap_text(..., vector=True)``).
_MEASURE_DPI = 100


@lru_cache(maxsize=1)
def _scratch() -> tuple[Figure, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(dpi=_MEASURE_DPI)
    canvas = FigureCanvasAgg(fig)
    return fig, canvas.get_renderer()


@lru_cache(maxsize=8192)
def _text_size_pt(text: str, size: float, weight: str = "normal",
                  linespacing: float = 1.25) -> tuple[float, float]:
    """Width and height in points of ``text`` as matplotlib draws it (in the package's font).

    The font is named explicitly rather than by entering :func:`style` (which costs more than
    the measuring); sizes are cached, as wrapping measures the same words again and again.
    """
    fig, renderer = _scratch()
    t = fig.text(0, 0, text, fontsize=size, fontweight=weight, linespacing=linespacing,
                 family=_style_family(), parse_math=False)
    bbox = t.get_window_extent(renderer)
    t.remove()
    return bbox.width * 72 / _MEASURE_DPI, bbox.height * 72 / _MEASURE_DPI


@lru_cache(maxsize=1)
def _pdf_scratch() -> tuple[Figure, Any]:
    import io

    from matplotlib.backends.backend_pdf import PdfFile, RendererPdf

    return Figure(dpi=72), RendererPdf(PdfFile(io.BytesIO()), 72, 842, 595)


@lru_cache(maxsize=8192)
def _vector_height_pt(text: str, size: float, weight: str = "normal", linespacing: float = 1.25) -> float:
    """Height in points of ``text`` (its lines as they are) as matplotlib's PDF backend sets it.

    The PDF backend measures each line unhinted at 72 dpi, in whole points: a block of lines is
    up to 7 % taller (6.5, 7.5, 8 pt) or shorter (7, 9, 10 pt) than at 100 dpi
    (:func:`_text_size_pt`), so a page laid out with the raster's heights has lines running into
    the next text. The pages of the briefing are laid out with these heights (widths:
    :func:`_vector_width_pt`).

    The block is stacked as matplotlib's ``Text`` stacks its lines (at least the height of "lp"
    each, ``linespacing`` apart); a line's height and descent are those of the box around its
    glyphs, which the glyphs' own boxes give (:func:`_glyph_box`, cached): a layout measures
    hundreds of lines, made of a few dozen characters.

    Examples
    --------
    >>> round(_vector_height_pt("Zeile 1\\nZeile 2", 8), 2)
    17.02
    """
    if not text:
        return 0.0  # matplotlib's Text draws nothing and has no box
    lp_h, lp_d = _line_box("lp", size, weight)
    min_dy = (lp_h - lp_d) * linespacing
    y = 0.0
    for i, line in enumerate(text.split("\n")):
        h, d = _line_box(line, size, weight) if line else (0.0, 0.0)
        h, d = max(h, lp_h), max(d, lp_d)
        y = -(h - d) if i == 0 else y - max(min_dy, (h - d) * linespacing)  # the line's baseline
        bottom = y - d
        y = bottom
    return 0.0 - bottom


def _line_box(line: str, size: float, weight: str) -> tuple[float, float]:
    """Height and descent in points of the box around the glyphs of ``line`` as the PDF backend
    measures it: its glyphs' boxes joined (the glyphs only move sideways)."""
    boxes = [_glyph_box(c, size, weight) for c in line]
    top, bottom = max(b[0] for b in boxes), min(b[1] for b in boxes)
    return top - bottom, -bottom


@lru_cache(maxsize=4096)
def _glyph_box(char: str, size: float, weight: str) -> tuple[float, float]:
    """Top and bottom in points (above the baseline) of ``char``'s glyph as the PDF backend
    measures it."""
    from matplotlib.font_manager import FontProperties

    _, renderer = _pdf_scratch()
    prop = FontProperties(family=_style_family(), size=size, weight=weight)
    _, h, d = renderer.get_text_width_height_descent(char, prop, ismath=False)
    return h - d, -d


@lru_cache(maxsize=8192)
def _vector_width_pt(text: str, size: float, weight: str = "normal") -> float:
    """Width in points of one line of ``text`` as a vector backend (PDF, SVG) sets it: the font's
    own advances, without the hinting of a raster at a given resolution (which makes a line up to
    1 % wider or narrower than in print with matplotlib 3.10, up to 3 % wider or 7 % narrower
    with 3.11)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family=_style_family(), size=size, weight=weight)
    return text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0]


def _width_pt(text: str, size: float, weight: str, vector: bool) -> float:
    return _vector_width_pt(text, size, weight) if vector else _text_size_pt(text, size, weight)[0]


def _words_width_pt(words: list[str], size: float, weight: str, vector: bool = False) -> float:
    """Width of ``words`` joined by spaces: the words measured one by one (cached) plus the spaces.

    Measuring each candidate line as a whole is exact but slow (a briefing wraps thousands of
    lines); the sum differs from it only by the kerning at the spaces, a fraction of a point.
    """
    space = _width_pt("a a", size, weight, vector) - _width_pt("aa", size, weight, vector)
    return sum(_width_pt(w, size, weight, vector) for w in words if w) + space * (len(words) - 1)


def wrap_text(text: str, width_pt: float, size: float, weight: str = "normal", *,
              break_words: bool = True, vector: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``width_pt`` points (greedy, by words).

    Existing line breaks are kept; a single word wider than the line is broken at a ``/``
    or, failing that, between characters (unless ``break_words`` is false). ``vector`` measures
    as a PDF sets the text (the pages of the briefing) rather than as a figure draws it.

    Examples
    --------
    >>> wrap_text("Einwohnerinnen und Einwohner am 31.12.2025", 100, 8)
    ['Einwohnerinnen und', 'Einwohner am', '31.12.2025']
    """
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line: list[str] = []
        for word in paragraph.split(" "):
            if _words_width_pt([*line, word], size, weight, vector) <= width_pt:
                line.append(word)
                continue
            if line:
                lines.append(" ".join(line))
            # the word alone does not fit: break it
            while (break_words and len(word) > 1
                   and _width_pt(word, size, weight, vector) > width_pt):
                cut = len(word) - 1
                while cut > 1 and _width_pt(word[:cut], size, weight, vector) > width_pt:
                    cut -= 1
                slash = word.rfind("/", 0, cut)
                if slash > cut // 2:
                    cut = slash + 1
                lines.append(word[:cut])
                word = word[cut:]
            line = [word]
        lines.append(" ".join(line))
    return lines


# --------------------------------------------------------------------------------------------
# axes formatting
# --------------------------------------------------------------------------------------------

def _value_formatter(percent: bool = False, decimals: int | None = None,
                     unit: str = "") -> Any:
    return GermanFormatter(decimals, percent=percent, unit=unit)


def _auto_decimals(values: Any) -> int:
    """One number of decimals for all value labels of a chart: 0 for whole numbers and
    values of 1.000 and more, else 1."""
    vals = np.asarray(values, dtype=float)
    vals = vals[np.isfinite(vals)]
    if not vals.size or np.all(vals == np.round(vals)) or np.nanmax(np.abs(vals)) >= 1000:
        return 0
    return 1


def _fmt_value(v: float, percent: bool, decimals: int | None, unit: str = "") -> str:
    if decimals is None:
        decimals = _auto_decimals([v])
    text = format_percent(v, decimals) if percent else format_number(v, decimals)
    return f"{text} {unit}" if unit and not percent else text


def _format_x(ax: Axes, values: pd.Series, width_cm: float | None = None) -> None:
    """German ticks on a time axis: years as plain integers, dates with German months.

    ``width_cm`` (the axes' approximate width) limits the number of ticks so labels never
    collide: about one tick per 2 cm for years, per 2.6 cm for months.
    """
    if width_cm is None:
        width_cm = ax.get_figure().get_figwidth() * 2.54 - 2.0
    if pd.api.types.is_datetime64_any_dtype(values):
        import matplotlib.dates as mdates

        span_years = (values.max() - values.min()).days / 365.25 if len(values) else 0
        max_ticks = max(2, int(width_cm / 2.6))
        if span_years > 3:
            step = max(1, math.ceil(span_years / max(2, int(width_cm / 1.6))))
            ax.xaxis.set_major_locator(mdates.YearLocator(base=step))
            ax.xaxis.set_major_formatter(german_date_formatter("year"))
        else:
            span_months = max(1.0, span_years * 12)
            step = next((k for k in (1, 2, 3, 4, 6) if span_months / k <= max_ticks), 12)
            ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, step)))
            ax.xaxis.set_major_formatter(german_date_formatter("concise"))
    elif pd.api.types.is_numeric_dtype(values):
        ax.xaxis.set_major_locator(MaxNLocator(nbins=max(2, int(width_cm / 1.6)), integer=True))
        ax.xaxis.set_major_formatter(GermanFormatter(0, grouping=False))


_HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]


def _fit_label(text: str, width_pt: float, size: float, weight: str = "normal") -> str:
    """``text`` on one line if it fits, else broken after a hyphen or at spaces."""
    if _text_size_pt(text, size, weight)[0] <= width_pt:
        return text
    if "-" in text:
        head, tail = text.split("-", 1)
        return f"{head}-\n{_fit_label(tail, width_pt, size, weight)}"
    return "\n".join(wrap_text(text, width_pt, size, weight, break_words=False))


def _highlight(highlight: str | None) -> str:
    if highlight is not None:
        return highlight
    from ..settings import settings

    return settings.district
