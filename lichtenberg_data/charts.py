"""Charts for A4 reports: one style, German number formats, a source line on every chart.

Every chart made here

* uses the package style ``lichtenberg.mplstyle`` (DejaVu Sans, sizes for A4: full text width
  16 cm, half width 7.8 cm), applied by :func:`use_style` or ``with style():``;
* shows the district (``settings.district``, normally Lichtenberg) in one strong colour and
  Berlin and the other districts in greys (:data:`COLORS`, colour-blind safe);
* prints numbers the German way (``1.234,5``; see :mod:`lichtenberg_data._format`);
* has a title, an optional subtitle and, at its foot, the source line built from the
  provenance of the frames it was drawn from (:func:`finish`); charts drawn from generated
  sample data carry a visible "BEISPIELDATEN" mark.

The helpers take tidy frames and return ``(fig, ax)``; give them ``title=`` (and ``subtitle=``)
to finish the chart in one call, or call :func:`finish` afterwards::

    fig, ax = charts.line_vs_berlin(df, "jahr", "beschaeftigte", "bezirk", index_base=2015,
                                    title="Beschäftigte am Wohnort")
    charts.save(fig, "beschaeftigte-index")
    charts.mark_for_briefing(fig, "beschaeftigte-index", "fachkraefte",
                             "Beschäftigung wächst schneller als in Berlin.")
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
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
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from ._format import GermanFormatter, format_number, format_percent, german_date_formatter
from ._provenance import SAMPLE_NOTE, provenance, source_note

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = [
    "FULL_WIDTH_CM", "HALF_WIDTH_CM", "COLORS", "STYLE_PATH", "SAMPLE_MARK", "use_style", "style",
    "figure", "finish", "line_vs_berlin", "ranked_bars", "choropleth", "small_multiples",
    "population_pyramid", "save", "mark_for_briefing", "wrap_text", "GermanFormatter",
]

#: Width of a full-width chart on an A4 page (text width with 2.5 cm margins), in cm.
FULL_WIDTH_CM = 16.0
#: Width of a half-width chart (two side by side with 4 mm between them), in cm.
HALF_WIDTH_CM = 7.8
#: Default heights in cm of a full and a half-width chart (title and source line included).
DEFAULT_HEIGHT_CM = {"full": 10.0, "half": 7.5}
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
#: The mark shown on charts drawn from generated sample data.
SAMPLE_MARK = "BEISPIELDATEN"

TITLE_PT = 10.5
SUBTITLE_PT = 8.5
SOURCE_PT = 6.5
_MARGIN_IN = 0.08       # left/right margin of title and source line
_PAD_PT = 5.0           # space above the title and below the source line
_GAP_PT = 4.0           # space between text blocks and the plot


# --------------------------------------------------------------------------------------------
# style and figures
# --------------------------------------------------------------------------------------------

def use_style() -> None:
    """Apply the package style to every chart made from now on in this session."""
    mpl.style.use(STYLE_PATH)


@contextmanager
def style() -> Iterator[None]:
    """Context manager applying the package style only inside the ``with`` block."""
    with mpl.style.context(STYLE_PATH):
        yield


@contextmanager
def quiet_font_subsetting() -> Iterator[None]:
    """Silence fontTools' INFO chatter while matplotlib embeds fonts in a PDF."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def _width_cm(width: str | float) -> float:
    if isinstance(width, str):
        if width not in DEFAULT_HEIGHT_CM:
            raise ValueError(f"width must be 'full', 'half' or a number of cm, got {width!r}")
        return FULL_WIDTH_CM if width == "full" else HALF_WIDTH_CM
    return float(width)


def figure(width: str | float = "full", height_cm: float | None = None, *, nrows: int = 1,
           ncols: int = 1, **subplot_kw: Any) -> tuple[Figure, Any]:
    """A new figure sized for A4, in the package style.

    Parameters
    ----------
    width
        ``"full"`` (16 cm), ``"half"`` (7.8 cm) or a width in cm.
    height_cm
        Total height in cm, title and source line included; default 10 cm (full) or 7.5 cm
        (half).
    nrows, ncols, **subplot_kw
        Passed to :func:`matplotlib.pyplot.subplots` (``sharex``, ``sharey``, ...).

    Returns
    -------
    (Figure, Axes or array of Axes)
    """
    w = _width_cm(width)
    if height_cm is None:
        height_cm = DEFAULT_HEIGHT_CM.get(width if isinstance(width, str) else "full", 10.0)
    with style():
        fig, ax = plt.subplots(nrows, ncols, figsize=(w * CM, height_cm * CM),
                               layout="constrained", **subplot_kw)
    return fig, ax


