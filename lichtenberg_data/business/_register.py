"""The stored IHK register (``ihk_gewerbedaten``), as every function of :mod:`lichtenberg_data.business` reads it.

One Parquet file per month (:mod:`lichtenberg_data._partitions`), queried with DuckDB: the stored
months, a connection frugal with memory, the area of a row at each level, the provenance of a
month, and the checks the public functions share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _partitions
from ..geo import district_id

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import pandas as pd

__all__ = ["DATASET", "LEVELS", "AREA_SQL", "months", "connection", "source", "check_level", "in_district"]

DATASET = "ihk_gewerbedaten"
LEVELS = ("planungsraum", "bezirksregion", "bezirk", "berlin")
#: The area of a row at each level (LOR 2021 keys: Bezirksregion = first 6 digits of the Planungsraum).
AREA_SQL = {"planungsraum": "planungsraum_id", "bezirksregion": "left(planungsraum_id, 6)",
            "bezirk": "bezirk_id", "berlin": "'00'"}


def months() -> list[str]:
    """The stored months of the register (``YYYY-MM``), oldest first."""
    return _partitions.months(DATASET)


def connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection, frugal with memory (no insertion order kept, 1 GB limit)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET memory_limit = '1GB'")
    return con


def source(month: str) -> pd.DataFrame:
    """An empty frame carrying the provenance of one stored month (read from its file footer)."""
    import pandas as pd

    out = pd.DataFrame()
    out.attrs = _partitions.attrs(DATASET, month)
    return out


def check_level(level: str) -> str:
    """``level`` if it is one of :data:`LEVELS`; else a ``ValueError`` naming them."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return level


def in_district(df: pd.DataFrame, column: str, level: str, district: Any) -> pd.DataFrame:
    """The rows of ``df`` whose area (``column``) lies in ``district``; all rows at Bezirk and Berlin level."""
    key = district_id(district)
    if key is None or level in {"bezirk", "berlin"}:
        return df
    return df[df[column].astype(str).str[:2] == key].reset_index(drop=True)
