"""From what the notebooks handed over to the paper: the comparison Bezirke, the findings, the
state of the goals, and the PDF laid out with them (:mod:`.pdf`); what the manifest records of it.

Used by :func:`lichtenberg_data.briefing.pack.run` after the notebooks ran; a paper can be bound
again from a manifest without running them (the tests do).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import lichtenberg_data.briefing.findings as findings
import lichtenberg_data.briefing.goals as goals
import lichtenberg_data.briefing.peers as peers

from ..names import bezirk_id
from .collect import SECTIONS
from .pdf import render_pdf

__all__ = ["bind"]


def bind(pdf: Path, *, year: int, district: str, charts: list[dict], figures: list[dict], datasets: list[dict],
         notebooks: list[dict], sample: bool, other_sources: list[str], missing_data: list[dict],
         office_texts: dict[str, str], targets: list | None, given: Any = None,
         author: str | None = None, draw: bool = True, stop: Callable[[], bool] | None = None,
         meanwhile: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Findings, comparison Bezirke and goals from what the notebooks handed over, and the PDF.

    Each chart entry gets its ``figure`` number. Returns what the manifest records: ``present``
    and ``missing`` sections, ``comparison``, ``summary`` (the sentences of "Das Wichtigste in
    Kürze" with section, key-figure ids, chart and its number), ``kernaussagen`` per section, every
    finding, the ``goals`` and the use of each ``pages``. ``draw=False`` lays the paper out
    without writing it, ``stop`` ends that early; ``meanwhile`` is called with this record (its
    ``pages`` empty) while the pages are drawn (see :func:`~lichtenberg_data.briefing.pdf.render_pdf`).
    """
    comparison = given or peers.choose(figures, bezirk_id(district))
    found = findings.build(figures, peers=comparison.ids, charts=[c["name"] for c in charts])
    states = goals.evaluate(targets, figures) if targets is not None else None
    numbers: dict[str, int] = {}

    def said(f: Any) -> dict[str, Any]:
        return {"text": f.text, "section": f.section, "section_title": SECTIONS[f.section], "key_figures": f.figures,
                "chart": f.chart, "figure_number": numbers.get(f.chart), "numbers": f.numbers, "kind": f.kind,
                "title": f.title}

    def record(rendered: Any) -> dict[str, Any]:
        for chart in charts:
            chart["figure"] = numbers.get(chart["name"])
        return {"present": rendered.present, "missing": rendered.missing, "pages": rendered.pages,
                "comparison": comparison.as_dict(),
                "summary": [said(f) for f in found.summary],
                "kernaussagen": {k: [said(f) for f in v] for k, v in found.sections.items()},
                "findings": [said(f) for f in found.all],
                "goals": [g.as_dict() for g in states] if states is not None else None}

    rendered = render_pdf(pdf, year=year, district=district, charts=charts, figures=figures, datasets=datasets,
                          notebooks=notebooks, sample=sample, other_sources=other_sources,
                          missing_data=missing_data, author=author, findings=found, goals=states,
                          office=office_texts, comparison=comparison, figure_numbers=numbers, draw=draw,
                          stop=stop, meanwhile=(lambda r: meanwhile(record(r))) if meanwhile else None)
    return record(rendered)
