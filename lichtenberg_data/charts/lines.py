"""The chart forms: lines against Berlin, ranked bars, small multiples, population pyramids.

Every chart made here

* uses the package style ``lichtenberg.mplstyle`` (DejaVu Sans, sizes for A4: full text width
  16 cm, half width 7.8 cm), applied by :func:`use_style` or ``with style():``;
* shows the district (``settings.district``, normally Lichtenberg) in one strong colour and
  Berlin and the other districts in greys (:data:`COLORS`, colour-blind safe);
* prints numbers the German way (``1.234,5``; see :mod:`lichtenberg_data.charts.formats`);
* has a title, an optional subtitle and, at its foot, the source line built from the
  provenance of the frames it was drawn from (:func:`finish`); charts drawn from generated
  sample data carry a visible "BEISPIELDATEN" mark.

The helpers take tidy frames and return ``(fig, ax)``; give them ``title=`` (and ``subtitle=``)
to finish the chart in one call, or call :func:`finish` afterwards::

    fig, ax = charts.line_vs_berlin(df, "jahr", "beschaeftigte", "bezirk", index_base=2015,
                                    title="Beschäftigte am Wohnort")
    charts.save(fig, "beschaeftigte-index")
    briefing.mark_chart(fig, "beschaeftigte-index", "fachkraefte",
                        "Beschäftigung wächst schneller als in Berlin.")
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .finish import chart_info, finish, record_data, record_sources
from .formats import GermanFormatter
from .style import (
    _HALO,
    CM,
    COLORS,
    _auto_decimals,
    _canvas,
    _fit_label,
    _fmt_value,
    _format_x,
    _highlight,
    _value_formatter,
    figure,
    quiet_font_subsetting,
    style,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["line_vs_berlin", "ranked_bars", "small_multiples", "population_pyramid", "slug", "save"]


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


def _steps(xs: pd.Series) -> tuple[Any, bool]:
    """The regular step between the periods of ``xs`` (years or dates) and whether any is missing."""
    values = pd.Series(sorted(xs.dropna().unique()))
    if len(values) < 2:
        return None, False
    diffs = values.diff().dropna()
    step = diffs.min() if pd.api.types.is_numeric_dtype(values) else diffs.median()
    if pd.api.types.is_numeric_dtype(values):
        step = min(step, 1) if float(step).is_integer() else step
    return step, bool((diffs > step * 1.5).any())


def _broken(part: pd.DataFrame, x: str, y: str, step: Any) -> pd.DataFrame:
    """``part`` with an empty row inside every gap wider than ``step``: the line stops there."""
    part = part.dropna(subset=[y]).sort_values(x)
    if step is None or len(part) < 2:
        return part
    gaps = part[x].diff() > step * 1.5
    if not gaps.any():
        return part
    holes = part.loc[gaps, [x]].copy()
    holes[x] = part[x].shift()[gaps] + step
    holes[y] = np.nan
    return pd.concat([part, holes]).sort_values(x)


def _draw_groups(ax: Axes, data: pd.DataFrame, x: str, y: str, group: str, highlight: str,
                 berlin: str, label_last: bool, percent: bool, decimals: int | None) -> list:
    """Draw one line per group: others light grey, Berlin dark grey, the district on top.

    Lines stop at missing periods (a gap, never a straight line across missing years); where
    periods are missing, every value is also marked with a point.
    """
    handles = []
    step, gaps = _steps(data[x])
    marker = "o" if gaps or step is None else None
    others = [g for g in data[group].unique() if g not in (highlight, berlin)]
    for g in others:
        part = _broken(data[data[group] == g], x, y, step)
        ax.plot(part[x], part[y], color=COLORS["other"], lw=0.9, zorder=1, marker=marker, ms=2)
    if others:
        handles.append(Line2D([], [], color=COLORS["other"], lw=0.9, label="übrige Bezirke"))
    if decimals is None:
        decimals = _auto_decimals(data.loc[data[group].isin([highlight, berlin]), y])
    ends = []
    for g, color, lw, z in ((berlin, COLORS["berlin"], 1.4, 2), (highlight, COLORS["highlight"], 2.2, 3)):
        part = _broken(data[data[group] == g], x, y, step)
        if part.empty:
            continue
        (line,) = ax.plot(part[x], part[y], color=color, lw=lw, zorder=z, label=g, marker=marker, ms=3)
        handles.append(line)
        last = part.dropna(subset=[y]).tail(1)
        if label_last and not last.empty:
            ax.plot(last[x], last[y], "o", color=color, ms=3.2, zorder=z, label=g)  # the line's legend entry
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
    drawn = data[[group, x, y]].copy()
    if index_base is not None:
        data[y] = _index(data, x, y, group, index_base)
        drawn[f"Index ({index_base} = 100)"] = data[y]
    with style():
        fig, ax = _canvas(ax, width, height_cm)
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
        single = data[x].dropna().unique()
        if len(single) == 1:  # one edition: points at that period, not a stretched axis
            at = single[0]
            pad = pd.Timedelta(days=365) if isinstance(at, (pd.Timestamp, np.datetime64)) else 1
            ax.set_xlim(at - pad, at + pad)
            ax.set_xticks([at])
        ax.set_xlabel("")
        narrow = fig.get_figwidth() < 12 * CM
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0),
                  ncols=min(2, len(handles)) if narrow else len(handles), borderaxespad=0.2,
                  handlelength=1.4, columnspacing=1.2)
        ax.margins(x=0.02)
    record_sources(fig, df)
    record_data(fig, drawn)
    if title is not None:
        finish(fig, title, subtitle, source)
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
    width, height_cm
        Without ``height_cm`` the height follows the number of bars, and a title or subtitle longer
        than one line each makes the figure taller rather than the bars thinner (half width).
    """
    highlight = _highlight(highlight)
    data = df[[label, value]].copy()
    data[value] = pd.to_numeric(data[value], errors="coerce")
    ref = data.loc[data[label] == berlin, value]
    data = data[data[label] != berlin].sort_values(value, ascending=not ascending,
                                                   na_position="first")
    rows_set_height = height_cm is None and ax is None
    if rows_set_height:
        height_cm = max(5.5, 2.2 + 0.42 * len(data))
    with style():
        fig, ax = _canvas(ax, width, height_cm)
        if rows_set_height:
            chart_info(fig).keep_plot = True  # the bars keep their height: long texts make the figure taller
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
            lo, hi = ax.get_xlim()  # room for the labels beyond the longest bars, on either side
            ax.set_xlim(lo - 0.12 * span if lo < 0 else 0, hi + 0.12 * span if hi > 0 else 0)
        if not ref.empty and np.isfinite(ref.iloc[0]):
            r = float(ref.iloc[0])
            note = f"{berlin}: {_fmt_value(r, percent, label_decimals, unit)}"
            lo, hi = ax.get_xlim()
            if lo <= r <= hi:
                ax.axvline(r, color=COLORS["berlin"], lw=1.0, ls=(0, (4, 2)), zorder=4)
                left = r <= lo + 0.7 * (hi - lo)  # the label runs to the side with room
                ax.text(r, 1.0, f" {note} " if left else f"{note} ", transform=ax.get_xaxis_transform(),
                        ha="left" if left else "right", va="bottom", fontsize=7, color=COLORS["berlin"])
            else:  # e.g. the sum of all districts: no line on this scale, the value in words
                ax.text(1.0, 1.0, f"{note} (außerhalb der Skala)", transform=ax.transAxes, ha="right",
                        va="bottom", fontsize=7, color=COLORS["berlin"])
        ax.set_ylim(-0.6, len(data) - 0.4)
    record_sources(fig, df)
    record_data(fig, pd.concat([data.iloc[::-1], df.loc[ref.index, [label, value]]]))  # top bar first, Berlin last
    if title is not None:
        finish(fig, title, subtitle, source)
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
    record_sources(fig, df)
    record_data(fig, data[data[facet].isin(facets)][[facet, *([group] if group else []), x, y]])
    if title is not None:
        finish(fig, title, subtitle, source)
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
        fig, ax = _canvas(ax, width, height_cm)
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
    unit = " (%)" if percent else ""
    drawn = pd.DataFrame({age: df[age].astype(str).to_numpy(), male_label + unit: m, female_label + unit: f})
    if reference is not None:
        drawn[f"{male_label} {reference_label}{unit}"], drawn[f"{female_label} {reference_label}{unit}"] = rm, rf
    record_sources(fig, df, reference)
    record_data(fig, drawn)
    if title is not None:
        finish(fig, title, subtitle, source)
    return fig, ax


# --------------------------------------------------------------------------------------------
# saving
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
    title = chart_info(fig).title or name
    paths = (folder / f"{stem}.png", folder / f"{stem}.svg", folder / f"{stem}.pdf")
    from matplotlib.text import Text

    for text in fig.findobj(Text):  # names and notes from the data are text, never mathtext ($, _)
        text.set_parse_math(False)
    with style(), quiet_font_subsetting():
        fig.savefig(paths[0], dpi=300, metadata={"Title": title, "Software": "lichtenberg_data"})
        fig.savefig(paths[1], metadata={"Title": title, "Creator": "lichtenberg_data",
                                        "Date": None})
        fig.savefig(paths[2], metadata={"Title": title, "Creator": "lichtenberg_data"})
    return paths
