"""Schools for vocational and study orientation: the district's secondary and vocational schools
and the young people they serve (private; public through :mod:`lichtenberg_data.workforce`).

The school files carry no school places, classes or pupils, so the only measure is the number
of residents of an age **per school**: the 15- to under-18-year-olds per Integrierte
Sekundarschule and Gymnasium (the schools that lead to the Mittlerer Schulabschluss and the
Abitur, where orientation reaches pupils in years 9 to 13). Oberstufenzentren and other
vocational schools are counted beside them but not in the ratio: they take trainees from all of
Berlin and beyond. Only schools with a type count: the located list (public schools); private
schools of the directory carry none. The places would come from the Senate's school statistics
(pupils per school, "Eckdaten"/"Schülerzahlen"), which are not part of the data here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .._provenance import with_sources
from ..geo import assign, district_id
from ..names import BERLIN_ID, BEZIRKE
from ._common import _DEFAULT, _load

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

#: The school types of orientation, in the order charts show them (German labels).
ORIENTATION_TYPES = {"Integrierte Sekundarschule": "ISS", "Gymnasium": "Gymnasium",
                     "Berufliche Schule": "Berufliche Schule/OSZ"}
#: Why the ratio is per school and not per place (for captions).
NO_PLACES_NOTE = ("Schulplätze und Schülerzahlen sind in den Schuldaten nicht enthalten; die Kennzahl setzt die "
                  "Einwohner/innen der Altersgruppe ins Verhältnis zur Zahl der Schulen.")


def _stand(schulen: pd.DataFrame) -> pd.Timestamp | None:
    for entry in schulen.attrs.get("provenance", []):
        if entry.get("dataset") == "schulen" and entry.get("reference_date"):
            return pd.Timestamp(entry["reference_date"])
    return None


def orientation_schools(schulen: pd.DataFrame | None = None, district: Any = _DEFAULT, *,
                        areas: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The district's Integrierte Sekundarschulen, Gymnasien and vocational schools with their points.

    Parameters
    ----------
    schulen
        The ``schulen`` table (default: loaded).
    district
        A Bezirk (default ``settings.district``); ``None`` for all of Berlin.
    areas
        Planungsraum polygons for schools without ``planungsraum_id`` (default: the stored LOR).

    Returns
    -------
    geopandas.GeoDataFrame
        The schools with a point, ``schulart`` in :data:`ORIENTATION_TYPES`, ``typ`` (short German
        label) and ``planungsraum_id`` (from the point where the table had none).
    """
    src = _load(schulen, "schulen")
    located = src[src.geometry.notna() & ~src.geometry.is_empty & src["schulart"].isin(list(ORIENTATION_TYPES))]
    if district is not None:
        located = located[located["bezirk_id"] == district_id(district)]
    out = located.copy()
    missing = out["planungsraum_id"].isna()
    if missing.any():
        placed = assign(out[missing], "planungsraum", areas=areas)
        out.loc[missing, "planungsraum_id"] = placed["planungsraum_id"].astype(object).to_numpy()
    out["typ"] = out["schulart"].map(ORIENTATION_TYPES)
    out = out.sort_values(["schulart", "name"], ignore_index=True)
    return with_sources(out, src)


def _register_year(einwohner: pd.DataFrame, stand: pd.Timestamp | None) -> int:
    """The register of the last 31.12. before the school list's Stand (else the newest)."""
    years = sorted(int(y) for y in einwohner["year"].unique())
    if stand is None:
        return years[-1]
    before = [y for y in years if pd.Timestamp(f"{y}-12-31") <= stand]
    return before[-1] if before else years[0]


def youth_per_school(schulen: pd.DataFrame | None = None, einwohner: pd.DataFrame | None = None,
                     year: int | None = None) -> pd.DataFrame:
    """15- to under-18-year-olds per Integrierte Sekundarschule and Gymnasium, per Bezirk and Berlin.

    Parameters
    ----------
    schulen, einwohner
        The ``schulen`` and ``einwohner_lor`` tables (default: loaded).
    year
        Register year of the residents; default the last 31.12. before the school list's Stand
        (so schools and residents belong to the same school year).

    Returns
    -------
    pandas.DataFrame
        One row per Bezirk and Berlin (``gebiet_id`` "00"): ``gebiet``, ``iss``, ``gymnasien``,
        ``berufliche_schulen`` (public schools of each type), ``schulen_sek`` (ISS + Gymnasien),
        ``einwohner_15_18`` (register of ``jahr_einwohner``), ``je_schule`` (15-18 per ISS or
        Gymnasium), ``jahr_einwohner``, ``schulen_stand``. ``attrs["hinweis"]``: that places are
        not in the data (:data:`NO_PLACES_NOTE`).
    """
    src = _load(schulen, "schulen")
    ew = _load(einwohner, "einwohner_lor")
    stand = _stand(src)
    y = int(year) if year is not None else _register_year(ew, stand)
    typed = src[src["schulart"].isin(list(ORIENTATION_TYPES))]
    counts = typed.groupby(["bezirk_id", "schulart"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=sorted(BEZIRKE), columns=list(ORIENTATION_TYPES), fill_value=0)
    counts.columns = ["iss", "gymnasien", "berufliche_schulen"]
    rows = ew[ew["year"] == y]
    if rows.empty:
        raise ValueError(f"the register holds no year {y} (years: {sorted(ew['year'].unique())})")
    key = rows["bezirk_id"] if "bezirk_id" in rows else rows["planungsraum_id"].str[:2]
    youth = rows.groupby(key)["alter_15_18"].sum().reindex(sorted(BEZIRKE))
    out = counts.assign(einwohner_15_18=youth.to_numpy())
    out.loc[BERLIN_ID] = out.sum()
    out = out.rename_axis("gebiet_id").reset_index()
    out.insert(1, "gebiet", out["gebiet_id"].map({**BEZIRKE, BERLIN_ID: "Berlin"}))
    out["schulen_sek"] = out["iss"] + out["gymnasien"]
    out["je_schule"] = out["einwohner_15_18"] / out["schulen_sek"].where(out["schulen_sek"] > 0)
    out["jahr_einwohner"] = y
    out["schulen_stand"] = stand
    out = with_sources(out, src, ew)
    out.attrs["hinweis"] = NO_PLACES_NOTE
    return out