# --------------------------------------------------------------------------------------------
# text measuring and wrapping
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _scratch() -> tuple[Figure, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(dpi=72)
    canvas = FigureCanvasAgg(fig)
    return fig, canvas.get_renderer()


def _text_size_pt(text: str, size: float, weight: str = "normal",
                  linespacing: float = 1.25) -> tuple[float, float]:
    """Width and height in points of ``text`` as matplotlib draws it (in the package style)."""
    fig, renderer = _scratch()
    with style():
        t = fig.text(0, 0, text, fontsize=size, fontweight=weight, linespacing=linespacing)
        bbox = t.get_window_extent(renderer)
        t.remove()
    return bbox.width, bbox.height


def wrap_text(text: str, width_pt: float, size: float, weight: str = "normal", *,
              break_words: bool = True) -> list[str]:
    """Break ``text`` into lines no wider than ``width_pt`` points (greedy, by words).

    Existing line breaks are kept; a single word wider than the line is broken at a ``/``
    or, failing that, between characters (unless ``break_words`` is false).
    """
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        words = paragraph.split(" ")
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if _text_size_pt(candidate, size, weight)[0] <= width_pt:
                line = candidate
                continue
            if line:
                lines.append(line)
            # the word alone does not fit: break it
            while (break_words and len(word) > 1
                   and _text_size_pt(word, size, weight)[0] > width_pt):
                cut = len(word) - 1
                while cut > 1 and _text_size_pt(word[:cut], size, weight)[0] > width_pt:
                    cut -= 1
                slash = word.rfind("/", 0, cut)
                if slash > cut // 2:
                    cut = slash + 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


# --------------------------------------------------------------------------------------------
# sources, title, source line, sample mark
# --------------------------------------------------------------------------------------------

def _as_items(source: Any) -> list[Any]:
    if source is None:
        return []
    if isinstance(source, (list, tuple)):
        return list(source)
    return [source]


def _resolve_source(source: Any) -> tuple[str, list[dict[str, Any]]]:
    """The source line and the provenance entries of ``source`` (str, frame(s), entries)."""
    items = _as_items(source)
    texts = [s for s in items if isinstance(s, str) and s.strip()]
    frames = [s for s in items if not isinstance(s, str)]
    entries: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    for f in frames:
        for e in provenance(f):
            key = (e.get("dataset"), e.get("reference_date"), e.get("retrieved_at"))
            if key not in seen:
                seen.add(key)
                entries.append(e)
    line = source_note(entries) if entries else ""
    if texts:
        line = " | ".join([line, *texts]) if line else " | ".join(texts)
    return line, entries


def _remember_sources(fig: Figure, *frames: Any) -> None:
    """Record the provenance of the frames a helper drew on the figure (for finish/briefing)."""
    _, entries = _resolve_source([f for f in frames if f is not None])
    known = list(getattr(fig, "_ld_sources", []))
    for e in entries:
        if e not in known:
            known.append(e)
    fig._ld_sources = known  # type: ignore[attr-defined]


def figure_sources(fig: Figure) -> list[dict[str, Any]]:
    """Provenance entries recorded on a figure by the helpers and :func:`finish`."""
    return list(getattr(fig, "_ld_sources", []))


def finish(fig: Figure, title: str, subtitle: str | None = None, source: Any = None, *,
           sample: bool | None = None) -> Figure:
    """Add the title, subtitle, source line and (for sample data) the sample mark.

    Space for them is reserved at the top and the foot of the figure; the plot area shrinks,
    the figure keeps its size (so a full-width chart stays exactly 16 cm wide).

    Parameters
    ----------
    fig
        The figure.
    title, subtitle
        German title and optional subtitle (e.g. unit and period); both wrap to the width.
    source
        A loaded frame, several frames (list/tuple; their sources are combined), provenance
        entries or a ready source text. ``None`` uses the frames the chart helper was given.
    sample
        Force (``True``/``False``) the "BEISPIELDATEN" mark; ``None`` marks the chart when any
        of its sources is generated sample data.

    Returns
    -------
    Figure
        The same figure; calling :func:`finish` again replaces the texts.
    """
    for artist in getattr(fig, "_ld_finish_artists", []):
        artist.remove()
    if source is None:
        line, entries = _resolve_source(figure_sources(fig))
    else:
        line, entries = _resolve_source(source)
        _remember_sources(fig, entries)
    if sample is None:
        sample = any(e.get("sample") for e in entries)
    if sample and SAMPLE_NOTE not in line:
        line = f"{line} – {SAMPLE_NOTE}" if line else SAMPLE_NOTE

    width_in, height_in = fig.get_size_inches()
    avail_pt = (width_in - 2 * _MARGIN_IN) * 72
    artists = []
    with style():
        def place(text: str, size: float, weight: str, color: str, y_pt: float,
                  top: bool) -> float:
            lines = wrap_text(text, avail_pt, size, weight)
            joined = "\n".join(lines)
            offset = ScaledTranslation(_MARGIN_IN, (-y_pt if top else y_pt) / 72,
                                       fig.dpi_scale_trans)
            artist = fig.text(0, 1 if top else 0, joined, transform=fig.transFigure + offset,
                              ha="left", va="top" if top else "bottom", fontsize=size,
                              fontweight=weight, color=color, linespacing=1.25)
            artists.append(artist)
            return _text_size_pt(joined, size, weight)[1]

        top_pt = _PAD_PT
        top_pt += place(title, TITLE_PT, "bold", COLORS["text"], top_pt, True)
        artists[-1].set_gid("ld-title")
        if subtitle:
            top_pt += 2 + place(subtitle, SUBTITLE_PT, "normal", COLORS["muted"], top_pt + 2, True)
            artists[-1].set_gid("ld-subtitle")
        top_pt += _GAP_PT
        bottom_pt = _PAD_PT
        if line:
            bottom_pt += place(line, SOURCE_PT, "normal", COLORS["muted"], bottom_pt, False)
            artists[-1].set_gid("ld-source")
        bottom_pt += _GAP_PT

        bottom = bottom_pt / 72 / height_in
        top = 1 - top_pt / 72 / height_in
        if sample:
            mark = fig.text(0.5, (bottom + top) / 2, SAMPLE_MARK, ha="center", va="center",
                            rotation=20, fontsize=max(14.0, width_in * 5.5), fontweight="bold",
                            color=COLORS["sample"], alpha=0.22, zorder=100, gid="ld-sample")
            artists.append(mark)
    rect = (0, bottom, 1, max(0.05, top - bottom))
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=rect)
    else:
        fig.set_layout_engine("constrained", rect=rect)
    fig._ld_finish_artists = artists  # type: ignore[attr-defined]
    fig._ld_title = title  # type: ignore[attr-defined]
    fig._ld_source_line = line  # type: ignore[attr-defined]
    fig._ld_sample = bool(sample)  # type: ignore[attr-defined]
    return fig


