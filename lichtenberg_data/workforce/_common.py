"""Helpers shared by the workforce indicators: loading, area levels and names, Berlin rows,
index and change to the previous period (private)."""

from __future__ import annotations

import pandas as pd

from .._errors import DataNotAvailableError
from .._store import load
from ..geo import boundaries
from ..names import BERLIN_ID, BEZIRKE, KEY_LENGTH
from ..names import LEVELS as NAMES_LEVELS
from ..names import level as level_of

#: The area levels the indicators are computed for (see :data:`lichtenberg_data.names.LEVELS`).
LEVELS = ("planungsraum", "bezirksregion", "prognoseraum", "bezirk", "berlin")
_DEFAULT = "<settings.district>"

#: Sums of the AfS age groups used here.
AGE_SUMS = {
    "einwohner_15_65": ("alter_15_18", "alter_18_25", "alter_25_55", "alter_55_65"),
    "einwohner_15_25": ("alter_15_18", "alter_18_25"),
    "einwohner_55_65": ("alter_55_65",),
    "einwohner_14_18": ("alter_14_15", "alter_15_18"),
    "einwohner_15_18": ("alter_15_18",),
    "einwohner_18_25": ("alter_18_25",),
}


def _load(frame: pd.DataFrame | None, dataset: str) -> pd.DataFrame:
    return frame if frame is not None else load(dataset)


def _check_level(level: str) -> None:
    level_of(level, LEVELS)


def _area_names(level: str) -> dict[str, str]:
    """Names of the areas of a level from the boundaries, ``{}`` where not loaded."""
    if level == "bezirk":
        return {**BEZIRKE, BERLIN_ID: "Berlin"}
    if level == "berlin":
        return {BERLIN_ID: "Berlin"}
    try:
        gdf = boundaries(level, None)
    except DataNotAvailableError:
        return {}
    _, id_col, name_col, _ = NAMES_LEVELS[level]
    return dict(zip(gdf[id_col].astype(str), gdf[name_col].astype(str)))


def _area_ids(df: pd.DataFrame, level: str, key: str = "planungsraum_id") -> pd.Series:
    """The id of each row's area at ``level``, read from the Planungsraum key."""
    col = NAMES_LEVELS[level].id_column
    if col is None:
        return pd.Series(BERLIN_ID, index=df.index)
    if col in df.columns and col != key:
        return df[col].astype(str)
    return df[key].astype(str).str[:KEY_LENGTH[col]]


def _with_berlin(out: pd.DataFrame, by: list[str], values: list[str]) -> pd.DataFrame:
    """Append a Berlin row (``gebiet_id`` 00) per ``by`` group: the sum of the Bezirke."""
    berlin = out.groupby(by, as_index=False)[values].sum(min_count=1)
    berlin["gebiet_id"] = BERLIN_ID
    return pd.concat([out, berlin], ignore_index=True)


def _finish_areas(out: pd.DataFrame, level: str, district: str | None) -> pd.DataFrame:
    """Add ``ebene``, ``gebiet``, ``bezirk_id``; restrict sub-Bezirk levels to the district."""
    names = _area_names(level)
    out.insert(0, "ebene", level)
    out["gebiet"] = out["gebiet_id"].map(names).fillna(out["gebiet_id"]) if names else out["gebiet_id"]
    out["bezirk_id"] = out["gebiet_id"].str[:2]
    if level not in {"bezirk", "berlin"} and district is not None:
        out = out[out["bezirk_id"] == district]
    return out.reset_index(drop=True)


def _change(df: pd.DataFrame, value: str, time: str) -> tuple[pd.Series, pd.Series]:
    """Change in % to the previous period *in the data* of each area, and that period."""
    ordered = df.sort_values(["gebiet_id", time])
    grouped = ordered.groupby("gebiet_id")
    change = grouped[value].pct_change(fill_method=None) * 100
    return change.reindex(df.index), grouped[time].shift().reindex(df.index).astype("Int64")


def _index(df: pd.DataFrame, value: str, time: str = "year") -> pd.Series:
    """``value`` as an index (first ``time`` of each area = 100)."""
    first = df.sort_values(time).groupby("gebiet_id")[value].transform("first")
    return df[value] / first * 100


def _sub_bezirk_latest_lor(df: pd.DataFrame, level: str) -> pd.DataFrame:
    """Below the Bezirk, keys change with the LOR version: keep the version of the latest year."""
    if level in {"bezirk", "berlin"} or "lor_version" not in df.columns or df.empty:
        return df
    latest = df.loc[df["year"].idxmax(), "lor_version"]
    return df[df["lor_version"] == latest].reset_index(drop=True)


def _order(df: pd.DataFrame, first: list[str]) -> pd.DataFrame:
    head = [*first, "gebiet_id", "gebiet", "bezirk_id"]
    return df[[c for c in head if c in df.columns] + [c for c in df.columns if c not in head]]
