"""Berlin's areas: the spatial API every topic builds on.

:func:`boundaries`, :func:`aggregate`, :func:`assign`, :func:`crosswalk`,
:func:`crosswalk_table` and :func:`join` (which, like :func:`aggregate`, refuses to mix the
LOR 2021 with the old LOR valid until 2020). Their default district is
``settings.district``, so the same code serves any Berlin district.

Every boundary table has canonical columns (read and normalised from the portals' many file
variants by :mod:`lichtenberg_data._geoio`):

``bezirk_id`` ("01".."12"), ``bezirk``, ``ortsteil``, ``prognoseraum_id`` (4 digits),
``prognoseraum``, ``bezirksregion_id`` (6), ``bezirksregion``, ``planungsraum_id`` (8),
``planungsraum``, ``lor_version`` ("2021" or "2006"), ``flaeche_m2`` and ``geometry``, always
in EPSG:25833. Keys are strings with leading zeros; names are the official ones.

>>> import geopandas as gpd, shapely
>>> areas = gpd.GeoDataFrame({"planungsraum_id": ["11100101", "11100102"],
...     "planungsraum": ["Nord", "Süd"]},
...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(0, -10, 10, 0)], crs="EPSG:25833")
>>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([5, 5, 50], [5, -5, 0]), crs="EPSG:25833")
>>> assign(pts, "planungsraum", areas=areas)["planungsraum"].tolist()
['Nord', 'Süd', nan]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._errors import DataNotAvailableError, FormatError, LichtenbergDataError
from ._geoio import CRS, _clean_key, read_geofile
from ._provenance import provenance, with_sources
from ._store import load
from .names import BEZIRKE, KEY_LENGTH, LEVELS, Level, bezirk_id, bezirk_name
from .names import level as level_of

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "boundaries", "aggregate", "assign", "crosswalk", "crosswalk_table", "join", "lor_version",
    "LorVersionError", "LEVELS", "KEY_LENGTH", "Level", "level_of", "BOUNDARY_LEVELS", "district_id",
    "bezirk_id", "bezirk_name", "read_geofile", "DEFAULT_DISTRICT", "within",
]

#: The levels that have boundaries (:func:`boundaries`, :func:`assign`); :data:`LEVELS` (from
#: :mod:`lichtenberg_data.names`) describes every level.
BOUNDARY_LEVELS = tuple(name for name, lvl in LEVELS.items() if lvl.dataset)


class LorVersionError(LichtenbergDataError, ValueError):
    """A table mixes LOR versions, or has the wrong one, or keys the LOR does not know."""


# =========================================================================== LOR versions

def lor_version(df: pd.DataFrame, column: str = "planungsraum_id") -> str:
    """The LOR version of a table keyed by Planungsraum: ``"2021"`` or ``"2006"``.

    Read from the ``lor_version`` column where there is one; otherwise told by the keys
    (LOR 2021 Prognoseraum digits are 10, 20 …; old ones mostly 01, 02 …).

    Raises
    ------
    LorVersionError
        When the table mixes versions or its keys are missing or malformed.

    Examples
    --------
    >>> lor_version(pd.DataFrame({"planungsraum_id": ["11401032", "11501339"]}))
    '2021'
    >>> lor_version(pd.DataFrame({"planungsraum_id": ["11041022"]}))
    '2006'
    """
    if "lor_version" in df.columns:
        found = sorted(df["lor_version"].dropna().astype(str).unique())
        if len(found) > 1:
            raise LorVersionError(
                f"the table mixes LOR versions {found}; Planungsräume of different versions cannot be "
                "joined or summed. Convert the old ones with geo.crosswalk(...) first"
            )
        if found:
            return found[0]
    ids = _table_keys(df, column)
    return "2021" if (ids.str[3] == "0").all() else "2006"


def _table_keys(df: pd.DataFrame, column: str = "planungsraum_id") -> pd.Series:
    if column not in df.columns:
        raise LorVersionError(f"the table has no {column} column; aggregate and crosswalk need "
                              "Planungsraum keys")
    ids = df[column]
    if ids.isna().any():
        raise LorVersionError(f"{int(ids.isna().sum())} rows have no {column}; assign them first "
                              "(geo.assign) or drop them knowingly")
    try:
        return _clean_key(ids, 8, column)
    except FormatError as exc:
        raise LorVersionError(str(exc)) from None


def join(left: pd.DataFrame, right: pd.DataFrame, *, how: str = "left",
         allow_missing: bool = False, suffixes: tuple[str, str] = ("", "_rechts")) -> pd.DataFrame:
    """Join two tables on ``planungsraum_id`` - only when both are of the same LOR version.

    Joining an old-LOR table to a LOR 2021 table would leave most rows without a partner
    (the key sets are disjoint); this refuses instead. Keys of ``left`` missing in ``right``
    are refused too, unless ``allow_missing``.

    Examples
    --------
    >>> a = pd.DataFrame({"planungsraum_id": ["11401032"], "einwohner": [5]})
    >>> b = pd.DataFrame({"planungsraum_id": ["11401032"], "arbeitslose": [1]})
    >>> join(a, b).columns.tolist()
    ['planungsraum_id', 'einwohner', 'arbeitslose']
    >>> join(a, pd.DataFrame({"planungsraum_id": ["11041022"], "x": [1]}))
    Traceback (most recent call last):
    ...
    lichtenberg_data.geo.LorVersionError: cannot join LOR 2021 with LOR 2006 Planungsräume: the keys differ. Convert one table with geo.crosswalk(...) first
    """
    a, b = lor_version(left), lor_version(right)
    if a != b:
        raise LorVersionError(f"cannot join LOR {a} with LOR {b} Planungsräume: the keys differ. "
                              "Convert one table with geo.crosswalk(...) first")
    missing = sorted(set(_table_keys(left)) - set(_table_keys(right)))
    if missing and not allow_missing:
        raise LorVersionError(f"{len(missing)} planungsraum_id of the left table are missing on the right, "
                              f"e.g. {missing[:3]}; pass allow_missing=True to keep them with gaps")
    right = right.drop(columns=[c for c in ("lor_version",) if c in right and c in left])
    out = left.merge(right, on="planungsraum_id", how=how, suffixes=suffixes)
    return with_sources(out, left, right)


def _key_table(version: str) -> pd.DataFrame | None:
    """The stored LOR key list of a version, or ``None`` where none was loaded yet."""
    dataset = "lor_schluessel" if version == "2021" else "lor_planungsraeume_2006"
    try:
        table = load(dataset)
    except DataNotAvailableError:
        return None
    return pd.DataFrame(table.drop(columns="geometry", errors="ignore"))


# =========================================================================== public API

#: Default of every ``district`` argument: the district of :mod:`lichtenberg_data.settings`.
DEFAULT_DISTRICT = "<settings.district>"
_DEFAULT = DEFAULT_DISTRICT


def district_id(district: str | int | None = _DEFAULT) -> str | None:
    """The ``bezirk_id`` of a district argument as the topic functions take it.

    ``None`` means all of Berlin (returns ``None``); the default means ``settings.district``;
    anything else is resolved by :func:`lichtenberg_data.names.bezirk_id`, which raises
    :class:`~lichtenberg_data.UnknownDistrictError` for a name that is no Berlin district.

    Examples
    --------
    >>> district_id("Marzahn-Hellersdorf"), district_id(None)
    ('10', None)
    """
    if district is None:
        return None
    if district == _DEFAULT:
        from .settings import settings

        district = settings.district
    return bezirk_id(district)


def boundaries(level: str = "planungsraum", district: str | int | None = _DEFAULT) -> gpd.GeoDataFrame:
    """The polygons of one level of Berlin's areas, for one district or all of Berlin.

    Parameters
    ----------
    level
        ``bezirk``, ``ortsteil``, ``prognoseraum``, ``bezirksregion``, ``planungsraum``
        (LOR 2021) or ``planungsraum_2006`` (the old LOR valid until 2020).
    district
        A Bezirk by name or key (``"Lichtenberg"``, ``"11"``, ``11``); ``None`` for all of
        Berlin; by default ``settings.district``.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical columns (see the module docstring) in EPSG:25833, with provenance.

    Raises
    ------
    UnknownDistrictError
        For an unknown district.
    DataNotAvailableError
        When the level's dataset was never refreshed or imported.

    Examples
    --------
    >>> plr = boundaries("planungsraum")            # doctest: +SKIP
    >>> len(plr), plr["bezirk"].iloc[0]             # doctest: +SKIP
    (41, 'Lichtenberg')
    """
    dataset = level_of(level, BOUNDARY_LEVELS).dataset
    bid = district_id(district)
    gdf = load(dataset)
    if bid is not None:
        gdf = with_sources(gdf[gdf["bezirk_id"] == bid].reset_index(drop=True), gdf)
    return gdf


# --------------------------------------------------------------------------- aggregate

_TARGETS = {"planungsraum": "planungsraum_id", "bezirksregion": "bezirksregion_id",
            "prognoseraum": "prognoseraum_id", "bezirk": "bezirk_id", "berlin": None}
_TIME_COLUMNS = ("year", "date", "jahr", "stichtag", "zeit")


def aggregate(df: pd.DataFrame, to: str = "bezirk", values: str | Sequence[str] | None = None, *,
              by: str | Sequence[str] = (), keys: pd.DataFrame | None = None,
              complete: bool = True, weights: str | None = None) -> pd.DataFrame:
    """Sum a table keyed by ``planungsraum_id`` up to Bezirksregion, Prognoseraum, Bezirk or Berlin.

    The parent of each Planungsraum is read from its key (``BB PP RR NN``), so no geometry
    is needed. The table must be of one LOR version; its keys are checked against the
    LOR key list (``keys``, else the stored ``lor_schluessel`` / ``lor_planungsraeume_2006``
    where loaded).

    Parameters
    ----------
    df
        Table with ``planungsraum_id`` and the value columns.
    to
        ``bezirksregion``, ``prognoseraum``, ``bezirk`` or ``berlin``.
    values
        Columns to sum (counts); by default all numeric columns that are no keys. A rate or
        share (a column the dataset's schema lists in ``rates``, a name with ``anteil``,
        ``quote``, ``median``, ``je_…`` and the like, or the ``wert`` of an MSS indicator) is
        refused: summing rates gives nonsense such as "206 %". Give ``weights`` to average them.
    by
        Further columns to keep apart (e.g. ``"year"``, ``"geschlecht"``).
    keys
        A canonical key list (``planungsraum_id`` [+ names]) to check against.
    complete
        Refuse when a target area misses some of its Planungsräume (a sum would be too low).
    weights
        A count column (e.g. ``"einwohner"``): the values are then averaged, weighted by it,
        instead of summed - the way to bring rates and shares up a level.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, the target's id and name (``gebiet_id``/``gebiet`` for Berlin),
        ``lor_version`` and the summed values; provenance of ``df`` kept.

    Raises
    ------
    LorVersionError
        Keys missing or malformed, mixed or unknown LOR versions, incomplete areas, or
        several years summed together without ``by``.

    Examples
    --------
    >>> t = pd.DataFrame({"planungsraum_id": ["11100101", "11100102", "11200410"],
    ...                   "einwohner": [100, 50, 7]})
    >>> aggregate(t, "prognoseraum", "einwohner", complete=False)
      prognoseraum_id lor_version  einwohner
    0            1110        2021        150
    1            1120        2021          7
    >>> aggregate(t, "berlin", "einwohner", complete=False)["einwohner"].tolist()
    [157]
    >>> t["anteil_65_plus"] = [20.0, 30.0, 10.0]
    >>> aggregate(t, "berlin", "anteil_65_plus", complete=False, weights="einwohner")["anteil_65_plus"].round(2).tolist()
    [22.74]
    """
    if to not in _TARGETS or to == "planungsraum":
        raise ValueError(f"to must be one of bezirksregion, prognoseraum, bezirk, berlin, not {to!r}")
    by = [by] if isinstance(by, str) else list(by)
    values = _value_columns(df, values, by)
    if weights is None:
        rates = _rate_columns(df, values)
        if rates:
            raise ValueError(f"aggregate: {', '.join(rates)} is a rate or share, and summing rates gives "
                             "nonsense; give weights= (e.g. weights=\"einwohner\") to average it, or aggregate "
                             "the counts it is made of")
    elif weights not in df.columns:
        raise ValueError(f"aggregate: the weights column {weights!r} is not in the table")
    version = lor_version(df)
    ids = _table_keys(df)
    _check_time_columns(df, by)
    key_list = keys if keys is not None else _key_table(version)
    if key_list is not None:
        _check_against_keys(ids, key_list, to, complete, version)
    target = _TARGETS[to]
    work = pd.DataFrame(df[[*by, *values]]).copy()
    if weights is not None:
        w = pd.to_numeric(df[weights], errors="coerce").to_numpy()
        for v in values:
            work[v] = work[v] * w
        work["_weight"] = w
    if target is None:
        work["gebiet_id"], work["gebiet"] = "00", "Berlin"
        group = ["gebiet_id", "gebiet"]
    else:
        work[target] = ids.str[:KEY_LENGTH[target]].to_numpy()
        group = [target]
    sums = [*values, "_weight"] if weights is not None else values
    out = work.groupby([*by, *group], dropna=False, sort=True)[sums].sum(min_count=1).reset_index()
    if weights is not None:
        for v in values:
            out[v] = out[v] / out["_weight"]
        out = out.drop(columns="_weight")
    out = _add_names(out, to, target, df, key_list)
    out.insert(out.columns.get_loc(values[0]), "lor_version", version)
    return with_sources(out, df)


_RATE_NAMES = re.compile(r"(^|_)(anteil|quote|rate|prozent|median|mittel|durchschnitt|dichte|index|je|pro)(_|$)"
                         r"|_pct$|_je_\d+")


def _rate_columns(df: pd.DataFrame, values: Sequence[str]) -> list[str]:
    """The value columns that are rates or shares and must not be summed."""
    declared: set[str] = set()
    for entry in provenance(df):
        try:
            from .catalog import get

            declared |= set(get(entry.get("dataset", "")).schema.rates)
        except LookupError:
            pass
    mss = "indikator" in df.columns
    return [v for v in values if v in declared or _RATE_NAMES.search(str(v).lower()) or (mss and v == "wert")]


def _value_columns(df: pd.DataFrame, values: str | Sequence[str] | None, by: Sequence[str]) -> list[str]:
    if values is None:
        skip = {*by, *KEY_LENGTH, "lor_version", *_TIME_COLUMNS}
        values = [c for c in df.select_dtypes("number").columns if c not in skip and not str(c).endswith("_id")]
    values = [values] if isinstance(values, str) else list(values)
    missing = [v for v in values if v not in df.columns]
    if missing or not values:
        raise ValueError(f"value columns {missing or values} not in the table")
    return values


def _check_time_columns(df: pd.DataFrame, by: Sequence[str]) -> None:
    """Refuse summing over several dates: each ``by`` group must hold one value of each time column."""
    for col in _TIME_COLUMNS:
        if col not in df.columns or col in by:
            continue
        n = df.groupby(list(by), dropna=False)[col].nunique().max() if by else df[col].nunique()
        if n > 1:
            raise LorVersionError(f"the table holds several values of {col!r} ({df[col].nunique()}); summing "
                                  f"them would add up different dates. Pass by=[{col!r}] or filter first")


def _check_against_keys(ids: pd.Series, keys: pd.DataFrame, to: str, complete: bool, version: str) -> None:
    known = set(_clean_key(keys["planungsraum_id"], 8, "planungsraum_id"))
    unknown = sorted(set(ids) - known)
    if unknown:
        raise LorVersionError(
            f"{len(unknown)} planungsraum_id not in the LOR {version} key list, e.g. {unknown[:3]}; the table "
            "is of another LOR version or has wrong keys. Use geo.crosswalk for old Planungsräume"
        )
    if not complete or to == "planungsraum":
        return
    n = KEY_LENGTH.get(_TARGETS[to] or "", 0)
    present = {k[:n] for k in ids}
    missing = sorted(k for k in known - set(ids) if k[:n] in present)
    if missing:
        raise LorVersionError(
            f"{len(missing)} Planungsräume are missing from the table (e.g. {missing[:3]}), so the sums of "
            "their areas would be too low. Add them (with 0 where right) or pass complete=False"
        )


def _add_names(out: pd.DataFrame, to: str, target: str | None, df: pd.DataFrame,
               key_list: pd.DataFrame | None) -> pd.DataFrame:
    if target is None:
        return out
    if to == "bezirk":
        names = out[target].map(BEZIRKE)
    elif to in df.columns and target in df.columns:
        names = out[target].map(df.drop_duplicates(target).set_index(target)[to])
    elif key_list is not None and to in key_list.columns:
        names = out[target].map(key_list.assign(**{target: key_list["planungsraum_id"].str[:KEY_LENGTH[target]]})
                                .drop_duplicates(target).set_index(target)[to])
    else:
        return out
    out.insert(out.columns.get_loc(target) + 1, to, names)
    return out


# --------------------------------------------------------------------------- assign

def assign(points: pd.DataFrame, level: str = "planungsraum", district: str | int | None = None, *,
           lon: str = "longitude", lat: str = "latitude",
           areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Assign points to the areas of a level (point in polygon, vectorised with an STR-tree).

    Parameters
    ----------
    points
        A GeoDataFrame of points, or a DataFrame with WGS84 ``lon``/``lat`` columns.
    level
        A level of :func:`boundaries`.
    district
        Restrict the areas to one Bezirk (points elsewhere get no area); ``None`` = Berlin.
    lon, lat
        Column names of the coordinates in a plain DataFrame.
    areas
        The polygons to use instead of :func:`boundaries` (must have the level's columns).

    Returns
    -------
    pandas.DataFrame
        The input (same rows, order and index) with the level's id and name columns added;
        points outside every area get missing values. A point on a shared border goes to
        the area listed first.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> areas = gpd.GeoDataFrame({"bezirk_id": ["11"], "bezirk": ["Lichtenberg"]},
    ...     geometry=[shapely.box(395000, 5810000, 410000, 5825000)], crs="EPSG:25833")
    >>> pts = pd.DataFrame({"longitude": [13.52, 13.30], "latitude": [52.50, 52.50]})
    >>> assign(pts, "bezirk", areas=areas)["bezirk"].tolist()
    ['Lichtenberg', nan]
    """
    import shapely

    level_of(level, BOUNDARY_LEVELS)
    if areas is None:
        areas = boundaries(level, district)
    elif district is not None:
        areas = areas[areas["bezirk_id"] == district_id(district)]
    geoms = _point_geometries(points, lon, lat)
    polys = areas.to_crs(CRS).geometry.to_numpy() if areas.crs is not None else areas.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    area_idx, point_idx = tree.query(polys, predicate="intersects")
    first = np.full(len(geoms), -1, dtype=np.int64)
    order = np.lexsort((area_idx, point_idx))
    pi, ai = point_idx[order], area_idx[order]
    keep = np.r_[True, pi[1:] != pi[:-1]] if len(pi) else np.array([], dtype=bool)
    first[pi[keep]] = ai[keep]
    return _attach(points, areas, first, _level_columns(level, areas))