def _maybe_finish(fig: Figure, title: str | None, subtitle: str | None, source: Any) -> None:
    if title is not None:
        finish(fig, title, subtitle, source)


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
    from .settings import settings

    return settings.district


# --------------------------------------------------------------------------------------------
# line chart: the district against Berlin over time
# --------------------------------------------------------------------------------------------

def _index(df: pd.DataFrame, x: str, y: str, group: str, base: Any) -> pd.Series:
    out = pd.Series(np.nan, index=df.index, dtype=float)
    for name, part in df.groupby(group, sort=False):
        xs = part[x]
        if pd.api.types.is_datetime64_any_dtype(xs) and isinstance(base, (int, np.integer)):
            at = part[xs.dt.year == base]
        else:
            at = part[xs == base]
        if at.empty or not np.isfinite(at[y].iloc[0]) or at[y].iloc[0] == 0:
            raise ValueError(f"index_base {base!r}: no usable {y!r} value for {group}={name!r}")
        out.loc[part.index] = part[y].astype(float) / float(at[y].iloc[0]) * 100
    return out


def _draw_groups(ax: Axes, data: pd.DataFrame, x: str, y: str, group: str, highlight: str,
                 berlin: str, label_last: bool, percent: bool, decimals: int | None) -> list:
    """Draw one line per group: others light grey, Berlin dark grey, the district on top."""
    handles = []
    others = [g for g in data[group].unique() if g not in (highlight, berlin)]
    for g in others:
        part = data[data[group] == g].sort_values(x)
        ax.plot(part[x], part[y], color=COLORS["other"], lw=0.9, zorder=1)
    if others:
        handles.append(Line2D([], [], color=COLORS["other"], lw=0.9, label="übrige Bezirke"))
    if decimals is None:
        decimals = _auto_decimals(data.loc[data[group].isin([highlight, berlin]), y])
    ends = []
    for g, color, lw, z in ((berlin, COLORS["berlin"], 1.4, 2), (highlight, COLORS["highlight"], 2.2, 3)):
        part = data[data[group] == g].sort_values(x)
        if part.empty:
            continue
        (line,) = ax.plot(part[x], part[y], color=color, lw=lw, zorder=z, label=g)
        handles.append(line)
        last = part.dropna(subset=[y]).tail(1)
        if label_last and not last.empty:
            ax.plot(last[x], last[y], "o", color=color, ms=3.2, zorder=z)
            ends.append([last[x].iloc[0], float(last[y].iloc[0]), color])
    if len(ends) == 2:  # keep the two end labels apart
        lo, hi = ax.get_ylim()
        axes_pt = ax.get_figure().get_figheight() * 72 * 0.55  # rough height of the plot
        min_gap = 9.5 / axes_pt * (hi - lo)  # one label height
        a, b = sorted(ends, key=lambda e: e[1])
        if b[1] - a[1] < min_gap:
            mid = (a[1] + b[1]) / 2
            a.append(mid - min_gap / 2)
            b.append(mid + min_gap / 2)
    for e in ends:
        ypos = e[3] if len(e) > 3 else e[1]
        ax.annotate(_fmt_value(e[1], percent, decimals), xy=(e[0], ypos), xytext=(5, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=7.5,
                    color=e[2], fontweight="bold", annotation_clip=False)
    return handles[::-1]


def line_vs_berlin(df: pd.DataFrame, x: str, y: str, group: str, highlight: str | None = None,
                   index_base: Any = None, *, berlin: str = "Berlin", percent: bool = False,
                   decimals: int | None = None, ylabel: str | None = None,
                   label_last: bool = True, title: str | None = None,
                   subtitle: str | None = None, source: Any = None, ax: Axes | None = None,
                   width: str | float = "full", height_cm: float | None = None,
                   ) -> tuple[Figure, Axes]:
    """The district against Berlin (and, in grey, the other districts) over time.

    Parameters
    ----------
    df
        Tidy frame: one row per ``x`` (year as int, or date) and ``group`` (district name or
        ``berlin``) with the value ``y``.
    highlight
        The group drawn in the strong colour; default ``settings.district``.
    index_base
        ``None`` draws absolute values; a value of ``x`` (e.g. ``2015``) draws an index with
        that base = 100 for every group.
    berlin
        The group drawn as the Berlin reference.
    percent, decimals
        Values are percent points / fixed decimals for axis and end labels.
    title, subtitle, source
        When ``title`` is given the chart is finished (:func:`finish`); the source line comes
        from ``source`` or else from ``df.attrs["provenance"]``.
    ax, width, height_cm
        Draw into an existing axes, or a new figure of this size.
    """
    highlight = _highlight(highlight)
    data = df[[x, y, group]].copy()
    data[y] = pd.to_numeric(data[y], errors="coerce")
    if index_base is not None:
        data[y] = _index(data, x, y, group, index_base)
    with style():
        if ax is None:
            fig, ax = figure(width, height_cm)
        else:
            fig = ax.get_figure()
        handles = _draw_groups(ax, data, x, y, group, highlight, berlin, label_last,
                               percent and index_base is None, decimals)
        if index_base is not None:
            ax.axhline(100, color=COLORS["muted"], lw=0.7, zorder=0)
            ax.set_ylabel(ylabel or f"Index ({index_base} = 100)")
            ax.yaxis.set_major_formatter(_value_formatter(False, decimals))
        else:
            ax.set_ylabel(ylabel or "")
            ax.yaxis.set_major_formatter(_value_formatter(percent, decimals))
        _format_x(ax, data[x])
        ax.set_xlabel("")
        narrow = fig.get_figwidth() < 12 * CM
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0),
                  ncols=min(2, len(handles)) if narrow else len(handles), borderaxespad=0.2,
                  handlelength=1.4, columnspacing=1.2)
        ax.margins(x=0.02)
    _remember_sources(fig, df)
    _maybe_finish(fig, title, subtitle, source)
    return fig, ax


