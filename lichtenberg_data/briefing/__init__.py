"""The briefing pack for the retreat: notebooks run headless, their charts bound into one PDF.

Notebooks hand material over with :func:`mark_chart` and :func:`key_figure` (the notebook
contract, :mod:`.collect`); :func:`build` / :func:`run` execute every notebook and write the PDF
(:mod:`.pack`, page layout in :mod:`.pdf`). The briefing takes charts through
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
from .pack import BriefingResult, build, run

__all__ = ["SECTIONS", "GOALS", "ENV_VAR", "COLLECT_FILE", "collect_dir", "mark_chart", "key_figure",
           "latest_pair", "Comparison", "BriefingError", "BriefingResult", "build", "run"]
