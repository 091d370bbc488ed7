"""Normalise LOR tables (Planungsraum, Bezirksregion, Prognoseraum; LOR 2021 and 2006) to
canonical columns (private)."""

from __future__ import annotations

import pandas as pd

from .._errors import FormatError
from ..names import BEZIRKE, KEY_LENGTH, fold
from ._areas import _bezirk_ids, _clean_key, _finish, _pick, no_column

_OWN_ID = {"planungsraum": "planungsraum_id", "bezirksregion": "bezirksregion_id",
           "prognoseraum": "prognoseraum_id"}
_PARENTS = {"planungsraum": ("bezirksregion_id", "prognoseraum_id", "bezirk_id"),
            "bezirksregion": ("prognoseraum_id", "bezirk_id"), "prognoseraum": ("bezirk_id",)}
_NAMES = ("planungsraum", "bezirksregion", "prognoseraum")


def normalise_lor(gdf: pd.DataFrame, level: str, version: str, *,
                  keys: pd.DataFrame | None = None) -> pd.DataFrame:
    """Canonical LOR table of one level (``planungsraum``, ``bezirksregion``, ``prognoseraum``).

    Parameters
    ----------
    gdf
        The table as read (any attribute variant); a GeoDataFrame gets ``flaeche_m2``.
    level
        The LOR level the file holds.
    version
        ``"2021"`` or ``"2006"`` (the LOR valid until 2020).
    keys
        A canonical key list of the same version (:func:`normalise_lor` of a key-list
        file). Needed for files with names only; otherwise it checks the keys and fills
        missing names.

    Raises
    ------
    FormatError
        Missing or malformed keys, keys of the other LOR version, names matching no key,
        a Bezirk column that contradicts the keys.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"PLR_ID": ["11401032"], "PLR_NAME": ["Rosenfelder Ring"],
    ...     "BEZ": ["11 - Lichtenberg"]},
    ...     geometry=[shapely.box(400000, 5815000, 400100, 5815100)], crs="EPSG:25833")
    >>> row = normalise_lor(g, "planungsraum", "2021").iloc[0]
    >>> row.bezirksregion_id, row.prognoseraum_id, row.bezirk, row.lor_version, float(row.flaeche_m2)
    ('114010', '1140', 'Lichtenberg', '2021', 10000.0)
    """
    own = _OWN_ID[level]
    out = gdf.copy()
    for col in (own, *_PARENTS[level][:-1], *_NAMES):
        found = _pick(gdf, col, fallback=("id",) if col == own else ())
        out[col] = None if found is None else found.to_numpy()
    if out[own].isna().all():
        if keys is None and not (version == "2006" and "geometry" in gdf):
            raise FormatError(f"the file has {no_column(own, gdf)}. Check that it is the LOR {version} {level} file")
        out = _keys_from_names(out, level, keys)
    if _pick(gdf, own) is None and not out[own].astype(str).str.fullmatch(r"\d+").all():
        raise FormatError(f"the file has {no_column(own, gdf)}; its 'id' holds {out[own].head(2).tolist()}, "
                          f"not {level} keys. Check that it is the LOR {version} {level} file")
    out[own] = _clean_key(out[own], KEY_LENGTH[own], own)
    _check_version(out[own], version)
    for parent in _PARENTS[level]:
        derived = out[own].str[:KEY_LENGTH[parent]]
        if parent in out and out[parent].notna().any():
            _check_parent(out, own, parent, derived)
        out[parent] = derived
    _check_bezirk_column(gdf, out)
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    if out["bezirk"].isna().any():
        raise FormatError(f"keys with unknown Bezirk {sorted(out.loc[out['bezirk'].isna(), own].unique())[:3]}. "
                          "Check the file")
    if keys is not None:
        out = _names_from_keys(out, level, keys)
    _check_names(out, level, gdf)
    if "geometry" not in out:
        return out
    return _finish(out, level, version)


