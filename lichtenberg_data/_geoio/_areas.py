"""Normalise Bezirk and Ortsteil tables to canonical columns; the attribute aliases, key
cleaning and finishing that the LOR levels share (private)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .._errors import FormatError, UnknownDistrictError
from ..names import BEZIRKE, ORTSTEILE, bezirk_id, fold
from ..names import BOUNDARY_COLUMNS as COLUMNS
from ._crs import CRS

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

#: Attribute names (lowercased) each canonical column is read from, first match wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "planungsraum_id": ("plr_id", "planungsraum (nummer)", "schlüssel", "schluessel", "raumid"),
    "planungsraum": ("plr_name", "planungsraum (name)", "planungsraum", "plr_nam"),
    "bezirksregion_id": ("bzr_id", "bezirksregion (nummer)", "bzr"),
    "bezirksregion": ("bzr_name", "bezirksregion (name)", "bezirksregion", "bzrname", "bzr_nam"),
    "prognoseraum_id": ("pgr_id", "prognoseraum (nummer)", "pgr"),
    "prognoseraum": ("pgr_name", "prognoseraum (name)", "prognoseraum", "pgrname", "pgr_nam"),
    "bezirk_key": ("bez_id", "gemeinde_schluessel", "gem", "bez"),
    "bezirk": ("namgem", "gemeinde_name", "bezirksname", "bez_name", "bezname", "bezirk", "bez"),
    "ortsteil": ("nam", "oteil", "ortsteil", "ortsteilname", "ortst-name"),
}

def _pick(df: pd.DataFrame, canonical: str, fallback: Sequence[str] = ()) -> pd.Series | None:
    """The first column of ``df`` (lowercased names) that is an alias of ``canonical``,
    else one of the ``fallback`` names."""
    lower = {str(c).strip().lower(): c for c in df.columns}
    for alias in (*ALIASES.get(canonical, (canonical,)), *fallback):
        if alias in lower:
            return df[lower[alias]]
    return None


def no_column(canonical: str, df: pd.DataFrame, fallback: Sequence[str] = ()) -> str:
    """The cause of a file without any column an attribute is read from: the names looked for
    and the columns found.

    >>> no_column("bezirksregion", pd.DataFrame(columns=["id", "name", "geometry"]))
    "no bezirksregion column (looked for bzr_name, 'bezirksregion (name)', bezirksregion, bzrname, bzr_nam; found id, name)"
    """
    names = ", ".join(a if a.replace("_", "").isalnum() else repr(a)
                      for a in (*ALIASES.get(canonical, (canonical,)), *fallback))
    found = ", ".join(str(c) for c in df.columns if str(c) != "geometry")
    return f"no {canonical} column (looked for {names}; found {found or 'none'})"


def _clean_key(values: pd.Series, length: int, what: str) -> pd.Series:
    """Keys as strings of ``length`` digits; one lost leading zero is restored.

    >>> _clean_key(pd.Series(["1100101", 11100102, "11100103.0"]), 8, "x").tolist()
    ['01100101', '11100102', '11100103']
    """
    text = values.astype(object).map(lambda v: None if v is None or v != v else str(v).strip())
    text = text.str.replace(r"\.0$", "", regex=True)
    text = text.where(text.str.len() != length - 1, "0" + text)
    bad = text[~text.fillna("").str.fullmatch(rf"\d{{{length}}}")]
    if len(bad):
        raise FormatError(f"{what} must be {length}-digit keys, found {bad.head(3).tolist()}. "
                          "Check that the file is the right LOR level")
    return text.astype(str)


def _bezirk_ids(names: pd.Series) -> pd.Series:
    """The ``bezirk_id`` of each Bezirk name in a file; a name of no Bezirk is a FormatError."""
    uniq = {}
    for v in names.dropna().unique():
        try:
            uniq[v] = bezirk_id(v)
        except UnknownDistrictError:
            raise FormatError(f"the file names a Bezirk {v!r} that is not a Berlin Bezirk "
                              f"({', '.join(BEZIRKE.values())}). Check the file") from None
    return names.map(uniq)


def _finish(gdf: gpd.GeoDataFrame, level: str, version: str | None) -> gpd.GeoDataFrame:
    """Add version and area, order the columns, keep the timestamp."""
    import geopandas as gpd

    if version is not None:
        gdf["lor_version"] = version
    gdf["flaeche_m2"] = gdf.geometry.area.round(2)
    stamp = gdf.attrs.get("timestamp")
    out = gpd.GeoDataFrame(pd.DataFrame(gdf[COLUMNS[level]]), geometry="geometry", crs=CRS)
    for col in out.columns:
        if col not in {"geometry", "flaeche_m2"}:
            out[col] = out[col].astype("str")
            out.loc[gdf[col].isna().to_numpy(), col] = None
    out.attrs["timestamp"] = stamp
    return out.reset_index(drop=True)


def normalise_bezirke(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Canonical Bezirk table (``bezirk_id``, ``bezirk``, ``flaeche_m2``, ``geometry``).

    The district is told by its name (ALKIS ``namgem``, ODIS ``Gemeinde_name``,
    ``spatial_alias`` …) and checked against a key column where the file has one.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"gem": ["011"], "namgem": ["Lichtenberg"]},
    ...     geometry=[shapely.box(400000, 5815000, 401000, 5816000)], crs="EPSG:25833")
    >>> normalise_bezirke(g)[["bezirk_id", "bezirk", "flaeche_m2"]].values.tolist()
    [['11', 'Lichtenberg', 1000000.0]]
    """
    names = _pick(gdf, "bezirk", fallback=("spatial_alias",))
    if names is None:
        raise FormatError(f"{no_column('bezirk', gdf, ('spatial_alias',))}. Check that the file holds Berlin's Bezirke")
    parts = _pick(gdf, "ortsteil")
    if parts is not None and parts.nunique() > len(BEZIRKE):
        raise FormatError(f"the file holds {parts.nunique()} Ortsteile (column {parts.name!r}), not the 12 Bezirke. "
                          "Import it into ortsteile; bezirke takes the layer of the Bezirke")
    out = gdf.copy()
    out["bezirk_id"] = _bezirk_ids(names)
    key = _pick(gdf, "bezirk_key", fallback=("spatial_name",))
    if key is not None and key.name != names.name:
        _check_key_matches(key, out["bezirk_id"])
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    out = _dissolve_parts(out, "bezirk_id")
    return _finish(out, "bezirk", None)