# --------------------------------------------------------------------------------------------
# ranked bars: the 12 districts
# --------------------------------------------------------------------------------------------

def ranked_bars(df: pd.DataFrame, label: str, value: str, highlight: str | None = None, *,
                berlin: str = "Berlin", ascending: bool = False, percent: bool = False,
                decimals: int | None = None, unit: str = "", xlabel: str | None = None,
                value_labels: bool = True, title: str | None = None,
                subtitle: str | None = None, source: Any = None, ax: Axes | None = None,
                width: str | float = "full", height_cm: float | None = None,
                ) -> tuple[Figure, Axes]:
    """Horizontal bars ranking the districts, the district highlighted.

    A row labelled ``berlin`` is not drawn as a bar but as a dashed reference line.

    Parameters
    ----------
    df
        One row per district: ``label`` (name) and ``value``.
    highlight
        The bar drawn in the strong colour; default ``settings.district``.
    ascending
        Largest value on top (default) or smallest on top.
    percent, decimals, unit
        Formatting of axis and bar labels (percent points; fixed decimals; unit text).
    value_labels
        Print the value at the end of each bar.
    """
    highlight = _highlight(highlight)
    data = df[[label, value]].copy()
    data[value] = pd.to_numeric(data[value], errors="coerce")
    ref = data.loc[data[label] == berlin, value]
    data = data[data[label] != berlin].sort_values(value, ascending=not ascending,
                                                   na_position="first")
    if height_cm is None and ax is None:
        height_cm = max(6.0, 2.6 + 0.52 * len(data))
    with style():
        if ax is None:
            fig, ax = figure(width, height_cm)
        else:
            fig = ax.get_figure()
        ypos = np.arange(len(data))
        names = data[label].astype(str).tolist()
        colors = [COLORS["highlight"] if n == highlight else COLORS["other"] for n in names]
        vals = data[value].to_numpy(dtype=float)
        label_decimals = decimals if decimals is not None else _auto_decimals(
            np.append(vals, ref.to_numpy(dtype=float)))
        ax.barh(ypos, np.nan_to_num(vals), color=colors, height=0.72, zorder=2)
        ax.set_yticks(ypos, names)
        for tick, n in zip(ax.get_yticklabels(), names):
            if n == highlight:
                tick.set_fontweight("bold")
                tick.set_color(COLORS["text"])
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_formatter(_value_formatter(percent, decimals, unit if not percent else ""))
        ax.set_xlabel(xlabel or "")
        finite = vals[np.isfinite(vals)]
        span = (finite.max() - min(0, finite.min())) if finite.size else 1
        if value_labels:
            for yp, v, n in zip(ypos, vals, names):
                text = ("k. A." if not np.isfinite(v)
                        else _fmt_value(v, percent, label_decimals, unit))
                v0 = 0 if not np.isfinite(v) else v
                ax.text(v0 + (0.01 * span if v0 >= 0 else -0.01 * span), yp, text,
                        ha="left" if v0 >= 0 else "right", va="center", fontsize=7,
                        color=COLORS["text"], fontweight="bold" if n == highlight else "normal",
                        zorder=5, path_effects=_HALO)
            lo, hi = ax.get_xlim()
            ax.set_xlim(lo if lo < 0 else 0, hi + 0.12 * span)
        if not ref.empty and np.isfinite(ref.iloc[0]):
            r = float(ref.iloc[0])
            ax.axvline(r, color=COLORS["berlin"], lw=1.0, ls=(0, (4, 2)), zorder=4)
            ax.text(r, 1.0, f" {berlin}: {_fmt_value(r, percent, label_decimals, unit)}",
                    transform=ax.get_xaxis_transform(), ha="left", va="bottom", fontsize=7,
                    color=COLORS["berlin"])
        ax.set_ylim(-0.6, len(data) - 0.4)
    _remember_sources(fig, df)
    _maybe_finish(fig, title, subtitle, source)
    return fig, ax


