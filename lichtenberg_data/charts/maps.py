"""Choropleth maps: areas coloured in classes (mapclassify) with a German legend.

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.choropleth``. The two schemes the
notebooks use, ``quantiles`` and ``user_defined``, are classified as mapclassify does by
:func:`classify` (numpy only); mapclassify is imported for every other scheme, because its import
with scipy costs about 1 s, as much as drawing the map.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .finish import chart_info, finish, record_data, record_sources
from .formats import format_number, format_percent
from .labels import area_names
from .mapbase import legend, orient, plot_geo
from .style import (
    COLORS,
    FULL_WIDTH_CM,
    SEQUENTIAL_CMAP,
    _canvas,
    _map_height_cm,
    _width_cm,
    style,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = ["choropleth", "class_labels", "classify", "Classes"]


class Classes(NamedTuple):
    """Classes of values as mapclassify gives them: upper bounds ``bins``, the class ``yb`` of
    each value (0-based), the number ``k`` of classes made and the scheme's ``name``. (Where ties
    merge quantiles, mapclassify's ``k`` stays the number asked for; here it is ``len(bins)``.)"""

    bins: np.ndarray
    yb: np.ndarray
    k: int
    name: str


def _score_at_percentile(ordered: np.ndarray, pct: float) -> float:
    """The value at ``pct`` % of the sorted ``ordered``, linearly between neighbours (as
    ``scipy.stats.scoreatpercentile``, which mapclassify's quantiles use)."""
    idx = pct / 100.0 * (ordered.size - 1)
    low = int(idx)
    if low == idx:
        return float(ordered[low])
    weights = np.array([low + 1 - idx, idx - low], dtype=float)  # the same sums as scipy's, to the last bit
    return float(np.add.reduce(ordered[low:low + 2] * weights) / weights.sum())


def classify(y: Sequence[float] | np.ndarray, scheme: str = "quantiles", k: int = 5, **kw: Any) -> Any:
    """Classify ``y`` as ``mapclassify.classify(y, scheme, k=k, **kw)`` does.

    ``quantiles`` and ``user_defined`` (``bins=[...]``; the largest value is added as the last
    bound when it lies above them) are computed here with the same bins and classes and return
    :class:`Classes`; any other scheme is mapclassify's own classifier. ``y`` must hold at least
    one value and no missing one (:func:`choropleth` leaves missing values out before).

    Examples
    --------
    >>> c = classify([1, 2, 3, 4, 5, 6, 7, 8], k=4)
    >>> c.bins.tolist(), c.yb.tolist()
    ([2.75, 4.5, 6.25, 8.0], [0, 0, 1, 1, 2, 2, 3, 3])
    >>> classify([10, 60, 95], "user_defined", bins=[25, 50, 75]).bins.tolist()
    [25.0, 50.0, 75.0, 95.0]
    """
    y = np.asarray(y, dtype=float)
    if y.size == 0 or np.isnan(y).any():
        raise ValueError("classify: the values are empty or hold missing values (NaN); leave those out first")
    if int(k) < 1:
        raise ValueError(f"classify: k must be a whole number >= 1, not {k!r}")
    name = str(scheme).lower().replace("_", "")
    if name == "quantiles" and not kw:
        step = 100.0 / k
        pcts = np.arange(step, 100 + step, step)
        if pcts[-1] > 100.0:
            pcts[-1] = 100.0
        ordered = np.sort(y)
        bins = np.unique([_score_at_percentile(ordered, p) for p in pcts])
    elif name == "userdefined" and set(kw) == {"bins"}:
        bins = np.asarray(kw["bins"], dtype=float)
        if bins[-1] < y.max():
            bins = np.append(bins, y.max())
    else:
        import mapclassify

        return mapclassify.classify(y, scheme, k=k, **kw)
    return Classes(bins=bins, yb=np.searchsorted(bins, y, side="left"), k=len(bins), name=str(scheme))


def _class_decimals(values: np.ndarray) -> int:
    span = float(np.nanmax(values) - np.nanmin(values)) if values.size else 0.0
    if span <= 0:
        return 0 if float(np.nanmax(np.abs(values), initial=0)).is_integer() else 1
    return int(min(3, max(0, 2 - math.floor(math.log10(span)))))


