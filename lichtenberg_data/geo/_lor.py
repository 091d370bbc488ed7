"""LOR versions: which LOR a table is keyed on, the stored key lists, and a join that refuses to mix them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .._errors import DataNotAvailableError, FormatError, LichtenbergDataError
from .._geoio import _clean_key
from .._provenance import with_sources
from .._store import load

if TYPE_CHECKING:  # pragma: no cover
    pass


class LorVersionError(LichtenbergDataError, ValueError):
    """A table mixes LOR versions, or has the wrong one, or keys the LOR does not know."""

    __module__ = "lichtenberg_data.geo"  # where users import it from


# =========================================================================== LOR versions

def lor_version(df: pd.DataFrame, column: str = "planungsraum_id") -> str:
    """The LOR version of a table keyed by Planungsraum: ``"2021"`` or ``"2006"``.

    Read from the ``lor_version`` column where there is one; otherwise told by the keys
    (LOR 2021 Prognoseraum digits are 10, 20 …; old ones mostly 01, 02 …).

    Raises
    ------
    LorVersionError
        When the table mixes versions or its keys are missing or malformed.

    Examples
    --------
    >>> lor_version(pd.DataFrame({"planungsraum_id": ["11401032", "11501339"]}))
    '2021'
    >>> lor_version(pd.DataFrame({"planungsraum_id": ["11041022"]}))
    '2006'
    """
    if "lor_version" in df.columns:
        found = sorted(df["lor_version"].dropna().astype(str).unique())
        if len(found) > 1:
            raise LorVersionError(
                f"the table mixes LOR versions {found}; Planungsräume of different versions cannot be "
                "joined or summed. Convert the old ones with geo.crosswalk(...) first"
            )
        if found:
            return found[0]
    ids = _table_keys(df, column)
    return "2021" if (ids.str[3] == "0").all() else "2006"


def _table_keys(df: pd.DataFrame, column: str = "planungsraum_id") -> pd.Series:
    if column not in df.columns:
        raise LorVersionError(f"the table has no {column} column; aggregate and crosswalk need "
                              "Planungsraum keys")
    ids = df[column]
    if ids.isna().any():
        raise LorVersionError(f"{int(ids.isna().sum())} rows have no {column}; assign them first "
                              "(geo.assign) or drop them knowingly")
    try:
        return _clean_key(ids, 8, column)
    except FormatError as exc:
        raise LorVersionError(str(exc)) from None


def join(left: pd.DataFrame, right: pd.DataFrame, *, how: str = "left",
         allow_missing: bool = False, suffixes: tuple[str, str] = ("", "_rechts")) -> pd.DataFrame:
    """Join two tables on ``planungsraum_id`` - only when both are of the same LOR version.

    Joining an old-LOR table to a LOR 2021 table would leave most rows without a partner
    (the key sets are disjoint); this refuses instead. Keys of ``left`` missing in ``right``
    are refused too, unless ``allow_missing``.

    Examples
    --------
    >>> a = pd.DataFrame({"planungsraum_id": ["11401032"], "einwohner": [5]})
    >>> b = pd.DataFrame({"planungsraum_id": ["11401032"], "arbeitslose": [1]})
    >>> join(a, b).columns.tolist()
    ['planungsraum_id', 'einwohner', 'arbeitslose']
    >>> join(a, pd.DataFrame({"planungsraum_id": ["11041022"], "x": [1]}))
    Traceback (most recent call last):
    ...
    lichtenberg_data.geo.LorVersionError: cannot join LOR 2021 with LOR 2006 Planungsräume: the keys differ. Convert one table with geo.crosswalk(...) first
    """
    a, b = lor_version(left), lor_version(right)
    if a != b:
        raise LorVersionError(f"cannot join LOR {a} with LOR {b} Planungsräume: the keys differ. "
                              "Convert one table with geo.crosswalk(...) first")
    missing = sorted(set(_table_keys(left)) - set(_table_keys(right)))
    if missing and not allow_missing:
        raise LorVersionError(f"{len(missing)} planungsraum_id of the left table are missing on the right, "
                              f"e.g. {missing[:3]}; pass allow_missing=True to keep them with gaps")
    right = right.drop(columns=[c for c in ("lor_version",) if c in right and c in left])
    out = left.merge(right, on="planungsraum_id", how=how, suffixes=suffixes)
    return with_sources(out, left, right)


def _key_table(version: str) -> pd.DataFrame | None:
    """The stored LOR key list of a version, or ``None`` where none was loaded yet."""
    dataset = "lor_schluessel" if version == "2021" else "lor_planungsraeume_2006"
    try:
        table = load(dataset)
    except DataNotAvailableError:
        return None
    return pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
