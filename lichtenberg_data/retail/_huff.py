"""Market areas of the shopping centres: the Huff model over Planungsräume.

P(i→j) = A_j^α · d_ij^-β / Σ_k A_k^α · d_ik^-β  - the probability that a resident of
Planungsraum i shops in centre j (Huff 1963). Here:

* **origins** are the Planungsräume of the district, each at its plain centroid (no residents
  below the Planungsraum are published in open data, so no population-weighted centroid can be
  built; :func:`origin_points` takes a population layer of blocks where one is at hand);
* **d** is the straight-line distance in metres, at least ``min_distance_m`` (250 m: a centre next
  to a centroid would otherwise draw everyone);
* **A** is the published sales area (Verkaufsfläche, m²) where known, otherwise the number of
  shops times the sales area per shop of the centres that publish both (the Linden-Center:
  25,000 m² / 90 shops ≈ 278 m²); the shops are the published count, else the OSM shops
  (``shop=*``) within 150 m of the centre - counted only where ``osm_pois`` holds the shop
  groups. A centre with neither is left out (column ``attraktivitaet_quelle`` says so);
* **α = 1** (attraction proportional to the sales area, Huff's original form, see
  :data:`ALPHA_SOURCE`) and **β = 2** (the distance exponent "normally between 1.5 and 2" in
  Esri's Business Analyst documentation; Huff's own estimates for clothing and furniture
  were 2.7 and 3.2), not calibrated on visitor data (none is open). :func:`beta_sensitivity`
  shows how the catchments move with β.

The expected resident catchment of a centre is Σ_i P_ij · residents_i over the district's
Planungsräume; residents of other districts are not counted, and centres missing from the set
(further away, or without A) leave their customers to the others - the catchments at the
district border are therefore upper bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._errors import DataNotAvailableError
from .._provenance import with_sources
from ..geo import DEFAULT_DISTRICT

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["huff", "distance_matrix", "origin_points", "attractiveness", "market_areas", "beta_sensitivity",
           "MarketAreas", "ALPHA", "BETA", "MIN_DISTANCE_M", "SHOP_RADIUS_M", "ALPHA_SOURCE", "BETA_SOURCE"]

ALPHA = 1.0
BETA = 2.0
MIN_DISTANCE_M = 250.0
SHOP_RADIUS_M = 150.0
ALPHA_SOURCE = "https://wirtschaftslexikon24.com/e/gravitationsmethode/gravitationsmethode.htm"
BETA_SOURCE = "https://pro.arcgis.com/de/pro-app/2.9/tool-reference/business-analyst/understanding-huff-model.htm"


def distance_matrix(origins: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Straight-line distances (n_origins × n_centres) between two arrays of x, y (metres).

    >>> distance_matrix(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [0.0, 1.0]])).tolist()
    [[5.0, 1.0]]
    """
    o = np.asarray(origins, dtype=float)
    c = np.asarray(centres, dtype=float)
    dx = o[:, 0:1] - c[None, :, 0]
    dy = o[:, 1:2] - c[None, :, 1]
    return np.sqrt(dx * dx + dy * dy)


def huff(distances: np.ndarray, attractiveness: Sequence[float], *, alpha: float = ALPHA, beta: float = BETA,
         min_distance_m: float = MIN_DISTANCE_M) -> np.ndarray:
    """Huff probabilities P(i→j) from a distance matrix and the centres' attractiveness.

    Parameters
    ----------
    distances
        Metres, n_origins × n_centres (:func:`distance_matrix`).
    attractiveness
        A_j, one per centre (e.g. sales area in m²), all > 0.
    alpha, beta
        Exponents of attractiveness and distance.
    min_distance_m
        Distances below this count as this.

    Returns
    -------
    numpy.ndarray
        n_origins × n_centres; each row sums to 1.

    Examples
    --------
    Two centres of 1,000 and 4,000 m² at 1 km and 2 km: 1000/1² : 4000/2² = 1 : 1.

    >>> huff(np.array([[1000.0, 2000.0]]), [1000, 4000]).round(3).tolist()
    [[0.5, 0.5]]
    """
    a = np.asarray(attractiveness, dtype=float)
    if a.ndim != 1 or a.size != np.shape(distances)[1] or not (a > 0).all():
        raise ValueError("attractiveness needs one value > 0 per centre (column of distances)")
    d = np.maximum(np.asarray(distances, dtype=float), min_distance_m)
    utility = a[None, :] ** alpha * d ** -beta
    return utility / utility.sum(axis=1, keepdims=True)