# --------------------------------------------------------------------------------------------
# choropleth
# --------------------------------------------------------------------------------------------

def _class_decimals(values: np.ndarray) -> int:
    span = float(np.nanmax(values) - np.nanmin(values)) if values.size else 0.0
    if span <= 0:
        return 0 if float(np.nanmax(np.abs(values), initial=0)).is_integer() else 1
    return int(min(3, max(0, 2 - math.floor(math.log10(span)))))


def class_labels(lower: float, bins: Sequence[float], decimals: int, *, percent: bool = False,
                 unit: str = "") -> list[str]:
    """German legend labels ``"1.234 – 2.345"`` for classes with upper ``bins``."""
    def f(v: float) -> str:
        return format_percent(v, decimals) if percent else format_number(v, decimals)

    labels, lo = [], lower
    for hi in bins:
        labels.append(f"{f(lo)} – {f(hi)}" + (f" {unit}" if unit and not percent else ""))
        lo = hi
    return labels


def choropleth(gdf: gpd.GeoDataFrame, column: str, k: int = 5, scheme: str = "quantiles",
               outline: Any = None, labels: Any = None, *, label_column: str | None = None,
               cmap: str | None = None, legend_title: str | None = None, percent: bool = False,
               decimals: int | None = None, unit: str = "", legend_loc: str | None = None,
               missing_label: str = "keine Angabe", title: str | None = None,
               subtitle: str | None = None, source: Any = None, ax: Axes | None = None,
               width: str | float = "full", height_cm: float | None = None,
               **classify_kw: Any) -> tuple[Figure, Axes]:
    """A map of areas coloured in classes (mapclassify), with a German legend.

    Parameters
    ----------
    gdf
        Areas with the value ``column`` (any projected CRS, e.g. EPSG:25833).
    k, scheme
        Number of classes and mapclassify scheme (``"quantiles"``, ``"natural_breaks"``,
        ``"equal_interval"``, ``"fisher_jenks"``, ``"user_defined"`` with ``bins=[...]``, ...).
    outline
        Optional GeoDataFrame/GeoSeries drawn as a dark outline (e.g. the district border).
    labels
        Optional GeoDataFrame whose ``label_column`` (default: its first text column) is written
        at a representative point of each geometry (e.g. Ortsteil names).
    legend_title, percent, decimals, unit
        Legend title (default ``column``) and number format of the class labels.
    legend_loc
        ``"right"`` (default for full width), ``"below"`` (default otherwise) or a matplotlib
        legend location inside the map.
    **classify_kw
        Passed to :func:`mapclassify.classify` (e.g. ``bins`` for ``"user_defined"``).

    Returns
    -------
    (Figure, Axes)
        The classifier is available as ``ax.classifier``.
    """
    import mapclassify
    from matplotlib import colormaps

    values = pd.to_numeric(gdf[column], errors="coerce").astype(float)
    valid = values.notna().to_numpy()
    y = values[valid].to_numpy()
    if y.size == 0:
        raise ValueError(f"choropleth: column {column!r} has no numeric values")
    k_eff = max(1, min(int(k), len(np.unique(y))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        classifier = mapclassify.classify(y, scheme, k=k_eff, **classify_kw)
    bins = np.asarray(classifier.bins, dtype=float)
    n = len(bins)
    cm = colormaps[cmap or SEQUENTIAL_CMAP]
    palette = [cm(0.18 + 0.77 * (i / (n - 1) if n > 1 else 1.0)) for i in range(n)]
    if decimals is None:
        decimals = _class_decimals(y)
    lower = float(min(y.min(), bins[0]))
    texts = class_labels(lower, bins, decimals, percent=percent, unit=unit)

    if height_cm is None and ax is None:
        height_cm = 11.0 if _width_cm(width) >= FULL_WIDTH_CM else 9.0
    with style():
        if ax is None:
            fig, ax = figure(width, height_cm)
        else:
            fig = ax.get_figure()
        colors = [palette[int(c)] for c in classifier.yb]
        gdf.loc[valid].plot(ax=ax, color=colors, edgecolor="white", linewidth=0.4)
        handles = [Patch(facecolor=c, edgecolor="none", label=t) for c, t in zip(palette, texts)]
        if (~valid).any():
            gdf.loc[~valid].plot(ax=ax, facecolor=COLORS["missing"], edgecolor="#BBBBBB",
                                 hatch="////", linewidth=0.3)
            handles.append(Patch(facecolor=COLORS["missing"], edgecolor="#BBBBBB", hatch="////",
                                 label=missing_label))
        if outline is not None:
            shape = outline.to_crs(gdf.crs) if gdf.crs is not None and outline.crs is not None else outline
            shape.boundary.plot(ax=ax, color=COLORS["text"], linewidth=1.0)
        if labels is not None:
            lab = labels.to_crs(gdf.crs) if gdf.crs is not None and labels.crs is not None else labels
            col = label_column or next(
                c for c in lab.columns
                if c != lab.geometry.name and (pd.api.types.is_string_dtype(lab[c])
                                               or lab[c].dtype == object))
            for point, text in zip(lab.geometry.representative_point(), lab[col].astype(str)):
                ax.text(point.x, point.y, _fit_label(text, 70, 6.2), ha="center", va="center",
                        fontsize=6.2, color=COLORS["text"], linespacing=1.0,
                        path_effects=_HALO)
        ax.set_axis_off()
        ax.set_aspect("equal")
        loc = legend_loc or ("right" if _width_cm(width) >= FULL_WIDTH_CM else "below")
        kw: dict[str, Any]
        if loc == "right":
            kw = {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)}
        elif loc == "below":
            kw = {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0), "ncols": 2}
        else:
            kw = {"loc": loc}
        ax.legend(handles=handles, title=legend_title or column, alignment="left",
                  handlelength=1.2, handleheight=1.0, **kw)
        ax.classifier = classifier  # type: ignore[attr-defined]
    _remember_sources(fig, gdf, outline, labels)
    _maybe_finish(fig, title, subtitle, source)
    return fig, ax


