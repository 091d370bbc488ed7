"""Datasets stored as one Parquet file per month (``Dataset(partition="month")``).

A monthly register (the IHK business register: about 350,000 rows a month) grows by one
snapshot a month. Its processed table is not one file but a folder of Hive-style partitions::

    processed/<dataset>/stand=2023-07/part.parquet
    processed/<dataset>/stand=2023-08/part.parquet

Each month is written on its own (atomic rename, like every file of the store), so importing a
month never rewrites the others, and DuckDB reads all months as one table
(``read_parquet('<dataset>/stand=*/part.parquet', hive_partitioning=true)``, the ``stand``
column coming from the folder name) without loading them into pandas. The month of a row is the
month of its ``date`` column; each parsed file must hold exactly one month.

>>> month_key("2023-07-01"), month_key("07-2023"), month_key("2023-07")
('2023-07', '2023-07', '2023-07')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import DataNotAvailableError, FormatError
from ._provenance import freeze
from .settings import settings

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PARTITIONS", "COLUMN", "month_key", "month_start", "folder", "part_path", "months", "split",
           "with_month_stand", "select", "scan_sql", "rows", "totals", "attrs", "single_month"]

#: The partition kinds a Dataset may declare.
PARTITIONS = ("month",)
#: The column whose month decides a row's partition.
COLUMN = "date"
_FILE = "part.parquet"


def month_key(value: Any) -> str:
    """``YYYY-MM`` of a date, a timestamp, ``"YYYY-MM"``, ``"YYYY-MM-DD"`` or IHK's ``"MM-YYYY"``.

    Raises
    ------
    ValueError
        For anything else (the message names the accepted forms).
    """
    if isinstance(value, (date, datetime)) or hasattr(value, "to_pydatetime"):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", text) or re.fullmatch(r"(\d{2})-(\d{4})", text)
    if m is None:
        raise ValueError(f"a month is written YYYY-MM (e.g. 2023-07), not {value!r}")
    year, month = (m.group(1), m.group(2)) if len(m.group(1)) == 4 else (m.group(2), m.group(1))
    if not 1 <= int(month) <= 12:
        raise ValueError(f"a month is written YYYY-MM (e.g. 2023-07), not {value!r}")
    return f"{year}-{month}"


def month_start(key: str) -> date:
    """The first day of a ``YYYY-MM`` month."""
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def folder(dataset_id: str) -> Path:
    """The folder holding a partitioned dataset's months."""
    return settings.processed_dir / dataset_id


def part_path(dataset_id: str, key: str) -> Path:
    """The Parquet file of one month."""
    return folder(dataset_id) / f"stand={key}" / _FILE


def months(dataset_id: str) -> list[str]:
    """The stored months, oldest first."""
    root = folder(dataset_id)
    if not root.is_dir():
        return []
    return sorted(p.parent.name.split("=", 1)[1] for p in root.glob(f"stand=*/{_FILE}"))


