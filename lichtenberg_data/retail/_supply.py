"""Local supply (Nahversorgung): who lives within walking distance of a full-range supermarket or discounter.

The markets are the OSM supermarkets of ``osm_pois`` (``shop=supermarket``), typed by chain
(``curated/lebensmittelketten.csv``: brand, else name, matched to Vollsortimenter such as Edeka,
Rewe, Kaufland, to Discounter such as Aldi, Lidl, Netto, Penny, Norma, or to Biomarkt; every
other supermarket is ``sonstiger Lebensmittelmarkt``). Local supply counts Vollsortimenter and
Discounter, the formats German retail concepts measure it by.

The share of residents of a Planungsraum within 500 m (1,000 m) of such a market is the share of
its area inside the union of the 500 m (1,000 m) circles around the markets, straight line - the
residents assumed evenly spread within a Planungsraum, as in :func:`lichtenberg_data.geo.within`.
Markets outside Berlin are not in the data: at the city border (e.g. Falkenberg, Malchow) the
shares are lower bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._provenance import with_sources
from ..geo import DEFAULT_DISTRICT

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["food_stores", "chain_table", "local_supply", "supply_by_bezirk", "SUPPLY_TYPES", "SUPPLY_RADII_M"]

SUPPLY_TYPES = ("Vollsortimenter", "Discounter")
SUPPLY_RADII_M = (500, 1000)
_OTHER = "sonstiger Lebensmittelmarkt"


def chain_table() -> pd.DataFrame:
    """The curated chains: ``muster`` (regular expression on brand or name), ``betriebstyp``, ``kette``, ``quelle``."""
    with resources.files("lichtenberg_data").joinpath("curated/lebensmittelketten.csv").open("rb") as fh:
        return pd.read_csv(fh, dtype=str, encoding="utf-8")


def _kind(labels: pd.Series, chains: pd.DataFrame) -> pd.Series:
    text = labels.fillna("").str.strip().str.casefold()
    out = pd.Series(None, index=labels.index, dtype=object)
    for row in chains.itertuples():
        hit = out.isna() & text.str.contains(row.muster, regex=True)
        out[hit] = row.betriebstyp
    return out


def food_stores(pois: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The OSM supermarkets with their ``betriebstyp`` (by brand, else by name).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> p = gpd.GeoDataFrame({"shop": ["supermarket"] * 3, "brand": ["ALDI Nord", None, None],
    ...     "name": ["x", "REWE City", "Eurogida"]}, geometry=[shapely.Point(0, 0)] * 3, crs="EPSG:25833")
    >>> food_stores(p)["betriebstyp"].tolist()
    ['Discounter', 'Vollsortimenter', 'sonstiger Lebensmittelmarkt']
    """
    if pois is None:
        from .._store import load

        pois = load("osm_pois")
    markets = pois[(pois["shop"] == "supermarket") & pois.geometry.notna()].copy()
    chains = chain_table()
    kind = _kind(markets["brand"], chains)
    kind = kind.where(kind.notna(), _kind(markets["name"], chains))
    markets["betriebstyp"] = kind.fillna(_OTHER)
    return with_sources(markets.reset_index(drop=True), pois)


