"""The shopping centres of Lichtenberg and their neighbours (a curated table), and the set of
centres an analysis looks at (:func:`study_centres`).

:func:`centres` reads ``curated/einkaufszentren.csv``, shipped with the package: one row per
centre in the Bezirk (as mapped in OpenStreetMap, ``shop=mall``) and the competing centres just
across its border that published sources name (Ring-Center I, Forum Landsberger Allee, East
Side Mall). Each row has name, address, OSM object, and where published the opening year, the
sales area (Verkaufsfläche, m²) and the number of shops, each with the URL of the page it was
read from (``*_quelle``); values not published stay empty. The points come from the loaded
``osm_pois`` where the object is there, else from coordinates kept in the table (the OSM
centre of 28.09.2025).
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

from .._errors import DataNotAvailableError
from .._provenance import freeze, with_sources
from ..geo import DEFAULT_DISTRICT
from ..names import bezirk_name

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["centres", "read_centres", "study_centres", "lead_centre", "CENTRES_STAND", "COMPETITION_RADIUS_M"]

#: Competing centres count within this distance of a centre of the district (metres).
COMPETITION_RADIUS_M = 3000

#: The state of the curated table: its OSM objects and coordinates are those of this date; the
#: published figures carry their own pages and dates (see the ``*_quelle`` columns).
CENTRES_STAND = "2025-09-28"
_INTS = ("eroeffnung_jahr", "verkaufsflaeche_m2", "geschaefte")
_PROVENANCE = {
    "dataset": "einkaufszentren", "title": "Einkaufszentren in Lichtenberg und Umgebung (kuratiert)",
    "source_title": "Zusammenstellung aus Presse-, Bezirks- und Lexikonseiten (Quelle je Wert in der Tabelle); "
                    "Lage: © OpenStreetMap-Mitwirkende",
    "publisher": "lichtenberg_data", "license": "Quellen je Wert; OSM-Daten ODbL 1.0",
    "license_url": "https://opendatacommons.org/licenses/odbl/1-0/", "source_url": "",
    "landing_page": "", "reference_date": CENTRES_STAND, "retrieved_at": None, "sample": False,
}


def read_centres() -> pd.DataFrame:
    """The curated table as shipped (no geometry), numbers as nullable integers.

    >>> df = read_centres()
    >>> df.set_index("zentrum").loc["Linden-Center", ["verkaufsflaeche_m2", "geschaefte"]].tolist()
    [25000, 90]
    """
    import pandas as pd

    with resources.files("lichtenberg_data").joinpath("curated/einkaufszentren.csv").open("rb") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    for col in _INTS:
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    for col in ("lat", "lon"):
        df[col] = pd.to_numeric(df[col]).astype(float)
    df.attrs["provenance"] = freeze([_PROVENANCE])
    return df


def centres(*, use_osm: bool = True) -> gpd.GeoDataFrame:
    """The shopping centres as points in EPSG:25833, with their published figures and sources.

    Parameters
    ----------
    use_osm
        Take the point (and ``planungsraum_id``) from the loaded ``osm_pois`` where the
        centre's OSM object is there; ``geometry_quelle`` tells which rows did.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :func:`read_centres`, ``geometry_quelle`` (``osm_pois`` or
        ``Koordinaten der Tabelle``), ``planungsraum_id`` where ``osm_pois`` has it, and the
        provenance of the table (and of ``osm_pois`` where used).

    Examples
    --------
    >>> df = centres(use_osm=False)
    >>> int((df["bezirk_id"] == "11").sum()), df.crs.to_epsg()
    (18, 25833)
    """
    import geopandas as gpd

    table = read_centres()
    geometry = gpd.GeoSeries.from_xy(table["lon"], table["lat"], crs="EPSG:4326").to_crs("EPSG:25833")
    out = gpd.GeoDataFrame(table, geometry=geometry.to_numpy(), crs="EPSG:25833")
    out["geometry_quelle"] = "Koordinaten der Tabelle"
    out["planungsraum_id"] = None
    pois = _osm_pois() if use_osm else None
    if pois is None:
        return with_sources(out, table)
    found = out[["osm_type", "osm_id"]].merge(
        pois[["osm_type", "osm_id", "planungsraum_id", "geometry"]].rename(columns={"geometry": "osm_geometry"}),
        on=["osm_type", "osm_id"], how="left")
    hit = found["osm_geometry"].notna().to_numpy()
    out.loc[hit, "geometry"] = gpd.GeoSeries(found.loc[hit, "osm_geometry"].to_numpy(), crs="EPSG:25833").to_numpy()
    out.loc[hit, "geometry_quelle"] = "osm_pois"
    out.loc[hit, "planungsraum_id"] = found.loc[hit, "planungsraum_id"].to_numpy()
    return with_sources(out, table, pois) if hit.any() else with_sources(out, table)


def study_centres(district: str | None = DEFAULT_DISTRICT, *, radius_m: float = COMPETITION_RADIUS_M,
                  pois: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The centres of a district and every competing centre within ``radius_m`` of one of them.

    Centres are the curated table (:func:`centres`) and the shopping centres mapped in
    OpenStreetMap (``shop=mall`` in ``osm_pois``) that the table does not hold (e.g. across the
    district border; objects the table names as duplicates are skipped). A centre outside the
    district is a competitor when it lies within ``radius_m`` (straight line) of a centre of the
    district - Ring-Center I (Friedrichshain-Kreuzberg) across the Ringbahn from Ring-Center II is one.

    Returns
    -------
    geopandas.GeoDataFrame
        ``zentrum_id`` (``way/11249452``), ``zentrum``, ``rolle`` (``Zentrum im Bezirk`` /
        ``Wettbewerber``), ``bezirk_id``, ``planungsraum_id``, ``eroeffnung_jahr``,
        ``verkaufsflaeche_m2``, ``geschaefte`` (published values, else empty), ``datenquelle``
        (``kuratierte Tabelle`` or ``OpenStreetMap``), ``abstand_m`` (to the nearest centre of the
        district; 0 for those) and the point (EPSG:25833); provenance of the inputs.

    Raises
    ------
    DataNotAvailableError
        The district has no centre in the table nor in the loaded OSM shops (``osm_pois``).
    """
    from .._cache import remembered
    from ..geo import district_id

    bid = district_id(district)
    if pois is None:  # from the loaded shops: once per data state (a notebook asks 17 times)
        return remembered(_study_centres, bid, float(radius_m))  # keyed by the Bezirk, however it is named
    return _study_centres(bid, float(radius_m), pois)


