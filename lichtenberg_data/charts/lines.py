"""Lines over time: the district against Berlin and, in grey, the other districts.

:func:`line_vs_berlin` draws one line per group (index or absolute values, a gap where a period is
missing, the last values labelled); the drawing of the groups and the index are shared with the
panels of :mod:`.multiples`. Re-exported by :mod:`lichtenberg_data.charts`::

    fig, ax = charts.line_vs_berlin(df, "jahr", "beschaeftigte", "bezirk", index_base=2015,
                                    title="Beschäftigte am Wohnort")
    charts.save(fig, "beschaeftigte-index")
    briefing.mark_chart(fig, "beschaeftigte-index", "fachkraefte",
                        "Beschäftigung wächst schneller als in Berlin.")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .finish import finish, record_data, record_sources
from .style import (
    CM,
    COLORS,
    _auto_decimals,
    _canvas,
    _fmt_value,
    _format_x,
    _highlight,
    _value_formatter,
    style,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["line_vs_berlin"]


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