# --------------------------------------------------------------------------------------------
# small multiples
# --------------------------------------------------------------------------------------------

def small_multiples(df: pd.DataFrame, x: str, y: str, facet: str, group: str | None = None,
                    highlight: str | None = None, *, ncols: int = 3, sharey: bool = True,
                    index_base: Any = None, berlin: str = "Berlin", percent: bool = False,
                    decimals: int | None = None, facet_order: Sequence[Any] | None = None,
                    background: bool = True, title: str | None = None,
                    subtitle: str | None = None, source: Any = None, width: str | float = "full",
                    height_cm: float | None = None) -> tuple[Figure, np.ndarray]:
    """One small panel per ``facet`` value, sharing axes.

    Two forms:

    * ``group`` given (e.g. district): every panel (e.g. an industry) shows the district against
      Berlin (:func:`line_vs_berlin` style);
    * ``group=None`` with facets that are districts: every panel shows that district's line
      (strong colour for the highlighted district, dark grey otherwise) over the other
      districts in light grey (``background``).

    Returns
    -------
    (Figure, ndarray of Axes)
    """
    highlight = _highlight(highlight)
    cols = [x, y, facet] + ([group] if group else [])
    data = df[cols].copy()
    data[y] = pd.to_numeric(data[y], errors="coerce")
    if index_base is not None:
        key = "_panel_group"
        data[key] = data[facet].astype(str) + "\0" + (data[group].astype(str) if group else "")
        data[y] = _index(data, x, y, key, index_base)
        data = data.drop(columns=key)
    facets = list(facet_order) if facet_order is not None else list(pd.unique(data[facet]))
    nrows = math.ceil(len(facets) / ncols)
    if height_cm is None:
        height_cm = 2.6 + 3.6 * nrows
    with style():
        fig, axes = figure(width, height_cm, nrows=nrows, ncols=ncols, sharex=True,
                           sharey=sharey, squeeze=False)
        flat = axes.ravel()
        handles: list = []
        for ax, value in zip(flat, facets):
            part = data[data[facet] == value]
            if group:
                handles = _draw_groups(ax, part, x, y, group, highlight, berlin, False,
                                       percent, decimals) or handles
            else:
                if background:
                    for _, rest in data[data[facet] != value].groupby(facet, sort=False):
                        rest = rest.sort_values(x)
                        ax.plot(rest[x], rest[y], color=COLORS["other"], lw=0.7, zorder=1)
                part = part.sort_values(x)
                color = COLORS["highlight"] if value == highlight else COLORS["berlin"]
                ax.plot(part[x], part[y], color=color, lw=1.8, zorder=3)
            panel_pt = fig.get_figwidth() * 72 / ncols - 24
            ax.set_title(_fit_label(str(value), panel_pt, 8, "bold"), fontsize=8, loc="left",
                         color=COLORS["highlight"] if value == highlight else COLORS["text"])
            if index_base is not None:
                ax.axhline(100, color=COLORS["muted"], lw=0.6, zorder=0)
            ax.yaxis.set_major_formatter(_value_formatter(percent and index_base is None, decimals))
            _format_x(ax, data[x], fig.get_figwidth() * 2.54 / ncols - 1.2)
            ax.tick_params(labelsize=6.5)
        for ax in flat[len(facets):]:
            ax.set_visible(False)
        if group and handles:
            if len(facets) < len(flat):  # a free panel: the legend goes there
                spare = flat[len(facets)]
                spare.set_visible(True)
                spare.set_axis_off()
                spare.legend(handles=handles, loc="center left", fontsize=7)
            else:  # right of the top-right panel
                flat[min(ncols, len(flat)) - 1].legend(handles=handles, loc="upper left",
                                                       bbox_to_anchor=(1.02, 1.0), fontsize=7)
        if index_base is not None:
            fig.supylabel(f"Index ({index_base} = 100)", fontsize=7.5, color="#444444")
    _remember_sources(fig, df)
    _maybe_finish(fig, title, subtitle, source)
    return fig, flat


