"""The workforce topic's source modules, and their names re-exported for older imports.

The datasets of the topic are declared in one module per source:

``social_monitoring``
    ``mss``: Monitoring Soziale Stadtentwicklung, indicators per Planungsraum, every two years.
``social_atlas``
    ``gssa``: Gesundheits- und Sozialstrukturatlas 2022, index values per LOR level and Bezirk.
``jobsuche``
    ``stellenangebote``: job and apprenticeship offers from the BA Jobsuche API, and its fetcher.
``labour``
    ``beschaeftigte_bezirke``, ``arbeitslose_bezirke``: employees and unemployed per Bezirk
    from Amt für Statistik report tables.

This module declares nothing. It re-exports their names for code that still imports them from
here (``tests/test_sources_workforce.py``, ``bench/_inputs.py``); new code imports from the
modules above.
"""

from __future__ import annotations

from .jobsuche import (
    JOBSUCHE_DETAILS_URL,
    JOBSUCHE_HEADERS,
    JOBSUCHE_SEARCH_URL,
    PAGE_SIZE,
    RESULT_CEILING,
    fetch_jobsuche,
    job_details,
    parse_jobsuche,
    sample_jobsuche,
)
from .labour import (
    parse_arbeitslose_file,
    parse_beschaeftigte_file,
    sample_arbeitslose,
    sample_beschaeftigte,
)
from .social_atlas import (
    _stata,  # noqa: F401  (tested in tests/test_sources_workforce.py)
    parse_gssa,
    sample_gssa,
)
from .social_monitoring import (
    MSS_DOWNLOADED,
    MSS_EDITIONS,
    MSS_INDICATORS,
    MssEdition,
    fetch_mss_edition,
    parse_mss,
    parse_mss_file,
    sample_mss,
)

__all__ = [
    "MSS_EDITIONS", "MSS_INDICATORS", "MSS_DOWNLOADED", "MssEdition", "parse_mss", "parse_mss_file",
    "fetch_mss_edition", "sample_mss", "parse_gssa", "sample_gssa", "JOBSUCHE_SEARCH_URL",
    "JOBSUCHE_DETAILS_URL", "JOBSUCHE_HEADERS", "RESULT_CEILING", "PAGE_SIZE", "fetch_jobsuche",
    "parse_jobsuche", "sample_jobsuche", "job_details", "parse_beschaeftigte_file",
    "parse_arbeitslose_file", "sample_beschaeftigte", "sample_arbeitslose",
]
