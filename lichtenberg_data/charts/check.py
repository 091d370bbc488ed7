"""The chart check: what a reader would see as a defect, found from the drawn figure.

:func:`problems` lays a figure out and returns one English line per defect
(:func:`problems_when_drawn`: the same, measured on the draw that saves it):

* a text (title, tick or category label, value label, legend, source line) that runs past the
  edge of the figure, so part of it is cut off;
* a tick label that overlaps another text, and any two texts that overlap (legend and table
  entries are laid out by matplotlib and not compared among themselves; the rotated sample mark
  lies over the plot on purpose);
* two labels on one point (annotations of the same place);
* a symbol without a legend entry: points of a scatter or of a point layer on a map, or markers
  without a line, whose label is in no legend of the figure;
* a plot squeezed to a sliver (its legend or texts took the room);
* a text that matplotlib would read as a formula (``$…$``): every text is plain text.

The briefing runs it on every chart it binds (:func:`lichtenberg_data.briefing.mark_chart`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from matplotlib.axis import Axis
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.table import Table
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

__all__ = ["problems", "problems_when_drawn", "drawn_texts", "scale_bars", "TOLERANCE_PX", "MARGIN_GID", "plain_text",
           "canvas_renderer", "lay_out"]

#: The gid of a page's text that stands in a margin on purpose (running head, page number).
MARGIN_GID = "ld-margin"
#: Pixels (at the figure's dpi) a box may stick out or two boxes may touch without counting.
TOLERANCE_PX = 1.0
_MATH = re.compile(r"(?<!\\)\$.*(?<!\\)\$", re.S)


def canvas_renderer(fig: Figure) -> Any:
    """The renderer of ``fig``'s canvas; a bare :class:`~matplotlib.figure.Figure` (an exposé or fair
    page built without pyplot) gets an Agg canvas first, which is what saving it uses too."""
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def lay_out(fig: Figure) -> None:
    """Lay ``fig`` out as drawing it does (constrained layout, positions of texts, legends and scale
    bars) without painting a pixel: what measuring its texts needs, at a third of a draw's time
    (:meth:`~matplotlib.figure.Figure.draw_without_rendering`). A canvas that cannot draw (a bare
    Figure before :func:`canvas_renderer` gave it one) is left as ``canvas.draw()`` leaves it."""
    if hasattr(fig.canvas, "get_renderer"):
        fig.draw_without_rendering()
    else:
        fig.canvas.draw()


def _visible_children(artist: Any) -> Iterator[Any]:
    """``artist`` and everything drawn inside it (an invisible artist hides its children)."""
    if not artist.get_visible():
        return
    yield artist
    if isinstance(artist, Axis):
        return  # its ticks are taken from the ticks drawn (see drawn_texts)
    hidden = () if getattr(artist, "axison", True) else tuple(artist._axis_map.values())  # noqa: SLF001
    for child in artist.get_children():
        if child not in hidden:  # an axes with its axis off draws no axis
            yield from _visible_children(child)


def _tick_labels(axis: Axis) -> Iterator[Text]:
    """The tick labels ``axis`` draws (ticks outside the view are not drawn)."""
    try:
        ticks = axis._update_ticks()  # noqa: SLF001 - the ticks matplotlib draws; no public API
    except AttributeError:  # pragma: no cover - older matplotlib
        ticks = axis.get_major_ticks()
    for tick in ticks:
        for label in (tick.label1, tick.label2):
            if label.get_visible() and label.get_text().strip():
                yield label


def drawn_texts(fig: Figure) -> list[tuple[str, Text, Any]]:
    """Every visible, non-empty text of ``fig`` as ``(kind, text, group)``.

    ``kind`` is ``"tick"``, ``"legend"``, ``"table"``, ``"annotation"`` or ``"text"``; ``group``
    is the legend or table the text belongs to (``None`` otherwise).
    """
    out: list[tuple[str, Text, Any]] = []
    seen: set[int] = set()

    def add(kind: str, text: Text, group: Any = None) -> None:
        if id(text) not in seen and text.get_visible() and text.get_text().strip():
            seen.add(id(text))
            out.append((kind, text, group))

    for artist in _visible_children(fig):
        if isinstance(artist, Axis):
            for label in _tick_labels(artist):
                add("tick", label)
            add("text", artist.label)
            add("text", artist.offsetText)
        elif isinstance(artist, Legend):
            for t in [artist.get_title(), *artist.get_texts()]:
                add("legend", t, artist)
        elif isinstance(artist, Table):
            for cell in artist.get_celld().values():
                if cell.get_visible():
                    add("table", cell.get_text(), artist)
        elif isinstance(artist, Annotation):
            add("annotation", artist)
        elif isinstance(artist, Text) and artist.get_gid() != "ld-sample":
            add("text", artist)
    return out


def scale_bars(fig: Figure) -> list[tuple[Any, Bbox]]:
    """The scale bars of ``fig`` (matplotlib-scalebar) with the box they were last drawn in."""
    out = []
    for ax in fig.axes:
        for artist in ax.artists if ax.get_visible() else []:
            if artist.get_visible() and type(artist).__name__ == "ScaleBar":
                try:
                    out.append((artist, artist.info.window_extent))
                except ValueError:  # not drawn yet
                    continue
    return out


def plain_text(fig: Figure) -> None:
    """Make every text of ``fig`` plain text: a ``$`` in a name is a dollar sign, no formula."""
    for _, text, _ in drawn_texts(fig):
        text.set_parse_math(False)


def _label(text: Any) -> str:
    if not isinstance(text, Text):
        return type(text).__name__
    s = " ".join(text.get_text().split())
    return s if len(s) <= 60 else s[:57] + "…"


def _shrunk(box: Bbox, by: float) -> Bbox:
    return Bbox.from_extents(box.x0 + by, box.y0 + by, box.x1 - by, box.y1 - by)


def _symbols(ax: Any) -> Iterator[tuple[Any, str]]:
    """Point symbols drawn in ``ax``: scatter / point layers and markers without a line."""
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and coll.get_visible() and len(coll.get_offsets()):
            sizes = coll.get_sizes()
            if len(sizes) and float(max(sizes)) > 0:
                yield coll, f"{len(coll.get_offsets())} point symbol(s)"
    for line in ax.get_lines():
        marker = line.get_marker()
        if (line.get_visible() and marker not in (None, "", " ", "None", "none")
                and line.get_linestyle() in ("None", "none", "", " ") and len(line.get_xdata())):
            yield line, f"{len(line.get_xdata())} marker(s) '{marker}'"


def _words(text: str) -> str:
    return " ".join(str(text).split())


def _legends(fig: Any) -> list[Legend]:
    """The figure's legends and those of its axes (without walking every artist: ``findobj``
    makes each axis build its ticks, most of the check's time on a page of pictures)."""
    found = [lg for lg in [*getattr(fig, "legends", []), *fig.artists] if isinstance(lg, Legend)]
    for ax in fig.axes:
        found += [c for c in ax.get_children() if isinstance(c, Legend)]
    for sub in getattr(fig, "subfigs", []):
        found += _legends(sub)
    return found