# --------------------------------------------------------------------------------------------
# population pyramid
# --------------------------------------------------------------------------------------------

def population_pyramid(df: pd.DataFrame, age: str, male: str, female: str, *,
                       reference: pd.DataFrame | None = None, percent: bool | None = None,
                       reference_label: str = "Berlin", male_label: str = "Männer",
                       female_label: str = "Frauen", title: str | None = None,
                       subtitle: str | None = None, source: Any = None, ax: Axes | None = None,
                       width: str | float = "half", height_cm: float | None = None,
                       ) -> tuple[Figure, Axes]:
    """Population pyramid: men to the left, women to the right, youngest at the bottom.

    Parameters
    ----------
    df
        One row per age group in ascending order: ``age`` (label), ``male``, ``female``.
    reference
        Optional frame with the same columns (e.g. Berlin) drawn as a grey outline; both are
        then shown as shares of their total population (percent).
    percent
        Show shares in percent of the total population; default: only with a reference.
    """
    if percent is None:
        percent = reference is not None

    def prepared(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        m = pd.to_numeric(frame[male], errors="coerce").to_numpy(dtype=float)
        f = pd.to_numeric(frame[female], errors="coerce").to_numpy(dtype=float)
        if percent:
            total = np.nansum(m) + np.nansum(f)
            m, f = m / total * 100, f / total * 100
        return m, f

    m, f = prepared(df)
    if height_cm is None and ax is None:
        height_cm = 9.0
    with style():
        if ax is None:
            fig, ax = figure(width, height_cm)
        else:
            fig = ax.get_figure()
        ypos = np.arange(len(df))
        bar_h = 0.86 if len(df) <= 30 else 1.0
        ax.barh(ypos, -np.nan_to_num(m), height=bar_h, color=COLORS["male"], label=male_label)
        ax.barh(ypos, np.nan_to_num(f), height=bar_h, color=COLORS["female"], label=female_label)
        top = float(np.nanmax(np.concatenate([m, f])))
        if reference is not None:
            rm, rf = prepared(reference)
            for vals, sign in ((rm, -1), (rf, 1)):
                xs = np.repeat(sign * np.nan_to_num(vals), 2)
                ys = np.column_stack([ypos - 0.5, ypos + 0.5]).ravel()
                ax.plot(xs, ys, color=COLORS["text"], lw=0.9, zorder=3)
            (ref_handle,) = ax.plot([], [], color=COLORS["text"], lw=0.9, label=reference_label)
            top = max(top, float(np.nanmax(np.concatenate([rm, rf]))))
        ax.set_xlim(-top * 1.1, top * 1.1)
        ax.xaxis.set_major_formatter(GermanFormatter(percent=percent, absolute=True))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, symmetric=True))
        labels = df[age].astype(str).tolist()
        step = 1 if len(labels) <= 25 else (5 if len(labels) <= 60 else 10)
        ax.set_yticks(ypos[::step], labels[::step])
        ax.set_ylim(-0.6, len(df) - 0.4)
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.spines["left"].set_visible(False)
        ax.axvline(0, color="white", lw=0.8, zorder=2)
        ax.text(0.0, 1.01, male_label, transform=ax.transAxes, ha="left", va="bottom",
                color=COLORS["male"], fontweight="bold", fontsize=8)
        ax.text(1.0, 1.01, female_label, transform=ax.transAxes, ha="right", va="bottom",
                color=COLORS["female"], fontweight="bold", fontsize=8)
        if reference is not None:
            ax.legend(handles=[ref_handle], loc="lower right", fontsize=7)
        ax.set_xlabel("Anteil an der Bevölkerung" if percent else "Personen")
    _remember_sources(fig, df, reference)
    _maybe_finish(fig, title, subtitle, source)
    return fig, ax


