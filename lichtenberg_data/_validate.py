"""Schema checks every parsed table passes before it is stored."""

from __future__ import annotations

from typing import Any

from ._errors import ValidationError
from .names import BERLIN_ID, BEZIRKE

__all__ = ["validate", "known_districts", "known_districts_or_berlin", "unknown_values"]

_KIND_TESTS = {
    "str": lambda s: s.dtype == object or str(s.dtype) in {"string", "str"} or s.dtype.kind == "O",
    "int": lambda s: s.dtype.kind in "iu" or str(s.dtype) in {"Int64", "Int32", "UInt32"},
    "float": lambda s: s.dtype.kind in "fiu" or str(s.dtype) in {"Float64", "Int64"},
    "date": lambda s: s.dtype.kind == "M",
    "bool": lambda s: s.dtype.kind == "b" or str(s.dtype) == "boolean",
    "geometry": lambda s: str(s.dtype) == "geometry",
}


def validate(dataset: Any, df: Any) -> None:
    """Check ``df`` against ``dataset.schema``; raise :class:`ValidationError` naming what broke.

    Checks, in order: the expected columns exist (a changed column is reported by name),
    each has the declared kind, the key columns are unique and complete, the table has at
    least ``min_rows`` rows, the geometry is in EPSG:25833, and the schema's own checks.
    """
    schema = dataset.schema
    missing = [c for c in schema.columns if c not in df.columns]
    if missing:
        raise ValidationError(
            f"expected columns missing: {', '.join(missing)} (the file's columns changed; found: "
            f"{', '.join(map(str, list(df.columns)[:12]))}{' ...' if len(df.columns) > 12 else ''})"
        )
    wrong = [
        f"{c} is {df[c].dtype}, expected {kind}"
        for c, kind in schema.columns.items()
        if not _KIND_TESTS[kind](df[c])
    ]
    if wrong:
        raise ValidationError("column types changed: " + "; ".join(wrong))
    if len(df) < schema.min_rows:
        raise ValidationError(f"only {len(df)} rows, expected at least {schema.min_rows}")
    if schema.key:
        key = list(schema.key)
        if df[key].isna().any().any():
            raise ValidationError(f"key columns {', '.join(key)} have empty values")
        dupes = df.duplicated(key)
        if dupes.any():
            example = df.loc[dupes, key].iloc[0].tolist()
            raise ValidationError(f"{int(dupes.sum())} duplicate keys ({', '.join(key)}), e.g. {example}")
    if "geometry" in schema.columns:
        crs = getattr(df, "crs", None)
        if crs is None or crs.to_epsg() != 25833:
            raise ValidationError(f"geometry must be in EPSG:25833, found {crs}")
    for check in schema.checks:
        problem = check.func(df)
        if problem:
            raise ValidationError(f"check '{check.name}' failed: {problem}")


def unknown_values(column: Any, allowed: Any) -> list:
    """The distinct values of ``column`` that are not in ``allowed``, sorted as text (a missing
    value, which is in no list, sorts as ``nan`` among them).

    Each distinct value is looked at once (a column of 400,000 rows holds twelve Bezirke).

    Examples
    --------
    >>> import pandas as pd
    >>> unknown_values(pd.Series(["11", "99", "99", None, "13"]), ["11", "12"])
    ['13', '99', nan]
    """
    return sorted(set(column.unique()) - set(allowed), key=str)


def known_districts(df: Any) -> str | None:
    """A schema check shared by the sources: every ``bezirk_id`` is one of the twelve Bezirke.

    Examples
    --------
    >>> import pandas as pd
    >>> known_districts(pd.DataFrame({"bezirk_id": ["11", "13"]}))
    "unknown bezirk_id ['13']"
    """
    return _unknown_bezirke(df, BEZIRKE)


def known_districts_or_berlin(df: Any) -> str | None:
    """As :func:`known_districts`, with Berlin's total (``bezirk_id`` ``"00"``) allowed as well.

    Examples
    --------
    >>> import pandas as pd
    >>> known_districts_or_berlin(pd.DataFrame({"bezirk_id": ["00", "11", "99"]}))
    "unknown bezirk_id ['99']"
    """
    return _unknown_bezirke(df, [*BEZIRKE, BERLIN_ID])


def _unknown_bezirke(df: Any, allowed: list[str]) -> str | None:
    unknown = unknown_values(df["bezirk_id"], allowed)
    return f"unknown bezirk_id {unknown}" if unknown else None
