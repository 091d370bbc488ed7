"""Tourism businesses in the IHK register (``ihk_gewerbedaten``): where they are, how large.

The tourism economy is read from the NACE division of each member business: accommodation
(55), gastronomy (56), travel agencies, tour operators and guides (79), and culture, sport and
leisure (90-93). The register lists IHK members only: most craft businesses (Handwerk) and
liberal professions are missing, and a business counts where it is registered, not where it
works. This is the stock at the register's date; entries and exits over time need the monthly
history of the register.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._provenance import with_sources
from ..geo import DEFAULT_DISTRICT, district_id
from ..names import BERLIN_ID
from ._common import (
    GEBIETE,
    add_rates,
    area_names,
    check_level,
    finish_areas,
    load_frame,
    lor_names,
    planungsraum_of,
    prefix_ids,
    residents,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["businesses", "business_sizes", "tourism_rows", "BRANCHES", "SIZE_BANDS"]

#: Column name → (German label, NACE divisions).
BRANCHES: dict[str, tuple[str, tuple[str, ...]]] = {
    "beherbergung": ("Beherbergung (55)", ("55",)),
    "gastronomie": ("Gastronomie (56)", ("56",)),
    "reisen": ("Reisebüros, -veranstalter, Gästeführung (79)", ("79",)),
    "kultur_freizeit": ("Kultur, Sport und Freizeit (90–93)", ("90", "91", "92", "93")),
}
#: Size bands (column → label) from the IHK's ``employees_range``; the IHK's band "200 - 499"
#: spans the EU limit of medium-sized businesses (250), so the bands stop at 200.
SIZE_BANDS: dict[str, str] = {
    "ohne_beschaeftigte": "0 Beschäftigte", "b_1_9": "1–9 Beschäftigte", "b_10_49": "10–49 Beschäftigte",
    "b_50_199": "50–199 Beschäftigte", "b_200_plus": "200 und mehr Beschäftigte", "unbekannt": "unbekannt",
}
_DIVISION = {d: col for col, (_, divisions) in BRANCHES.items() for d in divisions}


def _division(ihk: pd.DataFrame) -> pd.Series:
    """The NACE division (2 digits) of each business: ``nace_id``, else ``branch_top_level_id``."""
    nace = ihk["nace_id"].astype(object).where(ihk["nace_id"].notna(), None)
    division = nace.map(lambda v: v[:2] if isinstance(v, str) and len(v) >= 4 else None)
    if "branch_top_level_id" in ihk.columns:
        division = division.fillna(ihk["branch_top_level_id"].astype(object).where(ihk["branch_top_level_id"].notna()))
    return division


def size_band(text: Any) -> str:
    """The size band column of an IHK ``employees_range`` value ("0", "1 - 3 Beschäftigte", …).

    >>> [size_band(v) for v in ("0", "0 Beschäftigte", "7 - 9 Beschäftigte", "200 - 499 Beschäftigte", "unbekannt", None)]
    ['ohne_beschaeftigte', 'ohne_beschaeftigte', 'b_1_9', 'b_200_plus', 'unbekannt', 'unbekannt']
    """
    m = re.match(r"\s*(\d+)", str(text)) if isinstance(text, str) else None
    if m is None:
        return "unbekannt"
    low = int(m.group(1))
    return ("ohne_beschaeftigte" if low == 0 else "b_1_9" if low < 10 else "b_10_49" if low < 50
            else "b_50_199" if low < 200 else "b_200_plus")


def tourism_rows(ihk: pd.DataFrame | None = None, *, areas: gpd.GeoDataFrame | None = None,
                 date: Any = None) -> pd.DataFrame:
    """The register's tourism businesses at one date, each with branch, size band and area.

    Parameters
    ----------
    ihk
        The ``ihk_gewerbedaten`` table (``None`` loads it).
    areas
        LOR 2021 Planungsräume for the businesses the IHK gives no Planungsraum (default: the
        stored ones); they are placed by their coordinates.
    date
        The register's date (``date`` column); default the latest.

    Returns
    -------
    pandas.DataFrame
        The tourism rows of the register with ``branche`` (a key of :data:`BRANCHES`),
        ``groesse`` (a key of :data:`SIZE_BANDS`), ``planungsraum_id`` (the IHK's, else by
        coordinates) and ``bezirk_id`` (from it, else the IHK's district).
    """
    src = load_frame(ihk, "ihk_gewerbedaten")
    when = pd.Timestamp(date) if date is not None else src["date"].max()
    rows = src[src["date"] == when]
    branch = _division(rows).map(_DIVISION)
    rows = rows[branch.notna()].assign(branche=branch[branch.notna()])
    out = rows.assign(groesse=rows["employees_range"].map(size_band),
                      planungsraum_id=planungsraum_of(rows, areas) if len(rows) else rows.get("planungsraum_id"))
    bezirk = prefix_ids(out["planungsraum_id"], "bezirk_id")
    out["bezirk_id"] = bezirk.fillna(out["bezirk_id"].astype(object)) if "bezirk_id" in out.columns else bezirk
    return with_sources(out.reset_index(drop=True), src, *([areas] if areas is not None else []))


def businesses(ihk: pd.DataFrame | None = None, level: str = "planungsraum", district: Any = DEFAULT_DISTRICT, *,
               einwohner: pd.DataFrame | None = None, areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Tourism businesses per area and branch.

    Parameters
    ----------
    ihk
        The ``ihk_gewerbedaten`` table (``None`` loads it); its latest date is used.
    level
        ``planungsraum``, ``bezirksregion``, ``prognoseraum`` (the district's areas) or ``bezirk``
        (the 12 Bezirke and a Berlin row ``"00"`` that also counts businesses without a place).
    district
        The Bezirk of the sub-Bezirk levels (default ``settings.district``); ``None`` = all Berlin.
    einwohner
        A population table (e.g. ``einwohner_lor``): adds ``einwohner`` and
        ``betriebe_je_1000_ew``, and the areas without tourism businesses (0).
    areas
        See :func:`tourism_rows`.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``ebene``, ``gebiet_id``, ``gebiet``, ``betriebe`` (all tourism businesses), one
        column per branch of :data:`BRANCHES`, ``betriebe_unter_10`` (0 to 9 employees, the
        micro businesses) and ``anteil_unter_10`` (% of those with a known size).
    """
    id_col = check_level(level)
    rows = tourism_rows(ihk, areas=areas)
    ids = prefix_ids(rows["planungsraum_id"], id_col) if level != "bezirk" else rows["bezirk_id"]
    key = None if level == "bezirk" else district_id(district)
    keep = ids.notna() if key is None else ids.notna() & (ids.str[:2] == key)
    work = _counts(rows, ids, keep)
    if level == "bezirk":  # Berlin counts every business, placed or not
        work = pd.concat([work[work["gebiet_id"].notna()], _counts(rows, ids, ids.notna() | ids.isna())
                          .assign(gebiet_id=BERLIN_ID)], ignore_index=True)
    cols = ["betriebe", *BRANCHES, "betriebe_unter_10", "_bekannt"]
    out = work.groupby("gebiet_id")[cols].sum()
    if einwohner is not None:
        people = residents(einwohner, id_col)
        people = people if key is None else people[people.index.str[:2] == key]
        out = add_rates(out, people, ["betriebe"], berlin=level == "bezirk", fill=cols)
    out[cols] = out[cols].fillna(0).astype("int64")
    out["anteil_unter_10"] = (out["betriebe_unter_10"] / out.pop("_bekannt").where(lambda s: s > 0) * 100).round(1)
    known = lor_names(level) if areas is None or level == "bezirk" else area_names(areas, id_col, level)
    names = {**known, **area_names(rows.assign(**{id_col: ids}), id_col, level)}
    out = finish_areas(out, level, names, first=[])
    out.insert(0, "date", rows["date"].max() if len(rows) else pd.NaT)
    return with_sources(out, rows, *([einwohner] if einwohner is not None else []))


def _counts(rows: pd.DataFrame, ids: pd.Series, keep: pd.Series) -> pd.DataFrame:
    part = rows[keep]
    known = part["groesse"] != "unbekannt"
    return pd.DataFrame({"gebiet_id": ids[keep], "betriebe": 1,
                         **{col: (part["branche"] == col).astype(int) for col in BRANCHES},
                         "betriebe_unter_10": part["groesse"].isin(["ohne_beschaeftigte", "b_1_9"]).astype(int),
                         "_bekannt": known.astype(int)})


def business_sizes(ihk: pd.DataFrame | None = None, district: Any = DEFAULT_DISTRICT, *,
                   branche: str | None = None, areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Tourism businesses by size band, the district against Berlin.

    Parameters
    ----------
    ihk
        The ``ihk_gewerbedaten`` table (``None`` loads it); its latest date is used.
    district
        The Bezirk (default ``settings.district``); ``None`` gives Berlin only.
    branche
        One key of :data:`BRANCHES`; ``None`` (default) all tourism businesses.
    areas
        See :func:`tourism_rows`.

    Returns
    -------
    pandas.DataFrame
        One row per area (the district, Berlin) and size band of :data:`SIZE_BANDS`, in that
        order: ``date``, ``gebiet_id``, ``gebiet``, ``branche`` (German label or
        "Tourismuswirtschaft insgesamt"), ``groesse`` (label), ``betriebe`` and ``anteil``
        (% of the area's businesses with a known size; empty for ``unbekannt``).
    """
    if branche is not None and branche not in BRANCHES:
        raise ValueError(f"branche must be one of {', '.join(BRANCHES)} or None, not {branche!r}")
    rows = tourism_rows(ihk, areas=areas)
    if branche is not None:
        rows = rows[rows["branche"] == branche]
    key = district_id(district)
    work = rows.assign(gebiet_id=BERLIN_ID)
    if key is not None:
        work = pd.concat([rows[rows["bezirk_id"] == key].assign(gebiet_id=key), work], ignore_index=True)
    counts = work.groupby(["gebiet_id", "groesse"]).size().unstack(fill_value=0)
    order = [k for k in (key, BERLIN_ID) if k is not None]
    counts = counts.reindex(index=order, columns=list(SIZE_BANDS), fill_value=0)
    out = counts.stack().rename("betriebe").reset_index()
    known = out[out["groesse"] != "unbekannt"].groupby("gebiet_id")["betriebe"].transform("sum")
    out["anteil"] = (out["betriebe"] / known.reindex(out.index).where(lambda s: s > 0) * 100).round(1)
    out.insert(1, "gebiet", out["gebiet_id"].map(GEBIETE))
    out.insert(2, "branche", BRANCHES[branche][0] if branche else "Tourismuswirtschaft insgesamt")
    out["groesse"] = out["groesse"].map(SIZE_BANDS)
    out.insert(0, "date", rows["date"].max() if len(rows) else pd.NaT)
    return with_sources(out, rows)
