"""Population pyramids: men to the left, women to the right, a reference (Berlin) as an outline.

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.population_pyramid``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .finish import finish, record_data, record_sources
from .formats import GermanFormatter
from .style import COLORS, _canvas, style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["population_pyramid"]


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
