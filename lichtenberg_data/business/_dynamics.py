"""Business dynamics from consecutive monthly IHK snapshots, in DuckDB over the monthly Parquet files.

Each month is compared with the stored month before it by ``opendata_id`` (hashed to 64 bits): an
id new in the register is an entry (*Zugang*), an id that is gone an exit (*Abgang*), an id in
both months in another area a move within Berlin (*Umzug*), in another WZ section a sector switch
(*Branchenwechsel*). Nothing is loaded into pandas but the result. For every area and month:
``bestand = bestand(vormonat) + zugaenge - abgaenge + zuzuege - fortzuege`` (``bestand`` counts
distinct ids: a row repeated in a month counts once, in the stock and in the flows). An id in
two areas (or, for sector switches, two sections) in the same month – an id an Excel export
mangled (``id_mangled``) stands for several businesses – counts as a business in each area, with
entries and exits there, and never as a move or a switch: which of its rows went where cannot be
told.

How, cheaply: one scan of the monthly files, aggregated by id and area, gives each business a
bit mask of the months it is in each area (month *i* = bit *i*); a business with more than one
area moved (one in two areas at once excepted). For the ~95 % whose area never changes, entries
and exits follow from the mask alone (bit *i* set and bit *i-1* not: an entry in month *i*).
Only the businesses whose area changed go through a join of each month with the month before,
their monthly rows rebuilt from their masks (not picked again out of all the rows scanned). A
window of more than 60 months is computed in pieces (the mask has 64 bits).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _partitions
from .._errors import DataNotAvailableError
from ._register import AREA_SQL, DATASET, connection

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["window", "flows", "switches", "moves"]

#: Key length per level: areas are joined and grouped as integers and given back as keys.
_WIDTH = {"planungsraum": 8, "bezirksregion": 6, "bezirk": 2, "berlin": 2}
_PIECE = 60


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


def _base(level: str, scanned: list[str], changed: str) -> str:
    """The CTEs every query shares. ``src``: the rows with their month index ``i`` (position in
    ``scanned``); ``pairs``: per business and area (and section, when ``changed`` is
    ``abschnitt``) the mask of its months there; ``ids``: per business its month mask, whether
    ``changed`` (``area`` or ``abschnitt``) ever changed and whether it is in two places in one
    month (``overlap``: its masks share a bit); ``sub``: for the businesses that changed, not in two
    places at once, a row per month and area (section) they are in, rebuilt from their masks (the
    monthly files are scanned once); ``j``: those rows of each month fully joined with the month
    before."""
    months = "[" + ", ".join(f"'{_partitions.month_key(m)}'" for m in scanned) + "]"
    section = ", abschnitt" if changed == "abschnitt" else ""
    sections = ", c.abschnitt AS ab_now, o.abschnitt AS ab_before" if changed == "abschnitt" else ""
    return f"""
    WITH src AS (
        SELECT CAST(list_position({months}, stand) - 1 AS UTINYINT) AS i, hash(opendata_id) AS id,
               TRY_CAST({AREA_SQL[level]} AS INTEGER) AS area{section}
        FROM {_partitions.scan_sql(DATASET)}
        WHERE stand BETWEEN '{scanned[0]}' AND '{scanned[-1]}' AND opendata_id IS NOT NULL
    ),
    pairs AS MATERIALIZED (
        SELECT id, area{section}, bit_or(CAST(1 AS UBIGINT) << CAST(i AS UBIGINT)) AS mask
        FROM src GROUP BY ALL
    ),
    ids AS MATERIALIZED (
        SELECT id, bit_or(mask) AS mask, any_value(area) AS area, {_changed(changed)} AS changed,
               sum(bit_count(mask)) > bit_count(bit_or(mask)) AS overlap
        FROM pairs GROUP BY id
    ),
    steps AS (SELECT CAST(range AS UTINYINT) AS i FROM range(0, {len(scanned)})),
    sub AS (
        SELECT s.i, p.id, p.area{section}
        FROM (SELECT * FROM pairs SEMI JOIN (SELECT id FROM ids WHERE changed AND NOT overlap) c USING (id)) p
        JOIN steps s ON {_bit("p.mask", "s.i")} = 1
    ),
    j AS (
        SELECT coalesce(c.i, o.i + 1) AS i, c.id IS NOT NULL AS now, o.id IS NOT NULL AS before,
               c.area AS area_now, o.area AS area_before{sections}
        FROM (SELECT * FROM sub WHERE i > 0) c
        FULL OUTER JOIN (SELECT * FROM sub WHERE i < {len(scanned) - 1}) o ON c.i = o.i + 1 AND c.id = o.id
    )"""


def _changed(column: str) -> str:
    """Whether a business's area (an integer) or section (a letter) ever changed, a missing value
    counting (over its ``pairs``: one row per area, or per area and section)."""
    if column == "area":
        return "count(*) > 1"
    return "count(DISTINCT coalesce(abschnitt, '')) > 1"


def _key(level: str, column: str) -> str:
    """An integer area back as its key with leading zeros."""
    return f"lpad(CAST({column} AS VARCHAR), {_WIDTH[level]}, '0')"


def _bit(mask: str, at: str) -> str:
    return f"(({mask} >> CAST({at} AS UBIGINT)) & CAST(1 AS UBIGINT))"


def _pieces(shown: list[str], scanned: list[str]) -> list[tuple[list[str], list[str]]]:
    """``(shown, scanned)`` windows of at most 60 months each."""
    if len(scanned) <= _PIECE:
        return [(shown, scanned)]
    out, at = [], 0
    while at < len(shown):
        part = shown[at:at + _PIECE - 1]
        first = scanned.index(part[0])
        out.append((part, scanned[max(0, first - 1): scanned.index(part[-1]) + 1]))
        at += len(part)
    return out


def flows(level: str, shown: list[str], scanned: list[str]) -> pd.DataFrame:
    """Stock, entries, exits and moves per month and area (see the module docstring)."""
    return _in_pieces(_flows, level, shown, scanned)


def _flows(level: str, shown: list[str], scanned: list[str]) -> pd.DataFrame:
    months = "[" + ", ".join(f"'{m}'" for m in scanned) + "]"
    now, before = _bit("g.mask", "s.i"), _bit("(g.mask << CAST(1 AS UBIGINT))", "s.i")  # bit i, bit i-1
    sql = _base(level, scanned, "area") + f""",
    groups AS (
        SELECT area, mask, count(*) AS n FROM ids WHERE NOT changed GROUP BY ALL
        UNION ALL  -- an id in two areas at once: a business in each, with its mask there
        SELECT area, mask, count(*) FROM pairs SEMI JOIN (SELECT id FROM ids WHERE overlap) o USING (id) GROUP BY ALL
    ),
    stable AS (
        SELECT s.i, g.area, sum(n) FILTER (WHERE {now} = 1) AS bestand,
               sum(n) FILTER (WHERE {now} = 1 AND {before} = 0) AS zugaenge,
               sum(n) FILTER (WHERE {now} = 0 AND {before} = 1) AS abgaenge
        FROM groups g CROSS JOIN steps s GROUP BY ALL
    ),
    moving AS (SELECT i, area, count(DISTINCT id) AS bestand FROM sub GROUP BY ALL),
    gained AS (
        SELECT i, area_now AS area, count(*) FILTER (WHERE NOT before) AS zugaenge,
               count(*) FILTER (WHERE before AND area_before IS DISTINCT FROM area_now) AS zuzuege
        FROM j WHERE now GROUP BY ALL
    ),
    lost AS (
        SELECT i, area_before AS area, count(*) FILTER (WHERE NOT now) AS abgaenge,
               count(*) FILTER (WHERE now AND area_before IS DISTINCT FROM area_now) AS fortzuege
        FROM j WHERE before GROUP BY ALL
    ),
    cells AS (
        SELECT i, area, sum(bestand) AS bestand, sum(zugaenge) AS zugaenge, sum(abgaenge) AS abgaenge,
               sum(zuzuege) AS zuzuege, sum(fortzuege) AS fortzuege
        FROM (SELECT i, area, bestand, zugaenge, abgaenge, 0 AS zuzuege, 0 AS fortzuege FROM stable
              UNION ALL SELECT i, area, bestand, 0, 0, 0, 0 FROM moving
              UNION ALL SELECT i, area, 0, zugaenge, 0, zuzuege, 0 FROM gained
              UNION ALL SELECT i, area, 0, 0, abgaenge, 0, fortzuege FROM lost)
        WHERE area IS NOT NULL GROUP BY ALL
    )
    SELECT {months}[i + 1] AS stand, CASE WHEN i = 0 THEN NULL ELSE {months}[i] END AS vormonat,
           {_key(level, "area")} AS area, coalesce(bestand, 0) AS bestand,
           CASE WHEN i = 0 THEN NULL ELSE coalesce(zugaenge, 0) END AS zugaenge,
           CASE WHEN i = 0 THEN NULL ELSE coalesce(abgaenge, 0) END AS abgaenge,
           CASE WHEN i = 0 THEN NULL ELSE coalesce(zuzuege, 0) END AS zuzuege,
           CASE WHEN i = 0 THEN NULL ELSE coalesce(fortzuege, 0) END AS fortzuege
    FROM cells
    WHERE {months}[i + 1] IN ({_quoted(shown)})
      AND coalesce(bestand, 0) + coalesce(zugaenge, 0) + coalesce(abgaenge, 0) + coalesce(zuzuege, 0)
          + coalesce(fortzuege, 0) > 0
    """
    return connection().execute(sql).df()


def switches(level: str, shown: list[str], scanned: list[str]) -> pd.DataFrame:
    """Businesses in both months whose WZ section changed, per month, area (now) and pair of sections."""
    return _in_pieces(_switches, level, shown, scanned)


def moves(level: str, shown: list[str], scanned: list[str]) -> pd.DataFrame:
    """Businesses in both months whose area changed: per month, from-area and to-area."""
    return _in_pieces(_moves, level, shown, scanned)


def _in_pieces(func: Any, level: str, shown: list[str], scanned: list[str]) -> pd.DataFrame:
    import pandas as pd

    parts = [func(level, s, c) for s, c in _pieces(shown, scanned)]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _switches(level: str, shown: list[str], scanned: list[str]) -> pd.DataFrame:
    months = "[" + ", ".join(f"'{m}'" for m in scanned) + "]"
    sql = _base(level, scanned, "abschnitt") + f"""
    SELECT {months}[i + 1] AS stand, {_key(level, "area_now")} AS area, ab_before AS von_abschnitt,
           ab_now AS nach_abschnitt,
           count(*) AS betriebe
    FROM j WHERE now AND before AND ab_before IS DISTINCT FROM ab_now AND {months}[i + 1] IN ({_quoted(shown)})
    GROUP BY ALL ORDER BY ALL
    """
    return connection().execute(sql).df()


def _moves(level: str, shown: list[str], scanned: list[str]) -> pd.DataFrame:
    months = "[" + ", ".join(f"'{m}'" for m in scanned) + "]"
    sql = _base(level, scanned, "area") + f"""
    SELECT {months}[i + 1] AS stand, {_key(level, "area_before")} AS von, {_key(level, "area_now")} AS nach,
           count(*) AS betriebe
    FROM j WHERE now AND before AND area_before IS DISTINCT FROM area_now AND {months}[i + 1] IN ({_quoted(shown)})
    GROUP BY ALL ORDER BY ALL
    """
    return connection().execute(sql).df()


def _quoted(keys: list[str]) -> str:
    return ", ".join(f"'{_partitions.month_key(k)}'" for k in keys)