def _check_version(ids: pd.Series, version: str) -> None:
    """LOR 2021 Prognoseraum digits end in 0 (``1110``); the old LOR's mostly do not."""
    new_style = ids.str[3] == "0"
    if version == "2021" and not new_style.all():
        raise FormatError(f"keys such as {ids[~new_style].iloc[0]} are old LOR keys (valid until 2020), not "
                          "LOR 2021. Import the file into lor_planungsraeume_2006")
    if version == "2006" and new_style.all() and len(ids) > 60:
        raise FormatError(f"the keys (e.g. {ids.iloc[0]}) are LOR 2021 keys, not old LOR keys. "
                          "Import the file into the LOR 2021 dataset")


def _check_parent(out: pd.DataFrame, own: str, parent: str, derived: pd.Series) -> None:
    given = _clean_key(out[parent].astype(object).where(out[parent].notna(), derived),
                       KEY_LENGTH[parent], parent)
    bad = given != derived
    if bad.any():
        i = bad.idxmax()
        raise FormatError(f"{own} {out[own][i]} lies in {parent} {given[i]} according to the file, "
                          f"but its key says {derived[i]}. Check the file")


def _check_bezirk_column(raw: pd.DataFrame, out: pd.DataFrame) -> None:
    bez = _pick(raw, "bezirk")
    if bez is None:
        return
    given = _bezirk_ids(bez.reset_index(drop=True))
    given.index = out.index
    bad = given.notna() & (given != out["bezirk_id"])
    if bad.any():
        i = bad.idxmax()
        raise FormatError(f"Bezirk {bez.iloc[list(out.index).index(i)]!r} contradicts key "
                          f"{out['bezirk_id'][i]}. Check the file")


def _keys_from_names(out: pd.DataFrame, level: str, keys: pd.DataFrame | None) -> pd.DataFrame:
    """Give a names-only file its keys by matching Bezirk and LOR names to the key list."""
    own = _OWN_ID[level]
    if keys is None:
        raise FormatError(f"the file has names but no {own}; import it together with the LOR key list "
                          "(e.g. LOR_Planungsraeume_2019.csv)")
    bez = _pick(out, "bezirk")
    if bez is None:
        raise FormatError(f"the file has neither keys ({no_column(own, out)}) nor Bezirk names "
                          f"({no_column('bezirk', out)}). Check the file")
    out["bezirk_id"] = _bezirk_ids(bez)
    on = ["bezirk_id", *[n for n in _NAMES if out[n].notna().all() and n in keys]]
    left = out[on].apply(lambda s: s.map(fold))
    right = keys[[*on, own]].copy()
    right[on] = right[on].apply(lambda s: s.map(fold))
    right = right.drop_duplicates(on, keep=False)
    merged = left.merge(right, on=on, how="left", validate="many_to_one")
    missing = merged[own].isna()
    if missing.any():
        example = out.loc[missing.to_numpy(), on].iloc[0].tolist()
        raise FormatError(f"{int(missing.sum())} areas match no entry of the key list, e.g. {example}. "
                          "Check that file and key list are of the same LOR version")
    out[own] = merged[own].to_numpy()
    return out


def _names_from_keys(out: pd.DataFrame, level: str, keys: pd.DataFrame) -> pd.DataFrame:
    """Check keys against the key list; official names replace or fill the file's names."""
    own = _OWN_ID[level]
    ref = keys.drop_duplicates(own).set_index(own)
    unknown = sorted(set(out[own]) - set(ref.index))
    if unknown:
        raise FormatError(f"{len(unknown)} {own} not in the LOR key list, e.g. {unknown[:3]}. "
                          "Check that file and key list are of the same LOR version")
    for name in _NAMES:
        if name in ref.columns and name in out.columns and _level_rank(name) >= _level_rank(level):
            official = out[own].map(ref[name])
            out[name] = official.where(official.notna(), out[name])
    return out


def _level_rank(name: str) -> int:
    return {"planungsraum": 0, "bezirksregion": 1, "prognoseraum": 2}[name]


def _check_names(out: pd.DataFrame, level: str, raw: pd.DataFrame | None = None) -> None:
    col = level
    if raw is not None and out[col].isna().all():
        raise FormatError(f"the file has {no_column(level, raw)}. Check the file")
    if out[col].isna().any():
        raise FormatError(f"{int(out[col].isna().sum())} areas without a {level} name. Check the file")
