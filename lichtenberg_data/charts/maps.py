"""Choropleth maps: areas coloured in classes (mapclassify) with a German legend.

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.choropleth``; mapclassify is imported
only when a map is drawn.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .finish import finish, record_sources
from .formats import format_number, format_percent
from .style import (
    _HALO,
    COLORS,
    FULL_WIDTH_CM,
    SEQUENTIAL_CMAP,
    _canvas,
    _fit_label,
    _map_height_cm,
    _width_cm,
    style,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = ["choropleth", "class_labels"]


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


def choropleth(gdf: gpd.GeoDataFrame, column: str, k: int = 5, scheme: str = "quantiles",
               outline: Any = None, labels: Any = None, *, label_column: str | None = None,
               cmap: str | None = None, legend_title: str | None = None, percent: bool = False,
               decimals: int | None = None, unit: str = "", legend_loc: str | None = None,
               missing_label: str = "keine Angabe", title: str | None = None,
               subtitle: str | None = None, source: Any = None, ax: Axes | None = None,
               width: str | float = "full", height_cm: float | None = None,
               categories: Mapping[Any, str] | None = None,
               **classify_kw: Any) -> tuple[Figure, Axes]:
    """A map of areas coloured in classes (mapclassify), with a German legend.

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
        at a representative point of each geometry (e.g. Ortsteil names).
    legend_title, percent, decimals, unit
        Legend title (default ``column``) and number format of the class labels.
    legend_loc
        ``"right"`` (default for full width), ``"below"`` (default otherwise) or a matplotlib
        legend location inside the map.
    categories
        Draw classes that are already given instead of classifying: ``{value: label}`` in
        legend order, e.g. the MSS status classes ``{1: "hoch", 2: "mittel", …}`` (colours from
        light to dark in that order; other values count as missing).
    **classify_kw
        Passed to :func:`mapclassify.classify` (e.g. ``bins`` for ``"user_defined"``).

    Returns
    -------
    (Figure, Axes)
        The classifier is available as ``ax.classifier``.
    """
    import mapclassify
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
            classifier = mapclassify.classify(y, scheme, k=k_eff, **classify_kw)
        bins = np.asarray(classifier.bins, dtype=float)
        n, classes = len(bins), np.asarray(classifier.yb)
        if decimals is None:
            decimals = _class_decimals(y)
        texts = class_labels(float(min(y.min(), bins[0])), bins, decimals, percent=percent, unit=unit)
    palette = [cm(0.18 + 0.77 * (i / (n - 1) if n > 1 else 1.0)) for i in range(n)]

    if height_cm is None and ax is None:
        height_cm = _map_height_cm(width)
    with style():
        fig, ax = _canvas(ax, width, height_cm)
        colors = [palette[int(c)] for c in classes]
        gdf.loc[valid].plot(ax=ax, color=colors, edgecolor="white", linewidth=0.4)
        handles = [Patch(facecolor=c, edgecolor="none", label=t) for c, t in zip(palette, texts)]
        if (~valid).any():
            gdf.loc[~valid].plot(ax=ax, facecolor=COLORS["missing"], edgecolor="#BBBBBB",
                                 hatch="////", linewidth=0.3)
            handles.append(Patch(facecolor=COLORS["missing"], edgecolor="#BBBBBB", hatch="////",
                                 label=missing_label))
        if outline is not None:
            shape = outline.to_crs(gdf.crs) if gdf.crs is not None and outline.crs is not None else outline
            shape.boundary.plot(ax=ax, color=COLORS["text"], linewidth=1.0)
        if labels is not None:
            lab = labels.to_crs(gdf.crs) if gdf.crs is not None and labels.crs is not None else labels
            col = label_column or next(
                c for c in lab.columns
                if c != lab.geometry.name and (pd.api.types.is_string_dtype(lab[c])
                                               or lab[c].dtype == object))
            for point, text in zip(lab.geometry.representative_point(), lab[col].astype(str)):
                ax.text(point.x, point.y, _fit_label(text, 70, 6.2), ha="center", va="center",
                        fontsize=6.2, color=COLORS["text"], linespacing=1.0,
                        path_effects=_HALO)
        ax.set_axis_off()
        ax.set_aspect("equal")
        loc = legend_loc or ("right" if _width_cm(width) >= FULL_WIDTH_CM else "below")
        kw: dict[str, Any]
        if loc == "right":
            kw = {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)}
        elif loc == "below":
            kw = {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0), "ncols": 2}
        else:
            kw = {"loc": loc}
        ax.legend(handles=handles, title=legend_title or column, alignment="left",
                  handlelength=1.2, handleheight=1.0, **kw)
        ax.classifier = classifier  # type: ignore[attr-defined]
    record_sources(fig, gdf, outline, labels)
    if title is not None:
        finish(fig, title, subtitle, source)
    return fig, ax