def _check_key_matches(key: pd.Series, ids: pd.Series) -> None:
    digits = key.astype(str).str.extract(r"^(\d{1,3})", expand=False).str[-2:].str.zfill(2)
    bad = digits.notna() & (digits != ids)
    if bad.any():
        i = bad.idxmax()
        raise FormatError(f"Bezirk key {key[i]!r} does not belong to {BEZIRKE.get(ids[i], ids[i])!r}. "
                          "Check the file")


def _dissolve_parts(gdf: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    """Merge features that are parts of one area (some exports split multipolygons)."""
    if not gdf[by].duplicated().any():
        return gdf
    stamp = gdf.attrs.get("timestamp")
    out = gdf.dissolve(by=by, as_index=False, sort=False)
    out.attrs["timestamp"] = stamp
    return out


def _ortsteil_lookup() -> dict[str, tuple[str, str]]:
    table = {}
    for bez, names in ORTSTEILE.items():
        for name in names:
            table[fold(name)] = (bez, name)
    return table


def normalise_ortsteile(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Canonical Ortsteil table (``ortsteil``, ``bezirk_id``, ``bezirk``, …).

    Names come from ALKIS ``nam`` or ODIS ``OTEIL``; each must be an official Ortsteil and,
    where the file names the Bezirk, lie in that Bezirk.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"nam": ["Karlshorst"]},
    ...     geometry=[shapely.box(400000, 5815000, 401000, 5816000)], crs="EPSG:25833")
    >>> normalise_ortsteile(g)[["ortsteil", "bezirk_id", "bezirk"]].values.tolist()
    [['Karlshorst', '11', 'Lichtenberg']]
    """
    names = _pick(gdf, "ortsteil", fallback=("spatial_alias",))
    if names is None:
        raise FormatError(f"{no_column('ortsteil', gdf, ('spatial_alias',))}. Check that the file holds "
                          "Berlin's Ortsteile")
    lookup = _ortsteil_lookup()
    unknown = sorted({n for n in names.dropna() if fold(n) not in lookup} | ({None} if names.isna().any() else set()),
                     key=str)
    if unknown:
        read = "" if str(names.name).lower() in ALIASES["ortsteil"] else f" read from column {names.name!r} ({no_column('ortsteil', gdf)})"
        raise FormatError(f"unknown Ortsteil name(s) {unknown[:5]}{read}; not in the official list of Berlin's "
                          "Ortsteile. Check the file (or update names.ORTSTEILE for a new Ortsteil)")
    out = gdf.copy()
    out["ortsteil"] = names.map(lambda n: lookup[fold(n)][1])
    out["bezirk_id"] = names.map(lambda n: lookup[fold(n)][0])
    bez = _pick(gdf, "bezirk")
    if bez is not None:
        given = _bezirk_ids(bez)
        wrong = given.notna() & (given != out["bezirk_id"])
        if wrong.any():
            i = wrong.idxmax()
            raise FormatError(f"Ortsteil {out['ortsteil'][i]!r} is listed under Bezirk {bez[i]!r}, but belongs "
                              f"to {BEZIRKE[out['bezirk_id'][i]]}. Check the file")
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    out = _dissolve_parts(out, "ortsteil")
    return _finish(out, "ortsteil", None)
