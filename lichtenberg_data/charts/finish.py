"""Title, subtitle, source line and sample mark of a chart (:func:`finish`), and the hand-over.

The source line is built from the provenance of the frames a chart was drawn from: the chart
forms record them (:func:`record_sources`), :func:`finish` prints them at the foot.

**The hand-over.** Whatever a finished chart passes on to code that saves or collects it (the
briefing) is one :class:`ChartInfo` per figure, returned by :func:`chart_info`: title, subtitle,
source line, provenance entries and whether it rests on sample data. Nothing is stored on the
figure object itself; the registry holds figures weakly, so closing a figure forgets its entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.transforms import ScaledTranslation

from .._provenance import SAMPLE_NOTE, resolve_source
from .style import COLORS, _text_size_pt, style, wrap_text

__all__ = ["SAMPLE_MARK", "TITLE_PT", "SUBTITLE_PT", "SOURCE_PT", "ChartInfo", "chart_info",
           "record_sources", "finish"]

#: The mark shown on charts drawn from generated sample data.
SAMPLE_MARK = "BEISPIELDATEN"

TITLE_PT = 10.5
SUBTITLE_PT = 8.5
SOURCE_PT = 6.5
_MARGIN_IN = 0.08       # left/right margin of title and source line
_PAD_PT = 5.0           # space above the title and below the source line
_GAP_PT = 4.0           # space between text blocks and the plot


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
    """

    title: str | None = None
    subtitle: str | None = None
    source_line: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    sample: bool = False
    artists: list[Any] = field(default_factory=list, repr=False)


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


def finish(fig: Figure, title: str, subtitle: str | None = None, source: Any = None, *,
           sample: bool | None = None) -> Figure:
    """Add the title, subtitle, source line and (for sample data) the sample mark.

    Space for them is reserved at the top and the foot of the figure; the plot area shrinks,
    the figure keeps its size (so a full-width chart stays exactly 16 cm wide).

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
    else:
        line, entries = resolve_source(source)
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
                              fontweight=weight, color=color, linespacing=1.25)
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
    return fig


def _maybe_finish(fig: Figure, title: str | None, subtitle: str | None, source: Any) -> None:
    if title is not None:
        finish(fig, title, subtitle, source)
