"""Population indicators: working age, replacement ratio, youth cohorts, age pyramid (private;
public through :mod:`lichtenberg_data.workforce`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._provenance import with_sources
from ..geo import district_id
from ..names import BEZIRKE
from ._common import (
    _DEFAULT,
    AGE_SUMS,
    _area_ids,
    _change,
    _check_level,
    _finish_areas,
    _index,
    _load,
    _order,
    _sub_bezirk_latest_lor,
    _with_berlin,
)


def _population(einwohner: pd.DataFrame, level: str, district: str | None, columns: dict[str, tuple]) -> pd.DataFrame:
    """Sums of age-group columns per year and area; the Bezirk level gets a Berlin row."""
    _check_level(level)
    work = pd.DataFrame({"year": einwohner["year"].astype(int), "lor_version": einwohner["lor_version"],
                         "gebiet_id": _area_ids(einwohner, level).to_numpy()}, index=einwohner.index)
    work["einwohner"] = einwohner["einwohner"].astype(float)
    for name, parts in columns.items():
        work[name] = einwohner[list(parts)].astype(float).sum(axis=1, min_count=len(parts))
    values = ["einwohner", *columns]
    by = ["year"] if level in {"bezirk", "berlin"} else ["year", "lor_version"]
    out = work.groupby([*by, "gebiet_id"], as_index=False)[values].sum(min_count=1)
    if level == "bezirk":
        out = _with_berlin(out, ["year"], values)
    return _finish_areas(out, level, district)


def working_age(einwohner: pd.DataFrame | None = None, level: str = "bezirk",
                district: Any = _DEFAULT) -> pd.DataFrame:
    """Residents of working age (15 to under 65) per area and year, with their trend.

    Parameters
    ----------
    einwohner
        The ``einwohner_lor`` table (default: loaded).
    level
        Area level; below the Bezirk only the years of the latest LOR version are kept.
    district
        Bezirk the sub-Bezirk levels are restricted to (``None``: all of Berlin).

    Returns
    -------
    pandas.DataFrame
        ``ebene, year, gebiet_id, gebiet, bezirk_id, einwohner, einwohner_15_65``,
        ``anteil_15_65`` (% of residents), ``veraenderung`` (% to the previous year in the
        data), ``vergleichsjahr`` (that year: years missing in the data are skipped, so the
        change may span several years) and ``index`` (first year = 100).
    """
    src = _load(einwohner, "einwohner_lor")
    out = _population(src, level, district_id(district), {"einwohner_15_65": AGE_SUMS["einwohner_15_65"]})
    out = _sub_bezirk_latest_lor(out, level).sort_values(["gebiet_id", "year"], ignore_index=True)
    out["anteil_15_65"] = out["einwohner_15_65"] / out["einwohner"] * 100
    out["veraenderung"], out["vergleichsjahr"] = _change(out, "einwohner_15_65", "year")
    out["index"] = _index(out, "einwohner_15_65")
    return with_sources(_order(out, ["ebene", "year"]), src)


def replacement_ratio(einwohner: pd.DataFrame | None = None, level: str = "bezirk",
                      district: Any = _DEFAULT) -> pd.DataFrame:
    """Residents 55 to under 65 per 100 residents 15 to under 25 (the generation leaving the
    labour market against the one entering it), per area and year.

    Above 100 more people reach retirement age within ten years than reach working age.

    Returns
    -------
    pandas.DataFrame
        ``ebene, year, gebiet_id, gebiet, bezirk_id, einwohner_15_25, einwohner_55_65`` and
        ``je_100_junge`` (= 100 * 55-<65 / 15-<25).
    """
    src = _load(einwohner, "einwohner_lor")
    cols = {k: AGE_SUMS[k] for k in ("einwohner_15_25", "einwohner_55_65")}
    out = _sub_bezirk_latest_lor(_population(src, level, district_id(district), cols), level)
    out["je_100_junge"] = out["einwohner_55_65"] / out["einwohner_15_25"] * 100
    return with_sources(_order(out.drop(columns="einwohner"), ["ebene", "year"]), src)


def youth_cohorts(einwohner: pd.DataFrame | None = None, level: str = "bezirk",
                  district: Any = _DEFAULT) -> pd.DataFrame:
    """The cohorts vocational and study orientation reaches, per area and year.

    ``einwohner_14_18`` (14 to under 18: the school years in which orientation starts),
    ``einwohner_15_18`` and ``einwohner_18_25`` (training and study age), and the index of
    ``einwohner_15_25`` (first year = 100).
    """
    src = _load(einwohner, "einwohner_lor")
    cols = {k: AGE_SUMS[k] for k in ("einwohner_14_18", "einwohner_15_18", "einwohner_18_25", "einwohner_15_25")}
    out = _sub_bezirk_latest_lor(_population(src, level, district_id(district), cols), level)
    out = out.sort_values(["gebiet_id", "year"], ignore_index=True)
    out["index_15_25"] = _index(out, "einwohner_15_25")
    return with_sources(_order(out, ["ebene", "year"]), src)


def age_pyramid(ortsteile: pd.DataFrame | None = None, district: Any = _DEFAULT) -> pd.DataFrame:
    """Residents by sex and age group for the district and for Berlin (from ``einwohner_ortsteile``).

    Returns
    -------
    pandas.DataFrame
        ``date, gebiet ("Lichtenberg"/"Berlin"), altersgruppe, alter`` (label ``"15–19"``),
        ``maennlich, weiblich`` in ascending age order, for the latest date; ``erwerbsalter``
        marks 15-65.
    """
    src = _load(ortsteile, "einwohner_ortsteile")
    bid = district_id(district)
    latest = src[src["date"] == src["date"].max()]
    parts = []
    for name, rows in ((BEZIRKE[bid], latest[latest["bezirk_id"] == bid]), ("Berlin", latest)):
        table = rows.pivot_table(index="altersgruppe", columns="geschlecht", values="einwohner",
                                 aggfunc="sum", fill_value=0)
        table = table.reindex(columns=["m", "w"], fill_value=0).rename(columns={"m": "maennlich", "w": "weiblich"})
        table = table.reset_index().rename_axis(columns=None)
        table.insert(0, "gebiet", name)
        parts.append(table)
    out = pd.concat(parts, ignore_index=True)
    start = out["altersgruppe"].str.extract(r"^(\d+)")[0].astype(float)
    out.insert(2, "alter", out["altersgruppe"].map(_age_label))
    out["erwerbsalter"] = start.between(15, 60)
    out = out.assign(_s=start).sort_values(["gebiet", "_s"]).drop(columns="_s").reset_index(drop=True)
    out.insert(0, "date", latest["date"].max())
    return with_sources(out, src)


def _age_label(group: str) -> str:
    """``"15_20"`` → ``"15–19"``, ``"95 und älter"`` → ``"95+"``.

    >>> _age_label("15_20"), _age_label("95 und älter")
    ('15–19', '95+')
    """
    parts = group.split("_")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}–{int(parts[1]) - 1}"
    first = group.split()[0]
    return f"{int(first)}+" if first.isdigit() else group
