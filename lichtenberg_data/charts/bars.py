"""Bars side by side per group (e.g. entries and exits per target year), and a legend for
points drawn on a map beside the map's own legend."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .finish import chart_info, finish, record_data, record_sources
from .style import _HALO, COLORS, _canvas, _fmt_value, _value_formatter, style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["grouped_bars", "marker_legend"]

_BAR_COLORS = (COLORS["highlight"], COLORS["accent"], COLORS["accent2"], COLORS["accent3"], COLORS["other"])


def grouped_bars(df: pd.DataFrame, x: str, bars: Mapping[str, str], *, percent: bool = False,
                 decimals: int | None = None, title: str | None = None, subtitle: str | None = None,
                 source: Any = None, ax: Axes | None = None, width: str | float = "full",
                 height_cm: float | None = None) -> tuple[Figure, Axes]:
    """Vertical bars side by side: one group per row of ``df`` (label ``x``), one bar per column
    of ``bars`` (column → legend label), each with its value above it.

    Examples
    --------
    >>> d = pd.DataFrame({"jahr": ["bis 2030", "bis 2035"], "ein": [17167, 43607], "aus": [19085, 35624]})
    >>> fig, ax = grouped_bars(d, "jahr", {"ein": "Eintritte", "aus": "Austritte"})
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['bis 2030', 'bis 2035']
    """
    labels = [str(v) for v in df[x]]
    values = {col: pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float) for col in bars}
    top = max((np.nanmax(np.abs(v)) for v in values.values() if np.isfinite(v).any()), default=1.0) or 1.0
    n = len(bars)
    step = 0.8 / max(n, 1)
    own_height = height_cm is None and ax is None
    with style():
        fig, ax = _canvas(ax, width, height_cm)
        if own_height:
            chart_info(fig).keep_plot = True  # long texts (half width) make the figure taller, not the bars lower
        xpos = np.arange(len(df))
        for i, ((col, name), color) in enumerate(zip(bars.items(), _BAR_COLORS)):
            pos = xpos - 0.4 + step * (i + 0.5)
            vals = values[col]
            ax.bar(pos, np.nan_to_num(vals), width=step * 0.92, color=color, label=name, zorder=2)
            for p, v in zip(pos, vals):
                if np.isfinite(v):
                    ax.text(p, v + (0.015 * top if v >= 0 else -0.015 * top), _fmt_value(v, percent, decimals),
                            ha="center", va="bottom" if v >= 0 else "top", fontsize=7, color=COLORS["text"],
                            zorder=5, path_effects=_HALO)
        ax.set_xticks(xpos, labels)
        low = min(0.0, *(float(np.nanmin(v)) for v in values.values() if np.isfinite(v).any()))
        ax.set_ylim(low * 1.15, top * 1.15)
        ax.axhline(0, color=COLORS["text"], linewidth=0.6, zorder=3)
        ax.yaxis.set_major_formatter(_value_formatter(percent, decimals))
        ax.grid(axis="x", visible=False)
        narrow = fig.get_size_inches()[0] * 2.54 < 12  # half width: one entry a line
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=1 if narrow else n, borderaxespad=0.2,
                  handlelength=1.2, columnspacing=1.2)
    record_sources(fig, df)
    record_data(fig, df[[x, *bars]].rename(columns=dict(bars)))  # a column per series, as in the legend
    if title is not None:
        finish(fig, title, subtitle, source)
    return fig, ax


def marker_legend(ax: Axes, title: str | None = None, *, loc: str = "lower left",
                  anchor: tuple[float, float] = (1.02, 0.0)) -> None:
    """A legend of its own for the points drawn with labels (``add_points(..., legend_label=…)``),
    placed beside the legend the axes already has (e.g. a choropleth's classes), which stays
    without them; by default outside the map at its lower right, below a legend on the right."""
    from .mapbase import drop_legend_entries

    handles, labels = [], []
    for coll in ax.collections:
        label = coll.get_label()
        if label and not label.startswith("_") and label not in labels:
            handles.append(coll)
            labels.append(label)
    if not handles:
        return
    existing = drop_legend_entries(ax, labels)
    ax.legend(handles, labels, title=title, loc=loc, bbox_to_anchor=anchor, fontsize=6.5, title_fontsize=7,
              frameon=False, borderaxespad=0.3, alignment="left")
    if existing is not None:
        ax.add_artist(existing)
