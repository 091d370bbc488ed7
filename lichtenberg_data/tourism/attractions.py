"""The district's attractions: location, visitor numbers, what lies around them.

The curated table ``curated/attraktionen.csv`` holds one row per attraction and published
value, each with the page it was read from. Where an attraction is one of the publicly funded
cultural institutions (column ``einrichtung_besucherstatistik``), :func:`visits` takes the
Senate's visitor statistics (``besucherstatistik``) for the years it covers, in place of press
figures of the same year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from .. import catalog
from .._errors import DataNotAvailableError
from .._provenance import freeze, with_sources
from ..geo import DEFAULT_DISTRICT, district_id
from ._common import asked_for, load_frame

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["attractions", "visits", "attraction_points", "attraction_places", "around", "around_attractions", "nearby",
           "coverage_note", "short_name", "RADIUS_M", "KINDS", "GASTRONOMY"]

#: Radius of "around an attraction" in metres.
RADIUS_M = 1000
_OFFICIAL = "Besucherstatistik der Senatsverwaltung für Kultur"


def _attraction_provenance(table: pd.DataFrame) -> dict[str, Any]:
    urls = table.loc[table["besuche"].notna(), "quelle_url"].dropna()
    hosts = sorted({urlparse(u).netloc.removeprefix("www.") for u in urls})
    years = table["jahr"].dropna()
    return {
        "dataset": "attraktionen", "title": "Sehenswürdigkeiten im Bezirk Lichtenberg mit veröffentlichten Besuchszahlen",
        "source_title": "veröffentlichte Besuchszahlen, Quelle je Wert in lichtenberg_data/curated/attraktionen.csv",
        "publisher": ", ".join(hosts),
        "license": "Zusammenstellung lichtenberg_data aus den genannten Quellen", "license_url": "",
        "source_url": "", "reference_date": f"{int(years.max())}-12-31" if len(years) else None,
        "retrieved_at": None, "sample": False,
    }


def attractions() -> gpd.GeoDataFrame:
    """The district's attractions and their published yearly visitor numbers (curated table).

    One row per attraction and published value (an attraction without any published number has
    one row with empty values): ``attraktion``, ``name``, ``ortsteil``, ``adresse``,
    ``adresse_quelle``, ``lon``/``lat`` (WGS84; empty where no citable coordinates were found),
    ``koordinaten_quelle``, ``jahr`` (empty for undated statements), ``besuche``, ``angabe``
    ("genau", "circa", "mehr als", "mindestens"), ``quelle_url`` (the page of each value),
    ``einrichtung_besucherstatistik`` (its name in ``besucherstatistik``, where it is one of the
    institutions counted there), ``hinweis``, ``bezirk_id`` and the point ``geometry`` in EPSG:25833.

    Values come from the pages named in lichtenberg-facts.md §4.3 (newspapers, the institutions'
    press releases); they are not official statistics and use different counting rules.

    Examples
    --------
    >>> gdf = attractions()
    >>> gdf.crs.to_epsg(), int(gdf.loc[(gdf["attraktion"] == "tierpark") & (gdf["jahr"] == 2013), "besuche"].iloc[0])
    (25833, 1035899)
    """
    import geopandas as gpd

    path = resources.files("lichtenberg_data") / "curated" / "attraktionen.csv"
    with path.open("rb") as fh:
        table = pd.read_csv(fh, dtype={"attraktion": "str", "adresse": "str", "einrichtung_besucherstatistik": "str"},
                            encoding="utf-8")
    for col in ("jahr", "besuche"):
        table[col] = table[col].astype("Int64")
    table["bezirk_id"] = "11"
    points = gpd.points_from_xy(table["lon"], table["lat"], crs="EPSG:4326")
    gdf = gpd.GeoDataFrame(table, geometry=points, crs="EPSG:4326").to_crs("EPSG:25833")
    gdf.loc[table["lon"].isna(), "geometry"] = None
    gdf.attrs["provenance"] = freeze([_attraction_provenance(table)])
    return gdf


def short_name(name: Any) -> str:
    """The name without its addition in brackets or after a dash.

    >>> short_name("Theater an der Parkaue – Junges Staatstheater Berlin"), short_name("Stasimuseum (Normannenstraße)")
    ('Theater an der Parkaue', 'Stasimuseum')
    """
    return re.split(r" \(| – ", str(name))[0]


def _of_district(table: pd.DataFrame, district: Any) -> pd.DataFrame:
    key = district_id(district)
    if key is None or "bezirk_id" not in table.columns:
        return table
    return with_sources(table[table["bezirk_id"] == key], table)


def _official(stats: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``besucherstatistik`` (``besuche_insgesamt``) for the attractions named in ``names``."""
    wanted = names.dropna(subset=["einrichtung_besucherstatistik"])
    rows = stats[(stats["merkmal"] == "besuche_insgesamt") & stats["wert"].notna()
                 & stats["einrichtung"].isin(set(wanted["einrichtung_besucherstatistik"]))]
    out = rows.merge(wanted, left_on="einrichtung", right_on="einrichtung_besucherstatistik")
    landing = catalog.get("besucherstatistik").landing_page
    return pd.DataFrame({"attraktion": out["attraktion"], "name": out["name"], "jahr": out["jahr"].astype("Int64"),
                         "besuche": out["wert"].round().astype("Int64"), "angabe": "genau", "quelle": _OFFICIAL,
                         "quelle_url": landing})


