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
    DataNotAvailableError,
    DownloadError,
    FormatError,
    LichtenbergDataError,
    RefreshLockedError,
    SettingsError,
    ValidationError,
)
from ._provenance import is_sample, source_note, with_sources
from ._store import connect, load, status

__version__ = "0.1.0"

__all__ = [
    # data
    "load", "refresh", "import_file", "status", "source_note", "with_sources", "is_sample", "connect",
    # modules
    "catalog", "settings", "geo", "afs", "charts", "briefing", "workforce", "tourism",
    # errors
    "LichtenbergDataError", "DownloadError", "FormatError", "ValidationError",
    "DataNotAvailableError", "RefreshLockedError", "SettingsError",
]

_LAZY_MODULES = {"geo", "afs", "charts", "briefing", "workforce", "tourism"}


def refresh(*args: Any, **kwargs: Any):
    """Refresh datasets; see :func:`lichtenberg_data._refresh.refresh`."""
    from ._refresh import refresh as _refresh

    return _refresh(*args, **kwargs)


def import_file(*args: Any, **kwargs: Any):
    """Import files by hand; see :func:`lichtenberg_data._refresh.import_file`."""
    from ._refresh import import_file as _import_file

    return _import_file(*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'lichtenberg_data' has no attribute {name!r}")
