"""Title, subtitle, source line and sample mark of a chart (:func:`finish`).

The source line is built from the provenance of the frames a chart was drawn from: the chart
helpers record them on the figure (``_remember_sources``), :func:`finish` prints them at the
foot. Re-exported by :mod:`lichtenberg_data.charts`; the briefing reads the recorded sources
back (:func:`figure_sources`).
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.transforms import ScaledTranslation

from ._provenance import SAMPLE_NOTE, provenance, source_note
from ._style import COLORS, _text_size_pt, style, wrap_text

__all__ = ["SAMPLE_MARK", "TITLE_PT", "SUBTITLE_PT", "SOURCE_PT", "figure_sources", "finish"]

#: The mark shown on charts drawn from generated sample data.
SAMPLE_MARK = "BEISPIELDATEN"

TITLE_PT = 10.5
SUBTITLE_PT = 8.5
SOURCE_PT = 6.5
_MARGIN_IN = 0.08       # left/right margin of title and source line
_PAD_PT = 5.0           # space above the title and below the source line
_GAP_PT = 4.0           # space between text blocks and the plot


def _as_items(source: Any) -> list[Any]:
    if source is None:
        return []
    if isinstance(source, (list, tuple)):
        return list(source)
    return [source]


def _resolve_source(source: Any) -> tuple[str, list[dict[str, Any]]]:
    """The source line and the provenance entries of ``source`` (str, frame(s), entries)."""
    items = _as_items(source)
    texts = [s for s in items if isinstance(s, str) and s.strip()]
    frames = [s for s in items if not isinstance(s, str)]
    entries: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    for f in frames:
        for e in provenance(f):
            key = (e.get("dataset"), e.get("reference_date"), e.get("retrieved_at"))
            if key not in seen:
                seen.add(key)
                entries.append(e)
    line = source_note(entries) if entries else ""
    if texts:
        line = " | ".join([line, *texts]) if line else " | ".join(texts)
    return line, entries


def _remember_sources(fig: Figure, *frames: Any) -> None:
    """Record the provenance of the frames a helper drew on the figure (for finish/briefing)."""
    _, entries = _resolve_source([f for f in frames if f is not None])
    known = list(getattr(fig, "_ld_sources", []))
    for e in entries:
        if e not in known:
            known.append(e)
    fig._ld_sources = known  # type: ignore[attr-defined]


def figure_sources(fig: Figure) -> list[dict[str, Any]]:
    """Provenance entries recorded on a figure by the helpers and :func:`finish`."""
    return list(getattr(fig, "_ld_sources", []))


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
    for artist in getattr(fig, "_ld_finish_artists", []):
        artist.remove()
    if source is None:
        line, entries = _resolve_source(figure_sources(fig))
    else:
        line, entries = _resolve_source(source)
        _remember_sources(fig, entries)
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
    fig._ld_finish_artists = artists  # type: ignore[attr-defined]
    fig._ld_title = title  # type: ignore[attr-defined]
    fig._ld_source_line = line  # type: ignore[attr-defined]
    fig._ld_sample = bool(sample)  # type: ignore[attr-defined]
    return fig


def _maybe_finish(fig: Figure, title: str | None, subtitle: str | None, source: Any) -> None:
    if title is not None:
        finish(fig, title, subtitle, source)