def visits(besucherstatistik: pd.DataFrame | None = None, district: Any = DEFAULT_DISTRICT, *,
           table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Visitor numbers per attraction and year: the Senate's statistics where they count the
    institution, else the published figures of the curated table.

    Parameters
    ----------
    besucherstatistik
        The ``besucherstatistik`` table (``None`` loads it).
    district
        Keep the attractions of this Bezirk (default ``settings.district``; the curated table
        lists Lichtenberg's); ``None`` keeps all.
    table
        The curated table (default :func:`attractions`).

    Returns
    -------
    pandas.DataFrame
        ``attraktion``, ``name``, ``jahr`` (empty for undated statements), ``besuche``, ``angabe``,
        ``quelle`` (the Senate's statistics or the host of the page), ``quelle_url``,
        ``andere_angabe`` (a published figure of the same year that the official one replaced).
        Sorted by attraction and year; provenance of both.

    Examples
    --------
    >>> tab = pd.DataFrame({"attraktion": ["a", "a", "b"], "name": ["A", "A", "B"], "jahr": pd.array([2011, 2015, None],
    ...     dtype="Int64"), "besuche": pd.array([340, 400, 90], dtype="Int64"), "angabe": ["circa", "circa", "circa"],
    ...     "quelle_url": ["https://x.de/1", "https://x.de/2", "https://y.de"], "einrichtung_besucherstatistik": ["A e.V.", "A e.V.", None]})
    >>> stats = pd.DataFrame({"jahr": [2011, 2012], "einrichtung": "A e.V.", "merkmal": "besuche_insgesamt", "wert": [331.0, 350.0]})
    >>> visits(stats, table=tab)[["attraktion", "jahr", "besuche", "andere_angabe"]].values.tolist()
    [['a', 2011, 331, 340], ['a', 2012, 350, <NA>], ['a', 2015, 400, <NA>], ['b', <NA>, 90, <NA>]]
    """
    cur = _of_district(table if table is not None else attractions(), district)
    stats = load_frame(besucherstatistik, "besucherstatistik")
    names = cur[["attraktion", "name", "einrichtung_besucherstatistik"]].drop_duplicates("attraktion")
    official = _official(stats, names)
    press = cur.dropna(subset=["besuche"])[["attraktion", "name", "jahr", "besuche", "angabe", "quelle_url"]].copy()
    press["quelle"] = press["quelle_url"].map(lambda u: urlparse(str(u)).netloc.removeprefix("www."))
    both = press.merge(official[["attraktion", "jahr"]], on=["attraktion", "jahr"], how="left", indicator=True)
    replaced = both["_merge"].eq("both").to_numpy()
    other = press[replaced].set_index(["attraktion", "jahr"])["besuche"]
    other = other[~other.index.duplicated()]
    out = pd.concat([official, press[~replaced]], ignore_index=True)
    keys = pd.MultiIndex.from_arrays([out["attraktion"], out["jahr"]])
    out["andere_angabe"] = pd.array(other.reindex(keys).to_numpy(), dtype="Int64")
    out = out.sort_values(["attraktion", "jahr"], na_position="last", ignore_index=True)
    out = out[["attraktion", "name", "jahr", "besuche", "angabe", "quelle", "quelle_url", "andere_angabe"]]
    return with_sources(out, cur, stats) if len(official) else with_sources(out, cur)


def attraction_points(visit_table: pd.DataFrame | None = None, district: Any = DEFAULT_DISTRICT, *,
                      table: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """One point per attraction with coordinates and its latest dated visitor number.

    Parameters
    ----------
    visit_table
        From :func:`visits` (``None`` computes it, which needs ``besucherstatistik``).
    district
        Keep the attractions of this Bezirk (default ``settings.district``); ``None`` keeps all.
        A district without curated attractions gives an empty table.
    table
        The curated table (default :func:`attractions`).

    Returns
    -------
    geopandas.GeoDataFrame
        ``attraktion``, ``name``, ``ortsteil``, ``jahr`` and ``besuche`` (the latest year with a
        number; an undated statement where there is none), ``angabe``, ``quelle``, ``label``
        (German, the name without its addition, e.g. ``"Tierpark Berlin\\nca. 1.600.000 (2022)"``) and ``geometry`` (EPSG:25833);
        attractions without citable coordinates are left out.
    """
    import geopandas as gpd

    cur = _of_district(table if table is not None else attractions(), district)
    vis = visit_table if visit_table is not None else visits(table=cur, district=None)
    latest = (vis.assign(_dated=vis["jahr"].notna()).sort_values(["attraktion", "_dated", "jahr"])
              .drop_duplicates("attraktion", keep="last").drop(columns="_dated"))
    places = cur.dropna(subset=["lon"]).drop_duplicates("attraktion")[["attraktion", "ortsteil", "geometry"]]
    out = places.merge(latest.drop(columns=["quelle_url", "andere_angabe"]), on="attraktion", how="left")
    out["name"] = out["name"].fillna(out["attraktion"].map(dict(zip(cur["attraktion"], cur["name"]))))

    def label(row: pd.Series) -> str:
        name = short_name(row["name"])
        if pd.isna(row["besuche"]):
            return name
        when = f" ({int(row['jahr'])})" if pd.notna(row["jahr"]) else " (ohne Jahr)"
        prefix = {"circa": "ca. ", "mehr als": "über ", "mindestens": "mind. "}.get(str(row["angabe"]), "")
        number = f"{int(row['besuche']):,}".replace(",", ".")
        return f"{name}\n{prefix}{number}{when}"

    out["label"] = out.apply(label, axis=1)
    cols = ["attraktion", "name", "ortsteil", "jahr", "besuche", "angabe", "quelle", "label", "geometry"]
    gdf = gpd.GeoDataFrame(out[cols], geometry="geometry", crs=cur.crs)
    return with_sources(gdf, vis, cur)


def around(places: gpd.GeoDataFrame, points: gpd.GeoDataFrame, radius_m: float = RADIUS_M, *,
           by: str | None = None) -> pd.DataFrame:
    """How many ``points`` lie within ``radius_m`` metres of each place (straight-line distance).

    Parameters
    ----------
    places, points
        Point layers with a CRS (measured in EPSG:25833); points without geometry are skipped.
    by
        A column of ``points`` to count apart (one column per value); ``None`` counts all.

    Returns
    -------
    pandas.DataFrame
        The places' index; ``anzahl`` or one column per value of ``by`` (0 where none).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> place = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs="EPSG:25833")
    >>> pts = gpd.GeoDataFrame({"art": ["a", "a", "b"]}, geometry=[shapely.Point(999, 0), shapely.Point(1001, 0),
    ...     shapely.Point(0, 10)], crs="EPSG:25833")
    >>> around(place, pts, by="art").values.tolist()
    [[1, 1]]
    """
    import shapely

    located = points[points.geometry.notna() & ~points.geometry.is_empty]
    geoms = located.geometry.to_crs("EPSG:25833").to_numpy()
    centres = places.geometry.to_crs("EPSG:25833").to_numpy()
    pi, gi = shapely.STRtree(geoms).query(centres, predicate="dwithin", distance=float(radius_m))
    labels = located[by].astype(str).to_numpy()[gi] if by is not None else np.full(len(gi), "anzahl")
    values = sorted(located[by].dropna().astype(str).unique()) if by is not None else ["anzahl"]
    hits = pd.DataFrame({"place": pi, "label": labels})
    counts = hits.groupby(["place", "label"]).size().unstack(fill_value=0) if len(hits) else pd.DataFrame()
    counts = counts.reindex(index=range(len(places)), columns=values, fill_value=0)
    counts.index = places.index
    counts.columns.name = None
    return counts.astype("int64")


#: German labels of the kinds of OSM objects counted around the attractions (plural).
KINDS = {"gastronomie": "Gastronomie", "unterkunft": "Unterkünfte", "museum": "Museen"}
_ENGLISH = {"gastronomie": "gastronomy", "unterkunft": "accommodation", "museum": "museums"}
#: The ``osm_pois`` group whose files ask for each kind (see :func:`._common.asked_for`).
_KIND_GROUP = {"gastronomie": "gastronomie", "unterkunft": "tourismus_kultur", "museum": "tourismus_kultur"}
#: German labels of OSM ``amenity`` values of gastronomy (plural), in the order they are named.
GASTRONOMY = {"restaurant": "Restaurants", "cafe": "Cafés", "fast_food": "Imbisse", "bar": "Bars", "pub": "Kneipen",
              "biergarten": "Biergärten", "ice_cream": "Eiscafés", "food_court": "Food-Courts",
              "nightclub": "Clubs"}


def _osm_kinds(pois: pd.DataFrame) -> pd.Series:
    """``gastronomie`` / ``museum`` / ``unterkunft`` / missing for each OSM object, from its tags
    (its ``tourism`` tag first: a hotel with a restaurant is accommodation, a museum bar a museum)."""
    from .supply import ACCOMMODATION

    kind = pd.Series(None, index=pois.index, dtype=object)
    kind[pois["amenity"].isin(list(GASTRONOMY))] = "gastronomie"
    kind[pois["tourism"] == "museum"] = "museum"
    kind[pois["tourism"].isin(list(ACCOMMODATION))] = "unterkunft"
    return kind


def _held(src: pd.DataFrame, kind: pd.Series, k: str) -> bool:
    """Whether the loaded files asked for objects of kind ``k`` (not only incidentally)."""
    return asked_for(src, kind == k, _KIND_GROUP[k])


def _joined(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} und {words[-1]}"


_MISSING = {"unterkunft": "ohne Unterkünfte: die geladenen OpenStreetMap-Auszüge erfassen keine Hotels, Hostels oder "
                          "Pensionen",
            "museum": "ohne Museen: die geladenen OpenStreetMap-Auszüge erfassen keine Museen"}


def coverage_note(osm_pois: pd.DataFrame | None = None, radius_m: float | None = RADIUS_M,
                  kinds: Sequence[str] = ("gastronomie", "unterkunft")) -> str:
    """What the loaded OSM data hold around the attractions, in German, for a chart's subtitle:
    the kinds of gastronomy found (within ``radius_m``, where given) and which of ``kinds`` the
    loaded files do not cover at all.

    Examples
    --------
    >>> pois = pd.DataFrame({"amenity": ["restaurant", "bar", None], "tourism": [None, None, "museum"]})
    >>> coverage_note(pois)
    'Restaurants und Bars in OpenStreetMap im Umkreis von 1.000 m; ohne Unterkünfte: die geladenen OpenStreetMap-Auszüge erfassen keine Hotels, Hostels oder Pensionen'
    """
    src = load_frame(osm_pois, "osm_pois")
    kind = _osm_kinds(src)
    found = set(src.loc[kind == "gastronomie", "amenity"]) if _held(src, kind, "gastronomie") else set()
    within = f" im Umkreis von {radius_m:,.0f} m".replace(",", ".") if radius_m is not None else ""
    parts = [f"{_joined([label for value, label in GASTRONOMY.items() if value in found])} in OpenStreetMap{within}"
             if found else "ohne Gastronomie: die geladenen OpenStreetMap-Auszüge erfassen keine Restaurants, Cafés "
             "oder Bars"]
    parts += [_MISSING[k] for k in kinds if k in _MISSING and not _held(src, kind, k)]
    return "; ".join(parts)


def attraction_places(district: Any = DEFAULT_DISTRICT) -> gpd.GeoDataFrame:
    """The attractions with coordinates, one point each: ``attraktion``, ``name``, ``kurzname``
    (:func:`short_name`) and the point (EPSG:25833), for maps; provenance of the curated table."""
    cur = _of_district(attractions(), district)
    places = cur.dropna(subset=["lon"]).drop_duplicates("attraktion")[["attraktion", "name", "geometry"]]
    places = places.assign(kurzname=places["name"].map(short_name))[["attraktion", "name", "kurzname", "geometry"]]
    return with_sources(places.reset_index(drop=True), cur)


def _places(district: Any, places: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    return places if places is not None else attraction_places(district)


def around_attractions(osm_pois: pd.DataFrame | None = None, radius_m: float = RADIUS_M,
                       district: Any = DEFAULT_DISTRICT, *, places: gpd.GeoDataFrame | None = None,
                       kinds: Sequence[str] = ("gastronomie", "unterkunft")) -> pd.DataFrame:
    """Gastronomy, accommodation and museums mapped in OSM within ``radius_m`` of each attraction.

    Gastronomy: ``amenity`` = restaurant, cafe, fast_food, bar, pub, biergarten, ice_cream,
    food_court or nightclub (:data:`GASTRONOMY`); accommodation: ``tourism`` = hotel, hostel,
    guest_house, apartment, …; museums: ``tourism`` = museum (an object with a ``tourism`` tag
    counts by it, not as gastronomy).

    Parameters
    ----------
    osm_pois
        The ``osm_pois`` table (``None`` loads it).
    district
        The Bezirk of the attractions (default ``settings.district``); ``None`` keeps all.
    places
        The attractions (default: the curated table's with coordinates); any point layer with
        ``name``.
    kinds
        The columns to count, of :data:`KINDS`.

    Returns
    -------
    pandas.DataFrame
        ``attraktion``, ``name``, ``kurzname``, ``radius_m`` and one count per kind; a kind the
        loaded files did not ask for is empty (not 0: not loaded is not none there), also where
        a few objects of it came incidentally with other files (restaurants tagged as hotels),
        and listed in ``attrs["fehlt"]``. Provenance of ``osm_pois`` and the attractions.

    Raises
    ------
    DataNotAvailableError
        When ``osm_pois`` holds none of the kinds asked for (groups not loaded).
    """
    src = load_frame(osm_pois, "osm_pois")
    kind = _osm_kinds(src)
    held = [k for k in kinds if _held(src, kind, k)]
    if not held:
        raise DataNotAvailableError(
            f"osm_pois holds no {' or '.join(_ENGLISH.get(k, k) for k in kinds)}: refresh its groups 'Gastronomie' and "
            "'Tourismus und Kultur' (`lichtenberg-data refresh osm_pois`) or import Overpass answers of them",
            dataset="osm_pois")
    places = _places(district, places)
    pois = src.assign(_art=kind)
    counts = around(places, pois[pois["_art"].notna()], radius_m, by="_art").reindex(columns=list(kinds), fill_value=0)
    counts = counts.astype("Int64")
    for k in kinds:
        if k not in held:
            counts[k] = pd.NA
    out = pd.DataFrame({c: places[c] for c in ("attraktion", "name") if c in places.columns}, index=places.index)
    if "name" in out.columns:
        out["kurzname"] = out["name"].map(short_name)
    out["radius_m"] = int(radius_m)
    out = with_sources(pd.concat([out, counts], axis=1).reset_index(drop=True), src, places)
    out.attrs["fehlt"] = [k for k in kinds if k not in held]
    return out


def nearby(osm_pois: pd.DataFrame | None = None, radius_m: float = RADIUS_M, district: Any = DEFAULT_DISTRICT, *,
           places: gpd.GeoDataFrame | None = None, kinds: Sequence[str] = ("gastronomie",),
           district_kinds: Sequence[str] = ("museum",)) -> gpd.GeoDataFrame:
    """OSM objects for a map of the attractions: ``kinds`` within ``radius_m`` of any attraction,
    ``district_kinds`` anywhere in the district (the museums of the Bezirk, wherever they lie);
    kinds the loaded files did not ask for are left out (see :func:`around_attractions`).

    Returns
    -------
    geopandas.GeoDataFrame
        ``osm_type``, ``osm_id``, ``name``, ``amenity``, ``tourism``, ``art`` (of :data:`KINDS`),
        ``art_label`` (German) and the point (EPSG:25833); provenance of ``osm_pois`` and the
        attractions.
    """
    import numpy as np
    import shapely

    src = load_frame(osm_pois, "osm_pois")
    places = _places(district, places)
    kind = _osm_kinds(src)
    pois = src.assign(art=kind)
    pois = pois[pois["art"].isin([k for k in (*kinds, *district_kinds) if _held(src, kind, k)])
                & pois.geometry.notna()].to_crs("EPSG:25833")
    centres = places.geometry.to_crs("EPSG:25833").to_numpy()
    hit, _ = shapely.STRtree(centres).query(pois.geometry.to_numpy(), predicate="dwithin", distance=float(radius_m))
    near = np.zeros(len(pois), dtype=bool)
    near[hit] = True
    key = district_id(district)
    in_district = (pois["bezirk_id"] == key).to_numpy() if key is not None else np.ones(len(pois), dtype=bool)
    keep = (near & pois["art"].isin(list(kinds)).to_numpy()) | (in_district & pois["art"].isin(list(district_kinds)).to_numpy())
    out = pois[keep]
    out = out.assign(art_label=out["art"].map(KINDS))
    cols = ["osm_type", "osm_id", "name", "amenity", "tourism", "art", "art_label", "geometry"]
    return with_sources(out[cols].reset_index(drop=True), src, places)
