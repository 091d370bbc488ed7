"""Indicators for tourism in the district: overnight stays, short-term rentals, attractions.

Every function takes the processed tables it needs as arguments (``None`` loads them with
:func:`lichtenberg_data.load`) and returns a tidy DataFrame carrying the provenance of its
inputs (:func:`lichtenberg_data.with_sources`), so charts print their source line.

======================  ===============================================================
function                what
======================  ===============================================================
guests                  guests and overnight stays per year, Bezirk and Berlin: share,
                        rank and index 2019 = 100 (beherbergung_bezirke)
seasonality             the same by month, with each month's share of its year
listings_by_area        Airbnb listings per area: entire homes vs rooms, available days,
                        per 1,000 residents (kurzzeitvermietung, einwohner_lor)
attractions             the district's attractions with published visitor numbers (curated)
spending_estimate       overnight stays × average daily spending: a labelled estimate
======================  ===============================================================
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from ._provenance import with_sources
from ._store import load
from .geo import district_id
from .names import BERLIN_ID, BEZIRKE

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["guests", "seasonality", "listings_by_area", "attractions", "spending_estimate",
           "SPENDING_PER_DAY_EUR", "SPENDING_SOURCE", "BASE_YEAR"]

BASE_YEAR = 2019
MONAT, KUMULIERT = "Monat", "Januar bis Monat"
_MONATE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember")
_AREA_IDS = {"planungsraum": "planungsraum_id", "bezirksregion": "bezirksregion_id",
             "prognoseraum": "prognoseraum_id", "bezirk": "bezirk_id"}
_AREA_NAMES = {"planungsraum": "planungsraum", "bezirksregion": "bezirksregion", "bezirk": "bezirk"}

#: Average daily spending of an overnight guest in commercial accommodation in Berlin (EUR).
SPENDING_PER_DAY_EUR = 205.80
#: Where :data:`SPENDING_PER_DAY_EUR` comes from (a provenance entry).
SPENDING_SOURCE: dict[str, Any] = {
    "dataset": "dwif_wirtschaftsfaktor_tourismus_berlin_2016",
    "title": "Wirtschaftsfaktor Tourismus für Berlin 2016: Tagesausgaben der Übernachtungsgäste",
    "source_title": "dwif-Consulting GmbH im Auftrag der visitBerlin, Wirtschaftsfaktor Tourismus Berlin 2016 "
                    "(Tagesausgaben je Übernachtungsgast in gewerblichen Betrieben: 205,80 EUR)",
    "publisher": "dwif-Consulting GmbH / visitBerlin (Berlin Tourismus & Kongress GmbH)",
    "license": "keine Lizenz (zitierte Einzelangabe)", "license_url": "",
    "source_url": "https://about.visitberlin.de/wirtschaftsfaktor-fuer-berlin-tourismus-und-kongressindustrie",
    "further_urls": ["http://www.berlinboxx.de/berliner-tourismus-so-wichtig-wie-nie/"],
    "reference_date": "2016-12-31", "retrieved_at": None, "sample": False,
}
_ASSUMPTIONS = (
    "Tagesausgaben je Übernachtungsgast: {betrag} EUR ({quelle}), nominal, nicht preisbereinigt",
    "eine Übernachtung entspricht einem Aufenthaltstag",
    "nur Gäste der Betriebe mit 10 und mehr Betten (Amt für Statistik); Privatquartiere, Ferienwohnungen, "
    "Verwandtenbesuche und Tagesgäste fehlen",
    "Ausgaben fallen in ganz Berlin an, nicht nur im Bezirk der Unterkunft; der Berliner Durchschnitt gilt "
    "nicht unbedingt für den Bezirk",
    "Bruttoumsatz (mit Mehrwertsteuer), keine Wertschöpfung und kein Einkommen",
)


# ============================================================================ helpers

def _load(frame: pd.DataFrame | None, dataset: str) -> pd.DataFrame:
    return frame if frame is not None else load(dataset)


def _annual(df: pd.DataFrame) -> pd.DataFrame:
    """Guests and overnight stays per year and Bezirk: the January-to-December table, else the
    sum of twelve monthly tables (a year with fewer months is left out)."""
    cols = ["gaeste", "uebernachtungen"]
    cum = df[(df["zeitraum"] == KUMULIERT) & (df["monat"] == 12)]
    out = cum[["jahr", "bezirk_id", *cols]].assign(grundlage="Januar bis Dezember")
    months = df[df["zeitraum"] == MONAT]
    full = months.groupby(["jahr", "bezirk_id"]).filter(lambda g: g["monat"].nunique() == 12)
    summed = full.groupby(["jahr", "bezirk_id"], as_index=False)[cols].sum(min_count=12)
    summed = summed[~summed["jahr"].isin(set(out["jahr"]))].assign(grundlage="Summe der Monate")
    return pd.concat([out, summed], ignore_index=True).sort_values(["jahr", "bezirk_id"], ignore_index=True)


# ============================================================================ overnight stays

def guests(beherbergung: pd.DataFrame | None = None, district: Any = None, *,
           base_year: int = BASE_YEAR) -> pd.DataFrame:
    """Guests and overnight stays per year for the 12 Bezirke and Berlin.

    Parameters
    ----------
    beherbergung
        The ``beherbergung_bezirke`` table (``None`` loads it).
    district
        A Bezirk (name or key): keep its rows and Berlin's; ``None`` keeps all.
    base_year
        Year of the index (= 100).

    Returns
    -------
    pandas.DataFrame
        ``jahr``, ``gebiet_id`` (``"00"`` Berlin), ``gebiet``, ``gaeste``, ``uebernachtungen``,
        ``aufenthaltsdauer`` (days), ``anteil_gaeste`` and ``anteil_uebernachtungen`` (% of Berlin),
        ``rang_gaeste`` and ``rang_uebernachtungen`` (1 = most among the 12 Bezirke),
        ``index_gaeste`` and ``index_uebernachtungen`` (``base_year`` = 100; missing without it),
        ``grundlage`` (January-to-December table or sum of the months).

    Examples
    --------
    >>> t = pd.DataFrame({"jahr": [2019, 2019, 2020, 2020], "monat": 12, "zeitraum": "Januar bis Monat",
    ...     "bezirk_id": ["00", "11", "00", "11"], "gaeste": [100.0, 10, 40, 5],
    ...     "uebernachtungen": [250.0, 30, 100, 15]})
    >>> guests(t)[["jahr", "gebiet", "anteil_uebernachtungen", "index_uebernachtungen"]].values.tolist()
    [[2019, 'Berlin', 100.0, 100.0], [2019, 'Lichtenberg', 12.0, 100.0], [2020, 'Berlin', 100.0, 40.0], [2020, 'Lichtenberg', 15.0, 50.0]]
    """
    src = _load(beherbergung, "beherbergung_bezirke")
    out = _annual(src).rename(columns={"bezirk_id": "gebiet_id"})
    out["gebiet"] = out["gebiet_id"].map({**BEZIRKE, BERLIN_ID: "Berlin"})
    out["aufenthaltsdauer"] = (out["uebernachtungen"] / out["gaeste"]).round(2)
    bezirke = out["gebiet_id"] != BERLIN_ID
    for col in ("gaeste", "uebernachtungen"):
        berlin = out[~bezirke].set_index("jahr")[col]
        out[f"anteil_{col}"] = (out[col] / out["jahr"].map(berlin) * 100).round(2)
        out[f"rang_{col}"] = out[col].where(bezirke).groupby(out["jahr"]).rank(ascending=False, method="min")
        base = out[out["jahr"] == base_year].set_index("gebiet_id")[col]
        out[f"index_{col}"] = (out[col] / out["gebiet_id"].map(base) * 100).round(1)
    out[["rang_gaeste", "rang_uebernachtungen"]] = out[["rang_gaeste", "rang_uebernachtungen"]].astype("Int64")
    key = district_id(district)
    if key is not None:
        out = out[out["gebiet_id"].isin([key, BERLIN_ID])]
    cols = ["jahr", "gebiet_id", "gebiet", "gaeste", "uebernachtungen", "aufenthaltsdauer", "anteil_gaeste",
            "anteil_uebernachtungen", "rang_gaeste", "rang_uebernachtungen", "index_gaeste",
            "index_uebernachtungen", "grundlage"]
    return with_sources(out[cols].reset_index(drop=True), src)


def seasonality(beherbergung: pd.DataFrame | None = None, district: Any = None, *,
                year: int | None = None) -> pd.DataFrame:
    """Guests, overnight stays and bed utilisation by month.

    Parameters
    ----------
    beherbergung
        The ``beherbergung_bezirke`` table (``None`` loads it).
    district
        A Bezirk: keep its rows and Berlin's; ``None`` keeps all.
    year
        One year; ``None`` keeps all months in the table.

    Returns
    -------
    pandas.DataFrame
        ``jahr``, ``monat``, ``monatsname``, ``gebiet_id``, ``gebiet``, ``gaeste``, ``uebernachtungen``,
        ``bettenauslastung`` (%), ``anteil_am_jahr`` (% of the year's overnight stays; only for years
        with all twelve months) and ``index_monat`` (overnight stays, average month of the year = 100).

    Examples
    --------
    >>> t = pd.DataFrame({"jahr": 2024, "monat": list(range(1, 13)), "zeitraum": "Monat", "bezirk_id": "11",
    ...     "gaeste": 1.0, "uebernachtungen": [50.0] * 11 + [150.0], "bettenauslastung": 50.0})
    >>> seasonality(t)[["monatsname", "anteil_am_jahr", "index_monat"]].iloc[[0, 11]].values.tolist()
    [['Januar', 7.14, 85.7], ['Dezember', 21.43, 257.1]]
    """
    src = _load(beherbergung, "beherbergung_bezirke")
    rows = src[src["zeitraum"] == MONAT]
    if year is not None:
        rows = rows[rows["jahr"] == year]
    key = district_id(district)
    if key is not None:
        rows = rows[rows["bezirk_id"].isin([key, BERLIN_ID])]
    out = rows[["jahr", "monat", "bezirk_id", "gaeste", "uebernachtungen", "bettenauslastung"]]
    out = out.rename(columns={"bezirk_id": "gebiet_id"}).sort_values(["jahr", "gebiet_id", "monat"], ignore_index=True)
    out.insert(2, "monatsname", out["monat"].map(lambda m: _MONATE[m - 1]))
    out.insert(4, "gebiet", out["gebiet_id"].map({**BEZIRKE, BERLIN_ID: "Berlin"}))
    group = out.groupby(["jahr", "gebiet_id"])["uebernachtungen"]
    complete = out.groupby(["jahr", "gebiet_id"])["monat"].transform("nunique") == 12
    out["anteil_am_jahr"] = (out["uebernachtungen"] / group.transform("sum") * 100).where(complete).round(2)
    out["index_monat"] = (out["uebernachtungen"] / group.transform("mean") * 100).round(1)
    return with_sources(out, src)


# ============================================================================ short-term rentals

def _residents(einwohner: pd.DataFrame, id_col: str) -> pd.Series:
    """Residents per area of the listings' level from a LOR 2021 population table (latest date)."""
    rows = einwohner
    if "lor_version" in rows.columns:
        rows = rows[rows["lor_version"].astype(str) == "2021"]
        if rows.empty:
            raise ValueError("einwohner has no LOR 2021 rows; the listings are placed in the LOR 2021")
    time = next((c for c in ("date", "year", "jahr") if c in rows.columns), None)
    if time is not None:
        rows = rows[rows[time] == rows[time].max()]
    length = {"planungsraum_id": 8, "bezirksregion_id": 6, "prognoseraum_id": 4, "bezirk_id": 2}[id_col]
    ids = rows[id_col] if id_col in rows.columns else rows["planungsraum_id"].astype(str).str[:length]
    return rows["einwohner"].astype(float).groupby(ids.astype(str).to_numpy()).sum()