def class_labels(lower: float, bins: Sequence[float], decimals: int, *, percent: bool = False,
                 unit: str = "") -> list[str]:
    """German legend labels ``"1.234 – 2.345"`` for classes with upper ``bins``."""
    def f(v: float) -> str:
        return format_percent(v, decimals) if percent else format_number(v, decimals)

    labels, lo = [], lower
    for hi in bins:
        labels.append(f"{f(lo)} – {f(hi)}" + (f" {unit}" if unit and not percent else ""))
        lo = hi
    return labels


#: Height of a map of a tall area at half width (it grows by titles and sources longer than usual).
_TALL_HALF_CM = 9.5


def _tall(gdf: gpd.GeoDataFrame) -> bool:
    """Whether the areas are clearly taller than wide (their map is as large at half width)."""
    if not len(gdf):
        return False
    x0, y0, x1, y1 = gdf.total_bounds
    return (y1 - y0) > 1.25 * (x1 - x0)


def _drawn(gdf: gpd.GeoDataFrame, column: str, valid: np.ndarray, classes: np.ndarray, texts: list[str],
           missing_label: str) -> pd.DataFrame:
    """The areas as drawn: their names and keys, the value and the class (legend text) of each."""
    keep = [c for c in gdf.columns if c != gdf.geometry.name
            and (c == column or pd.api.types.is_string_dtype(gdf[c]) or gdf[c].dtype == object)]
    drawn = pd.DataFrame(gdf[keep]).copy()
    klasse = np.full(len(gdf), missing_label, dtype=object)
    klasse[valid] = [texts[int(c)] for c in classes]
    drawn["Klasse"] = klasse
    return drawn