def _level_columns(level: str, areas: pd.DataFrame) -> list[str]:
    _, id_col, name_col, _ = LEVELS[level]
    cols = [id_col] if id_col == name_col else [id_col, name_col]
    if level in {"planungsraum", "planungsraum_2006"} and "lor_version" in areas:
        cols.append("lor_version")
    missing = [c for c in cols if c not in areas.columns]
    if missing:
        raise ValueError(f"the areas lack the columns {missing}")
    return cols


def _point_geometries(points: pd.DataFrame, lon: str, lat: str) -> np.ndarray:
    import shapely

    geometry = getattr(points, "geometry", None) if hasattr(points, "crs") else None
    if geometry is not None:
        if points.crs is None:
            raise ValueError("the points have no CRS; set one (e.g. points.set_crs('EPSG:4326'))")
        return points.geometry.to_crs(CRS).to_numpy()
    if lon not in points.columns or lat not in points.columns:
        raise ValueError(f"points need a geometry or the columns {lon!r} and {lat!r} (WGS84)")
    from pyproj import Transformer

    x = pd.to_numeric(points[lon], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(points[lat], errors="coerce").to_numpy(dtype=float)
    ex, ny = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(x, y)
    return shapely.points(ex, ny)


def _attach(points: pd.DataFrame, areas: pd.DataFrame, first: np.ndarray, cols: list[str]) -> pd.DataFrame:
    out = points.copy()
    hit = first >= 0
    for col in cols:
        values = pd.Series(areas[col].to_numpy(dtype=object)[np.where(hit, first, 0)], index=out.index)
        out[col] = values.where(hit, np.nan)
    return with_sources(out, points, areas)


# --------------------------------------------------------------------------- crosswalk

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
    out.attrs["provenance"] = provenance(old) + provenance(new) + provenance(population)
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



# =========================================================================== areal interpolation

def within(places: pd.DataFrame, radius_m: float | Sequence[float], values: pd.DataFrame,
           columns: str | Sequence[str] = "einwohner", *, key: str = "planungsraum_id",
           areas: gpd.GeoDataFrame | None = None, lon: str = "longitude", lat: str = "latitude") -> pd.DataFrame:
    """Counts within ``radius_m`` of each place, by areal interpolation from Planungsräume.

    Each Planungsraum contributes its count times the share of its area that lies inside the
    circle (counts are assumed spread evenly within a Planungsraum - the usual assumption of
    catchment analyses; it over-counts where a Planungsraum's people live in one corner).

    Parameters
    ----------
    places
        Points: a GeoDataFrame, or a frame with ``lon``/``lat`` (WGS84).
    radius_m
        Radius in metres, or several (one column block per radius).
    values
        A table keyed by ``key`` with the count ``columns`` (e.g. one year of ``einwohner_lor``).
    areas
        The polygons keyed by ``key`` (default: the stored LOR 2021 Planungsräume of Berlin).

    Returns
    -------
    pandas.DataFrame
        One row per place (the places' index), one column per count and radius, named
        ``<column>_<radius>m``; provenance of ``values`` and ``areas``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> areas = gpd.GeoDataFrame({"planungsraum_id": ["11100101"]},
    ...     geometry=[shapely.box(0, 0, 1000, 1000)], crs="EPSG:25833")
    >>> values = pd.DataFrame({"planungsraum_id": ["11100101"], "einwohner": [1000]})
    >>> place = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs="EPSG:25833")
    >>> round(within(place, 500, values, areas=areas)["einwohner_500m"].iloc[0])   # a quarter circle
    196
    """
    import geopandas as gpd
    import shapely

    radii = [radius_m] if isinstance(radius_m, (int, float)) else list(radius_m)
    columns = [columns] if isinstance(columns, str) else list(columns)
    if areas is None:
        areas = boundaries("planungsraum", None)
    joined = areas[[key, "geometry"]].merge(values[[key, *columns]], on=key, how="inner")
    polys = joined.geometry.to_crs(CRS).to_numpy() if joined.crs is not None else joined.geometry.to_numpy()
    area = shapely.area(polys)
    pts = places.to_crs(CRS).geometry.to_numpy() if isinstance(places, gpd.GeoDataFrame) \
        else _point_geometries(places, lon, lat)
    tree = shapely.STRtree(polys)
    out = pd.DataFrame(index=places.index)
    counts = np.nan_to_num(joined[columns].to_numpy(dtype=float))  # a suppressed count adds nothing
    for r in radii:
        circles = shapely.buffer(pts, float(r), quad_segs=16)
        ci, pi = tree.query(circles, predicate="intersects")
        share = shapely.area(shapely.intersection(circles[ci], polys[pi])) / area[pi]
        sums = np.zeros((len(pts), len(columns)))
        np.add.at(sums, ci, counts[pi] * share[:, None])
        for j, c in enumerate(columns):
            out[f"{c}_{int(r)}m"] = sums[:, j]
    return with_sources(out, values, areas)
