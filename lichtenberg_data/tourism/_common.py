"""Helpers shared by the tourism modules: loading, area levels, residents, placing points."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .._store import load
from ..names import BERLIN_ID, BEZIRKE, KEY_LENGTH

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

#: Area level → id column (LOR 2021; Bezirk).
AREA_IDS = {"planungsraum": "planungsraum_id", "bezirksregion": "bezirksregion_id",
            "prognoseraum": "prognoseraum_id", "bezirk": "bezirk_id"}
#: Names of the 12 Bezirke and Berlin (``"00"``).
GEBIETE = {**BEZIRKE, BERLIN_ID: "Berlin"}


def load_frame(frame: pd.DataFrame | None, dataset: str) -> pd.DataFrame:
    """``frame``, or the stored table of ``dataset`` when ``frame`` is ``None``."""
    return frame if frame is not None else load(dataset)


def asked_for(osm_pois: pd.DataFrame, mask: pd.Series, group: str) -> bool:
    """Whether the loaded OSM files asked for the objects ``mask`` selects: some of them came
    from a file of ``group`` (column ``datei_gruppe``), not only incidentally from files of other
    groups (six restaurants of the real gastronomy answers are tagged as hotels too; that is no
    survey of hotels). A table without ``datei_gruppe``: any such object.

    >>> t = pd.DataFrame({"tourism": ["hotel", "museum"], "datei_gruppe": ["gastronomie", "tourismus_kultur"]})
    >>> asked_for(t, t["tourism"] == "hotel", "tourismus_kultur"), asked_for(t, t["tourism"] == "museum", "tourismus_kultur")
    (False, True)
    """
    if "datei_gruppe" not in osm_pois.columns:
        return bool(mask.any())
    return bool((mask & (osm_pois["datei_gruppe"] == group)).any())


def check_level(level: str) -> str:
    """The id column of ``level``; a ValueError names the levels for any other value."""
    if level not in AREA_IDS:
        raise ValueError(f"level must be one of {', '.join(AREA_IDS)}, not {level!r}")
    return AREA_IDS[level]


def prefix_ids(plr: pd.Series, id_col: str) -> pd.Series:
    """The ids of a level from Planungsraum ids (``BB PP RR NN``); missing stays missing.

    >>> prefix_ids(pd.Series(["11300722", None]), "bezirksregion_id").tolist()
    ['113007', nan]
    """
    text = plr.astype(object).where(plr.notna() & (plr.astype(str) != "nan"), None)
    return text.map(lambda v: v[:KEY_LENGTH[id_col]] if isinstance(v, str) else None)


def residents(einwohner: pd.DataFrame, id_col: str) -> pd.Series:
    """Residents per area of a level from a LOR 2021 population table (its latest date).

    ``einwohner`` holds ``einwohner`` and ``planungsraum_id`` (or the level's id); below the
    Bezirk, rows of the old LOR (``lor_version`` 2006) are left out, as the points are placed in
    the LOR 2021. Per Bezirk both versions serve (the Bezirke are the same), one per date.
    """
    rows = einwohner
    if "lor_version" in rows.columns and id_col != "bezirk_id":
        rows = rows[rows["lor_version"].astype(str) == "2021"]
        if rows.empty:
            raise ValueError("einwohner has no LOR 2021 rows; the points are placed in the LOR 2021")
    time = next((c for c in ("date", "year", "jahr") if c in rows.columns), None)
    if time is not None:
        rows = rows[rows[time] == rows[time].max()]
    if "lor_version" in rows.columns and rows["lor_version"].nunique() > 1:  # a date in both: the LOR 2021
        rows = rows[rows["lor_version"].astype(str) == "2021"]
    ids = rows[id_col] if id_col in rows.columns else prefix_ids(rows["planungsraum_id"].astype(str), id_col)
    return rows["einwohner"].astype(float).groupby(ids.astype(str).to_numpy()).sum()


def add_rates(out: pd.DataFrame, people: pd.Series, counts: list[str], *, berlin: bool,
              fill: list[str] | None = None) -> pd.DataFrame:
    """Add ``einwohner`` and ``<count>_je_1000_ew`` for each of ``counts``; areas with residents
    but no row get 0 in ``fill`` (default ``counts``). ``out`` is indexed by area id; with
    ``berlin`` a row ``"00"`` gets Berlin's residents."""
    if berlin:
        people = pd.concat([people, pd.Series({BERLIN_ID: people.sum()})])
    out = out.reindex(out.index.union(people.index))
    fill = counts if fill is None else fill
    out[fill] = out[fill].fillna(0)
    out["einwohner"] = people.reindex(out.index)
    for col in counts:
        out[f"{col}_je_1000_ew"] = (out[col] / out["einwohner"] * 1000).round(2)
    return out


def with_berlin(work: pd.DataFrame, id_col: str = "gebiet_id") -> pd.DataFrame:
    """``work`` and a copy of all its rows as Berlin (``"00"``), for sums and means over the city."""
    return pd.concat([work, work.assign(**{id_col: BERLIN_ID})], ignore_index=True)


def planungsraum_of(points: pd.DataFrame, areas: gpd.GeoDataFrame | None = None, *,
                    lon: str = "longitude", lat: str = "latitude") -> pd.Series:
    """The LOR 2021 Planungsraum of each point: the given ``planungsraum_id`` where there is one,
    else by coordinates (:func:`lichtenberg_data.geo.assign`; ``areas`` default: the stored
    Planungsräume of Berlin). Points without either stay missing."""
    from .. import geo

    given = points["planungsraum_id"] if "planungsraum_id" in points.columns else pd.Series(None, index=points.index)
    given = given.astype(object).where(given.notna() & (given.astype(str) != "nan"), None)
    missing = given.isna() & points[lon].notna() & points[lat].notna()
    if missing.any():
        placed = geo.assign(points.loc[missing, [lon, lat]], "planungsraum", None, lon=lon, lat=lat, areas=areas)
        given.loc[missing] = placed["planungsraum_id"].astype(object).where(placed["planungsraum_id"].notna(), None)
    return given


def area_names(frame: Any, id_col: str, name_col: str) -> dict[str, str]:
    """``{id: name}`` from the columns of a frame, where it has both."""
    if frame is None or id_col not in frame.columns or name_col not in frame.columns:
        return {}
    pairs = frame[[id_col, name_col]].dropna().drop_duplicates(id_col)
    return dict(zip(pairs[id_col].astype(str), pairs[name_col].astype(str)))


def lor_names(level: str) -> dict[str, str]:
    """``{id: name}`` of a LOR level from the stored boundaries, or ``{}`` where none are loaded."""
    from .._errors import DataNotAvailableError
    from ..geo import boundaries

    if level == "bezirk":
        return dict(GEBIETE)
    try:
        return area_names(boundaries(level, None), AREA_IDS[level], level)
    except DataNotAvailableError:
        return {}


def finish_areas(out: pd.DataFrame, level: str, names: dict[str, str], first: list[str]) -> pd.DataFrame:
    """Index → ``gebiet_id``, add ``ebene`` and ``gebiet``, put ``first`` columns in front, sort."""
    out = out.rename_axis("gebiet_id").reset_index()
    out["gebiet_id"] = out["gebiet_id"].astype(str)
    lookup = GEBIETE if level == "bezirk" else names
    out.insert(0, "gebiet", out["gebiet_id"].map(lookup).astype(object))
    out.insert(0, "ebene", level)
    order = [*first, "ebene", "gebiet_id", "gebiet"]
    out = out[[c for c in order if c in out.columns] + [c for c in out.columns if c not in order]]
    return out.sort_values("gebiet_id", ignore_index=True)
