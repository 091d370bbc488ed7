"""Point maps: places on a plain base map, circles sized by a value, with German labels.

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.point_map``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .finish import finish, record_sources
from .formats import format_number
from .style import _HALO, COLORS, _canvas, _map_height_cm, style

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = ["point_map"]

_MAX_AREA_PT2 = 900.0   # marker area of the largest value (points²)
_MIN_AREA_PT2 = 30.0    # marker area of the smallest value and of places without a value


def _areas(values: pd.Series) -> np.ndarray:
    """Marker areas proportional to the values (the largest gets :data:`_MAX_AREA_PT2`)."""
    v = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    top = np.nanmax(v) if np.isfinite(v).any() else np.nan
    if not np.isfinite(top) or top <= 0:
        return np.full(len(v), _MIN_AREA_PT2)
    return np.where(np.isfinite(v), np.maximum(v / top * _MAX_AREA_PT2, _MIN_AREA_PT2), _MIN_AREA_PT2)


def point_map(points: gpd.GeoDataFrame, value: str | None = None, label: str | None = None, *,
              base: Any = None, outline: Any = None, legend_title: str | None = None,
              legend_values: list[float] | None = None, title: str | None = None, subtitle: str | None = None,
              source: Any = None, ax: Axes | None = None, width: str | float = "full",
              height_cm: float | None = None) -> tuple[Figure, Axes]:
    """Places as circles on a plain base map; circle areas proportional to ``value``.

    Parameters
    ----------
    points
        Point layer (any projected CRS, e.g. EPSG:25833); rows without geometry are skipped.
    value
        Column sizing the circles (e.g. visitor numbers); ``None`` draws equal circles. Places
        without a value get the smallest circle, drawn hollow.
    label
        Column written next to each place (may hold line breaks).
    base
        Areas drawn in light grey with white borders (e.g. the Bezirksregionen).
    outline
        Areas whose border is drawn dark (e.g. the district).
    legend_title, legend_values
        Title and example values of the size legend (default: the largest value, its half
        and tenth, rounded).
    title, subtitle, source
        When ``title`` is given the chart is finished (:func:`finish`); the source line comes
        from ``source`` or else from the frames drawn.
    """
    data = points[points.geometry.notna() & ~points.geometry.is_empty]
    crs = data.crs
    if height_cm is None and ax is None:
        height_cm = _map_height_cm(width)
    with style():
        fig, ax = _canvas(ax, width, height_cm)
        for layer, kw in ((base, {"color": COLORS["missing"], "edgecolor": "white", "linewidth": 0.6}),
                          (outline, None)):
            if layer is None:
                continue
            shape = layer.to_crs(crs) if crs is not None and layer.crs is not None else layer
            if kw is None:
                shape.boundary.plot(ax=ax, color=COLORS["text"], linewidth=1.0)
            else:
                shape.plot(ax=ax, **kw)
        xs, ys = data.geometry.x.to_numpy(), data.geometry.y.to_numpy()
        sizes = _areas(data[value]) if value is not None else np.full(len(data), 120.0)
        filled = data[value].notna().to_numpy() if value is not None else np.ones(len(data), dtype=bool)
        ax.scatter(xs[filled], ys[filled], s=sizes[filled], color=COLORS["highlight"], alpha=0.75,
                   edgecolor="white", linewidth=0.8, zorder=3)
        ax.scatter(xs[~filled], ys[~filled], s=sizes[~filled], facecolor="white",
                   edgecolor=COLORS["highlight"], linewidth=1.0, zorder=3)
        ax.set_axis_off()
        ax.set_aspect("equal", adjustable="datalim")  # the axes keep their width: room for the legend
        if value is not None and data[value].notna().any():
            _size_legend(ax, data[value], legend_title or value, legend_values)
        if label is not None:
            _labels(fig, ax, xs, ys, data[label].astype(str).tolist(), sizes)
    record_sources(fig, points, base, outline)
    if title is not None:
        finish(fig, title, subtitle, source)
    return fig, ax


def _labels(fig: Figure, ax: Axes, xs: np.ndarray, ys: np.ndarray, texts: list[str], sizes: np.ndarray) -> None:
    """Write each label beside its circle where it overlaps no label placed before it.

    Labels are placed largest circle first; each tries right, left, then right and left
    shifted up or down, and keeps the first position that overlaps no earlier label.
    """
    renderer = fig.canvas.get_renderer()
    placed: list[Any] = []
    for i in np.argsort(-sizes, kind="stable"):
        pad = np.sqrt(sizes[i]) / 2 + 3
        note = None
        for dx, dy, ha in ((pad, 0, "left"), (-pad, 0, "right"), (pad, 14, "left"), (-pad, 14, "right"),
                           (pad, -14, "left"), (-pad, -14, "right"), (pad, 28, "left"), (pad, -28, "left")):
            if note is not None:
                note.remove()
            note = ax.annotate(texts[i], (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points", ha=ha,
                               va="center", fontsize=6.5, color=COLORS["text"], linespacing=1.1,
                               path_effects=_HALO, zorder=4)
            box = note.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed):
                break
        placed.append(note.get_window_extent(renderer))


def _size_legend(ax: Axes, values: pd.Series, title: str, examples: list[float] | None) -> None:
    top = float(pd.to_numeric(values, errors="coerce").max())
    if examples is None:
        magnitude = 10 ** max(0, int(np.floor(np.log10(top))) - 1)
        examples = sorted({round(top * f / magnitude) * magnitude for f in (1.0, 0.5, 0.1)} - {0}, reverse=True)
    handles = [Line2D([], [], ls="", marker="o", markersize=np.sqrt(max(v / top * _MAX_AREA_PT2, _MIN_AREA_PT2)),
                      markerfacecolor=COLORS["highlight"], markeredgecolor="white", alpha=0.75,
                      label=format_number(v, 0)) for v in examples]
    ax.legend(handles=handles, title=title, loc="upper left", bbox_to_anchor=(0.0, 1.0), alignment="left",
              labelspacing=2.4, borderpad=0.6, handlelength=3.2, handletextpad=1.2, frameon=False)
