"""Small multiples: one small panel of lines per facet (an industry, a district), axes shared.

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.small_multiples``; each panel is drawn
like :func:`~lichtenberg_data.charts.line_vs_berlin` (:mod:`.lines`) or as one district over the
others in grey.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .finish import finish, record_data, record_sources
from .lines import _draw_groups, _index
from .style import COLORS, _fit_label, _format_x, _highlight, _value_formatter, figure, style

__all__ = ["small_multiples"]


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
