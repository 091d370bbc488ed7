"""The briefing PDF: cover, the pages of findings and goals, the sections, the appendix.

The order: the cover (:mod:`._cover`); „Das Wichtigste in Kürze“ and „Stand der Ziele“
(:mod:`.pages`, when findings are given); one section per cooperation goal, each starting on a new
page with its heading, the section's opening (the office's text, the Kernaussagen, the comparison
Bezirke; :func:`.pages.section_opening`), the key-figure table with Berlin and the comparison
Bezirke under each row, charts and missing-data boxes (:mod:`._blocks`) and the section's numbered
list of sources; the goals without results and the appendix of datasets (:mod:`._appendix`). The
flow layout is :mod:`._layout`. Sample data are marked where they are shown: a block resting on
sample data flags its page, and only flagged pages carry the header "BEISPIELDATEN".

Figure numbers („→ Abb. 5“ in the findings) are filled in while the charts are placed and read when
the pages are drawn, after the whole layout. The PDF is written with matplotlib's ``PdfPages`` (text
as text, selectable) and then given its outline (a bookmark per section and per chart) and its
metadata with pypdf.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lichtenberg_data.briefing.pages as pages

from ..charts.files import FORMATS
from ..charts.style import COLORS
from ._appendix import appendix, missing_page
from ._blocks import section_blocks
from ._cover import draw_cover
from ._drawing import _write
from ._keytable import key_table
from ._layout import (
    BODY_CM,
    LEFT_CM,
    TOP_CM,
    _Doc,
    _line,
)
from ._sources import SectionSources
from .collect import GOALS, SECTIONS

__all__ = ["render_pdf", "Rendered", "LayoutStoppedError", "SUMMARY_TITLE", "GOALS_TITLE"]

log = logging.getLogger(__name__)

SUMMARY_TITLE = "Das Wichtigste in Kürze"
#: A section whose last page is used less than this is laid out again, tighter (see ._blocks).
_LITTLE = 0.35
GOALS_TITLE = "Stand der Ziele"


@dataclass
class Rendered:
    """What :func:`render_pdf` laid out.

    Attributes
    ----------
    present, missing
        The section keys printed, and the goals listed under "Noch nicht enthalten".
    figure_numbers
        Chart name → its number in the paper ("Abbildung 5").
    pages
        Per page: its number, the part it belongs to (``cover``, ``summary``, ``goals``, a section
        key, ``missing``, ``appendix``), the height used and usable (cm), whether the next page
        starts another part, and its ``problems`` as drawn (texts that overlap each other or a
        chart, or run off the page; each also logged as a warning).
    """

    present: list[str]
    missing: list[str]
    figure_numbers: dict[str, int] = field(default_factory=dict)
    pages: list[dict[str, Any]] = field(default_factory=list)

    def __iter__(self):  # ``present, missing = render_pdf(...)`` as before
        return iter((self.present, self.missing))


def _section(doc: _Doc, number: int, key: str, opening: dict[str, Any], figures: list[dict],
             charts: list[dict], missing_data: list[dict], counter: list[int], numbers: dict[str, int]) -> None:
    doc.continuation = None
    doc.part = key
    doc.new_page()
    doc.mark(key)
    doc.bookmark(f"{number}  {SECTIONS[key]}")
    doc.text(f"{number}  {SECTIONS[key]}", 17, weight="bold", after=0.1)
    y = doc.y
    doc.add(lambda fig, y=y: _line(fig, LEFT_CM, LEFT_CM + 3.0, y, COLORS["highlight"], 2.0))
    doc.y += 0.6
    doc.continuation = SECTIONS[key]
    pages.section_opening(doc, key, opening.get("kernaussagen") or [], opening.get("office_text"),
                          opening.get("comparison"), numbers)
    start, first_figure, known = doc.snapshot(), counter[0], set(numbers)

    def lay_out(tight: bool) -> int:
        sources = SectionSources()
        if figures:
            key_table(doc, figures, sources, opening.get("comparison"))
        section_blocks(doc, charts, missing_data, sources, counter, numbers, tight=tight)
        sources.draw(doc)
        return len(doc.pages)

    def undo() -> None:
        doc.restore(start)
        counter[0] = first_figure
        for name in set(numbers) - known:
            del numbers[name]

    used = lay_out(False)
    if doc.used[-1] - TOP_CM < _LITTLE * BODY_CM and used - start[0] > 1:  # the last page holds little
        undo()
        if lay_out(True) >= used:  # drawing tighter saves no page: as before
            undo()
            lay_out(False)


def _lay_out(*, present: list[str], missing: list[str], charts: list[dict], figures: list[dict],
             datasets: list[dict], notebooks: list[dict], other_sources: list[str], missing_data: list[dict],
             findings: Any, goals: Any, office: dict[str, str], comparison: Any, numbers: dict[str, int],
             stop: Callable[[], bool] | None = None) -> _Doc:
    def going_on() -> None:  # between two parts of the paper
        if stop is not None and stop():
            raise LayoutStoppedError("the layout was stopped (the build goes on)")

    doc = _Doc()
    doc.new_page()  # the cover, drawn last (it needs the page numbers)
    if findings is not None:
        doc.part = "summary"
        doc.new_page()
        doc.mark("summary")
        doc.bookmark(SUMMARY_TITLE)
        pages.summary_page(doc, findings.summary, numbers)
        doc.continuation = None
        doc.part = "goals"  # on the summary's page when it fits there, else on a page of its own
        pages.goals_page(doc, goals)
    counter = [0]
    for number, key in enumerate(present, start=1):
        going_on()
        opening = {"kernaussagen": findings.sections.get(key, []) if findings is not None else [],
                   "office_text": office.get(key), "comparison": comparison}
        _section(doc, number, key, opening, [f for f in figures if f["section"] == key],
                 [c for c in charts if c["section"] == key], [m for m in missing_data if m["section"] == key],
                 counter, numbers)
    going_on()
    if missing:
        missing_page(doc, missing)
    appendix(doc, datasets, other_sources, notebooks)
    return doc


class LayoutStoppedError(Exception):
    """A layout without drawing (``render_pdf(draw=False)``) was stopped by its ``stop``."""


def _page_report(doc: _Doc) -> list[dict[str, Any]]:
    out = []
    for i, (used, part) in enumerate(zip(doc.used, doc.parts)):
        ends = i + 1 == len(doc.parts) or doc.parts[i + 1] != part
        out.append({"page": i + 1, "part": part, "used_cm": round(used - TOP_CM, 2), "usable_cm": round(BODY_CM, 2),
                    "ends_part": ends})
    return out


def render_pdf(path: Path, *, year: int, district: str, charts: list[dict],
               figures: list[dict], datasets: list[dict], notebooks: list[dict],
               sample: bool, other_sources: list[str],
               missing_data: list[dict] | None = None, author: str | None = None,
               findings: Any = None, goals: Any = None, office: dict[str, str] | None = None,
               comparison: Any = None, figure_numbers: dict[str, int] | None = None,
               draw: bool = True, stop: Callable[[], bool] | None = None,
               meanwhile: Callable[[Rendered], None] | None = None) -> Rendered:
    """Lay out the briefing on A4 pages and write it to ``path``.

    Parameters
    ----------
    path
        The PDF file (its folder is created).
    year, district
        Printed in the title, on the cover and in the header of every page.
    charts, figures, datasets, notebooks
        What :func:`lichtenberg_data.briefing.run` collected from the executed notebooks.
    sample
        Some source is generated sample data: a warning on the cover listing the sample datasets;
        the pages showing sample content carry the mark in their header.
    other_sources
        Source texts of charts and key figures that name no dataset (listed in the appendix).
    missing_data
        Datasets a notebook cell needed but were not loaded: a box each in their section.
    author
        The PDF's author and the cover's "Herausgeber"; default „Bezirksamt <district>,
        Wirtschaftsförderung“ (see ``settings.author``).
    findings
        :class:`~lichtenberg_data.briefing.findings.Findings`: the page „Das Wichtigste in Kürze“
        after the cover and each section's Kernaussagen (``None``: neither, and no goals page).
    goals
        The states of the targets of ``ziele.csv`` (:func:`~lichtenberg_data.briefing.goals.evaluate`);
        ``None``: there is no file, the page „Stand der Ziele“ says how to write one.
    office
        Section key → the office's text of ``klausur.md`` (printed at the start of its section).
    comparison
        The comparison Bezirke (:class:`~lichtenberg_data.briefing.peers.Comparison`): named in the
        overview, their values under each key figure.
    figure_numbers
        Filled with chart name → its number in the paper („Abbildung N“), as
        :attr:`Rendered.figure_numbers`.
    draw
        ``False``: lay the paper out only (nothing is written; the pages' use is not reported).
        A layout measures its texts, and the measures are kept: a build lays out the paper of
        the notebooks done while the last ones run, and its real layout then takes a tenth of
        the time.
    stop
        Asked between two parts of the paper (summary, sections, appendix): when true, the layout
        stops with :class:`LayoutStoppedError` (a build's layout while its last notebooks run stops
        when they have ended).
    meanwhile
        Called with what the layout settled (sections, figure numbers; no page report yet) while
        the pages are drawn, in this process while a forked copy draws part of them (a build
        writes its workbook then, :func:`_write`).

    Returns
    -------
    Rendered
        The sections printed and missing, each chart's figure number and the use of each page
        (unpacks as ``present, missing``).
    """
    title = f"Klausur-Briefing {year} – Bezirk {district}"
    author = author or f"Bezirksamt {district}, Wirtschaftsförderung"
    missing_data = missing_data or []
    present = [s for s in SECTIONS if any(e["section"] == s for e in [*charts, *figures, *missing_data])]
    missing = [s for s in GOALS if s not in present]
    numbers = figure_numbers if figure_numbers is not None else {}
    doc = _lay_out(present=present, missing=missing, charts=charts, figures=figures, datasets=datasets,
                   notebooks=notebooks, other_sources=other_sources, missing_data=missing_data, findings=findings,
                   goals=goals, office=office or {}, comparison=comparison, numbers=numbers, stop=stop)
    if not draw:
        return Rendered(present, missing, numbers, [])

    contents = [(label, doc.marks[key]) for key, label in (("summary", SUMMARY_TITLE), ("goals", GOALS_TITLE))
                if key in doc.marks]
    contents += [(f"{i}  {SECTIONS[k]}", doc.marks[k]) for i, k in enumerate(present, 1)]
    if missing:
        contents.append(("Noch nicht enthalten", doc.marks["missing"]))
    contents.append(("Anhang: Verwendete Datensätze", doc.marks["appendix"]))
    formats = [f.upper() for f in FORMATS if any(f in c.get("files", {}) for c in charts)]
    doc.pages[0].append(lambda fig: draw_cover(fig, title=title, district=district, year=year, author=author,
                                               sample=sample, datasets=datasets, contents=contents,
                                               formats=formats))
    if sample:
        doc.sample_pages.add(0)  # the cover names the sample datasets
    found = _write(path, doc, title=title, author=author, subject=f"Klausur-Briefing {year}, Bezirk {district}",
                   meanwhile=(lambda: meanwhile(Rendered(present, missing, numbers, []))) if meanwhile else None)
    report = _page_report(doc)
    for page in report:
        page["problems"] = found.get(page["page"], [])
        for line in page["problems"]:
            log.warning("briefing: page %d of %s: %s", page["page"], path.name, line)
    return Rendered(present, missing, numbers, report)