def _study_centres(bid: str | None, radius_m: float, pois: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """:func:`study_centres` of the Bezirk ``bid`` (all Berlin: ``None``)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    table = centres()
    pois = _osm_pois() if pois is None else pois
    table["zentrum_id"] = table["osm_type"] + "/" + table["osm_id"].astype(str)
    table["datenquelle"] = "kuratierte Tabelle"
    parts = [table]
    if pois is not None and len(pois):
        malls = pois[(pois["shop"] == "mall") & pois.geometry.notna()].copy()
        malls["zentrum_id"] = malls["osm_type"] + "/" + malls["osm_id"].astype(str)
        known = set(table["zentrum_id"]) | _duplicates(table)
        malls = malls[~malls["zentrum_id"].isin(known)]
        if len(malls):
            parts.append(gpd.GeoDataFrame({
                "zentrum_id": malls["zentrum_id"].to_numpy(),
                "zentrum": malls["name"].fillna("Einkaufszentrum (OSM " + malls["zentrum_id"] + ")").to_numpy(),
                "bezirk_id": malls["bezirk_id"].to_numpy(), "planungsraum_id": malls["planungsraum_id"].to_numpy(),
                "datenquelle": "OpenStreetMap"}, geometry=malls.geometry.to_numpy(), crs="EPSG:25833"))
    every = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:25833")
    every = _place(every)
    inside = (every["bezirk_id"] == bid).to_numpy() if bid is not None else np.ones(len(every), dtype=bool)
    if not inside.any():
        raise DataNotAvailableError(
            f"no shopping centre of {bezirk_name(bid) if bid else 'Berlin'} is in the curated table or the loaded OSM shops: the table covers "
            "Lichtenberg; lichtenberg-data refresh osm_pois loads every mall of Berlin (shop=mall)", dataset="osm_pois")
    own = every.geometry.to_numpy()[inside]
    every["abstand_m"] = [float(min(p.distance(o) for o in own)) if len(own) else np.nan
                          for p in every.geometry.to_numpy()]
    keep = inside | (every["abstand_m"] <= radius_m).to_numpy()
    out = every[keep].copy()
    out["rolle"] = np.where(inside[keep], "Zentrum im Bezirk", "Wettbewerber")
    cols = ["zentrum_id", "zentrum", "rolle", "bezirk_id", "planungsraum_id", "eroeffnung_jahr", "verkaufsflaeche_m2",
            "geschaefte", "datenquelle", "abstand_m", "geometry"]
    out = out[cols].sort_values(["rolle", "abstand_m", "zentrum"], ascending=[False, True, True], ignore_index=True)
    return with_sources(gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:25833"), table,
                        *([pois] if pois is not None else []))


def lead_centre(centres: pd.DataFrame) -> str | None:
    """The name of the district's leading centre in a :func:`study_centres` table.

    The centre of the district (``rolle == "Zentrum im Bezirk"``) with the largest published
    sales area, then the most published shops; among centres with neither, the first by name.
    ``None`` when the district has no centre - a notebook then leaves out what needs one.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"zentrum": ["Ring-Center II", "Linden-Center", "Eastgate"],
    ...                       "rolle": ["Zentrum im Bezirk", "Zentrum im Bezirk", "Wettbewerber"],
    ...                       "verkaufsflaeche_m2": [None, 25000, 30000], "geschaefte": [60, 90, 150]})
    >>> lead_centre(table)
    'Linden-Center'
    """
    own = centres[centres["rolle"] == "Zentrum im Bezirk"]
    if own.empty:
        return None
    ranked = own.assign(_flaeche=own["verkaufsflaeche_m2"].fillna(-1), _geschaefte=own["geschaefte"].fillna(-1))
    ranked = ranked.sort_values(["_flaeche", "_geschaefte", "zentrum"], ascending=[False, False, True])
    return str(ranked["zentrum"].iloc[0])


def _duplicates(table: pd.DataFrame) -> set[str]:
    """OSM objects the curated table names as duplicates of a centre (``weitere_osm_objekte``)."""
    found: set[str] = set()
    for text in table["weitere_osm_objekte"].dropna():
        for kind, number in re.findall(r"(node|way|relation) (\d+)", text):
            found.add(f"{kind}/{number}")
    return found


def _place(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill ``planungsraum_id`` from the stored Planungsräume where it is missing (if they are loaded)."""
    from .. import geo

    missing = frame["planungsraum_id"].isna()
    if not missing.any():
        return frame
    try:
        placed = geo.assign(frame.loc[missing, ["geometry"]].copy(), "planungsraum", district=None)
    except DataNotAvailableError:
        return frame
    frame.loc[missing, "planungsraum_id"] = placed["planungsraum_id"].to_numpy()
    return frame


def _osm_pois() -> gpd.GeoDataFrame | None:
    from .._store import load

    try:
        return load("osm_pois")
    except DataNotAvailableError:
        return None
