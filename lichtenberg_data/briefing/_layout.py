"""The flow layout of the briefing PDF: blocks of known height placed top-down on A4 pages.

:class:`_Doc` keeps, per page, the drawing operations (run when the page is written), how far
down the page is used, whether it shows sample data, and the bookmarks (PDF outline) that point
into it. The primitives (:meth:`_Doc.text`, :meth:`_Doc.need`, :meth:`_Doc.add`, :func:`_put`,
:func:`_line`, :func:`_image`) are shared by every part of the paper (:mod:`.pdf`, :mod:`._cover`,
:mod:`._blocks`, :mod:`._appendix`) and by the pages other modules add through the hooks of
:mod:`.pdf`. Every text is drawn as plain text (a ``$`` or ``_`` is that character, never a
formula) and as text, so it can be selected and searched in the PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from ..charts.check import problems_when_drawn
from ..charts.style import _vector_height_pt, wrap_text
from ._pictures import png_size, stand_in

__all__ = ["A4_CM", "LEFT_CM", "RIGHT_CM", "TOP_CM", "BOTTOM_CM", "TEXT_CM", "BODY_CM", "PT_PER_CM",
           "Bookmark", "Side", "side_slot", "_Doc", "_cm", "_fx", "_fy", "_put", "_line", "_image", "_frame",
           "_wrapped", "_height", "_save_checked"]

A4_CM = (21.0, 29.7)
LEFT_CM, RIGHT_CM, TOP_CM, BOTTOM_CM = 2.5, 2.5, 2.2, 2.2
TEXT_CM = A4_CM[0] - LEFT_CM - RIGHT_CM
#: The height a page can be filled to (between the top and bottom margins).
BODY_CM = A4_CM[1] - TOP_CM - BOTTOM_CM
PT_PER_CM = 72 / 2.54


def _cm(pt: float) -> float:
    return pt / PT_PER_CM


def _fx(x_cm: float) -> float:
    return x_cm / A4_CM[0]


def _fy(y_cm: float) -> float:
    return 1 - y_cm / A4_CM[1]


def _wrapped(text: str, width_cm: float, size: float, weight: str = "normal") -> tuple[str, float]:
    """``text`` broken into lines of ``width_cm``, and its height in cm as the PDF sets it."""
    lines = "\n".join(wrap_text(text, width_cm * PT_PER_CM, size, weight, vector=True))
    return lines, _height(lines, size, weight)


def _height(text: str, size: float, weight: str = "normal") -> float:
    """The height in cm of ``text`` (lines as they are) as the PDF sets it (:func:`_put`)."""
    return _cm(_vector_height_pt(text, size, weight))


@dataclass
class Bookmark:
    """One entry of the PDF outline: its title, page (0-based), depth and the y (cm) it points to."""

    title: str
    page: int
    level: int
    y_cm: float


class _Doc:
    """A tiny flow layout: blocks of known height placed top-down on A4 pages."""

    def __init__(self) -> None:
        self.pages: list[list[Callable[[Any], None]]] = []
        self.used: list[float] = []       # per page: the lowest point used (cm from the top)
        self.parts: list[str] = []        # per page: the part it belongs to (section key, "cover", ...)
        self.y = 0.0
        self.part = "cover"
        self.continuation: str | None = None
        self.marks: dict[str, int] = {}
        self.sample_pages: set[int] = set()  # 0-based pages showing sample content
        self.outline: list[Bookmark] = []
        self.x, self.width = LEFT_CM, TEXT_CM  # the column text flows in (see columns())
        self.side: Any = None  # the free half beside a lone half-width chart (see ._blocks)
        self._columns: tuple[int, float, float] | None = None  # count, gap, top of this page's columns

    # ----------------------------------------------------------------------------- pages
    def snapshot(self) -> tuple:
        """The state to :meth:`restore` (to lay out a part again another way)."""
        last = (len(self.pages[-1]), self.used[-1]) if self.pages else (0, TOP_CM)
        return (len(self.pages), last, len(self.outline), set(self.sample_pages), dict(self.marks), self.y,
                self.part, self.continuation)

    def restore(self, state: tuple) -> None:
        """Undo everything placed since :meth:`snapshot` returned ``state``."""
        pages, (ops, used), outline, sample, marks, self.y, self.part, self.continuation = state
        del self.pages[pages:], self.used[pages:], self.parts[pages:], self.outline[outline:]
        if self.pages:
            del self.pages[-1][ops:]
            self.used[-1] = used
        self.sample_pages, self.marks, self.side = set(sample), dict(marks), None

    @property
    def page(self) -> int:
        """The current page, 0-based."""
        return len(self.pages) - 1

    def new_page(self) -> None:
        self.side = None
        self.pages.append([])
        self.used.append(TOP_CM)
        self.parts.append(self.part)
        self.y = TOP_CM
        if self._columns:
            self.x = LEFT_CM
        if self.continuation:
            self.text(self.continuation + " (Fortsetzung)", 9, color="#666666", after=0.3, x=LEFT_CM,
                      width=TEXT_CM)
            self.used[-1] = TOP_CM  # a continuation line alone does not use the page
        if self._columns:
            count, gap, _ = self._columns
            self._columns = (count, gap, self.y)

    def columns(self, count: int = 1, gap: float = 0.6) -> None:
        """Let text flow in ``count`` columns from here on (1: the full width again)."""
        if count <= 1:
            self._columns, self.x, self.width = None, LEFT_CM, TEXT_CM
            if self.pages:
                self.y = max(self.y, self.used[-1])
            return
        self._columns = (count, gap, self.y)
        self.x, self.width = LEFT_CM, (TEXT_CM - gap * (count - 1)) / count

    def mark(self, key: str) -> None:
        """Remember the current page (1-based) under ``key`` (the cover's table of contents)."""
        self.marks[key] = len(self.pages)

    def bookmark(self, title: str, level: int = 0, y: float | None = None) -> None:
        """An outline entry pointing at ``y`` (default: the current position) of this page."""
        self.outline.append(Bookmark(" ".join(str(title).split()), self.page, level,
                                     self.y if y is None else y))

    def flag_sample(self, sample: Any = True) -> None:
        """Mark the current page as showing sample data (its header says so)."""
        if sample and self.pages:
            self.sample_pages.add(len(self.pages) - 1)

    def room(self) -> float:
        """The height left on the current page, in cm (0 before the first page)."""
        return A4_CM[1] - BOTTOM_CM - self.y if self.pages else 0.0

    def need(self, height: float) -> None:
        """Start a new column or page unless ``height`` cm fit in this one."""
        if not self.pages or self.y + height > A4_CM[1] - BOTTOM_CM + 1e-6:
            if self._columns and self.x + self.width < LEFT_CM + TEXT_CM - 0.1:
                count, gap, top = self._columns
                self.x += self.width + gap
                self.y = top
                return
            self.new_page()

    def add(self, op: Callable[[Any], None], bottom: float | None = None) -> None:
        """Add a drawing operation to the current page; ``bottom`` (cm) is how far down it draws."""
        self.pages[-1].append(op)
        self.used[-1] = max(self.used[-1], self.y if bottom is None else bottom)

    # ----------------------------------------------------------------------------- blocks
    def text(self, s: str, size: float, *, weight: str = "normal", color: str = "#222222",
             x: float | None = None, width: float | None = None, after: float = 0.15,
             keep: float = 0.0, indent: float = 0.0) -> float:
        """Wrapped text block; returns its height in cm. ``keep`` cm more must fit below it
        on the same page (a heading stays with what follows). ``x`` and ``width`` default to the
        column the text flows in; ``indent`` moves it right within that column."""
        width = (self.width if width is None else width) - indent
        joined, h = _wrapped(s, width, size, weight)
        self.need(h + keep)
        x = (self.x if x is None else x) + indent
        y = self.y
        self.add(lambda fig: _put(fig, x, y, joined, size=size, weight=weight, color=color), y + h)
        self.y += h + after
        return h

    def box(self, s: str, size: float = 9, *, color: str = "#333333", fill: str = "#F2F2F2",
            edge: str = "#999999", after: float = 0.5) -> float:
        """A framed text block (kept on one page); returns its height in cm."""
        lines, text_h = _wrapped(s, TEXT_CM - 0.8, size)
        h = text_h + 0.6
        self.need(h + 0.4)
        y = self.y

        def draw(fig: Any) -> None:
            _frame(fig, LEFT_CM, y, TEXT_CM, h, fill, edge)
            _put(fig, LEFT_CM + 0.4, y + 0.3, lines, size=size, color=color)

        self.add(draw, y + h)
        self.y += h + after
        return h


@dataclass
class Side:
    """The free half beside a half-width chart standing alone: boxes and sources may go there."""

    page: int
    x: float
    y: float
    bottom: float
    width: float


def side_slot(doc: _Doc, height: float) -> tuple[float, float, float] | None:
    """(x, y, width) of a place for ``height`` cm in the free half beside a lone chart, if any."""
    side: Side | None = getattr(doc, "side", None)
    if side is None or side.page != doc.page or side.y + height > side.bottom:
        return None
    x, y = side.x, side.y
    side.y += height
    return x, y, side.width


def _put(fig: Any, x: float, y: float, s: str, *, size: float = 9, weight: str = "normal",
         color: str = "#222222", ha: str = "left", va: str = "top") -> None:
    """Text at (``x``, ``y``) cm from the top left of the page, drawn as plain text."""
    fig.text(_fx(x), _fy(y), s, fontsize=size, fontweight=weight, color=color, ha=ha, va=va,
             linespacing=1.25, parse_math=False)


def _line(fig: Any, x0: float, x1: float, y: float, color: str = "#BBBBBB",
          lw: float = 0.6) -> None:
    fig.add_artist(Line2D([_fx(x0), _fx(x1)], [_fy(y), _fy(y)], color=color, lw=lw,
                          transform=fig.transFigure))


def _frame(fig: Any, x: float, y: float, w: float, h: float, fill: str, edge: str,
           lw: float = 0.8) -> None:
    fig.add_artist(FancyBboxPatch((_fx(x), _fy(y + h)), w / A4_CM[0], h / A4_CM[1],
                                  boxstyle="square,pad=0", transform=fig.transFigure,
                                  facecolor=fill, edgecolor=edge, linewidth=lw))


def _image(fig: Any, path: str, x: float, y: float, w: float, h: float, crop_bottom: float = 0.0) -> None:
    """The PNG at ``path`` drawn ``w`` x ``h`` cm at (``x``, ``y``); ``crop_bottom`` is the share
    of its height cut off at the foot (the chart's own source line, printed by the layout).

    Drawn as a stand-in that the PDF fills with the PNG's own data (:mod:`._pictures`)."""
    size = png_size(path)
    ax = fig.add_axes((_fx(x), _fy(y + h), w / A4_CM[0], h / A4_CM[1]))
    stand_in(ax, path, size, max(1, int(round(size[1] * (1 - crop_bottom)))))


def _save_checked(pdf: Any, fig: Any, area: tuple[float, float, float, float] | None = None) -> list[str]:
    """Write ``fig`` as the next page of ``pdf`` (a ``PdfPages``) and return what the page check
    finds on it as drawn: texts running into each other, over a picture, off the page or (with
    the type ``area``, fractions of the page) into a margin
    (:func:`~lichtenberg_data.charts.check.problems_when_drawn` with ``page=True``)."""
    with problems_when_drawn(fig, page=True, area=area) as found:
        pdf.savefig(fig)
    return found
