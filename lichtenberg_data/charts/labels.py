"""Labels placed without overlap: point labels beside their symbol, area names inside their area.

A placer measures every text already on the figure (ticks, legends, titles, other labels) and
puts each label at the first of a few candidate positions where it overlaps none of them and stays
inside the map. Labels of one place are written once (``Ring-Center II und III``). Because the
layout of a figure changes when :func:`~lichtenberg_data.charts.finish` adds the title and source
line, every placer is registered with the chart (``ChartInfo.placers``) and :func:`finish` places
them again after that (point labels first, then area names), so the final figure is the one measured.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.transforms import Bbox

from .check import TOLERANCE_PX, canvas_renderer, drawn_texts, lay_out, scale_bars
from .finish import chart_info
from .style import _HALO, COLORS, _fit_label

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["merge_places", "point_labels", "area_names"]

log = logging.getLogger(__name__)

#: Candidate offsets (points) of a label beside its symbol: right, left, above, below, diagonals.
_BESIDE = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
           (0, -1, "center", "top"), (1, 1, "left", "bottom"), (-1, 1, "right", "bottom"),
           (1, -1, "left", "top"), (-1, -1, "right", "top"))


def merge_places(xs: Sequence[float], ys: Sequence[float], texts: Sequence[str],
                 tolerance: float = 1.0) -> list[tuple[float, float, str, list[int]]]:
    """Places closer than ``tolerance`` (map units) as one, their labels joined.

    >>> merge_places([0, 0, 5], [0, 0.2, 5], ["Ring-Center II", "Ring-Center III", "Linden-Center"])
    [(0.0, 0.0, 'Ring-Center II und III', [0, 1]), (5.0, 5.0, 'Linden-Center', [2])]
    """
    groups: list[tuple[float, float, list[int]]] = []
    for i, (x, y) in enumerate(zip(xs, ys)):
        for gx, gy, members in groups:
            if abs(gx - x) <= tolerance and abs(gy - y) <= tolerance:
                members.append(i)
                break
        else:
            groups.append((float(x), float(y), [i]))
    return [(x, y, _joined([str(texts[i]) for i in members]), members) for x, y, members in groups]


def _joined(names: list[str]) -> str:
    """``["Ring-Center II", "Ring-Center III"]`` → ``"Ring-Center II und III"``."""
    names = sorted(dict.fromkeys(names))
    if len(names) == 1:
        return names[0]
    if any("\n" in n for n in names):  # labels of several lines (name and value): one below the other
        return "\n".join(names)
    words = [n.split(" ") for n in names]
    common = 0
    while all(len(w) > common + 1 for w in words) and len({w[common] for w in words}) == 1:
        common += 1
    head = " ".join(words[0][:common])
    rests = [" ".join(w[common:]) for w in words]
    tail = ", ".join(rests[:-1]) + " und " + rests[-1]
    return f"{head} {tail}" if head else tail


def _obstacles(fig: Any, renderer: Any, skip: set[int]) -> list[Bbox]:
    """Boxes of everything a label must not cover: texts, legends, scale bars."""
    boxes = [t.get_window_extent(renderer) for _, t, _ in drawn_texts(fig) if id(t) not in skip]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            boxes.append(legend.get_window_extent(renderer))
    return boxes + [box for _, box in scale_bars(fig)]


def _symbols(ax: Any, renderer: Any) -> np.ndarray:
    """The boxes (x0, y0, x1, y1, display pixels) of the point symbols drawn in ``ax``: the
    centres, schools, sights … of a point layer, which an area's name should not hide."""
    boxes = [np.empty((0, 4))]
    for coll in ax.collections:
        sizes = coll.get_sizes() if isinstance(coll, PathCollection) and coll.get_visible() else []
        if not (len(sizes) and len(coll.get_offsets())):
            continue
        xy = coll.get_offset_transform().transform(coll.get_offsets())
        radius = np.sqrt(np.resize(sizes, len(xy))) / 2 * renderer.points_to_pixels(1)  # sizes cycle, as drawn
        boxes.append(np.column_stack([xy[:, 0] - radius, xy[:, 1] - radius, xy[:, 0] + radius, xy[:, 1] + radius]))
    return np.concatenate(boxes)


def _on_symbols(box: Bbox, symbols: np.ndarray) -> bool:
    return bool(np.any((symbols[:, 0] < box.x1) & (symbols[:, 2] > box.x0)
                       & (symbols[:, 1] < box.y1) & (symbols[:, 3] > box.y0)))


def _free(box: Bbox, inside: Bbox, taken: list[Bbox]) -> bool:
    pad = TOLERANCE_PX + 1
    if box.x0 < inside.x0 or box.x1 > inside.x1 or box.y0 < inside.y0 or box.y1 > inside.y1:
        return False
    grown = Bbox.from_extents(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)
    return not any(grown.overlaps(other) for other in taken)