def local_supply(district: str | None = DEFAULT_DISTRICT, *, radii: Sequence[float] = SUPPLY_RADII_M,
                 types: Sequence[str] = SUPPLY_TYPES, stores: gpd.GeoDataFrame | None = None,
                 einwohner: pd.DataFrame | None = None, areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Per Planungsraum: residents, the share within each radius of a market of ``types``, markets in it.

    Returns
    -------
    pandas.DataFrame
        ``planungsraum_id``, ``planungsraum``, ``bezirk_id``, ``einwohner`` (latest LOR-2021
        edition), per radius ``einwohner_<r>m`` and ``anteil_<r>m`` (%), ``maerkte`` (markets of
        ``types`` in the Planungsraum), ``supermaerkte`` (all OSM supermarkets in it) and
        ``ohne_markt`` (no market of ``types`` in it). All Berlin when ``district`` is ``None``.
    """
    from .._cache import remembered
    from ..geo import district_id

    if all(v is None for v in (stores, einwohner, areas)):  # from the loaded data: once per data state
        return remembered(_local_supply, district_id(district), tuple(map(float, radii)), tuple(types))
    return _local_supply(district, radii, types, stores, einwohner, areas)


def _local_supply(district: str | None, radii: Sequence[float], types: Sequence[str], stores: gpd.GeoDataFrame | None = None,
                  einwohner: pd.DataFrame | None = None, areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """The work of :func:`local_supply`."""
    import shapely

    from .. import geo
    from ._residents import latest_residents

    stores = food_stores() if stores is None else stores
    rows = latest_residents(einwohner)
    areas = geo.boundaries("planungsraum", None) if areas is None else areas
    bid = geo.district_id(district)
    if bid is not None:
        areas = areas[areas["bezirk_id"] == bid]
    out = areas[["planungsraum_id", "planungsraum", "bezirk_id", "geometry"]].merge(
        rows[["planungsraum_id", "einwohner"]], on="planungsraum_id", how="left").reset_index(drop=True)
    polys = out.geometry.to_numpy()
    chosen = stores[stores["betriebstyp"].isin(types)]
    points = chosen.geometry.to_numpy()
    for r in radii:
        reach = shapely.union_all(shapely.buffer(points, float(r), quad_segs=16)) if len(points) else None
        covered = _covered(polys, reach) if reach is not None else np.zeros(len(polys))
        share = np.clip(covered / shapely.area(polys), 0.0, 1.0)  # rounding of the overlay can pass 1
        out[f"einwohner_{int(r)}m"] = share * out["einwohner"]
        out[f"anteil_{int(r)}m"] = share * 100
    out["maerkte"] = _inside(polys, points)
    out["supermaerkte"] = _inside(polys, stores.geometry.to_numpy())
    out["ohne_markt"] = out["maerkte"] == 0
    out = pd.DataFrame(out.drop(columns="geometry"))
    out.attrs["betriebstypen"] = list(types)
    return with_sources(out, stores, rows, areas)


def _covered(polys: np.ndarray, reach: Any) -> np.ndarray:
    """Area (m²) of each polygon within ``reach``; the reach is cut to each polygon's bounding box
    first (intersecting every Planungsraum with all of Berlin's reach took three times as long;
    the areas agree to 1e-7 m²). GEOS cuts fast but may leave an invalid piece: such a polygon
    (and an empty one) is intersected with the whole reach."""
    import shapely

    near = np.array([shapely.clip_by_rect(reach, *b) if np.isfinite(b).all() else reach
                     for b in shapely.bounds(polys)], dtype=object)
    near[~shapely.is_valid(near)] = reach
    return shapely.area(shapely.intersection(polys, near))


def _inside(polys: np.ndarray, points: np.ndarray) -> np.ndarray:
    import shapely

    if not len(points):
        return np.zeros(len(polys), dtype=int)
    ai, _ = shapely.STRtree(points).query(polys, predicate="contains")
    return np.bincount(ai, minlength=len(polys))


def supply_by_bezirk(table: pd.DataFrame, radii: Sequence[float] = SUPPLY_RADII_M) -> pd.DataFrame:
    """Sum a Berlin-wide :func:`local_supply` table up to the 12 Bezirke and Berlin.

    Returns
    -------
    pandas.DataFrame
        ``gebiet_id`` (``"00"`` Berlin), ``gebiet``, ``einwohner``, per radius the share within it
        (%), ``maerkte``, ``supermaerkte``, ``maerkte_je_1000_ew``, ``supermaerkte_je_1000_ew`` and
        ``planungsraeume_ohne_markt``.
    """
    from ..names import bezirk_name

    cols = ["einwohner", *(f"einwohner_{int(r)}m" for r in radii), "maerkte", "supermaerkte", "ohne_markt"]
    by = table.groupby("bezirk_id")[cols].sum()
    by.loc["00"] = table[cols].sum()
    out = by.reset_index().rename(columns={"bezirk_id": "gebiet_id", "ohne_markt": "planungsraeume_ohne_markt"})
    out.insert(1, "gebiet", [("Berlin" if k == "00" else bezirk_name(k)) for k in out["gebiet_id"]])
    for r in radii:
        out[f"anteil_{int(r)}m"] = out[f"einwohner_{int(r)}m"] / out["einwohner"] * 100
    out["maerkte_je_1000_ew"] = out["maerkte"] / out["einwohner"] * 1000
    out["supermaerkte_je_1000_ew"] = out["supermaerkte"] / out["einwohner"] * 1000
    return with_sources(out, table)