def origin_points(areas: gpd.GeoDataFrame, population: gpd.GeoDataFrame | None = None,
                  column: str = "einwohner") -> np.ndarray:
    """x, y of each area: its plain centroid, or the population-weighted centroid of a layer.

    With ``population`` (polygons with a count, e.g. blocks), each area's point is the mean of the
    centroids of its pieces weighted by the count in each piece (area share of the block); an
    area without residents in the layer keeps its plain centroid.
    """
    import shapely

    polys = areas.geometry.to_numpy()
    plain = shapely.centroid(polys)
    xy = np.column_stack([shapely.get_x(plain), shapely.get_y(plain)])
    if population is None:
        return xy
    blocks = population.to_crs(areas.crs).geometry.to_numpy()
    counts = np.nan_to_num(population[column].to_numpy(dtype=float))
    ia, ib = shapely.STRtree(blocks).query(polys, predicate="intersects")
    pieces = shapely.intersection(polys[ia], blocks[ib])
    weight = counts[ib] * shapely.area(pieces) / np.maximum(shapely.area(blocks[ib]), 1e-9)
    centre = shapely.centroid(pieces)
    total = np.bincount(ia, weights=weight, minlength=len(polys))
    for k, values in ((0, shapely.get_x(centre)), (1, shapely.get_y(centre))):
        summed = np.bincount(ia, weights=weight * values, minlength=len(polys))
        xy[:, k] = np.where(total > 0, summed / np.where(total > 0, total, 1), xy[:, k])
    return xy


def attractiveness(centres: gpd.GeoDataFrame, pois: gpd.GeoDataFrame | None = None, *,
                   m2_per_shop: float | None = None, radius_m: float = SHOP_RADIUS_M) -> pd.DataFrame:
    """A (m²) of each centre and where it comes from (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        ``zentrum_id``, ``geschaefte_gezaehlt`` (OSM shops within ``radius_m``; empty where not
        counted), ``attraktivitaet_m2`` (empty: left out) and ``attraktivitaet_quelle``.
    """
    import pandas as pd

    area = pd.to_numeric(centres["verkaufsflaeche_m2"], errors="coerce").astype(float)
    shops = pd.to_numeric(centres["geschaefte"], errors="coerce").astype(float)
    both = area.notna() & shops.notna() & (shops > 0)
    per_shop = m2_per_shop if m2_per_shop is not None else (
        float((area[both] / shops[both]).median()) if both.any() else np.nan)
    counted = _shops_near(centres, pois, radius_m)
    out = pd.DataFrame({"zentrum_id": centres["zentrum_id"].to_numpy(), "geschaefte_gezaehlt": counted})
    a = np.full(len(centres), np.nan)
    quelle = np.full(len(centres), "keine Verkaufsfläche oder Geschäftszahl bekannt: nicht im Modell", dtype=object)
    use_counted = np.isnan(a) & shops.isna().to_numpy() & (np.nan_to_num(counted) > 0)
    for mask, values, text in (
            (use_counted, counted * per_shop,
             f"OSM-Geschäfte im Umkreis von {radius_m:.0f} m × {per_shop:.0f} m² je Geschäft"),
            (shops.notna().to_numpy() & (shops > 0).to_numpy(), shops.to_numpy() * per_shop,
             f"Zahl der Geschäfte (veröffentlicht) × {per_shop:.0f} m² je Geschäft"),
            (area.notna().to_numpy(), area.to_numpy(), "Verkaufsfläche (veröffentlicht)")):
        if np.isnan(per_shop) and "je Geschäft" in text:
            continue
        a = np.where(mask, values, a)
        quelle = np.where(mask, text, quelle)
    out["attraktivitaet_m2"] = a
    out["attraktivitaet_quelle"] = quelle
    out.attrs["m2_je_geschaeft"] = per_shop
    return out


