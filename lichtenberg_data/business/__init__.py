"""Businesses in the district: stock, structure and dynamics from the IHK register.

The IHK register (``ihk_gewerbedaten``) is stored by month; every function here queries the
monthly Parquet files with DuckDB and returns a small pandas table with the provenance of the
month(s) it used (:func:`lichtenberg_data.with_sources`), so a chart made from it prints its
source line.

======================  =====================================================================
function                what
======================  =====================================================================
stock                   businesses per area (Planungsraum, Bezirksregion, Bezirk, Berlin), by
                        WZ section, size band, age or register type; per 1,000 residents;
                        location quotients against Berlin
dynamics                per month and area: ``bestand``, ``zugaenge``, ``abgaenge``, ``saldo``,
                        moves within Berlin (``zuzuege``, ``fortzuege``)
series, balance         dynamics of the Bezirke and Berlin for charts; entries, exits and balance
                        of the last 12 months per 1,000 businesses
sector_switches         businesses whose WZ section changed from one month to the next
moves                   businesses that moved from one area of Berlin to another
nearby                  the businesses of one month within a distance of points (site exposé)
======================  =====================================================================

**The register type rests on IHK's correction of 24.04.2026** (:func:`register_note`): until then
the two values of ``business_type`` were swapped in every file. The parser swaps them back for a
month before 2026-04 or a file downloaded before the correction (``business_type_basis``); the
split ``stock(by="register")`` carries the sentence saying which in ``attrs["note"]``.

**Entries are "new in the register", not foundings** (:data:`ENTRY_NOTE`): a business enters when
it becomes an IHK member or gets an id, including firms moving in from outside Berlin and
re-registrations; business_age up to 30+ years occurs among the entries. Exits likewise include
closures reported late. Handwerk and the liberal professions are largely missing from the register.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import _partitions
from .._provenance import with_sources
from .._store import load
from ..geo import DEFAULT_DISTRICT, district_id
from ..names import BERLIN_ID, BEZIRKE
from ..sources._wz import SECTIONS
from . import _dynamics

__all__ = ["ENTRY_NOTE", "SECTIONS", "GROUPS", "LEVELS", "stock", "dynamics", "sector_switches", "moves",
           "months", "nearby", "series", "balance", "register_note"]

DATASET = "ihk_gewerbedaten"
#: The sentence every chart of entries carries.
ENTRY_NOTE = ("Zugänge = neu im IHK-Register (Mitgliedschaft, Zuzug nach Berlin, Neueintragung), "
              "nicht Gründungen; Abgänge = aus dem Register gelöscht")
LEVELS = ("planungsraum", "bezirksregion", "bezirk", "berlin")

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


def months() -> list[str]:
    """The stored months of the register (``YYYY-MM``), oldest first."""
    return _partitions.months(DATASET)


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
        found = [tuple(r) for r in _dynamics.connection().execute(sql).fetchall()]
    except Exception:  # noqa: BLE001 - a month stored by parser version 2 has no such columns
        found = []
    texts = [_REGISTER_BASIS.get((bool(swapped), str(basis))) for swapped, basis in found]
    if not texts or None in texts:
        long, brief = ("nicht auf die bis 24.04.2026 vertauschten Werte der IHK geprüft (Datenstand vor dieser "
                       "Prüfung; neu laden mit lichtenberg-data refresh)", "ungeprüft")
    else:
        long, brief = "; ".join(t[0] for t in texts), "; ".join(dict.fromkeys(t[1] for t in texts))
    return f"Registerart {brief}" if short else f"Registerart: {long}"


def _source(month: str) -> pd.DataFrame:
    """An empty frame carrying the provenance of one stored month (read from its file footer)."""
    out = pd.DataFrame()
    out.attrs = _partitions.attrs(DATASET, month)
    return out


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return level


def _in_district(df: pd.DataFrame, column: str, level: str, district: Any) -> pd.DataFrame:
    key = district_id(district)
    if key is None or level in {"bezirk", "berlin"}:
        return df
    return df[df[column].astype(str).str[:2] == key].reset_index(drop=True)


# --------------------------------------------------------------------------- stock

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
    _check_level(level)
    if by is not None and by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)} or None, not {by!r}")
    [month] = _partitions.select(DATASET, stand)
    group_sql = GROUPS[by][0] if by else "'alle'"
    area = _dynamics.AREA_SQL[level]
    sql = f"""
    WITH rows AS (SELECT {area} AS gebiet_id, {group_sql} AS klasse, planungsraum, bezirksregion
                  FROM {_partitions.scan_sql(DATASET)} WHERE stand = '{month}')
    SELECT gebiet_id, klasse, count(*) AS betriebe, any_value(planungsraum) AS plr, any_value(bezirksregion) AS bzr
    FROM rows WHERE gebiet_id IS NOT NULL AND gebiet_id <> '{BERLIN_ID}' GROUP BY ALL
    UNION ALL
    SELECT '{BERLIN_ID}', klasse, count(*), NULL, NULL FROM rows GROUP BY ALL
    """
    shaped = _shape_stock(_dynamics.connection().execute(sql).df(), level, by, month)
    berlin = shaped["gebiet_id"] == BERLIN_ID
    areas = _in_district(shaped[~berlin], "gebiet_id", level, district) if level != "berlin" else shaped.iloc[0:0]
    out = pd.concat([areas, shaped[berlin]], ignore_index=True)
    out = _per_resident(out, level, einwohner)
    out = with_sources(out, _source(month), out)  # + the residents' source where used
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


# --------------------------------------------------------------------------- dynamics

def dynamics(level: str = "bezirk", start: Any = None, end: Any = None, *, district: Any = None) -> pd.DataFrame:
    """Stock, entries and exits per month and area, from consecutive monthly snapshots.

    Computed in DuckDB over the monthly Parquet files (nothing but the result is loaded). Each
    month is compared with the stored month before it (``vormonat``; the first stored month has
    no entries or exits). See :data:`ENTRY_NOTE`: entries are new in the register, not foundings.

    Parameters
    ----------
    level
        ``bezirk``, ``bezirksregion``, ``planungsraum`` (or ``berlin``).
    start, end
        The first and last month shown (``"2023-07"``); default every stored month.
    district
        ``None`` (default): every area of Berlin; a Bezirk: only its areas.

    Returns
    -------
    DataFrame
        One row per month and area: ``stand``, ``<level>_id``, ``vormonat``, ``bestand``,
        ``zugaenge``, ``abgaenge``, ``saldo`` (= zugaenge - abgaenge), ``zuzuege`` and ``fortzuege``
        (moves from / to another area of Berlin).

    Examples
    --------
    >>> d = ld.business.dynamics("bezirk", start="2023-07", end="2023-07")      # doctest: +SKIP
    >>> d.query("bezirk_id == '11'")[["zugaenge", "abgaenge", "saldo"]]        # doctest: +SKIP
    """
    _check_level(level)
    shown, scanned = _dynamics.window(start, end)
    df = _dynamics.flows(level, shown, scanned)
    df = df.rename(columns={"area": f"{level}_id"})
    for col in ("bestand", "zugaenge", "abgaenge", "zuzuege", "fortzuege"):
        df[col] = df[col].astype("Int64")
    df["saldo"] = df["zugaenge"] - df["abgaenge"]
    df["stand"], df["vormonat"] = df["stand"].astype("str"), df["vormonat"].astype("str")
    df = df[["stand", f"{level}_id", "vormonat", "bestand", "zugaenge", "abgaenge", "saldo", "zuzuege", "fortzuege"]]
    df = _in_district(df, f"{level}_id", level, district)
    df = df.sort_values(["stand", f"{level}_id"], ignore_index=True)
    return with_sources(df, _source(shown[-1]))


def sector_switches(level: str = "bezirk", start: Any = None, end: Any = None, *,
                    district: Any = None) -> pd.DataFrame:
    """Businesses whose WZ section changed between a month and the one before: ``stand``,
    ``<level>_id`` (the area now), ``von_abschnitt``, ``nach_abschnitt``, ``betriebe``."""
    _check_level(level)
    shown, scanned = _dynamics.window(start, end)
    df = _dynamics.switches(level, shown, scanned).rename(columns={"area": f"{level}_id"})
    df = _in_district(df, f"{level}_id", level, district)
    return with_sources(df.reset_index(drop=True), _source(shown[-1]))


def moves(level: str = "bezirk", start: Any = None, end: Any = None) -> pd.DataFrame:
    """Businesses that moved within Berlin between a month and the one before: ``stand``,
    ``von_<level>_id``, ``nach_<level>_id``, ``betriebe`` (a missing area: the address had no
    Planungsraum in one of the months)."""
    _check_level(level)
    shown, scanned = _dynamics.window(start, end)
    df = _dynamics.moves(level, shown, scanned).rename(columns={"von": f"von_{level}_id", "nach": f"nach_{level}_id"})
    return with_sources(df, _source(shown[-1]))


def series(start: Any = None, end: Any = None) -> pd.DataFrame:
    """:func:`dynamics` of the 12 Bezirke and Berlin (``gebiet_id`` ``"00"``) with ``gebiet`` names and
    ``monat`` (the first day of the month, for time axes)."""
    parts = [dynamics("bezirk", start, end).rename(columns={"bezirk_id": "gebiet_id"}),
             dynamics("berlin", start, end).rename(columns={"berlin_id": "gebiet_id"})]
    out = pd.concat(parts, ignore_index=True)
    out["gebiet"] = out["gebiet_id"].map({**BEZIRKE, BERLIN_ID: "Berlin"})
    out["monat"] = pd.to_datetime(out["stand"] + "-01")
    return with_sources(out, parts[0])


def balance(last: int = 12) -> pd.DataFrame:
    """Entries, exits and balance of the last ``last`` stored months per Bezirk and Berlin, also per
    1,000 businesses of the stock before the first of them (``saldo_je_1000``, ``zugaenge_je_1000``,
    ``abgaenge_je_1000``); ``von`` and ``bis`` name the months."""
    have = months()
    if len(have) < 2:
        from .._errors import DataNotAvailableError

        raise DataNotAvailableError(f"{DATASET}: entries and exits need two stored months, there are {len(have)}. "
                                    f"Import another month with `lichtenberg-data import {DATASET} FILE`",
                                    dataset=DATASET)
    shown = have[-(last + 1):]
    d = series(shown[0], shown[-1])
    base = d[d["stand"] == shown[0]].set_index("gebiet_id")["bestand"]
    flows = d[d["stand"] != shown[0]].groupby(["gebiet_id", "gebiet"], as_index=False)[["zugaenge", "abgaenge"]].sum()
    flows["saldo"] = flows["zugaenge"] - flows["abgaenge"]
    flows["von"], flows["bis"], flows["monate"] = shown[1], shown[-1], len(shown) - 1
    for col in ("zugaenge", "abgaenge", "saldo"):
        flows[f"{col}_je_1000"] = (flows[col] / flows["gebiet_id"].map(base) * 1000).astype(float)
    return with_sources(flows, d)


# --------------------------------------------------------------------------- near a site

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
    df = _dynamics.connection().execute(sql).df()
    to = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
    x0, y0 = to.transform(lon, lat)
    x, y = to.transform(df["longitude"].to_numpy(float), df["latitude"].to_numpy(float))
    df["distanz_m"] = np.hypot(np.asarray(x) - x0, np.asarray(y) - y0)
    out = df[df["distanz_m"] <= radius_m].sort_values("distanz_m", ignore_index=True)
    return with_sources(out, _source(month))
