"""lichtenberg_data: open Berlin data as evidence for economic policy in Lichtenberg.

The public API, listed explicitly. Importing the package is cheap: pandas, geopandas and
matplotlib are imported only when a function needs them.

>>> import lichtenberg_data as ld
>>> "einwohner_lor" in ld.catalog.ids()
True
"""

from __future__ import annotations

import importlib
from typing import Any

from . import catalog, settings
from ._errors import (
    BriefingError,
    DataNotAvailableError,
    DownloadError,
    FormatError,
    LichtenbergDataError,
    RefreshLockedError,
    SettingsError,
    UnknownDatasetError,
    UnknownDistrictError,
    ValidationError,
)
from ._import import import_file
from ._provenance import is_sample, source_note, with_sources
from ._refresh import rebuild, refresh
from ._report import Outcome
from ._store import connect, load, status

__version__ = "0.1.0"

__all__ = [
    # data
    "load", "refresh", "import_file", "rebuild", "Outcome", "status", "source_note", "with_sources", "is_sample",
    "connect",
    # modules (geo, afs, names, charts, briefing, topic modules and demo are imported on first use)
    "catalog", "settings", "names", "geo", "afs", "osm", "charts", "briefing", "workforce", "land", "retail",
    "tourism", "business", "construction", "fair", "demo",
    # errors
    "LichtenbergDataError", "DownloadError", "FormatError", "ValidationError",
    "DataNotAvailableError", "RefreshLockedError", "SettingsError", "UnknownDatasetError",
    "UnknownDistrictError", "BriefingError",
]

#: Modules imported on first use, by their name here and where they live (``ld.fair`` is ``land.fair``).
_LAZY_MODULES = {**{name: name for name in ("names", "geo", "afs", "osm", "charts", "briefing", "workforce", "land",
                                            "retail", "tourism", "business", "demo")},
                 "construction": "land.construction", "fair": "land.fair"}


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        module = importlib.import_module(f"{__name__}.{_LAZY_MODULES[name]}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'lichtenberg_data' has no attribute {name!r}")
