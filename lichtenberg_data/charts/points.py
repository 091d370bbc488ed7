"""Points on maps: point maps (places on a plain base map, circles sized by a value, with German
labels), points drawn on any map (:func:`add_points`) and their own legend (:func:`marker_legend`).

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.point_map``, ``charts.add_points`` and
``charts.marker_legend``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .finish import chart_info, finish, record_data, record_sources
from .formats import format_number
from .labels import point_labels
from .mapbase import add_legend_entry, drop_legend_entries, legend, orient, plot_geo
from .style import COLORS, _canvas, _map_height_cm, style

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = ["point_map", "add_points", "marker_legend"]

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
              height_cm: float | None = None, orientation: bool = True,
              missing_label: str = "ohne Angabe") -> tuple[Figure, Axes]:
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
        Without ``value`` the circles get one legend entry, ``legend_title`` (default "Ort").
    title, subtitle, source
        When ``title`` is given the chart is finished (:func:`finish`); the source line comes
        from ``source`` or else from the frames drawn.
    orientation
        Draw the Ortsteil boundaries and names and a scale bar (see :mod:`.mapbase`).
    missing_label
        Legend entry of the hollow circles of places without a value.
    """
    data = points[points.geometry.notna() & ~points.geometry.is_empty]
    crs = data.crs
    if height_cm is None and ax is None:
        height_cm = _map_height_cm(width)
    with style():
        fig, ax = _canvas(ax, width, height_cm)
        chart_info(fig).keep_plot = True
        for layer, kw in ((base, {"color": COLORS["missing"], "edgecolor": "white", "linewidth": 0.6}),
                          (outline, None)):
            if layer is None:
                continue
            shape = layer.to_crs(crs) if crs is not None and layer.crs is not None else layer
            if kw is None:
                plot_geo(shape.boundary, ax, color=COLORS["text"], linewidth=1.0)
            else:
                plot_geo(shape, ax, **kw)
        xs, ys = data.geometry.x.to_numpy(), data.geometry.y.to_numpy()
        sizes = _areas(data[value]) if value is not None else np.full(len(data), 120.0)
        filled = data[value].notna().to_numpy() if value is not None else np.ones(len(data), dtype=bool)
        name = legend_title or (value if value is not None else "Ort")
        ax.scatter(xs[filled], ys[filled], s=sizes[filled], color=COLORS["highlight"], alpha=0.75,
                   edgecolor="white", linewidth=0.8, zorder=3, label=name)
        hollow = Line2D([], [], ls="", marker="o", markersize=np.sqrt(_MIN_AREA_PT2), markerfacecolor="white",
                        markeredgecolor=COLORS["highlight"], label=missing_label)
        if (~filled).any():
            ax.scatter(xs[~filled], ys[~filled], s=sizes[~filled], facecolor="white",
                       edgecolor=COLORS["highlight"], linewidth=1.0, zorder=3, label=missing_label)
        ax.set_axis_off()
        ax.set_aspect("equal", adjustable="datalim")  # the axes keep their width: room for the legend
        if value is not None and data[value].notna().any():
            _size_legend(ax, data[value], name, legend_values, [hollow] if (~filled).any() else [])
        elif len(data):
            add_legend_entry(ax, Line2D([], [], ls="", marker="o", markersize=np.sqrt(sizes.max()),
                                        markerfacecolor=COLORS["highlight"], markeredgecolor="white", alpha=0.75,
                                        label=name))
        if orientation:
            shown = [layer for layer in (outline, base) if layer is not None]
            orient(ax, crs, (shown[0].to_crs(crs) if crs is not None and shown[0].crs is not None else shown[0])
                   .union_all() if shown else data.union_all().convex_hull)
        if label is not None:
            point_labels(ax, xs, ys, data[label].astype(str).tolist(), np.sqrt(sizes) / 2 + 3)
    record_sources(fig, points, base, outline)
    drawn = pd.DataFrame({"x (EPSG:25833)": xs.round(1), "y (EPSG:25833)": ys.round(1)})
    if label is not None:
        drawn.insert(0, label, data[label].astype(str).to_numpy())
    if value is not None:
        drawn.insert(1 if label is not None else 0, value, data[value].to_numpy())
    record_data(fig, drawn, "Orte")
    if title is not None:
        finish(fig, title, subtitle, source)
    return fig, ax


def _size_legend(ax: Axes, values: pd.Series, title: str, examples: list[float] | None,
                 extra: list[Any]) -> None:
    top = float(pd.to_numeric(values, errors="coerce").max())
    if examples is None:
        magnitude = 10 ** max(0, int(np.floor(np.log10(top))) - 1)
        examples = sorted({round(top * f / magnitude) * magnitude for f in (1.0, 0.5, 0.1)} - {0}, reverse=True)
    handles = [Line2D([], [], ls="", marker="o", markersize=np.sqrt(max(v / top * _MAX_AREA_PT2, _MIN_AREA_PT2)),
                      markerfacecolor=COLORS["highlight"], markeredgecolor="white", alpha=0.75,
                      label=format_number(v, 0)) for v in examples]
    legend(ax, [*handles, *extra], title=title, loc="upper left", bbox_to_anchor=(0.0, 1.0), alignment="left",
           labelspacing=2.4, borderpad=0.6, handlelength=3.2, handletextpad=1.2, frameon=False)


def add_points(ax: Axes, points: gpd.GeoDataFrame, *, label_column: str | None = None,
               color: str | None = None, size: float = 18, marker: str = "o", radius_m: float | None = None,
               legend_label: str | None = None, font_size: float = 5.8) -> None:
    """Draw points (e.g. shopping centres) on a map, optionally with circles of ``radius_m`` and labels.

    ``legend_label`` names the points in the map's legend (every symbol needs an entry; the
    chart check reports points without one). Labels are placed beside the points where they
    overlap no other text; points at one place get one label (``Ring-Center II und III``).
    """
    color = color or COLORS["highlight"]
    if radius_m is not None:
        plot_geo(points.buffer(radius_m).boundary, ax, color=color, linewidth=0.6, linestyle="--")
    shown = points[points.geometry.notna() & ~points.geometry.is_empty]
    if size > 0 and len(shown):
        plot_geo(shown, ax, color=color, markersize=size, marker=marker, edgecolor="white", linewidth=0.4,
                 label=legend_label, zorder=5)
        if legend_label:
            add_legend_entry(ax, Line2D([], [], ls="", marker=marker, markersize=max(3.0, np.sqrt(size)),
                                        markerfacecolor=color, markeredgecolor="white", label=legend_label))
    if label_column and len(shown):
        point_labels(ax, shown.geometry.x.to_numpy(), shown.geometry.y.to_numpy(),
                     shown[label_column].astype(str).tolist(), np.sqrt(max(size, 1.0)) / 2 + 2, size=font_size)
    drawn = pd.DataFrame({"x (EPSG:25833)": shown.geometry.x.round(1).to_numpy(),
                          "y (EPSG:25833)": shown.geometry.y.round(1).to_numpy()})
    if label_column:
        drawn.insert(0, label_column, shown[label_column].astype(str).to_numpy())
    record_data(ax.get_figure(), drawn, legend_label or label_column or "Punkte")


def marker_legend(ax: Axes, title: str | None = None, *, loc: str = "lower left",
                  anchor: tuple[float, float] = (1.02, 0.0)) -> None:
    """A legend of its own for the points drawn with labels (``add_points(..., legend_label=…)``),
    placed beside the legend the axes already has (e.g. a choropleth's classes), which stays
    without them; by default outside the map at its lower right, below a legend on the right."""
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