def split(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The rows of a table by month of :data:`COLUMN`; a table of one month (an import of one
    file) is not copied (a shallow copy: its own ``attrs``, the same columns)."""
    found = {month_key(t) for t in df[COLUMN].dropna().unique()}
    if len(found) == 1 and df[COLUMN].notna().all():
        return {found.pop(): df.copy(deep=False).reset_index(drop=True)}
    keys = df[COLUMN].dt.to_period("M").astype(str)
    return {k: part.reset_index(drop=True) for k, part in df.groupby(keys, sort=True)}


def single_month(df: pd.DataFrame, what: str) -> str:
    """The one month a parsed file holds (:class:`FormatError` for none or several)."""
    found = sorted({f"{t.year:04d}-{t.month:02d}" for t in df[COLUMN].dropna().unique()})
    if len(found) != 1:
        raise FormatError(f"{what} must hold one month, it holds {len(found)} ({', '.join(found[:4]) or 'none'})")
    return found[0]


def with_month_stand(part: pd.DataFrame, attrs: dict[str, Any], key: str) -> pd.DataFrame:
    """``part`` carrying ``attrs`` with the month's own reference date (the provenance of one file)."""
    import copy

    part.attrs = copy.deepcopy(attrs)
    if "provenance" in attrs:
        stand = month_start(key).isoformat()
        part.attrs["provenance"] = freeze([dict(e, reference_date=stand) for e in attrs["provenance"]])
    return part


def select(dataset_id: str, stand: Any = None, months_: int | str | Sequence[Any] | None = None) -> list[str]:
    """The months ``load`` reads: the latest by default, ``stand`` (one month), or ``months_``
    (the last N months, ``"all"``, or a list of months).

    Raises
    ------
    DataNotAvailableError
        When a month asked for is not stored (the message lists those that are).
    """
    have = months(dataset_id)
    if not have:
        raise DataNotAvailableError(f"{dataset_id}: no month stored yet", dataset=dataset_id)
    if stand is not None and months_ is not None:
        raise ValueError("give stand= (one month) or months= (several), not both")
    if stand is not None:
        wanted = [month_key(stand)]
    elif months_ is None:
        return have[-1:]
    elif isinstance(months_, str) and months_ == "all":
        return have
    elif isinstance(months_, int):
        if months_ < 1:
            raise ValueError(f"months= must be at least 1, not {months_}")
        return have[-months_:]
    else:
        wanted = sorted({month_key(m) for m in _as_list(months_)})
    missing = [m for m in wanted if m not in have]
    if missing:
        raise DataNotAvailableError(
            f"{dataset_id}: no data for {', '.join(missing)}; stored months: {_span(have)}. Import that month's "
            f"file with `lichtenberg-data import {dataset_id} FILE --stand YYYY-MM`", dataset=dataset_id)
    return wanted


def _as_list(value: Any) -> Iterable[Any]:
    return [value] if isinstance(value, (str, date, datetime)) else list(value)


def _span(have: list[str]) -> str:
    return ", ".join(have) if len(have) <= 6 else f"{have[0]} … {have[-1]} ({len(have)} months)"


def scan_sql(dataset_id: str) -> str:
    """A DuckDB ``read_parquet`` over every month of a dataset, with ``stand`` (``YYYY-MM``) from
    the folder names."""
    pattern = str(folder(dataset_id) / f"stand=*/{_FILE}").replace("'", "''")
    return (f"read_parquet('{pattern}', hive_partitioning = true, hive_types = {{'stand': VARCHAR}}, "
            "union_by_name = true)")


def rows(dataset_id: str, key: str) -> int:
    """Number of rows of one stored month (from the Parquet footer, nothing is read)."""
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(part_path(dataset_id, key)).metadata.num_rows)


def totals(dataset_id: str, key: str) -> tuple[list[str], dict[str, float]]:
    """The column names of one stored month and the sum of each numeric column but the keys
    (:func:`lichtenberg_data._report.totals`), reading those columns only."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = part_path(dataset_id, key)
    schema = pq.read_schema(path)
    numeric = [f.name for f in schema if (pa.types.is_integer(f.type) or pa.types.is_floating(f.type))
               and not f.name.endswith("_id")]
    sums = pq.read_table(path, columns=numeric).to_pandas() if numeric else None
    return list(schema.names), {c: float(sums[c].sum()) for c in numeric}


def attrs(dataset_id: str, key: str) -> dict[str, Any]:
    """The ``attrs`` (provenance) stored with one month, read from the Parquet footer only."""
    import json

    import pyarrow.parquet as pq

    meta = pq.read_schema(part_path(dataset_id, key)).metadata or {}
    raw = meta.get(b"PANDAS_ATTRS")
    out = json.loads(raw) if raw else {}
    if "provenance" in out:
        out["provenance"] = freeze(out["provenance"])
    return out
