"""What every map shows besides its data: the Ortsteil boundaries with their names, a scale bar,
and one legend that layers drawn later (points on a choropleth) add their entry to.

Used by :func:`~lichtenberg_data.charts.choropleth`, :func:`~lichtenberg_data.charts.point_map`
and :func:`~lichtenberg_data.charts.add_points`. The Ortsteile come from
``geo.boundaries("ortsteil")``; without that dataset a map is drawn without them. The scale bar is
matplotlib-scalebar's (geometries are in EPSG:25833, whose unit is the metre).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from .finish import record_sources
from .formats import format_number
from .labels import area_names
from .style import COLORS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["legend", "add_legend_entry", "drop_legend_entries", "orient", "scale_bar", "plot_geo",
           "keep_view", "MAX_NAMED_ORTSTEILE"]

log = logging.getLogger(__name__)

#: A map showing more Ortsteile than this (a map of all Berlin) draws their boundaries unnamed.
MAX_NAMED_ORTSTEILE = 45
#: An Ortsteil of the district (``settings.district``) is named when at least this share of its
#: area lies in the map's data; the neighbours' Ortsteile are drawn, not named.
_SHOWN_SHARE = 0.5

_LEGENDS: WeakKeyDictionary[Any, tuple[list[Any], dict[str, Any]]] = WeakKeyDictionary()


def plot_geo(data: Any, ax: Axes, **kwargs: Any) -> Axes:
    """``data.plot(ax=ax, **kwargs)`` for a GeoSeries or GeoDataFrame, without the draw of the
    whole figure that geopandas asks for after every layer.

    geopandas ends each ``plot`` with ``canvas.draw_idle()``, meant for interactive windows. On a
    canvas that draws at once when asked (Agg: scripts, the notebooks' inline backend) that is a
    full draw, constrained layout included, for every layer of every map (1.2 s of the 26 s of CPU
    of a build of the briefing, in a profile); the chart is drawn when it is checked, shown or
    saved. A window's canvas schedules its draws and is left alone. Not for two threads plotting
    into one figure (matplotlib is not thread-safe anyway).
    """
    from matplotlib.backend_bases import FigureCanvasBase

    canvas = ax.get_figure().canvas
    if type(canvas).draw_idle is not FigureCanvasBase.draw_idle:
        return data.plot(ax=ax, **kwargs)  # a window: its own draw_idle merges the requests
    shadowed = vars(canvas).get("draw_idle")
    canvas.draw_idle = _no_draw  # the instance attribute hides the method during this call
    try:
        return data.plot(ax=ax, **kwargs)
    finally:
        if shadowed is None:
            del canvas.draw_idle
        else:
            canvas.draw_idle = shadowed


def _no_draw(*args: Any, **kwargs: Any) -> None:
    return None


def keep_view(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    """Fix the map's view at ``xlim`` x ``ylim``; on a map that keeps its aspect by widening its
    view (``adjustable="datalim"``: the point maps, whose axes keep their width for the legend),
    every draw widens *that* view to the axes box of the moment.

    matplotlib widens the view the last draw left, so a map drawn at another layout before (the
    chart check, a figure resized in a notebook) grew with every draw and logged "Ignoring fixed
    x limits to fulfill fixed data aspect" each time (in the notebooks' HTML pages). A view set
    after this call (``ax.set_xlim`` to zoom in, before or after a draw) becomes the one every
    later draw widens. On a map (axes without tick labels) the view then depends only on the axes
    box; where tick labels are drawn, constrained layout sizes the box by the last draw's labels.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(4, 2))
    >>> ax = fig.add_subplot()
    >>> _ = ax.plot([0, 100], [0, 100])
    >>> ax.set_aspect("equal", adjustable="datalim")
    >>> keep_view(ax, (0, 100), (0, 100))
    >>> def view():
    ...     return [round(float(v)) for v in (*ax.get_xlim(), *ax.get_ylim())]
    >>> fig.set_size_inches(2, 4)  # drawn tall first: the view is widened upwards
    >>> fig.draw_without_rendering()
    >>> view()
    [0, 100, -49, 149]
    >>> fig.set_size_inches(4, 2)  # then wide: sideways from the view given (matplotlib alone: -150, 250)
    >>> fig.draw_without_rendering()
    >>> view()
    [-51, 151, 0, 100]
    """
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if ax.get_adjustable() == "datalim" and ax.get_aspect() != "auto":
        # an instance attribute over the method, as matplotlib's own tight bbox does for a save
        # (``_tight_bbox.adjust_bbox``); no public hook runs before every aspect adjustment
        view = (ax.get_xlim(), ax.get_ylim())
        ax.apply_aspect = partial(_widened, ax, {"view": view, "drawn": view})


def _widened(ax: Axes, state: dict[str, Any], position: Any = None) -> None:
    """``ax.apply_aspect`` of a map under :func:`keep_view`: from its view, not the last draw's
    (matplotlib's own while the map autoscales again, after ``ax.autoscale()``)."""
    if ax.get_autoscalex_on() or ax.get_autoscaley_on():
        return type(ax).apply_aspect(ax, position)
    now = (ax.get_xlim(), ax.get_ylim())
    if now != state["drawn"]:
        state["view"] = now  # a view set since (the last draw): the map shows that one now
    (x0, x1), (y0, y1) = state["view"]
    ax.set_xlim(x0, x1, emit=False)  # a step of the draw: no "xlim_changed" for it
    ax.set_ylim(y0, y1, emit=False)
    ax.set_autoscale_on(True)  # the widening is the point: no "Ignoring fixed limits" warning
    try:
        type(ax).apply_aspect(ax, position)
    finally:
        ax.set_autoscale_on(False)
    state["drawn"] = (ax.get_xlim(), ax.get_ylim())


def wrap_label(text: str, width_pt: float | None, size: float = 7.5) -> str:
    """A legend text broken at spaces into lines of ``width_pt`` (``None``: one line)."""
    from .style import wrap_text

    if width_pt is None:
        return str(text)
    return "\n".join(wrap_text(str(text), width_pt, size, break_words=False))


def legend(ax: Axes, handles: list[Any], *, wrap_pt: float | None = None, **kw: Any) -> Any:
    """Draw the legend of a map and remember it, so later layers can add their entry; with
    ``wrap_pt`` (a narrow map) every entry and the title are broken into lines that wide."""
    from .style import style

    _LEGENDS[ax] = (list(handles), dict(kw), wrap_pt)
    for h in handles:
        h.set_label(wrap_label(h.get_label(), wrap_pt))
    if kw.get("title"):
        kw = {**kw, "title": wrap_label(kw["title"], wrap_pt)}
    with style():  # a layer added later in a notebook gets the house style's legend too
        return ax.legend(handles=handles, **kw)


def add_legend_entry(ax: Axes, handle: Any) -> None:
    """Add ``handle`` (with its label) to the map's legend, or start one in the lower right."""
    handles, kw, wrap_pt = _LEGENDS.get(ax, ([], {"loc": "lower right"}, None))
    if ax.get_legend() is not None and ax not in _LEGENDS:  # a legend drawn elsewhere: keep its entries
        old = ax.get_legend()
        handles = list(old.legend_handles)
        for h, t in zip(handles, old.get_texts()):
            h.set_label(t.get_text())
        kw = {"loc": "lower right", "title": old.get_title().get_text() or None}
    legend(ax, [*handles, handle], wrap_pt=wrap_pt, **kw)


def drop_legend_entries(ax: Axes, labels: list[str]) -> Any:
    """Take the entries named ``labels`` out of the map's legend (they get a legend of their own,
    :func:`~lichtenberg_data.charts.marker_legend`); returns the legend left, or ``None``."""
    if ax not in _LEGENDS:
        return ax.get_legend()
    handles, kw, wrap_pt = _LEGENDS[ax]
    gone = {" ".join(str(label).split()) for label in labels}
    keep = [h for h in handles if " ".join(h.get_label().split()) not in gone]
    if len(keep) == len(handles):
        return ax.get_legend()
    if not keep:
        del _LEGENDS[ax]
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        return None
    return legend(ax, keep, wrap_pt=wrap_pt, **kw)


def _ortsteile(crs: Any) -> Any:
    """All Ortsteile of Berlin in ``crs``, or ``None`` when the dataset is not loaded."""
    from .._errors import DataNotAvailableError
    from ..geo import boundaries

    try:
        ot = boundaries("ortsteil", None)
    except (DataNotAvailableError, LookupError, OSError) as exc:
        log.debug("map without Ortsteile: %s", exc)
        return None
    return ot.to_crs(crs) if crs is not None and ot.crs is not None and ot.crs != crs else ot


def scale_bar(ax: Axes, shown: Any) -> None:
    """A scale bar in the corner of the map that the data cover least."""
    from matplotlib_scalebar.scalebar import ScaleBar
    from shapely.geometry import box

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w, h = (x1 - x0) * 0.3, (y1 - y0) * 0.12
    corners = {"lower right": box(x1 - w, y0, x1, y0 + h), "lower left": box(x0, y0, x0 + w, y0 + h),
               "upper left": box(x0, y1 - h, x0 + w, y1), "upper right": box(x1 - w, y1 - h, x1, y1)}
    where = min(corners, key=lambda c: shown.intersection(corners[c]).area if shown is not None else 0)
    bar = ScaleBar(1, "m", location=where, length_fraction=0.22, width_fraction=0.008, box_alpha=0,
                   color=COLORS["muted"], font_properties={"size": 6.5}, scale_loc="top", border_pad=0.4,
                   scale_formatter=lambda value, unit: f"{format_number(value)} {unit}")
    ax.add_artist(bar)


def orient(ax: Axes, crs: Any, shown: Any = None, *, names: bool = True) -> None:
    """Draw the Ortsteil boundaries and names and a scale bar on a map in ``crs`` (metres).

    Parameters
    ----------
    ax
        The map, its extent already set.
    crs
        The map's CRS (EPSG:25833).
    shown
        The union of the data's geometries: the scale bar goes to the corner they cover least.
    names
        Write the Ortsteil names (``False`` when the map labels its areas itself).
    """
    from shapely.geometry import box

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    axis_off = not ax.axison
    view = box(x0, y0, x1, y1)
    ot = _ortsteile(crs)
    near = ot[ot.intersects(view)] if ot is not None else None
    if near is not None and len(near):
        margin = max(x1 - x0, y1 - y0) * 0.05
        plot_geo(near.boundary.clip(box(x0 - margin, y0 - margin, x1 + margin, y1 + margin)), ax,
                 color=COLORS["berlin"], linewidth=0.55, linestyle=(0, (3, 1.6)), zorder=1.8)
        record_sources(ax.get_figure(), near)
    keep_view(ax, (x0, x1), (y0, y1))
    ax.set_xlabel("")
    ax.set_ylabel("")  # geopandas names the CRS axes; a map shows none
    if axis_off:
        ax.set_axis_off()
    scale_bar(ax, shown)
    if names and near is not None and 0 < len(near) <= MAX_NAMED_ORTSTEILE:
        from .style import _highlight

        own = near[near["bezirk"] == _highlight(None)] if "bezirk" in near.columns else near
        own = own if len(own) else near  # a map of another area: name what it shows
        area = view if shown is None else view.intersection(shown.buffer(1.0))
        parts = [(geom.intersection(area), name) for geom, name in zip(own.geometry, own["ortsteil"])]
        named = [(g, n) for (g, n), whole in zip(parts, own.geometry)
                 if not g.is_empty and g.area >= _SHOWN_SHARE * whole.area]
        area_names(ax, [g for g, _ in named], [n for _, n in named], size=6.2, style="italic",
                   color=COLORS["berlin"])
