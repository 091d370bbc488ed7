"""Bars: the districts ranked (the district highlighted, Berlin as a line) and bars side by side per
group (e.g. entries and exits per target year).

Re-exported by :mod:`lichtenberg_data.charts`; stacked bars per period are in :mod:`.periods`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .finish import chart_info, finish, record_data, record_sources
from .style import (
    _HALO,
    COLORS,
    _auto_decimals,
    _canvas,
    _fmt_value,
    _highlight,
    _value_formatter,
    style,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["ranked_bars", "grouped_bars"]

_BAR_COLORS = (COLORS["highlight"], COLORS["accent"], COLORS["accent2"], COLORS["accent3"], COLORS["other"])


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
        Formatting of axis and bar labels (percent points; fixed decimals; unit text: on each bar's
        label, on the axis only when the bars have none, since the tick labels of a half-width
        chart would run into each other with it).
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
        ax.xaxis.set_major_formatter(_value_formatter(percent, decimals, "" if percent or value_labels else unit))
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