def _shops_near(centres: gpd.GeoDataFrame, pois: gpd.GeoDataFrame | None, radius_m: float) -> np.ndarray:
    """OSM shops (``shop=*`` but malls) within ``radius_m``; NaN where the shop groups are not loaded."""
    import shapely

    counted = np.full(len(centres), np.nan)
    # the shop group was loaded: a file of it, not an object of another file that carries a shop tag too
    loaded = pois["datei_gruppe"] if pois is not None and "datei_gruppe" in pois.columns else \
        pois["gruppe"] if pois is not None else None
    if loaded is None or not (loaded == "einzelhandel").any():
        return counted
    shops = pois[pois["shop"].notna() & (pois["shop"] != "mall") & pois.geometry.notna()]
    tree = shapely.STRtree(shops.geometry.to_numpy())
    ci, _ = tree.query(centres.geometry.to_numpy(), predicate="dwithin", distance=radius_m)
    return np.bincount(ci, minlength=len(centres)).astype(float)


@dataclass
class MarketAreas:
    """The Huff market areas: ``shares`` per Planungsraum and centre, ``centres`` with their catchment."""

    shares: pd.DataFrame
    centres: pd.DataFrame
    alpha: float
    beta: float

    def dominant(self) -> pd.DataFrame:
        """Per Planungsraum the centre with the largest share (``hauptzentrum``, ``anteil``)."""
        best = self.shares.sort_values("anteil", ascending=False).drop_duplicates("planungsraum_id")
        out = best[["planungsraum_id", "zentrum", "anteil"]].rename(columns={"zentrum": "hauptzentrum"})
        return with_sources(out.sort_values("planungsraum_id", ignore_index=True), self.shares)


def market_areas(district: str | None = DEFAULT_DISTRICT, *, alpha: float = ALPHA, beta: float = BETA,
                 min_distance_m: float = MIN_DISTANCE_M, centres: gpd.GeoDataFrame | None = None,
                 einwohner: pd.DataFrame | None = None, areas: gpd.GeoDataFrame | None = None,
                 pois: gpd.GeoDataFrame | None = None, population: gpd.GeoDataFrame | None = None) -> MarketAreas:
    """The Huff market areas of the district's centres and their competitors (module docstring).

    Parameters
    ----------
    district
        Bezirk whose Planungsräume are the origins and whose centres (with those within 3 km)
        compete; default ``settings.district``.
    alpha, beta, min_distance_m
        Model parameters.
    centres, einwohner, areas, pois
        Inputs (default: :func:`study_centres`, the stored ``einwohner_lor``, the stored LOR 2021
        Planungsräume, ``osm_pois`` where loaded).
    population
        A layer of blocks with ``einwohner`` for population-weighted centroids (default: plain centroids).

    Returns
    -------
    MarketAreas
        ``shares``: ``planungsraum_id``, ``zentrum_id``, ``zentrum``, ``anteil`` (0–1),
        ``einwohner`` of the Planungsraum, ``einwohner_erwartet`` (= anteil × einwohner);
        ``centres``: each centre with ``attraktivitaet_m2``, ``attraktivitaet_quelle``,
        ``einwohner_erwartet`` (its catchment among the district's residents), ``marktanteil_pct``
        (share of them) and ``planungsraeume_hauptzentrum`` (Planungsräume where it leads).
    """
    from .._cache import remembered
    from ..geo import district_id

    if all(v is None for v in (centres, einwohner, areas, pois, population)):  # from the loaded data: once per data state
        return remembered(_market_areas, district_id(district), float(alpha), float(beta), float(min_distance_m))
    return _market_areas(district, alpha, beta, min_distance_m, centres, einwohner, areas, pois, population)


