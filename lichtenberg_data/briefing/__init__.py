"""The briefing pack for the retreat: notebooks run headless, their charts bound into one PDF.

Notebooks hand material over with :func:`mark_chart` and :func:`key_figure` (the notebook
contract, :mod:`.collect`; every key figure is declared once in :mod:`.keyfigures`) and title
their charts with :func:`headline` (the finding a key figure says, :mod:`.findings`);
:func:`build` / :func:`run` execute every notebook, make the findings, the comparison Bezirke
(:mod:`.peers`) and the goals (:mod:`.goals`) and write the PDF (:mod:`.pack`, page layout in
:mod:`.pdf` with the pages of :mod:`.pages`). The briefing takes charts through
:func:`lichtenberg_data.charts.chart_info`; the charts know nothing of the briefing.
"""

from __future__ import annotations

from .._errors import BriefingError
from .collect import (
    COLLECT_FILE,
    ENV_VAR,
    GOALS,
    SECTIONS,
    Comparison,
    collect_dir,
    key_figure,
    latest_pair,
    mark_chart,
)
from .findings import headline
from .pack import BriefingResult, build, run

__all__ = ["SECTIONS", "GOALS", "ENV_VAR", "COLLECT_FILE", "collect_dir", "mark_chart", "key_figure",
           "headline", "latest_pair", "Comparison", "BriefingError", "BriefingResult", "build", "run"]
