"""Title, subtitle, source line and sample mark of a chart (:func:`finish`), and the hand-over.

The source line is built from the provenance of the frames a chart was drawn from: the chart
forms record them (:func:`record_sources`), :func:`finish` prints them at the foot.

**The hand-over.** Whatever a finished chart passes on to code that saves or collects it (the
briefing) is one :class:`ChartInfo` per figure, returned by :func:`chart_info`: title, subtitle,
source line, provenance entries, whether it rests on sample data, and the data it draws (every
chart form records its frame as drawn with :func:`record_data`; :func:`chart_data` gives them as
one table). Nothing is stored on the figure object itself; the registry holds figures weakly, so
closing a figure forgets its entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.transforms import ScaledTranslation

from .._provenance import SAMPLE_NOTE, resolve_source, source_parts
from .style import COLORS, _text_size_pt, style, wrap_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["SAMPLE_MARK", "TITLE_PT", "SUBTITLE_PT", "SOURCE_PT", "ChartInfo", "chart_info",
           "record_sources", "record_data", "chart_data", "finish"]

#: The mark shown on charts drawn from generated sample data.
SAMPLE_MARK = "BEISPIELDATEN"

TITLE_PT = 10.5
SUBTITLE_PT = 8.5
SOURCE_PT = 6.5
_MARGIN_IN = 0.08       # left/right margin of title and source line
_PAD_PT = 5.0           # space above the title and below the source line
_GAP_PT = 4.0           # space between text blocks and the plot
_USUAL_TOP_PT = 30.0    # a title of one line: what a map's height allows for above it
_USUAL_FOOT_PT = 18.0   # a source line of one line: ... and below it


@dataclass
class ChartInfo:
    """What a chart hands over: its texts and sources (see the module docstring).

    Attributes
    ----------
    title, subtitle
        As given to :func:`finish` (``None`` before it was called).
    source_line
        The German source line printed at the foot of the chart.
    sources
        Provenance entries of every frame the chart was drawn from.
    sample
        Whether the chart carries the "BEISPIELDATEN" mark.
    source_texts
        The free texts of the source line (those naming no dataset), in its order.
    foot_pt
        Height in points of the strip at the foot of the figure that holds the source line
        (0 before :func:`finish`): a layout that prints the sources itself may crop it.
    keep_plot
        Keep the plot's height when :func:`finish` adds long texts: the figure grows instead
        (maps, whose size is their height).
    data
        The data as drawn, one ``(layer, frame)`` per chart form or layer drawn on the figure
        (see :func:`record_data`, :func:`chart_data`).
    """

    title: str | None = None
    subtitle: str | None = None
    source_line: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    sample: bool = False
    source_texts: list[str] = field(default_factory=list)
    foot_pt: float = 0.0
    data: list[tuple[str, Any]] = field(default_factory=list, repr=False)
    artists: list[Any] = field(default_factory=list, repr=False)
    placers: list[Any] = field(default_factory=list, repr=False)
    keep_plot: bool = False
    base_height_in: float | None = None


_INFO: WeakKeyDictionary[Figure, ChartInfo] = WeakKeyDictionary()


def chart_info(fig: Figure) -> ChartInfo:
    """The :class:`ChartInfo` of a figure (an empty one for a figure never drawn here)."""
    info = _INFO.get(fig)
    if info is None:
        info = _INFO[fig] = ChartInfo()
    return info


def record_sources(fig: Figure, *frames: Any) -> None:
    """Record the provenance of the frames a chart form drew on ``fig``."""
    _, entries = resolve_source([f for f in frames if f is not None])
    known = chart_info(fig).sources
    known.extend(e for e in entries if e not in known)


def record_data(fig: Figure, frame: pd.DataFrame, layer: str = "") -> None:
    """Record ``frame`` as (part of) the data ``fig`` draws: the values as drawn (an index, a
    share), one row per bar, line point, area or place, without geometries.

    Every chart form calls it once; forms drawing onto an existing chart (points on a map) add a
    layer named ``layer`` (e.g. the legend label of the points).
    """
    import pandas as pd

    frame = pd.DataFrame(frame).reset_index(drop=True)
    frame.attrs = {}
    chart_info(fig).data.append((str(layer), frame))


def chart_data(fig_or_info: Figure | ChartInfo) -> pd.DataFrame | None:
    """The data a chart draws as one table (``None`` when no chart form recorded any).

    With more than one layer the first column ``Ebene`` names the layer of each row; the columns
    are the union of the layers' columns.
    """
    import pandas as pd

    info = fig_or_info if isinstance(fig_or_info, ChartInfo) else chart_info(fig_or_info)
    if not info.data:
        return None
    if len(info.data) == 1:
        return info.data[0][1].copy()
    parts = [frame.assign(Ebene=layer or f"Ebene {i}")[["Ebene", *frame.columns.drop("Ebene", errors="ignore")]]
             for i, (layer, frame) in enumerate(info.data, 1)]
    return pd.concat(parts, ignore_index=True)


def finish(fig: Figure, title: str, subtitle: str | None = None, source: Any = None, *,
           sample: bool | None = None) -> Figure:
    """Add the title, subtitle, source line and (for sample data) the sample mark.

    Space for them is reserved at the top and the foot of the figure; the plot area shrinks,
    the figure keeps its size (so a full-width chart stays exactly 16 cm wide). A map keeps
    its plot height instead: the figure grows by what the texts need beyond a title, a short
    subtitle and a short source line.

    Parameters
    ----------
    fig
        The figure.
    title, subtitle
        German title and optional subtitle (e.g. unit and period); both wrap to the width.
    source
        A loaded frame, several frames (list/tuple; their sources are combined), provenance
        entries or a ready source text. ``None`` uses the frames the chart helper was given.
    sample
        Force (``True``/``False``) the "BEISPIELDATEN" mark; ``None`` marks the chart when any
        of its sources is generated sample data.

    Returns
    -------
    Figure
        The same figure; calling :func:`finish` again replaces the texts.
    """
    info = chart_info(fig)
    for artist in info.artists:
        artist.remove()
    if source is None:
        line, entries = resolve_source(info.sources)
        texts: list[str] = []
    else:
        line, entries = resolve_source(source)
        texts = source_parts(source)[1]
        record_sources(fig, entries)
    if sample is None:
        sample = any(e.get("sample") for e in entries)
    if sample and SAMPLE_NOTE not in line:
        line = f"{line} – {SAMPLE_NOTE}" if line else SAMPLE_NOTE

    width_in, height_in = fig.get_size_inches()
    avail_pt = (width_in - 2 * _MARGIN_IN) * 72
    artists = []
    with style():
        def place(text: str, size: float, weight: str, color: str, y_pt: float,
                  top: bool) -> float:
            lines = wrap_text(text, avail_pt, size, weight)
            joined = "\n".join(lines)
            offset = ScaledTranslation(_MARGIN_IN, (-y_pt if top else y_pt) / 72,
                                       fig.dpi_scale_trans)
            artist = fig.text(0, 1 if top else 0, joined, transform=fig.transFigure + offset,
                              ha="left", va="top" if top else "bottom", fontsize=size,
                              fontweight=weight, color=color, linespacing=1.25, parse_math=False)
            artists.append(artist)
            return _text_size_pt(joined, size, weight)[1]

        top_pt = _PAD_PT
        top_pt += place(title, TITLE_PT, "bold", COLORS["text"], top_pt, True)
        artists[-1].set_gid("ld-title")
        if subtitle:
            top_pt += 2 + place(subtitle, SUBTITLE_PT, "normal", COLORS["muted"], top_pt + 2, True)
            artists[-1].set_gid("ld-subtitle")
        top_pt += _GAP_PT
        bottom_pt = _PAD_PT
        if line:
            bottom_pt += place(line, SOURCE_PT, "normal", COLORS["muted"], bottom_pt, False)
            artists[-1].set_gid("ld-source")
        bottom_pt += _GAP_PT
        if info.keep_plot:  # a map keeps its size: the figure grows by texts longer than usual
            info.base_height_in = info.base_height_in or height_in
            height_in = info.base_height_in + (max(0.0, top_pt - _USUAL_TOP_PT)
                                               + max(0.0, bottom_pt - _USUAL_FOOT_PT)) / 72
            fig.set_size_inches(width_in, height_in, forward=False)

        bottom = bottom_pt / 72 / height_in
        top = 1 - top_pt / 72 / height_in
        if sample:
            mark = fig.text(0.5, (bottom + top) / 2, SAMPLE_MARK, ha="center", va="center",
                            rotation=20, fontsize=max(14.0, width_in * 5.5), fontweight="bold",
                            color=COLORS["sample"], alpha=0.22, zorder=100, gid="ld-sample")
            artists.append(mark)
    rect = (0, bottom, 1, max(0.05, top - bottom))
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=rect)
    else:
        fig.set_layout_engine("constrained", rect=rect)
    info.artists, info.title, info.subtitle = artists, title, subtitle
    info.source_line, info.sample = line, bool(sample)
    info.source_texts, info.foot_pt = texts, (bottom_pt if line else 0.0)
    _place_labels_again(fig, info)
    return fig


def _place_labels_again(fig: Figure, info: ChartInfo) -> None:
    """Labels placed to avoid every other text (:mod:`.labels`) are placed again in the final
    layout: all taken off, then point labels first and area names after them."""
    if not info.placers:
        return
    from .check import lay_out

    for placer in info.placers:
        placer.clear()
    lay_out(fig)
    for placer in sorted(info.placers, key=lambda p: p.priority):
        placer.place()


def _maybe_finish(fig: Figure, title: str | None, subtitle: str | None, source: Any) -> None:
    if title is not None:
        finish(fig, title, subtitle, source)
