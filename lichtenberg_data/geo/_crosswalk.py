"""Carry counts between the old LOR (2006) and the LOR 2021 by area or population shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._geoio import CRS
from .._provenance import freeze, provenance, with_sources
from ..names import KEY_LENGTH
from ._aggregate import _check_time_columns, _value_columns
from ._areas import boundaries
from ._lor import LorVersionError, _table_keys, lor_version

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd


_OTHER = {"2006": "2021", "2021": "2006"}


def _version_level(version: str) -> str:
    if version not in _OTHER:
        raise ValueError(f"LOR version must be '2021' or '2006', not {version!r}")
    return "planungsraum" if version == "2021" else "planungsraum_2006"


def crosswalk_table(source: str = "2006", target: str = "2021", *, weights: str = "area",
                    population: gpd.GeoDataFrame | None = None, population_column: str = "einwohner",
                    old: gpd.GeoDataFrame | None = None, new: gpd.GeoDataFrame | None = None,
                    min_share: float = 0.01) -> pd.DataFrame:
    """Weights that move counts from the Planungsräume of one LOR version to the other.

    Each source Planungsraum is cut by the target Planungsräume. Its share in each piece is
    the piece's share of its area (``weights="area"``) or of its residents
    (``weights="population"`` with a ``population`` layer of points or polygons, e.g.
    blocks with residents). Pieces below ``min_share`` (slivers from differently digitised
    borders) are dropped; the shares of each source Planungsraum are then rescaled to sum
    to exactly 1, so a crosswalk preserves totals.

    Parameters
    ----------
    source, target
        ``"2006"`` (the old LOR) and ``"2021"``, either way round.
    weights
        ``"area"`` or ``"population"``.
    population, population_column
        The population layer and its count column (for ``weights="population"``). A source
        Planungsraum without residents in the layer falls back to area weights.
    old, new
        The source and target polygons (default: :func:`boundaries` of all Berlin).
    min_share
        Smallest share kept (default 1 %: on the real LOR, pieces below it are slivers along
        borders digitised differently; dropping them keeps e.g. Lichtenberg's total exact).

    Returns
    -------
    pandas.DataFrame
        ``source_id``, ``target_id``, ``share`` (sums to 1 per ``source_id``),
        ``overlap_m2`` and ``coverage`` (the part of the source area covered by target areas).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> old = gpd.GeoDataFrame({"planungsraum_id": ["01011101"]},
    ...     geometry=[shapely.box(0, 0, 100, 100)], crs="EPSG:25833")
    >>> new = gpd.GeoDataFrame({"planungsraum_id": ["01100101", "01100102"]},
    ...     geometry=[shapely.box(0, 0, 25, 100), shapely.box(25, 0, 100, 100)], crs="EPSG:25833")
    >>> crosswalk_table(old=old, new=new)[["source_id", "target_id", "share"]].values.tolist()
    [['01011101', '01100101', 0.25], ['01011101', '01100102', 0.75]]
    """
    import geopandas as gpd
    import shapely

    if target != _OTHER.get(source):
        raise ValueError(f"crosswalk goes between LOR '2006' and '2021', not {source!r} → {target!r}")
    old = old if old is not None else boundaries(_version_level(source), None)
    new = new if new is not None else boundaries(_version_level(target), None)
    a = shapely.make_valid(old.to_crs(CRS).geometry.to_numpy())
    b = shapely.make_valid(new.to_crs(CRS).geometry.to_numpy())
    ia, ib = shapely.STRtree(b).query(a, predicate="intersects")
    pieces = shapely.intersection(a[ia], b[ib])
    table = pd.DataFrame({
        "source_id": old["planungsraum_id"].to_numpy()[ia], "target_id": new["planungsraum_id"].to_numpy()[ib],
        "overlap_m2": shapely.area(pieces),
    })
    table["weight"] = table["overlap_m2"]
    if weights == "population":
        if population is None:
            raise ValueError("weights='population' needs a population layer (points or polygons)")
        table["weight"] = _population_in(gpd.GeoSeries(pieces, crs=CRS), population, population_column)
        no_people = table.groupby("source_id")["weight"].transform("sum") <= 0
        table.loc[no_people, "weight"] = table.loc[no_people, "overlap_m2"]
    elif weights != "area":
        raise ValueError(f"weights must be 'area' or 'population', not {weights!r}")
    source_area = pd.Series(shapely.area(a), index=old["planungsraum_id"].to_numpy())
    out = _shares(table, min_share)
    out["coverage"] = (out.groupby("source_id")["overlap_m2"].transform("sum")
                       / out["source_id"].map(source_area)).clip(upper=1.0)
    missing = sorted(set(old["planungsraum_id"]) - set(out["source_id"]))
    if missing:
        raise LorVersionError(f"{len(missing)} source Planungsräume overlap no target area, e.g. {missing[:3]}; "
                              "check that both layers cover the same city")
    out.attrs["provenance"] = freeze(provenance(old) + provenance(new) + provenance(population))
    return out


def _shares(table: pd.DataFrame, min_share: float) -> pd.DataFrame:
    total = table.groupby("source_id")["weight"].transform("sum")
    table["share"] = table["weight"] / total.where(total > 0)
    table = table[table["share"] >= min_share].copy()
    table["share"] = table["share"] / table.groupby("source_id")["share"].transform("sum")
    table = table.sort_values(["source_id", "target_id"], ignore_index=True)
    return table[["source_id", "target_id", "share", "overlap_m2"]]


def _population_in(pieces: gpd.GeoSeries, population: gpd.GeoDataFrame, column: str) -> np.ndarray:
    """Residents of the population layer in each piece (blocks split by area share)."""
    import shapely

    pop = population.to_crs(CRS)
    geoms = pop.geometry.to_numpy()
    counts = pd.to_numeric(pop[column], errors="coerce").fillna(0).to_numpy(dtype=float)
    ipiece, ipop = shapely.STRtree(geoms).query(pieces.to_numpy(), predicate="intersects")
    if shapely.get_type_id(geoms).max(initial=0) in (0, 4):  # points
        inside = np.ones(len(ipiece), dtype=float)
    else:
        cut = shapely.area(shapely.intersection(pieces.to_numpy()[ipiece], geoms[ipop]))
        inside = np.divide(cut, shapely.area(geoms[ipop]), out=np.zeros(len(cut)), where=shapely.area(geoms[ipop]) > 0)
    return np.bincount(ipiece, weights=counts[ipop] * inside, minlength=len(pieces))


def crosswalk(df: pd.DataFrame, values: str | Sequence[str] | None = None, source: str = "2006",
              target: str = "2021", *, weights: str = "area", population: gpd.GeoDataFrame | None = None,
              population_column: str = "einwohner", by: str | Sequence[str] = (),
              table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Move counts from the Planungsräume of one LOR version to those of the other.

    Each source value is split over the target Planungsräume by the shares of
    :func:`crosswalk_table` (area, or residents where a population layer is given) and
    summed per target, so Berlin's total is kept exactly. Use it for counts, not rates.

    Parameters
    ----------
    df
        Table keyed by ``planungsraum_id`` of the ``source`` version.
    values
        Columns to move; by default all numeric columns that are no keys.
    source, target
        ``"2006"`` → ``"2021"`` or back.
    weights, population, population_column
        See :func:`crosswalk_table`.
    by
        Columns to keep apart (e.g. ``"year"``).
    table
        A ready crosswalk table (from :func:`crosswalk_table`), e.g. to reuse it.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``planungsraum_id`` (target version), ``bezirksregion_id``,
        ``prognoseraum_id``, ``bezirk_id``, ``lor_version`` and the values (as floats).

    Raises
    ------
    LorVersionError
        When the table is not of the ``source`` version or has keys the crosswalk lacks.

    Examples
    --------
    >>> cw = pd.DataFrame({"source_id": ["01011101", "01011101"],
    ...     "target_id": ["01100101", "01100102"], "share": [0.25, 0.75], "overlap_m2": [1.0, 3.0]})
    >>> t = pd.DataFrame({"planungsraum_id": ["01011101"], "einwohner": [100]})
    >>> crosswalk(t, "einwohner", table=cw)[["planungsraum_id", "einwohner"]].values.tolist()
    [['01100101', 25.0], ['01100102', 75.0]]
    """
    by = [by] if isinstance(by, str) else list(by)
    values = _value_columns(df, values, by)
    found = lor_version(df)
    if found != source:
        raise LorVersionError(f"the table is on LOR {found}, not {source}; nothing to convert")
    _check_time_columns(df, by)
    if table is None:
        table = crosswalk_table(source, target, weights=weights, population=population,
                                population_column=population_column)
    ids = _table_keys(df)
    unknown = sorted(set(ids) - set(table["source_id"]))
    if unknown:
        raise LorVersionError(f"{len(unknown)} planungsraum_id have no crosswalk entry, e.g. {unknown[:3]}. "
                              f"Check that the table is on LOR {source}")
    work = pd.DataFrame(df[[*by, *values]]).assign(source_id=ids.to_numpy())
    merged = work.merge(table[["source_id", "target_id", "share"]], on="source_id", how="inner")
    for v in values:
        merged[v] = pd.to_numeric(merged[v], errors="coerce").astype(float) * merged["share"]
    out = (merged.groupby([*by, "target_id"], sort=True, dropna=False)[values].sum(min_count=1)
           .reset_index().rename(columns={"target_id": "planungsraum_id"}))
    pos = len(by) + 1
    for parent in ("bezirksregion_id", "prognoseraum_id", "bezirk_id"):
        out.insert(pos, parent, out["planungsraum_id"].str[:KEY_LENGTH[parent]])
        pos += 1
    out.insert(pos, "lor_version", target)
    return with_sources(out, df, table)