def listings_by_area(kurzzeitvermietung: pd.DataFrame | None = None, level: str = "bezirksregion",
                     district: Any = None, *, einwohner: pd.DataFrame | None = None,
                     date: Any = None) -> pd.DataFrame:
    """Airbnb listings per area: entire homes against rooms, available days, per 1,000 residents.

    Parameters
    ----------
    kurzzeitvermietung
        The ``kurzzeitvermietung`` table (``None`` loads it); listings without an area are left out.
    level
        ``planungsraum``, ``bezirksregion``, ``prognoseraum`` or ``bezirk`` (LOR 2021, by coordinates).
    district
        Keep the areas of one Bezirk; ``None`` keeps Berlin.
    einwohner
        A population table (e.g. ``einwohner_lor``) with ``einwohner`` and the level's id or
        ``planungsraum_id``; its latest date is used. Adds the rates per 1,000 residents and the
        areas without listings (with 0).
    date
        The scrape (``date`` of the table); default the latest.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``ebene``, ``gebiet_id``, ``gebiet``, ``angebote``, ``ganze_wohnungen``
        (Entire home/apt), ``zimmer`` (private and shared rooms), ``hotelzimmer``,
        ``anteil_ganze_wohnungen`` (%), ``verfuegbare_tage`` (mean ``availability_365``),
        ``wohnungen_ueber_90_tage`` (entire homes offered more than 90 days a year, the limit of
        Berlin's Zweckentfremdungsverbot for secondary homes), and with ``einwohner``:
        ``einwohner``, ``angebote_je_1000_ew``, ``ganze_wohnungen_je_1000_ew``.

    Examples
    --------
    >>> t = pd.DataFrame({"date": pd.Timestamp("2025-09-01"), "bezirksregion_id": ["110101", "110101", "110102"],
    ...     "bezirksregion": ["A", "A", "B"], "room_type": ["Entire home/apt", "Private room", "Entire home/apt"],
    ...     "availability_365": [200, 0, 100]})
    >>> listings_by_area(t)[["gebiet_id", "angebote", "ganze_wohnungen", "verfuegbare_tage"]].values.tolist()
    [['110101', 2, 1, 100.0], ['110102', 1, 1, 100.0]]
    """
    if level not in _AREA_IDS:
        raise ValueError(f"level must be one of {', '.join(_AREA_IDS)}, not {level!r}")
    src = _load(kurzzeitvermietung, "kurzzeitvermietung")
    id_col = _AREA_IDS[level]
    when = pd.Timestamp(date) if date is not None else src["date"].max()
    ids = _area_column(src, id_col)
    rows = src[(src["date"] == when) & ids.notna() & (ids.astype(str) != "nan")].assign(**{id_col: ids})
    key = district_id(district)
    if key is not None:
        rows = rows[rows[id_col].astype(str).str[:2] == key]
    room = rows["room_type"]
    work = pd.DataFrame({"gebiet_id": rows[id_col].astype(str), "angebote": 1,
                         "ganze_wohnungen": (room == "Entire home/apt").astype(int),
                         "zimmer": room.isin(["Private room", "Shared room"]).astype(int),
                         "hotelzimmer": (room == "Hotel room").astype(int),
                         "tage": rows["availability_365"].astype(float),
                         "ueber_90": ((room == "Entire home/apt") & (rows["availability_365"] > 90)).astype(int)})
    out = work.groupby("gebiet_id").agg(angebote=("angebote", "sum"), ganze_wohnungen=("ganze_wohnungen", "sum"),
                                        zimmer=("zimmer", "sum"), hotelzimmer=("hotelzimmer", "sum"),
                                        verfuegbare_tage=("tage", "mean"), wohnungen_ueber_90_tage=("ueber_90", "sum"))
    if einwohner is not None:
        people = _residents(einwohner, id_col)
        if key is not None:
            people = people[people.index.str[:2] == key]
        out = out.reindex(out.index.union(people.index))
        counts = ["angebote", "ganze_wohnungen", "zimmer", "hotelzimmer", "wohnungen_ueber_90_tage"]
        out[counts] = out[counts].fillna(0)
        out["einwohner"] = people.reindex(out.index)
        out["angebote_je_1000_ew"] = (out["angebote"] / out["einwohner"] * 1000).round(2)
        out["ganze_wohnungen_je_1000_ew"] = (out["ganze_wohnungen"] / out["einwohner"] * 1000).round(2)
    out = out.reset_index().rename(columns={"index": "gebiet_id"})
    for col in ("angebote", "ganze_wohnungen", "zimmer", "hotelzimmer", "wohnungen_ueber_90_tage"):
        out[col] = out[col].astype("int64")
    out["anteil_ganze_wohnungen"] = (out["ganze_wohnungen"] / out["angebote"].where(out["angebote"] > 0) * 100).round(1)
    out["verfuegbare_tage"] = out["verfuegbare_tage"].round(1)
    names = _names(rows, level, id_col)
    out.insert(0, "gebiet", out["gebiet_id"].map(names) if names else np.nan)
    out.insert(0, "ebene", level)
    out.insert(0, "date", when)
    out = out[["date", "ebene", "gebiet_id", *[c for c in out.columns if c not in ("date", "ebene", "gebiet_id")]]]
    return with_sources(out.sort_values("gebiet_id", ignore_index=True), src, *([einwohner] if einwohner is not None else []))


