"""Business dynamics from consecutive monthly IHK snapshots, in DuckDB over the monthly Parquet files.

Each month is compared with the stored month before it by ``opendata_id`` (hashed to 64 bits for
the join): an id new in the register is an entry (*Zugang*), an id that is gone an exit
(*Abgang*), an id in both months in another area a move within Berlin (*Umzug*), in another
WZ section a sector switch (*Branchenwechsel*). Nothing is loaded into pandas but the result.
For every area and month: ``bestand = bestand(vormonat) + zugaenge - abgaenge + zuzuege - fortzuege``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _partitions
from ._errors import DataNotAvailableError

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import pandas as pd

__all__ = ["AREA_SQL", "window", "connection", "flows", "switches", "moves"]

DATASET = "ihk_gewerbedaten"
#: The area of a row at each level (LOR 2021 keys: Bezirksregion = first 6 digits of the Planungsraum).
AREA_SQL = {"planungsraum": "planungsraum_id", "bezirksregion": "left(planungsraum_id, 6)",
            "bezirk": "bezirk_id", "berlin": "'00'"}


def window(start: Any = None, end: Any = None) -> tuple[list[str], list[str]]:
    """The stored months shown (``start``..``end``) and the months scanned (one more before, the
    base of the first shown month)."""
    have = _partitions.months(DATASET)
    lo = _partitions.month_key(start) if start is not None else None
    hi = _partitions.month_key(end) if end is not None else None
    shown = [m for m in have if (lo is None or m >= lo) and (hi is None or m <= hi)]
    if not shown:
        raise DataNotAvailableError(
            f"{DATASET}: no stored month between {lo or 'the first'} and {hi or 'the last'} (stored: "
            f"{', '.join(have) or 'none'}). Import monthly files with `lichtenberg-data import {DATASET} FILE`",
            dataset=DATASET)
    first = have.index(shown[0])
    return shown, have[max(0, first - 1): have.index(shown[-1]) + 1]


def connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection, frugal with memory (no insertion order kept)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    return con


def _base(level: str, scanned: list[str]) -> str:
    """The CTEs every query shares: rows of the scanned months, month pairs, and the full join of
    each month with the month before it."""
    area = AREA_SQL[level]
    return f"""
    WITH src AS (
        SELECT stand, hash(opendata_id) AS id, {area} AS area, abschnitt
        FROM {_partitions.scan_sql(DATASET)}
        WHERE stand BETWEEN '{scanned[0]}' AND '{scanned[-1]}' AND opendata_id IS NOT NULL
    ),
    pairs AS (SELECT stand, lag(stand) OVER (ORDER BY stand) AS prev FROM (SELECT DISTINCT stand FROM src)),
    cur AS (SELECT s.* FROM src s JOIN pairs p USING (stand) WHERE p.prev IS NOT NULL),
    old AS (SELECT p.stand, s.id, s.area, s.abschnitt FROM src s JOIN pairs p ON s.stand = p.prev),
    j AS (
        SELECT coalesce(c.stand, o.stand) AS stand, c.id IS NOT NULL AS now, o.id IS NOT NULL AS before,
               c.area AS area_now, o.area AS area_before, c.abschnitt AS ab_now, o.abschnitt AS ab_before
        FROM cur c FULL OUTER JOIN old o ON c.stand = o.stand AND c.id = o.id
    )"""


def flows(level: str, shown: list[str], scanned: list[str]) -> pd.DataFrame:
    """Stock, entries, exits and moves per month and area (see the module docstring)."""
    sql = _base(level, scanned) + f""",
    stock AS (SELECT stand, area, count(*) AS bestand FROM src GROUP BY ALL),
    gained AS (
        SELECT stand, area_now AS area, count(*) FILTER (WHERE NOT before) AS zugaenge,
               count(*) FILTER (WHERE before AND area_before IS DISTINCT FROM area_now) AS zuzuege
        FROM j WHERE now GROUP BY ALL
    ),
    lost AS (
        SELECT stand, area_before AS area, count(*) FILTER (WHERE NOT now) AS abgaenge,
               count(*) FILTER (WHERE now AND area_before IS DISTINCT FROM area_now) AS fortzuege
        FROM j WHERE before GROUP BY ALL
    )
    SELECT s.stand, p.prev AS vormonat, s.area, s.bestand,
           CASE WHEN p.prev IS NULL THEN NULL ELSE coalesce(g.zugaenge, 0) END AS zugaenge,
           CASE WHEN p.prev IS NULL THEN NULL ELSE coalesce(l.abgaenge, 0) END AS abgaenge,
           CASE WHEN p.prev IS NULL THEN NULL ELSE coalesce(g.zuzuege, 0) END AS zuzuege,
           CASE WHEN p.prev IS NULL THEN NULL ELSE coalesce(l.fortzuege, 0) END AS fortzuege
    FROM stock s JOIN pairs p USING (stand)
    LEFT JOIN gained g USING (stand, area) LEFT JOIN lost l USING (stand, area)
    WHERE s.stand IN ({_months(shown)}) AND s.area IS NOT NULL
    UNION ALL  -- an area emptied this month still shows its exits
    SELECT l.stand, p.prev, l.area, 0, coalesce(g.zugaenge, 0), l.abgaenge, coalesce(g.zuzuege, 0), l.fortzuege
    FROM lost l JOIN pairs p USING (stand) LEFT JOIN gained g USING (stand, area)
    LEFT JOIN stock s USING (stand, area)
    WHERE s.bestand IS NULL AND l.area IS NOT NULL AND l.stand IN ({_months(shown)})
    """
    return connection().execute(sql).df()


def switches(level: str, shown: list[str], scanned: list[str]) -> pd.DataFrame:
    """Businesses in both months whose WZ section changed, per month, area (now) and pair of sections."""
    sql = _base(level, scanned) + f"""
    SELECT stand, area_now AS area, ab_before AS von_abschnitt, ab_now AS nach_abschnitt, count(*) AS betriebe
    FROM j WHERE now AND before AND ab_before IS DISTINCT FROM ab_now AND stand IN ({_months(shown)})
    GROUP BY ALL ORDER BY ALL
    """
    return connection().execute(sql).df()


def moves(level: str, shown: list[str], scanned: list[str]) -> pd.DataFrame:
    """Businesses in both months whose area changed: per month, from-area and to-area."""
    sql = _base(level, scanned) + f"""
    SELECT stand, area_before AS von, area_now AS nach, count(*) AS betriebe
    FROM j WHERE now AND before AND area_before IS DISTINCT FROM area_now AND stand IN ({_months(shown)})
    GROUP BY ALL ORDER BY ALL
    """
    return connection().execute(sql).df()


def _months(keys: list[str]) -> str:
    return ", ".join(f"'{_partitions.month_key(k)}'" for k in keys)
