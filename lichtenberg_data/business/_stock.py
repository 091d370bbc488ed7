"""One month of the IHK register: businesses per area by class, and near a point.

:func:`stock` counts the businesses of a month per area (Planungsraum, Bezirksregion, Bezirk,
Berlin), by WZ section, size band, age or register type (:data:`GROUPS`), per 1,000 residents and
with location quotients against Berlin; :func:`register_note` says what the register type of a
month rests on; :func:`nearby` gives the businesses within a distance of a point (site exposé).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import _partitions
from .._provenance import with_sources
from .._store import load
from ..geo import DEFAULT_DISTRICT
from ..names import BERLIN_ID, BEZIRKE
from ..sources._wz import SECTIONS
from ._register import AREA_SQL, DATASET, check_level, connection, in_district, source

__all__ = ["GROUPS", "stock", "register_note", "nearby"]

_BAND = """CASE
    WHEN employees_range IS NULL OR employees_range = 'unbekannt' THEN 'unbekannt'
    WHEN employees_range = '0 Beschäftigte' THEN '0'
    WHEN employees_range IN ('1 - 3 Beschäftigte', '4 - 6 Beschäftigte', '7 - 9 Beschäftigte') THEN '1-9'
    WHEN employees_range IN ('10 - 19 Beschäftigte', '20 - 49 Beschäftigte') THEN '10-49'
    WHEN employees_range IN ('50 - 99 Beschäftigte', '100 - 199 Beschäftigte') THEN '50-199'
    ELSE '200+' END"""
_AGE = """CASE
    WHEN business_age IS NULL THEN 'unbekannt' WHEN business_age <= 1 THEN '0-1'
    WHEN business_age <= 4 THEN '2-4' WHEN business_age <= 9 THEN '5-9'
    WHEN business_age <= 19 THEN '10-19' ELSE '20+' END"""
_REGISTER = """CASE WHEN business_type ILIKE '%Handelsregister%' THEN 'HR'
    WHEN business_type ILIKE '%Kleingewerbe%' THEN 'KG' ELSE 'unbekannt' END"""

#: The groupings of :func:`stock`: SQL of the class, and class → German label (in order).
GROUPS: dict[str, tuple[str, dict[str, str]]] = {
    "abschnitt": ("coalesce(abschnitt, '?')", {**SECTIONS, "?": "ohne Zuordnung"}),
    "groesse": (_BAND, {"0": "ohne Beschäftigte", "1-9": "1 bis 9 Beschäftigte", "10-49": "10 bis 49 Beschäftigte",
                        "50-199": "50 bis 199 Beschäftigte", "200+": "200 und mehr Beschäftigte",
                        "unbekannt": "unbekannt"}),
    "alter": (_AGE, {"0-1": "bis 1 Jahr", "2-4": "2 bis 4 Jahre", "5-9": "5 bis 9 Jahre", "10-19": "10 bis 19 Jahre",
                     "20+": "20 Jahre und älter", "unbekannt": "unbekannt"}),
    "register": (_REGISTER, {"HR": "im Handelsregister eingetragen", "KG": "Kleingewerbe", "unbekannt": "unbekannt"}),
}


#: What the register type of a month rests on: (swapped back?, basis) → German sentence, short form.
_REGISTER_BASIS = {
    (True, "month"): ("die IHK hatte die beiden Werte bis zu ihrer Korrektur vom 24.04.2026 vertauscht; für diesen "
                      "Monat (Archivdatei vor 04/2026) zurückgetauscht", "zurückgetauscht, Monat vor 04/2026"),
    (True, "download"): ("die IHK hatte die beiden Werte bis zu ihrer Korrektur vom 24.04.2026 vertauscht; die Datei "
                         "wurde vorher abgerufen und ist zurückgetauscht", "zurückgetauscht, Abruf vor 24.04.2026"),
    (True, "option"): ("die IHK hatte die beiden Werte bis zu ihrer Korrektur vom 24.04.2026 vertauscht; die Datei "
                       "wurde beim Import als vertauscht angegeben und ist zurückgetauscht",
                       "zurückgetauscht laut Importangabe"),
    (False, "month"): ("wie von der IHK veröffentlicht (Monat ab 04/2026, nach ihrer Korrektur vom 24.04.2026)",
                       "nach IHK-Korrektur vom 24.04.2026"),
    (False, "download"): ("wie von der IHK veröffentlicht (nach ihrer Korrektur vom 24.04.2026 abgerufen)",
                          "nach IHK-Korrektur vom 24.04.2026"),
    (False, "option"): ("wie von der IHK veröffentlicht (beim Import als nicht vertauscht angegeben)",
                        "laut Importangabe nicht vertauscht"),
    (False, "unknown"): ("wie von der IHK veröffentlicht übernommen; ob die Datei vor ihrer Korrektur vom 24.04.2026 "
                         "(vertauschte Werte) abgerufen wurde, ist unbekannt", "Abrufdatum unbekannt, ungeprüft"),
}


def register_note(stand: Any = None, *, short: bool = False) -> str:
    """The sentence saying what the register type (``business_type``) of a month rests on.

    Until 24.04.2026 IHK published the two values swapped; the parser swaps them back where the
    file's date says so (:mod:`lichtenberg_data.sources.business`). ``short`` gives a few words
    for a chart label. A month stored before this was checked says so.

    Examples
    --------
    >>> register_note("2023-07")                    # doctest: +SKIP
    'Registerart: die IHK hatte die beiden Werte bis zu ihrer Korrektur vom 24.04.2026 vertauscht; ...'
    """
    [month] = _partitions.select(DATASET, stand)
    sql = (f"SELECT DISTINCT business_type_swapped_back, business_type_basis FROM {_partitions.scan_sql(DATASET)} "
           f"WHERE stand = '{month}'")
    try:
        found = [tuple(r) for r in connection().execute(sql).fetchall()]
    except Exception:  # noqa: BLE001 - a month stored by parser version 2 has no such columns
        found = []
    texts = [_REGISTER_BASIS.get((bool(swapped), str(basis))) for swapped, basis in found]
    if not texts or None in texts:
        long, brief = ("nicht auf die bis 24.04.2026 vertauschten Werte der IHK geprüft (Datenstand vor dieser "
                       "Prüfung; neu laden mit lichtenberg-data refresh)", "ungeprüft")
    else:
        long, brief = "; ".join(t[0] for t in texts), "; ".join(dict.fromkeys(t[1] for t in texts))
    return f"Registerart {brief}" if short else f"Registerart: {long}"


def stock(level: str = "bezirk", by: str | None = None, *, stand: Any = None,
          district: Any = DEFAULT_DISTRICT, einwohner: pd.DataFrame | None = None) -> pd.DataFrame:
    """Businesses per area in one month, optionally by WZ section, size band, age or register type.

    Parameters
    ----------
    level
        ``planungsraum``, ``bezirksregion`` (only the district's areas), ``bezirk`` (every Bezirk)
        or ``berlin``. A Berlin row (``gebiet_id`` ``"00"``) is always added for comparison.
    by
        ``None`` (all businesses), ``"abschnitt"`` (WZ 2008 section A–U), ``"groesse"``
        (employee band), ``"alter"`` (years since founding) or ``"register"``.
    stand
        The month (``"2023-07"``); by default the latest stored month.
    district
        The Bezirk whose Planungsräume / Bezirksregionen are listed (default ``settings.district``).
    einwohner
        The ``einwohner_lor`` table for ``je_1000_einwohner`` (its latest year); loaded when stored.

    Returns
    -------
    DataFrame
        ``stand``, ``ebene``, ``gebiet_id``, ``gebiet``, (``<by>``, ``<by>_text``), ``betriebe``,
        ``anteil_prozent`` (share of the area's businesses), ``je_1000_einwohner`` and, with ``by``,
        ``standortquotient`` (the area's share of a class over Berlin's share; above 1 the class is
        over-represented). With ``by="register"``, ``attrs["note"]`` is :func:`register_note` of
        the month: what the register type rests on.
    """
    check_level(level)
    if by is not None and by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)} or None, not {by!r}")
    [month] = _partitions.select(DATASET, stand)
    group_sql = GROUPS[by][0] if by else "'alle'"
    area = AREA_SQL[level]
    sql = f"""
    WITH rows AS (SELECT {area} AS gebiet_id, {group_sql} AS klasse, planungsraum, bezirksregion
                  FROM {_partitions.scan_sql(DATASET)} WHERE stand = '{month}')
    SELECT gebiet_id, klasse, count(*) AS betriebe, any_value(planungsraum) AS plr, any_value(bezirksregion) AS bzr
    FROM rows WHERE gebiet_id IS NOT NULL AND gebiet_id <> '{BERLIN_ID}' GROUP BY ALL
    UNION ALL
    SELECT '{BERLIN_ID}', klasse, count(*), NULL, NULL FROM rows GROUP BY ALL
    """
    shaped = _shape_stock(connection().execute(sql).df(), level, by, month)
    berlin = shaped["gebiet_id"] == BERLIN_ID
    areas = in_district(shaped[~berlin], "gebiet_id", level, district) if level != "berlin" else shaped.iloc[0:0]
    out = pd.concat([areas, shaped[berlin]], ignore_index=True)
    out = _per_resident(out, level, einwohner)
    out = with_sources(out, source(month), out)  # + the residents' source where used
    if by == "register":
        out.attrs["note"] = register_note(month)
    return out


def _shape_stock(raw: pd.DataFrame, level: str, by: str | None, month: str) -> pd.DataFrame:
    names = {"planungsraum": "plr", "bezirksregion": "bzr"}
    df = raw.copy()
    if level in names:
        df["gebiet"] = df[names[level]]
    else:
        df["gebiet"] = df["gebiet_id"].map(BEZIRKE)
    df.loc[df["gebiet_id"] == BERLIN_ID, "gebiet"] = "Berlin"
    total = df.groupby("gebiet_id")["betriebe"].transform("sum")
    df["anteil_prozent"] = df["betriebe"] / total * 100
    out = pd.DataFrame({"stand": month, "ebene": level, "gebiet_id": df["gebiet_id"], "gebiet": df["gebiet"]})
    if by:
        labels = GROUPS[by][1]
        out[by] = df["klasse"]
        out[f"{by}_text"] = df["klasse"].map(labels)
        berlin = df[df["gebiet_id"] == BERLIN_ID].set_index("klasse")["anteil_prozent"]
        out["betriebe"], out["anteil_prozent"] = df["betriebe"].astype("int64"), df["anteil_prozent"]
        out["standortquotient"] = df["anteil_prozent"] / df["klasse"].map(berlin)
        order = {k: i for i, k in enumerate(labels)}
        out = out.assign(_o=out[by].map(order)).sort_values(["gebiet_id", "_o"]).drop(columns="_o")
    else:
        out["betriebe"], out["anteil_prozent"] = df["betriebe"].astype("int64"), df["anteil_prozent"]
        out = out.sort_values("gebiet_id")
    return out.reset_index(drop=True)


def _per_resident(out: pd.DataFrame, level: str, einwohner: pd.DataFrame | None) -> pd.DataFrame:
    from .._errors import DataNotAvailableError

    if einwohner is None:
        try:
            einwohner = load("einwohner_lor")
        except DataNotAvailableError:
            out["je_1000_einwohner"] = float("nan")
            return out
    latest = einwohner[(einwohner["year"] == einwohner["year"].max()) & einwohner["planungsraum_id"].notna()]
    ids = latest["planungsraum_id"].astype(str)
    key = {"planungsraum": ids, "bezirksregion": ids.str[:6], "bezirk": ids.str[:2]}.get(level)
    people = latest.groupby(key)["einwohner"].sum() if key is not None else pd.Series(dtype=float)
    people[BERLIN_ID] = latest["einwohner"].sum()
    out["je_1000_einwohner"] = out["betriebe"] / out["gebiet_id"].map(people) * 1000
    with_sources(out, out, einwohner)
    return out


def nearby(lon: float, lat: float, radius_m: float, *, stand: Any = None) -> pd.DataFrame:
    """The businesses of one month (default the latest) within ``radius_m`` of a WGS84 point, with
    ``distanz_m``, ``abschnitt`` and ``groesse``. A bounding box is cut in DuckDB first; the exact
    distance is computed in EPSG:25833."""
    import numpy as np
    from pyproj import Transformer

    [month] = _partitions.select(DATASET, stand)
    dlat, dlon = radius_m / 111_000 * 1.1, radius_m / (111_000 * np.cos(np.radians(lat))) * 1.1
    sql = f"""SELECT opendata_id, latitude, longitude, abschnitt, {_BAND} AS groesse, {_AGE} AS alter,
                     planungsraum_id, bezirk_id, date
              FROM {_partitions.scan_sql(DATASET)} WHERE stand = '{month}'
              AND latitude BETWEEN {lat - dlat} AND {lat + dlat} AND longitude BETWEEN {lon - dlon} AND {lon + dlon}"""
    df = connection().execute(sql).df()
    to = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
    x0, y0 = to.transform(lon, lat)
    x, y = to.transform(df["longitude"].to_numpy(float), df["latitude"].to_numpy(float))
    df["distanz_m"] = np.hypot(np.asarray(x) - x0, np.asarray(y) - y0)
    out = df[df["distanz_m"] <= radius_m].sort_values("distanz_m", ignore_index=True)
    return with_sources(out, source(month))
