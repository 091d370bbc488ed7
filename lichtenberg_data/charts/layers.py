"""A map of several layers of areas over the Ortsteile of a district, with a legend and a scale bar.

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.layer_map`` and ``charts.Layer``. Each
:class:`Layer` is a GeoDataFrame of polygons drawn in one colour (filled, or hatched), with one
legend entry; the base areas (Ortsteile) are drawn as thin grey outlines with their names, the
district as a dark outline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .finish import finish, record_sources
from .formats import format_number
from .style import _HALO, COLORS, _canvas, _fit_label, _map_height_cm, style

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


def _scale_bar(ax: Axes, x0: float, y0: float, x1: float, y1: float) -> None:
    """A bar of a round length (1, 2 or 5 km) at the lower left, labelled in German."""
    span = (x1 - x0) / 5
    length = max((v for v in (500, 1000, 2000, 5000, 10000) if v <= span), default=500)
    x, y = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.03
    ax.plot([x, x + length], [y, y], color=COLORS["text"], linewidth=2.2, solid_capstyle="butt")
    text = f"{format_number(length / 1000, 1 if length < 1000 else 0)} km"
    ax.text(x + length / 2, y + (y1 - y0) * 0.012, text, ha="center", va="bottom", fontsize=6.5,
            color=COLORS["text"], path_effects=_HALO)


def _declutter(fig: Figure, ax: Axes, fixed: list, movable: list) -> None:
    """Move each label of ``movable`` down (then up, right, left) in steps of its height until it
    overlaps no label placed before it; Ortsteil names (``fixed``) stay where they are."""
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else fig._get_renderer()
    placed = [t.get_window_extent(renderer).expanded(1.05, 1.1) for t in fixed]
    to_data = ax.transData.inverted()
    for text in movable:
        box = text.get_window_extent(renderer)
        x0, y0 = text.get_position()
        step = box.height * 1.15
        tries = [(0, 0)] + [(dx * box.width * 0.55 * k, dy * step * k) for k in range(1, 6)
                            for dx, dy in ((0, -1), (0, 1), (1, 0), (-1, 0))]
        for dx, dy in tries:
            sx, sy = ax.transData.transform((x0, y0))
            text.set_position(to_data.transform((sx + dx, sy + dy)))
            moved = text.get_window_extent(renderer)
            if not any(moved.overlaps(other) for other in placed):
                break
        placed.append(text.get_window_extent(renderer).expanded(1.05, 1.1))


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
        Draw a scale bar of 500 m to 10 km at the lower left.
    title, subtitle, source
        Finish the chart (:func:`lichtenberg_data.charts.finish`); give them here rather than
        finishing later, so that the labels are placed on the final layout.

    Returns
    -------
    (Figure, Axes)
    """
    if height_cm is None and ax is None:
        height_cm = _map_height_cm(width)
    frames = [layer.data for layer in layers if layer.data is not None and len(layer.data)]
    with style():
        fig, ax = _canvas(ax, width, height_cm)
        if base is not None:
            base.boundary.plot(ax=ax, color="#BBBBBB", linewidth=0.5)
        for layer in layers:
            if layer.data is None or not len(layer.data):
                continue
            if layer.hatch:
                layer.data.plot(ax=ax, facecolor="none", edgecolor=layer.color, hatch=layer.hatch, linewidth=0.8)
            else:
                layer.data.plot(ax=ax, color=layer.color, alpha=layer.alpha, edgecolor=layer.color, linewidth=0.6)
        if outline is not None:
            outline.boundary.plot(ax=ax, color=COLORS["text"], linewidth=1.1)
        fixed, movable = [], []
        if base is not None and base_label:
            for point, text in zip(base.geometry.representative_point(), base[base_label].astype(str)):
                fixed.append(ax.text(point.x, point.y, _fit_label(text, 70, 6.2), ha="center", va="center",
                                     fontsize=6.2, color=COLORS["muted"], fontstyle="italic", path_effects=_HALO))
        for layer in layers:
            if layer.labels and layer.data is not None and len(layer.data):
                for point, text in zip(layer.data.geometry.representative_point(), layer.data[layer.labels]):
                    movable.append(ax.text(point.x, point.y, _fit_label(str(text), 80, 7), ha="center",
                                           va="center", fontsize=7, fontweight="bold", color=COLORS["text"],
                                           path_effects=_HALO))
        shown = [f for f in ([base, outline] + frames) if f is not None and len(f)]
        if shown:
            bounds = [f.total_bounds for f in shown[:2]] if base is not None or outline is not None \
                else [f.total_bounds for f in shown]
            x0, y0 = min(b[0] for b in bounds), min(b[1] for b in bounds)
            x1, y1 = max(b[2] for b in bounds), max(b[3] for b in bounds)
            pad = 0.03 * max(x1 - x0, y1 - y0)
            ax.set_xlim(x0 - pad, x1 + pad)
            ax.set_ylim(y0 - pad, y1 + pad)
            if scale_bar:
                _scale_bar(ax, x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        ax.set_axis_off()
        ax.set_aspect("equal")
        handles = legend_handles(layers)
        if legend and handles:
            kw: dict[str, Any] = {"loc": legend}
            if legend == "below":
                kw = {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0), "ncols": 2}
            elif legend == "right":
                kw = {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)}
            ax.legend(handles=handles, alignment="left", handlelength=1.4, handleheight=1.0, **kw)
    record_sources(fig, base, outline, *frames)
    if title is not None:
        finish(fig, title, subtitle, source)
    if movable:  # once the layout is final: labels are placed in points on a map drawn to scale
        fig.draw_without_rendering()
        _declutter(fig, ax, fixed, movable)
    return fig, ax