class _Placer:
    """Labels of one layer; :meth:`place` (re)draws them where they overlap nothing."""

    def __init__(self, ax: Axes, priority: int) -> None:
        self.ax, self.priority, self.artists = ax, priority, []

    def clear(self) -> None:
        for artist in self.artists:
            artist.remove()
        self.artists = []

    def place(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class _PointLabels(_Placer):
    def __init__(self, ax: Axes, places: list[tuple[float, float, str, float]], size: float) -> None:
        super().__init__(ax, 0)
        self.places, self.size = places, size

    def place(self) -> None:
        self.clear()
        fig = self.ax.get_figure()
        renderer = canvas_renderer(fig)
        taken = _obstacles(fig, renderer, set())
        inside = fig.bbox
        for x, y, text, pad in self.places:
            best, best_overlap = None, None
            for fx, fy, ha, va in _BESIDE:
                note = self.ax.annotate(text, (x, y), xytext=(fx * pad, fy * pad), textcoords="offset points",
                                        ha=ha, va=va, fontsize=self.size, color=COLORS["text"], linespacing=1.1,
                                        path_effects=_HALO, zorder=6, parse_math=False, annotation_clip=False)
                box = note.get_window_extent(renderer)
                if _free(box, inside, taken):
                    if best is not None:
                        best.remove()
                    best = note
                    break
                overlap = sum(_area(box, other) for other in taken) + (0 if _within(box, inside) else 1e6)
                if best is None or overlap < best_overlap:
                    if best is not None:
                        best.remove()
                    best, best_overlap = note, overlap
                else:
                    note.remove()
            if best is not None:
                self.artists.append(best)
                taken.append(best.get_window_extent(renderer))


class _AreaNames(_Placer):
    def __init__(self, ax: Axes, areas: list[tuple[Any, str]], size: float, style: str, color: str) -> None:
        super().__init__(ax, 1)
        self.areas, self.size, self.style, self.color = areas, size, style, color

    def _candidates(self, geom: Any) -> list[tuple[float, float]]:
        """Points inside the area, nearest to its representative point first; then points just
        outside it (a small area's name may stand beside it)."""
        from shapely.geometry import Point

        rep = geom.representative_point()
        x0, y0, x1, y1 = geom.bounds
        grid = [(x, y) for x in np.linspace(x0, x1, 7)[1:-1] for y in np.linspace(y0, y1, 9)[1:-1]
                if geom.contains(Point(x, y))]
        grid.sort(key=lambda p: (p[0] - rep.x) ** 2 + (p[1] - rep.y) ** 2)
        w, h = x1 - x0, y1 - y0
        beside = [(rep.x + dx * w, rep.y + dy * h) for dx, dy in ((0, 0.6), (0, -0.6), (0.6, 0), (-0.6, 0))]
        return [(rep.x, rep.y), *grid, *beside]

    def place(self) -> None:
        self.clear()
        fig = self.ax.get_figure()
        renderer = canvas_renderer(fig)
        taken = _obstacles(fig, renderer, set())
        inside = self.ax.get_window_extent(renderer)
        symbols = _symbols(self.ax, renderer)
        for geom, name in self.areas:
            placed = None
            # first clear of the point symbols too; where they leave no room, clear of the texts only
            for avoid, size in ((True, self.size), (True, self.size - 0.8), (False, self.size),
                                (False, self.size - 0.8)):
                if not avoid and not len(symbols):
                    break
                text = _fit_label(name, 70, size)
                for x, y in self._candidates(geom):
                    label = self.ax.text(x, y, text, ha="center", va="center", fontsize=size, style=self.style,
                                         color=self.color, linespacing=1.0, path_effects=_HALO, zorder=4.5,
                                         parse_math=False, clip_on=False)
                    label.set_in_layout(False)
                    box = label.get_window_extent(renderer)
                    if _free(box, inside, taken) and not (avoid and _on_symbols(box, symbols)):
                        placed = label
                        break
                    label.remove()
                if placed is not None:
                    break
            if placed is None:
                log.debug("area name %r left out: no free place inside its area", name)
                continue
            self.artists.append(placed)
            taken.append(placed.get_window_extent(renderer))


def _area(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _within(box: Bbox, inside: Bbox) -> bool:
    return box.x0 >= inside.x0 and box.x1 <= inside.x1 and box.y0 >= inside.y0 and box.y1 <= inside.y1


def _register(placer: _Placer) -> None:
    fig = placer.ax.get_figure()
    lay_out(fig)  # measure in the figure as it is laid out now
    placer.place()
    chart_info(fig).placers.append(placer)


def point_labels(ax: Axes, xs: Sequence[float], ys: Sequence[float], texts: Sequence[str],
                 pads_pt: Sequence[float] | float = 4.0, size: float = 6.5, merge_pt: float = 5.0) -> None:
    """Label places beside their symbols without overlap; places at one point get one label.

    ``pads_pt`` is the distance from the point to the label (e.g. the symbol's radius plus a
    gap), one per place or one for all. Larger symbols (larger pads) are labelled first. Places
    closer than ``merge_pt`` points on the map share one label (``Ring-Center I, II und III``).
    """
    pads = np.broadcast_to(np.asarray(pads_pt, dtype=float), (len(xs),))
    fig = ax.get_figure()
    lay_out(fig)
    (ax0, _), (ax1, _) = ax.transData.inverted().transform([(0, 0), (fig.dpi / 72 * merge_pt, 0)])
    places = [(x, y, text, float(max(pads[i] for i in members)))
              for x, y, text, members in merge_places(list(xs), list(ys), list(texts), abs(ax1 - ax0))]
    places.sort(key=lambda p: -p[3])
    _register(_PointLabels(ax, places, size))


def area_names(ax: Axes, geometries: Sequence[Any], names: Sequence[str], *, size: float = 6.2,
               style: str = "normal", color: str = COLORS["text"]) -> None:
    """Write each area's name inside it where it overlaps no other text and no point symbol of
    the map (largest area first); where the symbols leave no room, clear of the texts only; a name
    that finds no free place, even a size smaller, is left out."""
    areas = sorted(((g, str(n)) for g, n in zip(geometries, names) if g is not None and not g.is_empty),
                   key=lambda a: -a[0].area)
    _register(_AreaNames(ax, areas, size, style, color))