# --------------------------------------------------------------------------------------------
# saving and the briefing contract
# --------------------------------------------------------------------------------------------

def slug(name: str) -> str:
    """A file-name-safe form of ``name`` (umlauts spelt out, lower case, hyphens).

    Examples
    --------
    >>> slug("Beschäftigte – Index 2015/2024")
    'beschaeftigte-index-2015-2024'
    """
    text = str(name).translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae",
                                              "Ö": "Oe", "Ü": "Ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9_.]+", "-", text).strip("-.").lower()
    if not text:
        raise ValueError(f"chart name {name!r} gives an empty file name")
    return text


def save(fig: Figure, name: str, out_dir: str | Path | None = None) -> tuple[Path, Path, Path]:
    """Write the chart as PNG (300 dpi), SVG and PDF.

    Parameters
    ----------
    fig
        The (finished) figure; its size is kept (no tight cropping), so a full-width chart is
        16 cm = 1890 px wide.
    name
        File name without extension (made file-name safe with :func:`slug`).
    out_dir
        Folder; default ``reports/charts`` under the working folder.

    Returns
    -------
    (png, svg, pdf) paths
    """
    folder = Path(out_dir) if out_dir is not None else Path.cwd() / "reports" / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    stem = slug(name)
    title = getattr(fig, "_ld_title", name)
    paths = (folder / f"{stem}.png", folder / f"{stem}.svg", folder / f"{stem}.pdf")
    with style(), quiet_font_subsetting():
        fig.savefig(paths[0], dpi=300, metadata={"Title": title, "Software": "lichtenberg_data"})
        fig.savefig(paths[1], metadata={"Title": title, "Creator": "lichtenberg_data",
                                        "Date": None})
        fig.savefig(paths[2], metadata={"Title": title, "Creator": "lichtenberg_data"})
    return paths


def mark_for_briefing(fig: Figure, name: str, section: str, caption: str,
                      source: Any = None) -> dict[str, Any] | None:
    """Hand a chart to the briefing pack (``lichtenberg-data briefing``).

    When the environment variable ``LICHTENBERG_BRIEFING_DIR`` is set (the briefing build sets
    it for each notebook), the figure is saved there as PNG, SVG and PDF and an entry is added
    to ``briefing.json`` in that folder; otherwise nothing happens (the notebook runs as usual).

    Parameters
    ----------
    fig
        The finished figure.
    name
        Short file name of the chart (unique within the notebook; marking a name again
        replaces the earlier entry).
    section
        One of ``ueberblick``, ``fachkraefte``, ``einzelhandel``, ``gewerbe``, ``tourismus``
        (see :data:`lichtenberg_data.briefing.SECTIONS`).
    caption
        One or two German sentences printed below the chart.
    source
        Frames, provenance entries or a text for the source line and dataset list; default:
        the frames the chart helpers were given.

    Returns
    -------
    dict or None
        The recorded entry, or ``None`` when not building a briefing.
    """
    from .briefing import record_chart

    return record_chart(fig, name, section, caption, source)