def _legend_words(fig: Figure) -> set[str]:
    words: set[str] = set()
    for legend in _legends(fig):
        words.add(_words(legend.get_title().get_text()))
        words.update(_words(t.get_text()) for t in legend.get_texts())
    return words - {""}


def problems(fig: Figure, *, page: bool = False, area: tuple[float, float, float, float] | None = None) -> list[str]:
    """The defects of a drawn chart, one English line each (empty: clean).

    Parameters
    ----------
    fig
        A finished figure; it is laid out (on its own canvas, in the house style, as
        :func:`~lichtenberg_data.charts.save` draws it) to measure its texts.
    page, area
        ``fig`` is a page of texts and pictures, ``area`` its type area (see
        :func:`problems_when_drawn`).

    Returns
    -------
    list of str
        E.g. ``"tick label 'Treptow-Köpenick' is cut: it runs 31 px past the left edge"``.

    See Also
    --------
    problems_when_drawn : the same check on the draw that saves the figure, without a layout of its own.
    """
    from .style import style

    renderer = canvas_renderer(fig)
    with style():  # measured as saved (charts.save draws in the house style)
        lay_out(fig)
        return _found(fig, renderer, 1.0, page=page, area=area)


@contextmanager
def problems_when_drawn(fig: Figure, *, page: bool = False,
                        area: tuple[float, float, float, float] | None = None) -> Iterator[list[str]]:
    """:func:`problems` measured on the next draw of ``fig`` inside the block, at that draw's dpi.

    The briefing checks each chart on the draw that writes its PNG (300 dpi) rather than laying it
    out once more for the check (a third of a draw per chart). Lengths in the lines are pixels at
    the figure's own dpi, as :func:`problems` gives them. When nothing draws ``fig`` inside the
    block, the list is :func:`problems`' result.

    With ``page`` the figure is a page of texts and placed pictures (a page of the briefing PDF,
    the exposé, the fair's map): texts are checked as above; a text over a picture is a defect;
    no axes counts as squeezed and no symbol needs a legend entry (a page's key may be a sentence).
    ``area`` is the page's type area (left, bottom, right, top as fractions of the figure): a text of
    the page that runs out of it into a margin is a defect, unless its gid is :data:`MARGIN_GID`
    (the running head, the page number).

    Examples
    --------
    >>> import io
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> _ = fig.text(0.7, 0.5, "Marzahn-Hellersdorf")
    >>> with problems_when_drawn(fig) as found:
    ...     fig.savefig(io.BytesIO(), format="png", dpi=300)
    >>> found == problems(fig) == ["text 'Marzahn-Hellersdorf' is cut: it runs 81 px past the right edge"]
    True
    """
    dpi, found, state = fig.dpi, [], {}

    def measure(event: Any) -> None:
        if state:
            return  # the first draw only (the PNG; the vector files after it are the same chart)
        state["drawn"] = True
        try:
            found.extend(_found(fig, event.renderer, fig.dpi / dpi, page=page, area=area))
        except Exception as exc:  # noqa: BLE001 - matplotlib would only print it; raised below
            state["error"] = exc

    canvas_renderer(fig)  # a bare Figure gets its Agg canvas, which saving it uses too
    connection = fig.canvas.mpl_connect("draw_event", measure)
    try:
        yield found
    finally:
        fig.canvas.mpl_disconnect(connection)
    if "error" in state:
        raise state["error"]
    if not state:
        found.extend(problems(fig, page=page, area=area))


