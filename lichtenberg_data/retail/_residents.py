"""Residents per Planungsraum for the retail analyses: the latest edition on the LOR 2021, and
an earlier one to compare with."""

from __future__ import annotations

import pandas as pd

from .._errors import DataNotAvailableError
from .._provenance import with_sources

__all__ = ["latest_residents", "previous_residents"]


def _load(frame: pd.DataFrame | None, dataset: str) -> pd.DataFrame:
    from .._store import load

    return load(dataset) if frame is None else frame


def latest_residents(einwohner: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of the latest LOR-2021 edition of ``einwohner_lor`` (one per Planungsraum)."""
    src = _load(einwohner, "einwohner_lor")
    lor21 = src[src["lor_version"] == "2021"]
    if lor21.empty:
        raise DataNotAvailableError("einwohner_lor has no edition on the LOR 2021 Planungsräume; import "
                                    "EWR_L21_<YYYY>12E_Matrix.csv", dataset="einwohner_lor")
    return with_sources(lor21[lor21["year"] == lor21["year"].max()].reset_index(drop=True), src)


def previous_residents(einwohner: pd.DataFrame | None = None, years: int = 5) -> tuple[pd.DataFrame, str]:
    """The edition to compare the latest with: ``years`` back or the nearest before it.

    Returns the rows and the level they can be compared at: ``"planungsraum"`` when the edition
    is on the LOR 2021 (same keys), else ``"bezirk"`` (older LOR: the Planungsräume differ, the
    Bezirke do not).
    """
    src = _load(einwohner, "einwohner_lor")
    latest = int(latest_residents(src)["year"].iloc[0])
    before = src[src["year"] < latest]
    if before.empty:
        return before, "keine"
    same = before[(before["lor_version"] == "2021") & (before["year"] >= latest - years)]
    if len(same):
        year, level = int(same["year"].min()), "planungsraum"
    else:
        target = before[before["year"] <= latest - years]
        year, level = int(target["year"].max() if len(target) else before["year"].min()), "bezirk"
    return with_sources(before[before["year"] == year].reset_index(drop=True), src), level