def _market_areas(district: str | None, alpha: float, beta: float, min_distance_m: float, centres: gpd.GeoDataFrame | None = None,
                  einwohner: pd.DataFrame | None = None, areas: gpd.GeoDataFrame | None = None,
                  pois: gpd.GeoDataFrame | None = None, population: gpd.GeoDataFrame | None = None) -> MarketAreas:
    """The work of :func:`market_areas`."""
    import pandas as pd

    from .. import geo
    from ._centres import _osm_pois, study_centres
    from ._residents import latest_residents

    pois = _osm_pois() if pois is None else pois
    centres = study_centres(district, pois=pois) if centres is None else centres
    rows = latest_residents(einwohner)
    areas = geo.boundaries("planungsraum", district) if areas is None else areas
    origins = areas[["planungsraum_id", "planungsraum", "geometry"]].merge(
        rows[["planungsraum_id", "einwohner"]], on="planungsraum_id", how="left")
    a = attractiveness(centres, pois)
    model = centres.merge(a, on="zentrum_id")
    model = model[model["attraktivitaet_m2"].notna()].reset_index(drop=True)
    if model.empty:
        raise DataNotAvailableError("no centre of the district or within 3 km has a published sales area or a shop "
                                    "count: load the OSM shops (lichtenberg-data refresh osm_pois)", dataset="osm_pois")
    xy_c = np.column_stack([model.geometry.x.to_numpy(), model.geometry.y.to_numpy()])
    p = huff(distance_matrix(origin_points(origins, population), xy_c), model["attraktivitaet_m2"].to_numpy(),
             alpha=alpha, beta=beta, min_distance_m=min_distance_m)
    people = origins["einwohner"].fillna(0).to_numpy(dtype=float)
    shares = pd.DataFrame({
        "planungsraum_id": np.repeat(origins["planungsraum_id"].to_numpy(), len(model)),
        "planungsraum": np.repeat(origins["planungsraum"].to_numpy(), len(model)),
        "zentrum_id": np.tile(model["zentrum_id"].to_numpy(), len(origins)),
        "zentrum": np.tile(model["zentrum"].to_numpy(), len(origins)),
        "anteil": p.ravel(), "einwohner": np.repeat(people, len(model))})
    shares["einwohner_erwartet"] = shares["anteil"] * shares["einwohner"]
    lead = pd.Series(model["zentrum_id"].to_numpy()[p.argmax(axis=1)]).value_counts()
    summary = centres.drop(columns="geometry").merge(a, on="zentrum_id", how="left")
    catchment = shares.groupby("zentrum_id")["einwohner_erwartet"].sum()
    summary["einwohner_erwartet"] = summary["zentrum_id"].map(catchment)
    summary["marktanteil_pct"] = summary["einwohner_erwartet"] / people.sum() * 100
    summary["planungsraeume_hauptzentrum"] = summary["zentrum_id"].map(lead).fillna(0).astype(int)
    summary.loc[summary["attraktivitaet_m2"].isna(), "planungsraeume_hauptzentrum"] = pd.NA
    summary = summary.sort_values("einwohner_erwartet", ascending=False, na_position="last", ignore_index=True)
    summary.attrs["m2_je_geschaeft"] = a.attrs["m2_je_geschaeft"]
    inputs: list[Any] = [centres, rows, areas]
    return MarketAreas(with_sources(shares, *inputs), with_sources(summary, *inputs), alpha, beta)


def beta_sensitivity(betas: Sequence[float] = (1.5, 2.0, 2.5, 3.0), **kwargs: Any) -> pd.DataFrame:
    """Each centre's expected catchment (residents of the district) for several β.

    Returns
    -------
    pandas.DataFrame
        One row per centre in the model, one column ``beta_<β>`` per value (residents), and the
        market share of the district's residents at the default β.
    """
    import pandas as pd

    runs = {b: market_areas(beta=b, **kwargs).centres for b in betas}
    first = next(iter(runs.values()))
    out = first.loc[first["attraktivitaet_m2"].notna(), ["zentrum_id", "zentrum", "rolle"]].reset_index(drop=True)
    for b, table in runs.items():
        out[f"beta_{b:g}"] = out["zentrum_id"].map(table.set_index("zentrum_id")["einwohner_erwartet"])
    return with_sources(pd.DataFrame(out), first)