def _beyond(box: Bbox, frame: Bbox) -> tuple[tuple[str, float], ...]:
    """How far ``box`` runs past each side of ``frame`` (negative: inside)."""
    return (("left", frame.x0 - box.x0), ("right", box.x1 - frame.x1), ("bottom", frame.y0 - box.y0),
            ("top", box.y1 - frame.y1))


def _page_problems(fig: Figure, renderer: Any, boxes: list, shrunk: list[Bbox], px: float, tolerance: float,
                   area: tuple[float, float, float, float] | None) -> list[str]:
    """The rules of a page (see :func:`problems_when_drawn`) for its own texts (not those of a plot):
    none over a picture (an axes: a chart placed as an image, a map drawn on the page), none out of
    the type ``area`` into a margin unless it stands there on purpose (:data:`MARGIN_GID`)."""
    pictures = [ax.get_window_extent(renderer) for ax in fig.axes if ax.get_visible()]
    frame = Bbox.from_extents(*fig.transFigure.transform([area[:2], area[2:]]).ravel()) if area else None
    found = []
    for (kind, t, _, box), small in zip(boxes, shrunk):
        if kind != "text" or t.axes is not None:
            continue
        if any(small.overlaps(picture) for picture in pictures):
            found.append(f"text '{_label(t)}' overlaps a picture")
        if frame is not None and t.get_gid() != MARGIN_GID:
            found += [f"text '{_label(t)}' runs {over / px:.0f} px into the {side} margin"
                      for side, over in _beyond(box, frame) if over > tolerance]
    return found


