"""Bezirke in AfS report tables: their names in a label column (full, abbreviated, "11 Lichtenberg"),
``bezirk_id``/``bezirk`` for the rows of a Bezirk list, and Bezirk lists outside any numbered
table (a table moved, or titled without number), so :func:`lichtenberg_data.afs.bezirk_tables`
finds tables by content.
"""

from __future__ import annotations

import re

import pandas as pd

from lichtenberg_data._afs_cells import _clean, _empty, _is_data_row, _row_empty
from lichtenberg_data._errors import UnknownDistrictError
from lichtenberg_data.names import BERLIN_ID, BEZIRKE, bezirk_id

__all__: list[str] = []


def _lists_every_bezirk(df: pd.DataFrame) -> bool:
    """Whether one label column names each of the twelve Bezirke once (in some section): a table
    by Bezirk, not a list of Postleitzahlen with their Bezirk or of Ortsteile."""
    if "bezirk_id" not in df:
        return False
    ids = df["bezirk_id"].where(df["bezirk_id"].isin(list(BEZIRKE)))
    groups = df["abschnitt"].fillna("") if "abschnitt" in df else pd.Series("", index=df.index)
    return any(part.notna().sum() == 12 and part.dropna().nunique() == 12 for _, part in ids.groupby(groups))


def _untitled_bezirk_lists(rows: list[list], spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, stop, title) of Bezirk lists outside every titled table: twelve different Bezirke
    named in the first or second column, a few rows apart at most. The table starts at the
    nearest single-cell text row above its header (its title, numbered or not), else right above
    the header; it ends after the rows that follow the list up to two empty rows (a Berlin row,
    footnotes)."""
    covered = {k for a, b in spans for k in range(a, b)}
    found: list[tuple[int, int, str]] = []
    for col in (0, 1):
        run: list[tuple[int, str]] = []
        for k, row in enumerate([*rows, []]):
            cell = row[col] if col < len(row) and k not in covered else None
            key = _bezirk_key(_clean(cell)) if isinstance(cell, str) and not _empty(cell) else None
            if key in BEZIRKE and (not run or k - run[-1][0] <= 3):
                run.append((k, key))
                continue
            keys = [key for _, key in run]
            if len(set(keys)) == len(keys) == 12 and not any(a <= run[0][0] < b for a, b, _ in found):
                found.append(_untitled_span(rows, run[0][0], run[-1][0]))
            run = [(k, key)] if key in BEZIRKE else []
    return sorted(found)


def _untitled_span(rows: list[list], first: int, last: int) -> tuple[int, int, str]:
    k = first - 1
    while k >= 0 and (_row_empty(rows[k]) or _is_data_row(rows[k]) or sum(not _empty(c) for c in rows[k]) == 1):
        k -= 1  # the body above the Bezirk list: other data rows, section labels ("Bezirk"), gaps
    while k >= 0 and not _row_empty(rows[k]) and not _is_data_row(rows[k]):
        k -= 1  # the header block
    header_top = k + 1
    while k >= 0 and _row_empty(rows[k]):
        k -= 1
    texts = [c for c in rows[k] if not _empty(c)] if k >= 0 else []
    if len(texts) == 1 and isinstance(texts[0], str) and not _is_data_row(rows[k]):
        start, title = k, _clean(texts[0])
    else:
        start, title = header_top - 1, ""
    stop, blank = last + 1, 0
    while stop < len(rows) and blank < 2:
        blank = blank + 1 if _row_empty(rows[stop]) else 0
        stop += 1
    return start, stop, title


def _add_bezirk(df: pd.DataFrame, label_names: list[str]) -> pd.DataFrame:
    """Add ``bezirk_id`` and ``bezirk`` after the label column that lists the Bezirke."""
    scored = [(pd.Series([_bezirk_key(v) if isinstance(v, str) else None for v in df[n]],
                         index=df.index, dtype=object), n) for n in label_names]
    scored = [(keys[keys != BERLIN_ID].nunique(), -i, keys, n) for i, (keys, n) in enumerate(scored)]
    if not scored or max(scored, key=lambda s: s[:2])[0] < 10:
        return df
    _, _, keys, best = max(scored, key=lambda s: s[:2])
    ids = keys.copy()
    groups = df["abschnitt"].fillna("") if "abschnitt" in df else pd.Series("", index=df.index)
    for _, part in keys.groupby(groups):
        named = part[part.notna() & (part != BERLIN_ID)]
        ids[part.index] = part if named.nunique() >= 10 else None
        if best.casefold() != "bezirk":  # twice in one list: Bezirk or Ortsteil? leave open
            ids[named[named.duplicated(keep=False)].index] = None
    at = df.columns.get_loc(best) + 1
    df.insert(at, "bezirk_id", ids.where(ids.notna()).astype("str"))
    df.insert(at + 1, "bezirk", ids.map(lambda k: "Berlin" if k == BERLIN_ID else BEZIRKE.get(k)))
    return df


def _bezirk_key(label: str) -> str | None:
    """``bezirk_id`` of "Lichtenberg", "11 Lichtenberg", "Friedrh.-Kreuzb.", "Berlin" ("00").

    >>> [_bezirk_key(v) for v in ("11 Lichtenberg", "Charlbg.-Wilmersd.", "Berlin", "Karlshorst")]
    ['11', '04', '00', None]
    """
    text = re.sub(r"\s*[–—‐]\s*", "-", label).strip()
    if re.fullmatch(r"(?i)(land )?berlin( insgesamt| zusammen)?", text):
        return BERLIN_ID
    name = re.fullmatch(r"(?:\d{2}(?!\d))?\s*(.*)", text, re.S).group(1)
    if not name or name.isdigit():  # bare numbers are running numbers or codes, never a Bezirk
        return None
    try:
        return bezirk_id(name)
    except UnknownDistrictError:
        return _abbreviated(name) if "." in name else None


def _abbreviated(name: str) -> str | None:
    """The one Bezirk each of whose name parts contains the abbreviated part's letters in order
    and with the same first letter ("Charlbg.-Wilmersd." -> Charlottenburg-Wilmersdorf)."""
    def fits(short: str, full: str) -> bool:
        chars = iter(full)
        return bool(short) and short[0] == full[0] and all(ch in chars for ch in short)

    parts = [p.strip(". ").casefold() for p in name.split("-")]
    hits = [key for key, full in BEZIRKE.items() if len(full.split("-")) == len(parts)
            and all(map(fits, parts, full.casefold().split("-")))]
    return hits[0] if len(hits) == 1 else None