def _area_column(df: pd.DataFrame, id_col: str) -> pd.Series:
    """The area ids of a level, from its column or the prefix of a finer level's ids."""
    if id_col in df.columns:
        return df[id_col]
    length = {"planungsraum_id": 8, "bezirksregion_id": 6, "prognoseraum_id": 4, "bezirk_id": 2}
    finer = next((c for c in length if c in df.columns and length[c] > length[id_col]), None)
    if finer is None:
        raise ValueError(f"the listings have no {id_col} and no finer area ids to derive it from")
    return df[finer].where(df[finer].notna(), None).str[:length[id_col]]


def _names(rows: pd.DataFrame, level: str, id_col: str) -> dict[str, str]:
    if level == "bezirk":
        return dict(BEZIRKE)
    name_col = _AREA_NAMES.get(level)
    if name_col and name_col in rows.columns:
        return dict(zip(rows[id_col].astype(str), rows[name_col].astype(str)))
    return {}


# ============================================================================ attractions

def _attraction_provenance(table: pd.DataFrame) -> dict[str, Any]:
    hosts = sorted({urlparse(u).netloc.removeprefix("www.") for u in table["quelle_url"].dropna()})
    years = table["jahr"].dropna()
    return {
        "dataset": "attraktionen", "title": "Sehenswürdigkeiten im Bezirk Lichtenberg mit veröffentlichten Besuchszahlen",
        "source_title": "Veröffentlichte Besuchszahlen, Quelle je Wert in der Spalte quelle_url",
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
    ``hinweis``, ``bezirk_id`` and the point ``geometry`` in EPSG:25833.

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
        table = pd.read_csv(fh, dtype={"attraktion": "str", "adresse": "str"}, encoding="utf-8")
    for col in ("jahr", "besuche"):
        table[col] = table[col].astype("Int64")
    table["bezirk_id"] = "11"
    points = gpd.points_from_xy(table["lon"], table["lat"], crs="EPSG:4326")
    gdf = gpd.GeoDataFrame(table, geometry=points, crs="EPSG:4326").to_crs("EPSG:25833")
    gdf.loc[table["lon"].isna(), "geometry"] = None
    gdf.attrs["provenance"] = [_attraction_provenance(table)]
    return gdf


# ============================================================================ spending

def spending_estimate(overnight_stays: Any, per_day_eur: float = SPENDING_PER_DAY_EUR,
                      source: dict[str, Any] | str = SPENDING_SOURCE) -> pd.DataFrame:
    """Tourism spending estimated as overnight stays × average daily spending per overnight guest.

    Parameters
    ----------
    overnight_stays
        A table with ``uebernachtungen`` (e.g. from :func:`guests`), a Series or a number.
    per_day_eur
        Spending per overnight guest and day in EUR (default: dwif 2016 for Berlin, 205.80).
    source
        Where ``per_day_eur`` comes from: a provenance entry (dict) or a citation (str).

    Returns
    -------
    pandas.DataFrame
        The input's columns and ``ausgaben_eur`` and ``art`` ("Schätzung"); ``attrs["schaetzung"]``
        holds the method, the daily amount, its source and the assumptions (German).

    Examples
    --------
    >>> est = spending_estimate(pd.DataFrame({"jahr": [2024], "uebernachtungen": [1_000_000]}), 200.0, "Studie X")
    >>> float(est["ausgaben_eur"].iloc[0]), est["art"].iloc[0], est.attrs["schaetzung"]["tagesausgaben_eur"]
    (200000000.0, 'Schätzung', 200.0)
    """
    if isinstance(overnight_stays, pd.DataFrame):
        if "uebernachtungen" not in overnight_stays.columns:
            raise ValueError("the table needs an 'uebernachtungen' column (overnight stays)")
        out = overnight_stays.copy()
    elif isinstance(overnight_stays, pd.Series):
        out = overnight_stays.rename("uebernachtungen").to_frame()
    else:
        out = pd.DataFrame({"uebernachtungen": [float(overnight_stays)]})
    out["ausgaben_eur"] = out["uebernachtungen"].astype(float) * float(per_day_eur)
    out["art"] = "Schätzung"
    entry = source if isinstance(source, dict) else {
        "dataset": "ausgabensatz", "title": "Tagesausgaben je Übernachtungsgast", "source_title": str(source),
        "publisher": str(source), "license": "keine Lizenz (zitierte Einzelangabe)", "reference_date": None,
        "retrieved_at": None, "sample": False}
    with_sources(out, overnight_stays, entry)
    out.attrs["schaetzung"] = {
        "methode": "Übernachtungen × durchschnittliche Tagesausgaben je Übernachtungsgast",
        "tagesausgaben_eur": float(per_day_eur),
        "quelle": entry.get("source_title", str(source)),
        "annahmen": [_ASSUMPTIONS[0].format(betrag=f"{per_day_eur:.2f}".replace(".", ","),
                                            quelle=entry.get("source_title", str(source))), *_ASSUMPTIONS[1:]],
    }
    return out