def _plot_problems(fig: Figure, renderer: Any) -> list[str]:
    """The rules of a chart's plots: none squeezed to a sliver, every point symbol in a legend."""
    canvas, found = fig.bbox, []
    for ax in fig.axes:  # a plot squeezed by its legend or texts (constrained layout gave up)
        if ax.get_visible() and (ax.has_data() or ax.images):
            box = ax.get_window_extent(renderer)
            if box.width < 0.15 * canvas.width or box.height < 0.15 * canvas.height:
                found.append(f"the plot is squeezed to {box.width / canvas.width:.0%} x "
                             f"{box.height / canvas.height:.0%} of the figure")
    words = _legend_words(fig)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for artist, what in _symbols(ax):
            label = str(artist.get_label() or "")
            if label.startswith("_") or _words(label) not in words:
                shown = f" '{label}'" if label and not label.startswith("_") else ""
                found.append(f"{what}{shown} without a legend entry")
    return found


def _found(fig: Figure, renderer: Any, px: float, page: bool = False,
           area: tuple[float, float, float, float] | None = None) -> list[str]:
    """The defects of ``fig`` as drawn by ``renderer``; ``px`` device pixels to one pixel at the
    figure's own dpi (3 while it is saved at 300 dpi); ``page``, ``area``: see :func:`problems_when_drawn`."""
    tolerance = TOLERANCE_PX * px
    canvas = fig.bbox
    texts = drawn_texts(fig)
    boxes = [(kind, t, group, t.get_window_extent(renderer)) for kind, t, group in texts]
    for bar, box in scale_bars(fig):  # a scale bar draws its text itself: its box counts as a text
        boxes.append(("scalebar", bar, None, box))
    found: list[str] = []

    for kind, t, _, box in boxes:
        name = {"tick": "tick label", "legend": "legend text", "table": "table cell",
                "annotation": "label", "scalebar": "scale bar"}.get(kind, "text")
        for side, over in _beyond(box, canvas):
            if over > tolerance:
                found.append(f"{name} '{_label(t)}' is cut: it runs {over / px:.0f} px past the {side} edge")
        if kind != "scalebar" and t.get_parse_math() and _MATH.search(t.get_text()):
            found.append(f"{name} '{_label(t)}' would be drawn as a formula (a $ pair); it must be plain text")

    shrunk = [_shrunk(box, tolerance) for *_, box in boxes]  # once each: a page has a hundred texts
    for i, (kind_a, a, group_a, _) in enumerate(boxes):
        for j, (kind_b, b, group_b, _) in enumerate(boxes[i + 1:], i + 1):
            if group_a is not None and group_a is group_b:
                continue  # laid out by matplotlib (legend, table)
            if not shrunk[i].overlaps(shrunk[j]):
                continue
            if kind_a == "scalebar" or kind_b == "scalebar":
                text = b if kind_a == "scalebar" else a
                found.append(f"the scale bar overlaps the text '{_label(text)}'")
            elif "tick" in (kind_a, kind_b):
                tick, other = (a, b) if kind_a == "tick" else (b, a)
                found.append(f"tick label '{_label(tick)}' overlaps the text '{_label(other)}'")
            else:
                found.append(f"text '{_label(a)}' overlaps the text '{_label(b)}'")

    anchors: dict[tuple[int, int], list[Annotation]] = {}
    for kind, t, _, _ in boxes:
        if kind == "annotation" and t.xycoords == "data" and t.axes is not None:
            ax = t.axes
            x, y = ax.transData.transform((ax.convert_xunits(t.xy[0]), ax.convert_yunits(t.xy[1])))
            anchors.setdefault((round(x / px), round(y / px)), []).append(t)
    for same in anchors.values():
        if len(same) > 1:
            found.append("two labels on one point: " + " and ".join(f"'{_label(t)}'" for t in same))

    if page:  # a page names its symbols in its own words (the exposé's key); its axes are pictures
        return found + _page_problems(fig, renderer, boxes, shrunk, px, tolerance, area)
    return found + _plot_problems(fig, renderer)
