"""Charts of a few irregular periods (editions of a history, e.g. the scrapes of a platform):
stacked bars per period, and one tick per period labelled with its date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .finish import finish, record_data, record_sources
from .style import _HALO, COLORS, _canvas, _fmt_value, _value_formatter, style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["stacked_bars", "period_ticks", "period_label"]

#: Colours of the parts of a stack, bottom first (colour-blind safe).
#: Bars keep the width they have among this many periods, however few there are.
_MIN_SLOTS = 4
_PART_COLORS = (COLORS["highlight"], COLORS["accent"], COLORS["accent2"], COLORS["accent3"], COLORS["other"])


def period_label(value: Any) -> str:
    """A period as a German label: a date as ``08.03.2019``, anything else as text.

    >>> period_label(pd.Timestamp("2019-03-08")), period_label(2024)
    ('08.03.2019', '2024')
    """
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "strftime"):
        return f"{pd.Timestamp(value):%d.%m.%Y}"
    return str(value)


def period_ticks(ax: Axes, values: Sequence[Any] | pd.Series) -> None:
    """One x tick per period of ``values`` (e.g. the scrape dates of a line chart), labelled
    with its date, instead of a regular time axis."""
    periods = sorted(pd.Series(values).dropna().unique())
    ax.set_xticks(periods, [period_label(p) for p in periods])
    ax.tick_params(axis="x", labelsize=7)


def stacked_bars(df: pd.DataFrame, x: str, parts: Mapping[str, str], *, percent: bool = False,
                 decimals: int | None = None, totals: bool = True, title: str | None = None,
                 subtitle: str | None = None, source: Any = None, ax: Axes | None = None,
                 width: str | float = "full", height_cm: float | None = None) -> tuple[Figure, Axes]:
    """Vertical bars, one per period ``x``, stacked from the columns ``parts`` (column → label,
    bottom first), with each part's value inside it and the total above the bar.

    Periods are placed side by side whatever the time between them (the label says the date).

    Parameters
    ----------
    df
        One row per period: ``x`` (date, year or label) and the columns of ``parts``.
    parts
        Column → legend label, in stacking order from the bottom.
    percent, decimals
        Formatting of the axis and the labels.
    totals
        Print the sum of the parts above each bar.
    title, subtitle, source
        When ``title`` is given the chart is finished (:func:`finish`).
    """
    data = df.sort_values(x)
    labels = [period_label(v) for v in data[x]]
    values = {col: pd.to_numeric(data[col], errors="coerce").fillna(0).to_numpy(dtype=float) for col in parts}
    total = np.sum(list(values.values()), axis=0) if values else np.zeros(len(data))
    with style():
        fig, ax = _canvas(ax, width, height_cm)
        xpos = np.arange(len(data))
        bottom = np.zeros(len(data))
        span = float(total.max()) if len(total) and total.max() > 0 else 1.0
        for (col, name), color in zip(parts.items(), _PART_COLORS):
            vals = values[col]
            ax.bar(xpos, vals, bottom=bottom, color=color, width=0.62, label=name, zorder=2)
            for xp, v, b in zip(xpos, vals, bottom):
                if v >= 0.06 * span:  # room for a label inside the part
                    ax.text(xp, b + v / 2, _fmt_value(v, percent, decimals), ha="center", va="center", fontsize=7,
                            color="white", zorder=5)
            bottom = bottom + vals
        if totals:
            for xp, v in zip(xpos, total):
                ax.text(xp, v + 0.015 * span, _fmt_value(v, percent, decimals), ha="center", va="bottom", fontsize=7.5,
                        fontweight="bold", color=COLORS["text"], zorder=5, path_effects=_HALO)
        ax.set_xticks(xpos, labels)
        pad = max(0.0, (_MIN_SLOTS - len(data)) / 2)  # a single period keeps the width of a bar among four
        ax.set_xlim(-0.6 - pad, len(data) - 0.4 + pad)
        ax.set_ylim(0, span * 1.12)
        ax.yaxis.set_major_formatter(_value_formatter(percent, decimals))
        ax.grid(axis="x", visible=False)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(parts), borderaxespad=0.2,
                  handlelength=1.2, columnspacing=1.2)
    record_sources(fig, df)
    drawn = pd.DataFrame({x: labels, **{name: values[col] for col, name in parts.items()}})
    if totals:
        drawn["Summe"] = total
    record_data(fig, drawn)
    if title is not None:
        finish(fig, title, subtitle, source)
    return fig, ax