def choropleth(gdf: gpd.GeoDataFrame, column: str, k: int = 5, scheme: str = "quantiles",
               outline: Any = None, labels: Any = None, *, label_column: str | None = None,
               cmap: str | None = None, legend_title: str | None = None, percent: bool = False,
               decimals: int | None = None, unit: str = "", legend_loc: str | None = None,
               missing_label: str = "keine Angabe", title: str | None = None,
               subtitle: str | None = None, source: Any = None, ax: Axes | None = None,
               width: str | float = "auto", height_cm: float | None = None,
               categories: Mapping[Any, str] | None = None, orientation: bool = True,
               **classify_kw: Any) -> tuple[Figure, Axes]:
    """A map of areas coloured in classes (mapclassify's schemes), with a German legend.

    Parameters
    ----------
    gdf
        Areas with the value ``column`` (any projected CRS, e.g. EPSG:25833).
    k, scheme
        Number of classes and mapclassify scheme (``"quantiles"``, ``"natural_breaks"``,
        ``"equal_interval"``, ``"fisher_jenks"``, ``"user_defined"`` with ``bins=[...]``, ...).
    outline
        Optional GeoDataFrame/GeoSeries drawn as a dark outline (e.g. the district border).
    labels
        Optional GeoDataFrame whose ``label_column`` (default: its first text column) is written
        inside each geometry where it overlaps no other text (e.g. Ortsteil names).
    legend_title, percent, decimals, unit
        Legend title (default ``column``) and number format of the class labels.
    legend_loc
        ``"right"`` (default for full width and for a tall area at half width), ``"below"``
        (default otherwise) or a matplotlib legend location inside the map.
    width, height_cm
        ``"full"`` (16 cm), ``"half"`` (7.8 cm), a width in cm, or ``"auto"`` (default): half width
        for an area taller than wide (a district such as Lichtenberg is drawn as large at half
        width as at full width, and two maps then stand side by side in the briefing), else full.
    categories
        Draw classes that are already given instead of classifying: ``{value: label}`` in
        legend order, e.g. the MSS status classes ``{1: "hoch", 2: "mittel", …}`` (colours from
        light to dark in that order; other values count as missing).
    orientation
        Draw the Ortsteil boundaries, their names (unless ``labels`` names the areas) and a
        scale bar (:func:`~lichtenberg_data.charts.mapbase.orient`).
    **classify_kw
        Passed to :func:`classify` (e.g. ``bins`` for ``"user_defined"``).

    Returns
    -------
    (Figure, Axes)
        The classes are available as ``ax.classifier`` (:func:`classify`: bins, classes, k).
    """
    from matplotlib import colormaps

    cm = colormaps[cmap or SEQUENTIAL_CMAP]
    if categories is not None:
        order = list(categories)
        codes = gdf[column].map({v: i for i, v in enumerate(order)})
        valid = codes.notna().to_numpy()
        classes = codes[valid].astype(int).to_numpy()
        n, texts, classifier = len(order), list(categories.values()), None
    else:
        values = pd.to_numeric(gdf[column], errors="coerce").astype(float)
        valid = values.notna().to_numpy()
        y = values[valid].to_numpy()
        if y.size == 0:
            raise ValueError(f"choropleth: column {column!r} has no numeric values")
        k_eff = max(1, min(int(k), len(np.unique(y))))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            classifier = classify(y, scheme, k=k_eff, **classify_kw)
        bins = np.asarray(classifier.bins, dtype=float)
        n, classes = len(bins), np.asarray(classifier.yb)
        if decimals is None:
            decimals = _class_decimals(y)
        texts = class_labels(float(min(y.min(), bins[0])), bins, decimals, percent=percent, unit=unit)
    palette = [cm(0.18 + 0.77 * (i / (n - 1) if n > 1 else 1.0)) for i in range(n)]

    tall = _tall(gdf)
    if width == "auto":
        width = "half" if tall else "full"
    if height_cm is None and ax is None:
        height_cm = _TALL_HALF_CM if tall and _width_cm(width) < FULL_WIDTH_CM else _map_height_cm(width)
    with style():
        fig, ax = _canvas(ax, width, height_cm)
        chart_info(fig).keep_plot = True
        colors = [palette[int(c)] for c in classes]
        plot_geo(gdf.loc[valid], ax, color=colors, edgecolor="white", linewidth=0.4)
        handles = [Patch(facecolor=c, edgecolor="none", label=t) for c, t in zip(palette, texts)]
        if (~valid).any():
            plot_geo(gdf.loc[~valid], ax, facecolor=COLORS["missing"], edgecolor="#BBBBBB",
                     hatch="////", linewidth=0.3)
            handles.append(Patch(facecolor=COLORS["missing"], edgecolor="#BBBBBB", hatch="////",
                                 label=missing_label))
        if outline is not None:
            shape = outline.to_crs(gdf.crs) if gdf.crs is not None and outline.crs is not None else outline
            plot_geo(shape.boundary, ax, color=COLORS["text"], linewidth=1.0)
        ax.set_axis_off()
        ax.set_aspect("equal")
        loc = legend_loc or ("right" if _width_cm(width) >= FULL_WIDTH_CM or tall else "below")
        narrow = 80.0 if loc == "right" and _width_cm(width) < FULL_WIDTH_CM else None  # beside a narrow map
        kw: dict[str, Any]
        if loc == "right":
            kw = {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)}
        elif loc == "below":
            kw = {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0), "ncols": 2}
        else:
            kw = {"loc": loc}
        legend(ax, handles, title=legend_title or column, alignment="left", handlelength=1.2,
               handleheight=1.0, wrap_pt=narrow, **kw)
        if orientation:
            orient(ax, gdf.crs, gdf.geometry.union_all(), names=labels is None)
        if labels is not None:
            lab = labels.to_crs(gdf.crs) if gdf.crs is not None and labels.crs is not None else labels
            col = label_column or next(
                c for c in lab.columns
                if c != lab.geometry.name and (pd.api.types.is_string_dtype(lab[c])
                                               or lab[c].dtype == object))
            area_names(ax, list(lab.geometry), lab[col].astype(str).tolist())
        ax.classifier = classifier  # type: ignore[attr-defined]
    record_sources(fig, gdf, outline, labels)
    record_data(fig, _drawn(gdf, column, valid, classes, texts, missing_label), "Flächen")
    if title is not None:
        finish(fig, title, subtitle, source)
    return fig, ax
