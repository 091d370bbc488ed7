"""Sum counts from finer to coarser areas, refusing rates and mixed LOR versions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .._geoio import _clean_key
from .._provenance import provenance, with_sources
from ..names import BEZIRKE, KEY_LENGTH
from ._lor import LorVersionError, _key_table, _table_keys, lor_version

if TYPE_CHECKING:  # pragma: no cover
    pass


_TARGETS = {"planungsraum": "planungsraum_id", "bezirksregion": "bezirksregion_id",
            "prognoseraum": "prognoseraum_id", "bezirk": "bezirk_id", "berlin": None}
_TIME_COLUMNS = ("year", "date", "jahr", "stichtag", "zeit")


def aggregate(df: pd.DataFrame, to: str = "bezirk", values: str | Sequence[str] | None = None, *,
              by: str | Sequence[str] = (), keys: pd.DataFrame | None = None,
              complete: bool = True, weights: str | None = None) -> pd.DataFrame:
    """Sum a table keyed by ``planungsraum_id`` up to Bezirksregion, Prognoseraum, Bezirk or Berlin.

    The parent of each Planungsraum is read from its key (``BB PP RR NN``), so no geometry
    is needed. The table must be of one LOR version; its keys are checked against the
    LOR key list (``keys``, else the stored ``lor_schluessel`` / ``lor_planungsraeume_2006``
    where loaded).

    Parameters
    ----------
    df
        Table with ``planungsraum_id`` and the value columns.
    to
        ``bezirksregion``, ``prognoseraum``, ``bezirk`` or ``berlin``.
    values
        Columns to sum (counts); by default all numeric columns that are no keys. A rate or
        share (a column the dataset's schema lists in ``rates``, a name with ``anteil``,
        ``quote``, ``median``, ``je_…`` and the like, or the ``wert`` of an MSS indicator) is
        refused: summing rates gives nonsense such as "206 %". Give ``weights`` to average them.
    by
        Further columns to keep apart (e.g. ``"year"``, ``"geschlecht"``).
    keys
        A canonical key list (``planungsraum_id`` [+ names]) to check against.
    complete
        Refuse when a target area misses some of its Planungsräume (a sum would be too low).
    weights
        A count column (e.g. ``"einwohner"``): the values are then averaged, weighted by it,
        instead of summed - the way to bring rates and shares up a level.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, the target's id and name (``gebiet_id``/``gebiet`` for Berlin),
        ``lor_version`` and the summed values; provenance of ``df`` kept.

    Raises
    ------
    LorVersionError
        Keys missing or malformed, mixed or unknown LOR versions, incomplete areas, or
        several years summed together without ``by``.

    Examples
    --------
    >>> t = pd.DataFrame({"planungsraum_id": ["11100101", "11100102", "11200410"],
    ...                   "einwohner": [100, 50, 7]})
    >>> aggregate(t, "prognoseraum", "einwohner", complete=False)
      prognoseraum_id lor_version  einwohner
    0            1110        2021        150
    1            1120        2021          7
    >>> aggregate(t, "berlin", "einwohner", complete=False)["einwohner"].tolist()
    [157]
    >>> t["anteil_65_plus"] = [20.0, 30.0, 10.0]
    >>> aggregate(t, "berlin", "anteil_65_plus", complete=False, weights="einwohner")["anteil_65_plus"].round(2).tolist()
    [22.74]
    """
    if to not in _TARGETS or to == "planungsraum":
        raise ValueError(f"to must be one of bezirksregion, prognoseraum, bezirk, berlin, not {to!r}")
    by = [by] if isinstance(by, str) else list(by)
    values = _value_columns(df, values, by)
    if weights is None:
        rates = _rate_columns(df, values)
        if rates:
            raise ValueError(f"aggregate: {', '.join(rates)} is a rate or share, and summing rates gives "
                             "nonsense; give weights= (e.g. weights=\"einwohner\") to average it, or aggregate "
                             "the counts it is made of")
    elif weights not in df.columns:
        raise ValueError(f"aggregate: the weights column {weights!r} is not in the table")
    version = lor_version(df)
    ids = _table_keys(df)
    _check_time_columns(df, by)
    key_list = keys if keys is not None else _key_table(version)
    if key_list is not None:
        _check_against_keys(ids, key_list, to, complete, version)
    target = _TARGETS[to]
    work = pd.DataFrame(df[[*by, *values]]).copy()
    if weights is not None:
        w = pd.to_numeric(df[weights], errors="coerce").to_numpy()
        for v in values:
            work[v] = work[v] * w
        work["_weight"] = w
    if target is None:
        work["gebiet_id"], work["gebiet"] = "00", "Berlin"
        group = ["gebiet_id", "gebiet"]
    else:
        work[target] = ids.str[:KEY_LENGTH[target]].to_numpy()
        group = [target]
    sums = [*values, "_weight"] if weights is not None else values
    out = work.groupby([*by, *group], dropna=False, sort=True)[sums].sum(min_count=1).reset_index()
    if weights is not None:
        for v in values:
            out[v] = out[v] / out["_weight"]
        out = out.drop(columns="_weight")
    out = _add_names(out, to, target, df, key_list)
    out.insert(out.columns.get_loc(values[0]), "lor_version", version)
    return with_sources(out, df)


_RATE_NAMES = re.compile(r"(^|_)(anteil|quote|rate|prozent|median|mittel|durchschnitt|dichte|index|je|pro)(_|$)"
                         r"|_pct$|_je_\d+")


def _rate_columns(df: pd.DataFrame, values: Sequence[str]) -> list[str]:
    """The value columns that are rates or shares and must not be summed."""
    declared: set[str] = set()
    for entry in provenance(df):
        try:
            from ..catalog import get

            declared |= set(get(entry.get("dataset", "")).schema.rates)
        except LookupError:
            pass
    mss = "indikator" in df.columns
    return [v for v in values if v in declared or _RATE_NAMES.search(str(v).lower()) or (mss and v == "wert")]


def _value_columns(df: pd.DataFrame, values: str | Sequence[str] | None, by: Sequence[str]) -> list[str]:
    if values is None:
        skip = {*by, *KEY_LENGTH, "lor_version", *_TIME_COLUMNS}
        values = [c for c in df.select_dtypes("number").columns if c not in skip and not str(c).endswith("_id")]
    values = [values] if isinstance(values, str) else list(values)
    missing = [v for v in values if v not in df.columns]
    if missing or not values:
        raise ValueError(f"value columns {missing or values} not in the table")
    return values


def _check_time_columns(df: pd.DataFrame, by: Sequence[str]) -> None:
    """Refuse summing over several dates: each ``by`` group must hold one value of each time column."""
    for col in _TIME_COLUMNS:
        if col not in df.columns or col in by:
            continue
        n = df.groupby(list(by), dropna=False)[col].nunique().max() if by else df[col].nunique()
        if n > 1:
            raise LorVersionError(f"the table holds several values of {col!r} ({df[col].nunique()}); summing "
                                  f"them would add up different dates. Pass by=[{col!r}] or filter first")


def _check_against_keys(ids: pd.Series, keys: pd.DataFrame, to: str, complete: bool, version: str) -> None:
    known = set(_clean_key(keys["planungsraum_id"], 8, "planungsraum_id"))
    unknown = sorted(set(ids) - known)
    if unknown:
        raise LorVersionError(
            f"{len(unknown)} planungsraum_id not in the LOR {version} key list, e.g. {unknown[:3]}; the table "
            "is of another LOR version or has wrong keys. Use geo.crosswalk for old Planungsräume"
        )
    if not complete or to == "planungsraum":
        return
    n = KEY_LENGTH.get(_TARGETS[to] or "", 0)
    present = {k[:n] for k in ids}
    missing = sorted(k for k in known - set(ids) if k[:n] in present)
    if missing:
        raise LorVersionError(
            f"{len(missing)} Planungsräume are missing from the table (e.g. {missing[:3]}), so the sums of "
            "their areas would be too low. Add them (with 0 where right) or pass complete=False"
        )


def _add_names(out: pd.DataFrame, to: str, target: str | None, df: pd.DataFrame,
               key_list: pd.DataFrame | None) -> pd.DataFrame:
    if target is None:
        return out
    if to == "bezirk":
        names = out[target].map(BEZIRKE)
    elif to in df.columns and target in df.columns:
        names = out[target].map(df.drop_duplicates(target).set_index(target)[to])
    elif key_list is not None and to in key_list.columns:
        names = out[target].map(key_list.assign(**{target: key_list["planungsraum_id"].str[:KEY_LENGTH[target]]})
                                .drop_duplicates(target).set_index(target)[to])
    else:
        return out
    out.insert(out.columns.get_loc(target) + 1, to, names)
    return out
