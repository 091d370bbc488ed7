"""A map of several layers of areas over the Ortsteile of a district, with a legend and a scale bar.

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.layer_map`` and ``charts.Layer``. Each
:class:`Layer` is a GeoDataFrame of polygons drawn in one colour (filled, or hatched), with one
legend entry; the base areas (Ortsteile) are drawn as thin grey outlines with their names, the
district as a dark outline. Labels are placed as on every map (:mod:`.labels`: an area's label
beside it, the base names inside their areas, no two overlapping; placed again once the chart is
finished), the scale bar is the one of :mod:`.mapbase`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .finish import chart_info, finish, record_data, record_sources
from .labels import area_names, point_labels
from .mapbase import plot_geo
from .mapbase import scale_bar as draw_scale_bar
from .style import COLORS, _canvas, _map_height_cm, _width_cm, style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["Layer", "layer_map", "legend_handles"]


@dataclass(frozen=True)
class Layer:
    """One layer of a :func:`layer_map`: polygons (EPSG:25833), their legend text and look.

    ``labels`` names a column written at each polygon (for a few named areas only).
    """

    data: Any
    label: str
    color: str
    alpha: float = 0.45
    hatch: str | None = None
    labels: str | None = None


def legend_handles(layers: Sequence[Layer]) -> list[Patch]:
    """One legend patch per non-empty layer, in the layers' order."""
    return [Patch(facecolor=layer.color if not layer.hatch else "none", edgecolor=layer.color,
                  alpha=1.0 if layer.hatch else layer.alpha, hatch=layer.hatch, label=layer.label)
            for layer in layers if layer.data is not None and len(layer.data)]


def layer_map(layers: Sequence[Layer], *, base: Any = None, base_label: str | None = "ortsteil", outline: Any = None,
              legend: str | None = "below", scale_bar: bool = True, title: str | None = None,
              subtitle: str | None = None, source: Any = None, ax: Axes | None = None,
              width: str | float = "full", height_cm: float | None = None) -> tuple[Figure, Axes]:
    """A map of area layers over base areas, e.g. plans and programme areas over the Ortsteile.

    Parameters
    ----------
    layers
        The layers, drawn in order (later ones on top); empty layers are left out of map and legend.
    base
        Areas drawn as grey outlines with the names of ``base_label`` (e.g. the Ortsteile); they set
        the extent of the map.
    outline
        Drawn as a dark outline (e.g. the district).
    legend
        ``"below"``, ``"right"``, a matplotlib location inside the map, or ``None`` (the caller
        draws :func:`legend_handles` elsewhere).
    scale_bar
        Draw a scale bar in the corner the areas cover least.
    title, subtitle, source
        Finish the chart (:func:`lichtenberg_data.charts.finish`); give them here rather than
        finishing later, so that the labels are placed on the final layout.

    Returns
    -------
    (Figure, Axes)
    """
    own = ax is None
    if height_cm is None and own:
        height_cm = _map_height_cm(width)
    frames = [layer.data for layer in layers if layer.data is not None and len(layer.data)]
    narrow = own and _width_cm(width) < 12  # a legend below in one column
    if own and legend == "below":  # the map keeps its height: each legend row beyond the first adds one
        rows = -(-len(legend_handles(layers)) // (1 if narrow else 2))
        height_cm += 0.45 * max(0, rows - 1)
    with style():
        fig, ax = _canvas(ax, width, height_cm)
        if own:
            chart_info(fig).keep_plot = True  # a longer title or source line makes the figure taller
        if base is not None:
            plot_geo(base.boundary, ax, color="#BBBBBB", linewidth=0.5)
        for layer in layers:
            if layer.data is None or not len(layer.data):
                continue
            if layer.hatch:
                plot_geo(layer.data, ax, facecolor="none", edgecolor=layer.color, hatch=layer.hatch, linewidth=0.8)
            else:
                plot_geo(layer.data, ax, color=layer.color, alpha=layer.alpha, edgecolor=layer.color, linewidth=0.6)
        if outline is not None:
            plot_geo(outline.boundary, ax, color=COLORS["text"], linewidth=1.1)
        shown = [f for f in ([base, outline] + frames) if f is not None and len(f)]
        if shown:
            bounds = [f.total_bounds for f in shown[:2]] if base is not None or outline is not None \
                else [f.total_bounds for f in shown]
            x0, y0 = min(b[0] for b in bounds), min(b[1] for b in bounds)
            x1, y1 = max(b[2] for b in bounds), max(b[3] for b in bounds)
            pad = 0.03 * max(x1 - x0, y1 - y0)
            ax.set_xlim(x0 - pad, x1 + pad)
            ax.set_ylim(y0 - pad, y1 + pad)
        ax.set_axis_off()
        ax.set_aspect("equal")
        if scale_bar and shown:
            draw_scale_bar(ax, (base if base is not None else shown[0]).geometry.union_all())
        handles = legend_handles(layers)
        if legend and handles:
            kw: dict[str, Any] = {"loc": legend}
            if legend == "below":  # two columns; one on a narrow map
                kw = {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0), "ncols": 1 if narrow else 2}
            elif legend == "right":
                kw = {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)}
            ax.legend(handles=handles, alignment="left", handlelength=1.4, handleheight=1.0, **kw)
    record_sources(fig, base, outline, *frames)
    for layer in layers:  # each layer's areas as drawn, with their area in hectares
        if layer.data is not None and len(layer.data):
            drawn = pd.DataFrame(layer.data.drop(columns=layer.data.geometry.name))
            drawn["flaeche_ha (gezeichnet)"] = (layer.data.geometry.area / 10_000).round(2).to_numpy()
            record_data(fig, drawn, layer.label)
    marked = [(layer.data, layer.labels) for layer in layers
              if layer.labels and layer.data is not None and len(layer.data)]
    if marked:  # each area's label beside it (placed first), no two on one point
        points = [p for data, _ in marked for p in data.geometry.representative_point()]
        point_labels(ax, [p.x for p in points], [p.y for p in points],
                     [str(t) for data, column in marked for t in data[column]], pads_pt=3.0, size=7)
    if base is not None and base_label:
        area_names(ax, list(base.geometry), base[base_label].astype(str).tolist(), size=6.2, style="italic",
                   color=COLORS["muted"])
    if title is not None:
        finish(fig, title, subtitle, source)  # places the labels again in the final layout
    return fig, ax
