"""The briefing PDF's pages drawn and written: matplotlib's ``PdfPages`` draws the laid-out pages
(:mod:`.pdf`, :mod:`._layout`), each checked as drawn; a paper of :data:`_SPLIT_PAGES` pages or
more is drawn in two parts at once (the second in a forked copy of this process); the charts get
their PNG data (:mod:`._pictures`); pypdf joins the drafts and adds the outline and metadata.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..charts.check import MARGIN_GID
from ..charts.style import COLORS, quiet_font_subsetting, style
from ._layout import (
    A4_CM,
    BOTTOM_CM,
    LEFT_CM,
    TEXT_CM,
    TOP_CM,
    Bookmark,
    _Doc,
    _line,
    _put,
    _save_checked,
)
from ._pictures import number_stand_ins, put_pictures

__all__ = ["_write"]


def _write(path: Path, doc: _Doc, *, title: str, author: str, subject: str,
           meanwhile: Callable[[], None] | None = None) -> dict[int, list[str]]:
    """Draw the pages with matplotlib, then add the outline and the metadata with pypdf; what
    the check found on each page (page number → lines, see :func:`_draw`).

    A paper of :data:`_SPLIT_PAGES` pages or more is drawn in two parts at once where the machine
    has a second core and ``os.fork`` (Linux) and this process no other thread: the second part in a forked copy of this process, into
    a draft of its own that is appended to the first (each part embeds its own font subsets, a few
    KB). Should the copy fail, this process draws those pages itself. ``meanwhile`` is called
    first, in this process: it then draws the smaller part (:data:`_OWN_SHARE`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    total = len(doc.pages)
    own = total // 2 if meanwhile is None else max(1, round(total * _OWN_SHARE))
    split = own if total >= _SPLIT_PAGES and _can_fork() else total
    halves = [range(1, split + 1), range(split + 1, total + 1)][: 2 if split < total else 1]
    drafts = [path.with_name(f".{path.name}.draft{i}") for i in range(len(halves))]
    copy = _draw_forked(doc, drafts[1], halves[1], title) if len(halves) > 1 else None
    try:
        if meanwhile is not None:
            meanwhile()
        found = _draw(doc, drafts[0], halves[0], title)
        if len(halves) > 1:
            drawn = copy is not None and _waited(copy)
            copy = None
            theirs = _copy_found(drafts[1]) if drawn else None
            if theirs is None:  # no copy, it failed, or its report is unreadable: its pages are drawn here
                theirs = _draw(doc, drafts[1], halves[1], title)
            found.update(theirs)
        _outline(drafts, path, doc.outline,
                 {"/Title": title, "/Author": author, "/Subject": subject, "/Creator": "lichtenberg_data"})
    finally:
        if copy is not None:  # this process failed while the copy drew
            _waited(copy)
        for draft in drafts:
            draft.unlink(missing_ok=True)
            _problems_file(draft).unlink(missing_ok=True)
    return found


#: A paper of at least this many pages is drawn in two processes at once (see :func:`_write`).
_SPLIT_PAGES = 8
#: The share of the pages this process draws while a copy draws the rest, when it has something
#: else to do meanwhile (a build's workbook: about a quarter of the time of drawing the pages).
_OWN_SHARE = 0.4


def _can_fork() -> bool:
    """Linux, a second core, and no other thread in this process (the command line's builder; not
    a Jupyter kernel calling :func:`~lichtenberg_data.briefing.run`, whose threads may hold a lock
    that a forked copy would wait for forever)."""
    import os
    import sys
    import threading

    return (sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1 and hasattr(os, "fork")
            and threading.active_count() == 1)


def _draw_forked(doc: _Doc, draft: Path, numbers: range, title: str) -> int | None:
    """Draw pages ``numbers`` into ``draft`` in a forked copy of this process; its pid (``None``
    when none could be started)."""
    import os

    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the copy: draw, report, and leave without running anything of the parent's
        code = 1
        try:
            found = _draw(doc, draft, numbers, title)
            _problems_file(draft).write_text(json.dumps(found), encoding="utf-8")
            code = 0
        finally:
            os._exit(code)
    return pid


def _copy_found(draft: Path) -> dict[int, list[str]] | None:
    """What the forked copy's page check found (see :func:`_draw_forked`); ``None`` if its report
    cannot be read."""
    try:
        return {int(k): list(v) for k, v in json.loads(_problems_file(draft).read_text("utf-8")).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _waited(pid: int) -> bool:
    """Wait for the copy ``pid``; whether it drew its pages."""
    import os

    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _draw(doc: _Doc, draft: Path, numbers: range, title: str) -> dict[int, list[str]]:
    """Draw the pages ``numbers`` (1-based) of ``doc`` into the PDF ``draft``; what the check
    found on each page as drawn (:func:`~lichtenberg_data.charts.check.problems_when_drawn`:
    texts that overlap each other or a chart, or run off the page)."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    total = len(doc.pages)
    found: dict[int, list[str]] = {}
    pictures: list[tuple[Path, tuple[int, int]]] = []  # the PNGs the draft's stand-ins stand for (._pictures)
    with style(), quiet_font_subsetting(), PdfPages(draft) as pdf:
        for number in numbers:
            fig = Figure(figsize=(A4_CM[0] / 2.54, A4_CM[1] / 2.54), layout="none")
            for op in doc.pages[number - 1]:
                op(fig)
            body = len(fig.texts)  # the texts after these stand in the margins on purpose
            if number > 1:
                _put(fig, LEFT_CM, 1.2, title, size=7.5, color=COLORS["muted"])
                _line(fig, LEFT_CM, LEFT_CM + TEXT_CM, 1.65, "#DDDDDD", 0.5)
            if number - 1 in doc.sample_pages:
                _put(fig, LEFT_CM + TEXT_CM, 1.2, "BEISPIELDATEN – keine amtlichen Zahlen",
                     size=7.5, weight="bold", color=COLORS["sample"], ha="right")
            _put(fig, LEFT_CM + TEXT_CM, A4_CM[1] - 1.2, f"Seite {number} von {total}",
                 size=7.5, color=COLORS["muted"], ha="right", va="bottom")
            for text in fig.texts[body:]:
                text.set_gid(MARGIN_GID)
            number_stand_ins(fig, pictures)
            problems = _save_checked(pdf, fig, _TYPE_AREA)
            if problems:
                found[number] = problems
    if pictures:
        put_pictures(draft, pictures)
    return found


#: The type area of a page (left, bottom, right, top as fractions of the page): the page check
#: reports a text of the page running out of it into a margin.
_TYPE_AREA = (LEFT_CM / A4_CM[0], BOTTOM_CM / A4_CM[1], (LEFT_CM + TEXT_CM) / A4_CM[0], 1 - TOP_CM / A4_CM[1])


def _problems_file(draft: Path) -> Path:
    """Where a forked copy leaves what the page check found on its pages, beside its draft."""
    return draft.with_name(draft.name + ".problems.json")


def _outline(drafts: list[Path], path: Path, marks: list[Bookmark], metadata: dict[str, str]) -> None:
    """Join the ``drafts`` into ``path`` with the bookmarks (sections, their charts) and the metadata."""
    from pypdf import PdfWriter
    from pypdf.generic import Fit

    from .._store import atomic_write_bytes

    writer = PdfWriter(clone_from=str(drafts[0]))
    for draft in drafts[1:]:
        writer.append(str(draft))
    parents: dict[int, Any] = {}
    for mark in marks:
        top = (A4_CM[1] - mark.y_cm) / 2.54 * 72
        parent = parents.get(mark.level - 1) if mark.level else None
        item = writer.add_outline_item(title=mark.title, page_number=mark.page, parent=parent,
                                       fit=Fit.xyz(left=0, top=top))
        parents[mark.level] = item
    writer.add_metadata({**metadata, "/CreationDate": datetime.now().astimezone().strftime("D:%Y%m%d%H%M%S")})
    writer.page_mode = "/UseOutlines"  # a viewer opens with the bookmarks shown
    buffer = io.BytesIO()
    writer.write(buffer)
    atomic_write_bytes(path, buffer.getvalue())
