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

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:  # pragma: no cover
    from .findings import headline
    from .pack import BriefingResult, build, run

__all__ = ["SECTIONS", "GOALS", "ENV_VAR", "COLLECT_FILE", "collect_dir", "mark_chart", "key_figure",
           "headline", "latest_pair", "Comparison", "BriefingError", "BriefingResult", "build", "run"]

#: Names imported on first use, and the module each lives in: they bring matplotlib and pandas
#: (0.8 s), which the set-up cell of every notebook of a build would otherwise pay for.
_LAZY = {"headline": "findings", "BriefingResult": "pack", "build": "pack", "run": "pack"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
