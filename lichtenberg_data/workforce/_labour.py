"""Indicators for securing skilled labour (Fachkräftesicherung) in the district.

Every function takes the processed tables it needs as arguments (``None`` loads them with
:func:`lichtenberg_data.load`) and returns a tidy DataFrame that carries the provenance of
its inputs (:func:`lichtenberg_data.with_sources`), so charts print their source line.

Levels are ``planungsraum``, ``bezirksregion``, ``prognoseraum``, ``bezirk`` (the 12 Bezirke
plus a Berlin row, ``gebiet_id`` ``"00"``) and ``berlin``. ``district`` (default:
``settings.district``) restricts the sub-Bezirk levels to one Bezirk; ``None`` keeps Berlin.

======================  ===============================================================
function                what
======================  ===============================================================
working_age             residents 15 to under 65 and their trend (einwohner_lor)
replacement_ratio       residents 55-<65 per 100 residents 15-<25 (einwohner_lor)
youth_cohorts           the cohorts vocational orientation reaches: 14-<18, 15-<18, 18-<25
age_pyramid             residents by sex and 5-year age group (einwohner_ortsteile)
unemployment            MSS unemployment and youth unemployment, population-weighted
social_status           MSS Status- and Dynamik-Index classes per Planungsraum
employees               employees subject to social insurance: sex, age, trend
earnings                median earnings and low-wage share of full-time employees (entgelte_lor)
locate_offers           job offers assigned to Bezirke (point in polygon, postcode from the data)
vacancies               offers per Bezirk and per 100 registered unemployed
vacancies_by_field      offers by occupation field, district against Berlin
women_in_leadership     what open data say on women in leadership (Berlin only!)
======================  ===============================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._errors import DataNotAvailableError
from .._provenance import with_sources
from .._store import load
from ..geo import assign, boundaries, district_id
from ..names import BERLIN_ID, BEZIRKE, KEY_LENGTH
from ..names import LEVELS as NAMES_LEVELS
from ..names import level as level_of

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "LEVELS", "LEADERSHIP_BERLIN", "working_age", "replacement_ratio", "youth_cohorts", "age_pyramid",
    "unemployment", "social_status", "employees", "earnings", "locate_offers", "postcode_districts", "vacancies",
    "vacancies_by_field", "women_in_leadership",
]

#: The area levels the indicators are computed for (see :data:`lichtenberg_data.names.LEVELS`).
LEVELS = ("planungsraum", "bezirksregion", "prognoseraum", "bezirk", "berlin")
_DEFAULT = "<settings.district>"

#: Sums of the AfS age groups used here.
AGE_SUMS = {
    "einwohner_15_65": ("alter_15_18", "alter_18_25", "alter_25_55", "alter_55_65"),
    "einwohner_15_25": ("alter_15_18", "alter_18_25"),
    "einwohner_55_65": ("alter_55_65",),
    "einwohner_14_18": ("alter_14_15", "alter_15_18"),
    "einwohner_15_18": ("alter_15_18",),
    "einwohner_18_25": ("alter_18_25",),
}

#: Berlin-level figures on women in leadership (no district figures exist as open data).
LEADERSHIP_BERLIN = pd.DataFrame([
    {"kennzahl": "Frauenanteil in der ersten Führungsebene der Betriebe", "wert": 30.0, "einheit": "%",
     "jahr": 2018, "quelle": "IAB-Betriebspanel Berlin, Länderbericht 2018 (zitiert auf berlin.de/sen/frauen)"},
    {"kennzahl": "Anteil der Betriebe ohne Frau in der Führung", "wert": 63.0, "einheit": "%",
     "jahr": 2018, "quelle": "IAB-Betriebspanel Berlin, Länderbericht 2018 (zitiert auf berlin.de/sen/frauen)"},
])
_LEADERSHIP_PROVENANCE = {
    "dataset": "frauen_in_fuehrung_berlin", "title": "Frauen in Führungspositionen, Berlin",
    "source_title": "IAB-Betriebspanel Berlin, Länderbericht 2018, zitiert nach berlin.de/sen/frauen",
    "publisher": "Institut für Arbeitsmarkt- und Berufsforschung / Senatsverwaltung (Berlin)",
    "license": None, "license_url": "", "source_url": "https://www.berlin.de/sen/frauen/arbeit/fuehrungspositionen/",
    "reference_date": "2018-06-30", "retrieved_at": None, "sample": False,
}
NOT_DISTRICT_NOTE = ("Zu Frauen in Führungspositionen gibt es keine offenen Daten auf Bezirksebene. "
                     "Die Werte gelten für Berlin insgesamt, nicht für den Bezirk.")


# ============================================================================ helpers

def _load(frame: pd.DataFrame | None, dataset: str) -> pd.DataFrame:
    return frame if frame is not None else load(dataset)


def _check_level(level: str) -> None:
    level_of(level, LEVELS)


def _area_names(level: str) -> dict[str, str]:
    """Names of the areas of a level from the boundaries, ``{}`` where not loaded."""
    if level == "bezirk":
        return {**BEZIRKE, BERLIN_ID: "Berlin"}
    if level == "berlin":
        return {BERLIN_ID: "Berlin"}
    try:
        gdf = boundaries(level, None)
    except DataNotAvailableError:
        return {}
    _, id_col, name_col, _ = NAMES_LEVELS[level]
    return dict(zip(gdf[id_col].astype(str), gdf[name_col].astype(str)))


def _area_ids(df: pd.DataFrame, level: str, key: str = "planungsraum_id") -> pd.Series:
    """The id of each row's area at ``level``, read from the Planungsraum key."""
    col = NAMES_LEVELS[level].id_column
    if col is None:
        return pd.Series(BERLIN_ID, index=df.index)
    if col in df.columns and col != key:
        return df[col].astype(str)
    return df[key].astype(str).str[:KEY_LENGTH[col]]


def _with_berlin(out: pd.DataFrame, by: list[str], values: list[str]) -> pd.DataFrame:
    """Append a Berlin row (``gebiet_id`` 00) per ``by`` group: the sum of the Bezirke."""
    berlin = out.groupby(by, as_index=False)[values].sum(min_count=1)
    berlin["gebiet_id"] = BERLIN_ID
    return pd.concat([out, berlin], ignore_index=True)


def _finish_areas(out: pd.DataFrame, level: str, district: str | None) -> pd.DataFrame:
    """Add ``ebene``, ``gebiet``, ``bezirk_id``; restrict sub-Bezirk levels to the district."""
    names = _area_names(level)
    out.insert(0, "ebene", level)
    out["gebiet"] = out["gebiet_id"].map(names).fillna(out["gebiet_id"]) if names else out["gebiet_id"]
    out["bezirk_id"] = out["gebiet_id"].str[:2]
    if level not in {"bezirk", "berlin"} and district is not None:
        out = out[out["bezirk_id"] == district]
    return out.reset_index(drop=True)


def _population(einwohner: pd.DataFrame, level: str, district: str | None, columns: dict[str, tuple]) -> pd.DataFrame:
    """Sums of age-group columns per year and area; the Bezirk level gets a Berlin row."""
    _check_level(level)
    work = pd.DataFrame({"year": einwohner["year"].astype(int), "lor_version": einwohner["lor_version"],
                         "gebiet_id": _area_ids(einwohner, level).to_numpy()}, index=einwohner.index)
    work["einwohner"] = einwohner["einwohner"].astype(float)
    for name, parts in columns.items():
        work[name] = einwohner[list(parts)].astype(float).sum(axis=1, min_count=len(parts))
    values = ["einwohner", *columns]
    by = ["year"] if level in {"bezirk", "berlin"} else ["year", "lor_version"]
    out = work.groupby([*by, "gebiet_id"], as_index=False)[values].sum(min_count=1)
    if level == "bezirk":
        out = _with_berlin(out, ["year"], values)
    return _finish_areas(out, level, district)


def _change(df: pd.DataFrame, value: str, time: str) -> tuple[pd.Series, pd.Series]:
    """Change in % to the previous period *in the data* of each area, and that period."""
    ordered = df.sort_values(["gebiet_id", time])
    grouped = ordered.groupby("gebiet_id")
    change = grouped[value].pct_change(fill_method=None) * 100
    return change.reindex(df.index), grouped[time].shift().reindex(df.index).astype("Int64")


def _index(df: pd.DataFrame, value: str, time: str = "year") -> pd.Series:
    """``value`` as an index (first ``time`` of each area = 100)."""
    first = df.sort_values(time).groupby("gebiet_id")[value].transform("first")
    return df[value] / first * 100


def _sub_bezirk_latest_lor(df: pd.DataFrame, level: str) -> pd.DataFrame:
    """Below the Bezirk, keys change with the LOR version: keep the version of the latest year."""
    if level in {"bezirk", "berlin"} or "lor_version" not in df.columns or df.empty:
        return df
    latest = df.loc[df["year"].idxmax(), "lor_version"]
    return df[df["lor_version"] == latest].reset_index(drop=True)


# ============================================================================ population

def working_age(einwohner: pd.DataFrame | None = None, level: str = "bezirk",
                district: Any = _DEFAULT) -> pd.DataFrame:
    """Residents of working age (15 to under 65) per area and year, with their trend.

    Parameters
    ----------
    einwohner
        The ``einwohner_lor`` table (default: loaded).
    level
        Area level; below the Bezirk only the years of the latest LOR version are kept.
    district
        Bezirk the sub-Bezirk levels are restricted to (``None``: all of Berlin).

    Returns
    -------
    pandas.DataFrame
        ``ebene, year, gebiet_id, gebiet, bezirk_id, einwohner, einwohner_15_65``,
        ``anteil_15_65`` (% of residents), ``veraenderung`` (% to the previous year in the
        data), ``vergleichsjahr`` (that year: years missing in the data are skipped, so the
        change may span several years) and ``index`` (first year = 100).
    """
    src = _load(einwohner, "einwohner_lor")
    out = _population(src, level, district_id(district), {"einwohner_15_65": AGE_SUMS["einwohner_15_65"]})
    out = _sub_bezirk_latest_lor(out, level).sort_values(["gebiet_id", "year"], ignore_index=True)
    out["anteil_15_65"] = out["einwohner_15_65"] / out["einwohner"] * 100
    out["veraenderung"], out["vergleichsjahr"] = _change(out, "einwohner_15_65", "year")
    out["index"] = _index(out, "einwohner_15_65")
    return with_sources(_order(out, ["ebene", "year"]), src)


def replacement_ratio(einwohner: pd.DataFrame | None = None, level: str = "bezirk",
                      district: Any = _DEFAULT) -> pd.DataFrame:
    """Residents 55 to under 65 per 100 residents 15 to under 25 (the generation leaving the
    labour market against the one entering it), per area and year.

    Above 100 more people reach retirement age within ten years than reach working age.

    Returns
    -------
    pandas.DataFrame
        ``ebene, year, gebiet_id, gebiet, bezirk_id, einwohner_15_25, einwohner_55_65`` and
        ``je_100_junge`` (= 100 * 55-<65 / 15-<25).
    """
    src = _load(einwohner, "einwohner_lor")
    cols = {k: AGE_SUMS[k] for k in ("einwohner_15_25", "einwohner_55_65")}
    out = _sub_bezirk_latest_lor(_population(src, level, district_id(district), cols), level)
    out["je_100_junge"] = out["einwohner_55_65"] / out["einwohner_15_25"] * 100
    return with_sources(_order(out.drop(columns="einwohner"), ["ebene", "year"]), src)


def youth_cohorts(einwohner: pd.DataFrame | None = None, level: str = "bezirk",
                  district: Any = _DEFAULT) -> pd.DataFrame:
    """The cohorts vocational and study orientation reaches, per area and year.

    ``einwohner_14_18`` (14 to under 18: the school years in which orientation starts),
    ``einwohner_15_18`` and ``einwohner_18_25`` (training and study age), and the index of
    ``einwohner_15_25`` (first year = 100).
    """
    src = _load(einwohner, "einwohner_lor")
    cols = {k: AGE_SUMS[k] for k in ("einwohner_14_18", "einwohner_15_18", "einwohner_18_25", "einwohner_15_25")}
    out = _sub_bezirk_latest_lor(_population(src, level, district_id(district), cols), level)
    out = out.sort_values(["gebiet_id", "year"], ignore_index=True)
    out["index_15_25"] = _index(out, "einwohner_15_25")
    return with_sources(_order(out, ["ebene", "year"]), src)


def age_pyramid(ortsteile: pd.DataFrame | None = None, district: Any = _DEFAULT) -> pd.DataFrame:
    """Residents by sex and age group for the district and for Berlin (from ``einwohner_ortsteile``).

    Returns
    -------
    pandas.DataFrame
        ``date, gebiet ("Lichtenberg"/"Berlin"), altersgruppe, alter`` (label ``"15–19"``),
        ``maennlich, weiblich`` in ascending age order, for the latest date; ``erwerbsalter``
        marks 15-65.
    """
    src = _load(ortsteile, "einwohner_ortsteile")
    bid = district_id(district)
    latest = src[src["date"] == src["date"].max()]
    parts = []
    for name, rows in ((BEZIRKE[bid], latest[latest["bezirk_id"] == bid]), ("Berlin", latest)):
        table = rows.pivot_table(index="altersgruppe", columns="geschlecht", values="einwohner",
                                 aggfunc="sum", fill_value=0)
        table = table.reindex(columns=["m", "w"], fill_value=0).rename(columns={"m": "maennlich", "w": "weiblich"})
        table = table.reset_index().rename_axis(columns=None)
        table.insert(0, "gebiet", name)
        parts.append(table)
    out = pd.concat(parts, ignore_index=True)
    start = out["altersgruppe"].str.extract(r"^(\d+)")[0].astype(float)
    out.insert(2, "alter", out["altersgruppe"].map(_age_label))
    out["erwerbsalter"] = start.between(15, 60)
    out = out.assign(_s=start).sort_values(["gebiet", "_s"]).drop(columns="_s").reset_index(drop=True)
    out.insert(0, "date", latest["date"].max())
    return with_sources(out, src)


def _age_label(group: str) -> str:
    """``"15_20"`` → ``"15–19"``, ``"95 und älter"`` → ``"95+"``.

    >>> _age_label("15_20"), _age_label("95 und älter")
    ('15–19', '95+')
    """
    parts = group.split("_")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}–{int(parts[1]) - 1}"
    first = group.split()[0]
    return f"{int(first)}+" if first.isdigit() else group


def _order(df: pd.DataFrame, first: list[str]) -> pd.DataFrame:
    head = [*first, "gebiet_id", "gebiet", "bezirk_id"]
    return df[[c for c in head if c in df.columns] + [c for c in df.columns if c not in head]]


# ============================================================================ unemployment (MSS)

_MSS_WEIGHTS = {"arbeitslosigkeit": "einwohner_15_65", "jugendarbeitslosigkeit": "einwohner_15_25",
                "langzeitarbeitslosigkeit": "einwohner_15_65"}


def _mss_weights(rows: pd.DataFrame, einwohner: pd.DataFrame | None, indicator: str) -> tuple[pd.Series, str]:
    """Weights per row: the indicator's population group on the MSS reference date when
    ``einwohner`` has it (same LOR version), else all residents as given in the MSS."""
    group = _MSS_WEIGHTS.get(indicator)
    edition = int(rows["edition"].iloc[0])
    if einwohner is not None and group is not None:
        year = einwohner[(einwohner["year"] == edition - 1) & (einwohner["lor_version"] == rows["lor_version"].iloc[0])]
        if len(year):
            pop = year.set_index("planungsraum_id")[list(AGE_SUMS[group])].astype(float).sum(axis=1)
            weights = rows["planungsraum_id"].map(pop)
            if weights.notna().mean() > 0.95:
                label = group.replace("einwohner_", "Einwohner ").replace("_", " bis unter ")
                return weights, f"{label} Jahre (31.12.{edition - 1})"
    return rows["einwohner"], "Einwohner insgesamt (MSS)"


def _weighted_mean(rows: pd.DataFrame, weights: pd.Series, by: list[str]) -> pd.DataFrame:
    ok = rows["wert"].notna() & weights.notna() & (weights > 0)
    work = rows.loc[ok, by].copy()
    work["_wx"] = rows.loc[ok, "wert"] * weights[ok]
    work["_w"] = weights[ok]
    grouped = work.groupby(by, as_index=False).agg(_wx=("_wx", "sum"), _w=("_w", "sum"),
                                                   n_planungsraeume=("_w", "size"))
    grouped["wert"] = grouped["_wx"] / grouped["_w"]
    return grouped.drop(columns=["_wx", "_w"])


def unemployment(mss: pd.DataFrame | None = None, level: str = "bezirk", district: Any = _DEFAULT, *,
                 indicators: tuple[str, ...] = ("arbeitslosigkeit", "jugendarbeitslosigkeit"),
                 edition: int | None = None, einwohner: pd.DataFrame | None = None) -> pd.DataFrame:
    """Unemployment and youth unemployment (MSS, % of the age group) per area and edition.

    Planungsraum values are those of the MSS. Larger areas get the population-weighted mean
    of their valid Planungsräume (MSS suppresses uninhabited ones): with ``einwohner`` (the
    ``einwohner_lor`` table) the weights are the indicator's own denominator (residents 15-<65,
    resp. 15-<25) on the MSS reference date; without it (or where that year is missing) all
    residents as reported in the MSS - an approximation, named in the column ``gewichtung``.

    Parameters
    ----------
    mss
        The ``mss`` table (long format).
    level
        ``planungsraum``, ``bezirksregion``, ``prognoseraum``, ``bezirk`` (12 + Berlin) or ``berlin``.
    district
        Restricts sub-Bezirk levels to one Bezirk (``None``: all of Berlin).
    indicators
        Canonical MSS indicators.
    edition
        All editions that have the indicators (default), or one edition: where that edition
        lacks an indicator (the MSS 2023 index workbook has the indices only), the latest
        earlier edition that has it is used and ``attrs["hinweis"]`` says so.

    Returns
    -------
    pandas.DataFrame
        ``ebene, edition, date, gebiet_id, gebiet, bezirk_id, indikator, wert, einheit,
        n_planungsraeume, gewichtung, zuordnung_geprueft``.
    """
    _check_level(level)
    src = _load(mss, "mss")
    rows = src[src["indikator"].isin(indicators) & src["gueltig"]]
    rows, note = _edition_rows(rows, edition) if edition is not None else (rows, "")
    if rows.empty:
        raise DataNotAvailableError(f"mss: no rows for {', '.join(indicators)}"
                                    + (f" in edition {edition} or before" if edition else ""))
    parts = [_unemployment_part(part, level, einwohner) for _, part in rows.groupby(["edition", "indikator"])]
    out = _finish_areas(pd.concat(parts, ignore_index=True), level, district_id(district))
    if "_name" in out.columns:
        out["gebiet"] = out["_name"].fillna(out["gebiet"])
    out = out[["ebene", "edition", "date", "gebiet_id", "gebiet", "bezirk_id", "indikator", "wert", "einheit",
               "n_planungsraeume", "gewichtung", "zuordnung_geprueft"]]
    inputs = [src] if einwohner is None else [src, einwohner]
    out = with_sources(out.sort_values(["edition", "indikator", "gebiet_id"], ignore_index=True), *inputs)
    if note:
        out.attrs["hinweis"] = note
    return out


def _edition_rows(rows: pd.DataFrame, edition: int) -> tuple[pd.DataFrame, str]:
    """Per indicator the rows of ``edition``, else of the latest edition before it that has it."""
    chosen = rows[rows["edition"] <= edition].groupby("indikator")["edition"].max()
    keep = rows["edition"] == rows["indikator"].map(chosen)
    older = chosen[chosen != edition]
    note = "; ".join(f"MSS {edition} enthält keine Werte für {name}, verwendet: MSS {ed}"
                     for name, ed in older.items())
    return rows[keep], note


def _unemployment_part(rows: pd.DataFrame, level: str, einwohner: pd.DataFrame | None) -> pd.DataFrame:
    weights, label = _mss_weights(rows, einwohner, rows["indikator"].iloc[0])
    keys = ["edition", "date", "indikator", "einheit", "zuordnung_geprueft"]
    if level == "planungsraum":
        out = rows[[*keys, "planungsraum_id", "wert"]].rename(columns={"planungsraum_id": "gebiet_id"})
        out = out.assign(n_planungsraeume=1)
    else:
        work = rows.assign(gebiet_id=_area_ids(rows, level).to_numpy())
        out = _weighted_mean(work, weights, [*keys, "gebiet_id"])
        if level == "bezirk":
            berlin = _weighted_mean(work.assign(gebiet_id=BERLIN_ID), weights, [*keys, "gebiet_id"])
            out = pd.concat([out, berlin], ignore_index=True)
    out["gewichtung"] = "keine (Planungsraum)" if level == "planungsraum" else label
    if level == "planungsraum":
        out = out.merge(rows[["planungsraum_id", "planungsraum"]].rename(
            columns={"planungsraum_id": "gebiet_id", "planungsraum": "_name"}), on="gebiet_id", how="left")
    return out


# ============================================================================ employees

def employees(beschaeftigte: pd.DataFrame | None = None, ort: str = "arbeitsort") -> pd.DataFrame:
    """Employees subject to social insurance per Bezirk (and Berlin): sex, age and trend.

    Parameters
    ----------
    beschaeftigte
        The ``beschaeftigte_bezirke`` table.
    ort
        ``arbeitsort`` (jobs located in the Bezirk) or ``wohnort`` (employees living there).

    Returns
    -------
    pandas.DataFrame
        ``date, jahr, gebiet_id, gebiet, ort``, the counts, ``anteil_frauen``,
        ``anteil_unter_25`` and ``anteil_55_plus`` (% of all), ``index`` (first date = 100)
        ``veraenderung`` (% to the previous year in the data) and ``vergleichsjahr``.
    """
    src = _load(beschaeftigte, "beschaeftigte_bezirke")
    out = src[src["ort"] == ort].rename(columns={"bezirk_id": "gebiet_id", "bezirk": "gebiet"}).copy()
    out.insert(1, "jahr", out["date"].dt.year)
    total = out["insgesamt"]
    out["anteil_frauen"] = out["weiblich"] / total * 100
    out["anteil_unter_25"] = out["alter_unter_25"] / total * 100
    out["anteil_55_plus"] = (out["alter_55_65"] + out["alter_65_plus"]) / total * 100
    out = out.sort_values(["gebiet_id", "date"], ignore_index=True)
    out["index"] = _index(out, "insgesamt", "date")
    out["veraenderung"], out["vergleichsjahr"] = _change(out, "insgesamt", "jahr")
    return with_sources(out.drop(columns="flags"), src)


# ============================================================================ earnings (entgelte_lor)

_EARNINGS = ["svb_vollzeit", "median_eur", "quintil", "svb_unterer_entgeltbereich", "anteil_unterer_entgeltbereich",
             "median_eur_flag", "anteil_unterer_entgeltbereich_flag"]


def earnings(entgelte: pd.DataFrame | None = None, level: str = "planungsraum", district: Any = _DEFAULT, *,
             stand: Any = None) -> pd.DataFrame:
    """Median monthly gross earnings and low-wage share of full-time employees by place of residence.

    Parameters
    ----------
    entgelte
        The ``entgelte_lor`` table (default: loaded).
    level
        ``planungsraum``: the district's Planungsräume, its Bezirk row and Berlin; ``bezirk``:
        the 12 Bezirke and Berlin.
    district
        Bezirk whose Planungsräume are listed (``None``: all 542).
    stand
        Reference date (default: the latest in the table).

    Returns
    -------
    pandas.DataFrame
        ``ebene, date, gebiet_id, gebiet, bezirk_id, svb_vollzeit, median_eur, quintil,
        svb_unterer_entgeltbereich, anteil_unterer_entgeltbereich`` (%), the flags of the median
        and the share (``*`` gesperrt, ``•``/``X`` nicht ausgewiesen, ``.`` gelöscht) and
        ``berechnet``. Where the table has no Berlin row (the 2023 workbook has none), the Berlin
        row is computed from the 12 Bezirke: employees and the lower range summed, the share
        from those sums, the median left empty (a median cannot be summed); ``berechnet`` is
        True there.
    """
    if level not in {"planungsraum", "bezirk"}:
        raise ValueError(f"level must be 'planungsraum' or 'bezirk', not {level!r}")
    src = _load(entgelte, "entgelte_lor")
    when = src["date"].max() if stand is None else pd.Timestamp(stand)
    rows = src[src["date"] == when]
    if rows.empty:
        raise DataNotAvailableError(f"entgelte_lor: no data of {when:%d.%m.%Y}")
    bid = district_id(district)
    if level == "planungsraum":
        plr = rows[rows["ebene"] == "planungsraum"]
        parts = [plr if bid is None else plr[plr["bezirk_id"] == bid]]
        if bid is not None:
            parts.append(rows[(rows["ebene"] == "bezirk") & (rows["gebiet_id"] == bid)])
    else:
        parts = [rows[rows["ebene"] == "bezirk"]]
    out = pd.concat([*(p.assign(berechnet=False) for p in parts), _berlin_earnings(rows)], ignore_index=True)
    out = out[["ebene", "date", "gebiet_id", "gebiet", "bezirk_id", *_EARNINGS, "berechnet"]]
    return with_sources(out, src)


def _berlin_earnings(rows: pd.DataFrame) -> pd.DataFrame:
    """The Berlin row of the table, or one computed from its 12 Bezirke (no median)."""
    berlin = rows[rows["ebene"] == "berlin"]
    if len(berlin):
        return berlin.assign(berechnet=False)
    bez = rows[rows["ebene"] == "bezirk"]
    svb, low = bez["svb_vollzeit"].sum(min_count=12), bez["svb_unterer_entgeltbereich"].sum(min_count=12)
    return pd.DataFrame([{"ebene": "berlin", "date": rows["date"].iloc[0], "gebiet_id": BERLIN_ID, "gebiet": "Berlin",
                          "bezirk_id": BERLIN_ID, "svb_vollzeit": svb, "median_eur": np.nan, "quintil": np.nan,
                          "svb_unterer_entgeltbereich": low, "anteil_unterer_entgeltbereich": low / svb * 100,
                          "median_eur_flag": None, "anteil_unterer_entgeltbereich_flag": None, "berechnet": True}])


# ============================================================================ social status (MSS)

def social_status(mss: pd.DataFrame | None = None, edition: int | None = None,
                  district: Any = _DEFAULT) -> pd.DataFrame:
    """The MSS Status-Index and Dynamik-Index classes of each Planungsraum.

    Parameters
    ----------
    mss
        The ``mss`` table (default: loaded).
    edition
        MSS edition (default: the latest that has the indices, e.g. 2023 from the index workbook).
    district
        Bezirk whose Planungsräume are listed (``None``: all).

    Returns
    -------
    pandas.DataFrame
        ``ebene, edition, date, gebiet_id, gebiet, bezirk_id, einwohner, gueltig,
        status_klasse`` (1 hoch … 4 sehr niedrig), ``status``, ``dynamik_klasse`` (1 positiv,
        3 stabil, 5 negativ), ``dynamik``, ``gruppe`` (as the MSS prints it, ``"2+/-"``) and
        ``zuordnung_geprueft``. Planungsräume left out of the index (under 300 residents,
        outliers) have ``gueltig`` False and no classes.
    """
    from ..sources._mss_xlsx import DYNAMIK_CLASSES, STATUS_CLASSES

    src = _load(mss, "mss")
    rows = src[src["indikator"].isin(["statusindex", "dynamikindex"])]
    if rows.empty:
        raise DataNotAvailableError("mss: no Status-/Dynamik-Index rows; import an edition with the indices")
    chosen = int(rows["edition"].max()) if edition is None else edition
    rows = rows[rows["edition"] == chosen]
    if rows.empty:
        raise DataNotAvailableError(f"mss: edition {edition} has no Status-/Dynamik-Index")
    keys = ["edition", "date", "planungsraum_id", "planungsraum", "bezirk_id", "einwohner", "gueltig",
            "zuordnung_geprueft"]
    wide = rows.pivot(index="planungsraum_id", columns="indikator", values="wert")
    wide = wide.reindex(columns=["statusindex", "dynamikindex"])
    out = rows.drop_duplicates("planungsraum_id")[keys].merge(wide, left_on="planungsraum_id", right_index=True)
    out = out.rename(columns={"planungsraum_id": "gebiet_id", "planungsraum": "gebiet"})
    out["status_klasse"] = out["statusindex"].astype("Int64")
    out["status"] = out["status_klasse"].map(STATUS_CLASSES, na_action="ignore")
    out["dynamik_klasse"] = out["dynamikindex"].astype("Int64")
    symbols = {cls: sym for sym, (cls, _) in DYNAMIK_CLASSES.items()}
    out["dynamik"] = out["dynamik_klasse"].map({cls: text for cls, text in DYNAMIK_CLASSES.values()},
                                               na_action="ignore")
    out["gruppe"] = out["status_klasse"].astype("string") + out["dynamik_klasse"].map(symbols, na_action="ignore")
    bid = district_id(district)
    if bid is not None:
        out = out[out["bezirk_id"] == bid]
    out.insert(0, "ebene", "planungsraum")
    columns = ["ebene", "edition", "date", "gebiet_id", "gebiet", "bezirk_id", "einwohner", "gueltig",
               "status_klasse", "status", "dynamik_klasse", "dynamik", "gruppe", "zuordnung_geprueft"]
    return with_sources(out[columns].sort_values("gebiet_id", ignore_index=True), src)


# ============================================================================ vacancies

#: A postcode places offers without coordinates only when at least this many offers of the same
#: table with coordinates carry it, and at least this share of them lie in one Bezirk.
PLZ_MIN_OFFERS = 5
PLZ_MIN_SHARE = 0.9
NOT_PLACED = "nicht zuordenbar"


def postcode_districts(located: pd.DataFrame) -> pd.DataFrame:
    """Which Bezirk each postcode lies in, learnt from the offers placed by their coordinates.

    Postcodes cross Bezirk borders and no list of postcode areas per Bezirk is available
    offline, so the table is derived from the data themselves: a postcode is assigned to the
    Bezirk in which at least :data:`PLZ_MIN_SHARE` of at least :data:`PLZ_MIN_OFFERS` offers with
    that postcode and coordinates lie (for every Bezirk alike).

    Parameters
    ----------
    located
        Offers with ``plz`` and ``bezirk_id`` (from coordinates; empty where none).

    Returns
    -------
    pandas.DataFrame
        ``plz, bezirk_id, angebote`` (offers with coordinates and that postcode), ``anteil``
        (share in that Bezirk, 0-1), ``eindeutig`` (the thresholds are met).
    """
    pts = located.dropna(subset=["plz", "bezirk_id"])
    if pts.empty:
        return pd.DataFrame(columns=["plz", "bezirk_id", "angebote", "anteil", "eindeutig"])
    counts = pts.groupby(["plz", "bezirk_id"]).size().rename("n").reset_index()
    counts["angebote"] = counts.groupby("plz")["n"].transform("sum")
    top = counts.sort_values(["plz", "n"], ascending=[True, False]).drop_duplicates("plz")
    top["anteil"] = top["n"] / top["angebote"]
    top["eindeutig"] = (top["angebote"] >= PLZ_MIN_OFFERS) & (top["anteil"] >= PLZ_MIN_SHARE)
    return top[["plz", "bezirk_id", "angebote", "anteil", "eindeutig"]].reset_index(drop=True)


def locate_offers(stellen: pd.DataFrame | None = None, areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Assign each job offer to a Bezirk.

    Offers with coordinates are placed by point in polygon (:func:`lichtenberg_data.geo.assign`,
    ``zuordnung == "koordinaten"``; outside Berlin: ``"außerhalb Berlins"``, no ``bezirk_id``).
    Offers without coordinates get the Bezirk of their postcode where the offers with
    coordinates show it unambiguously (:func:`postcode_districts`, ``zuordnung == "plz"``,
    approximate); all others are ``"nicht zuordenbar"``, in every Bezirk alike.

    Parameters
    ----------
    stellen
        The ``stellenangebote`` table.
    areas
        Bezirk polygons (default: :func:`lichtenberg_data.geo.boundaries` ``("bezirk", None)``).
    """
    src = _load(stellen, "stellenangebote")
    has_point = src["lat"].notna() & src["lon"].notna()
    out = src.copy()
    placed = assign(src[has_point], "bezirk", None, lon="lon", lat="lat", areas=areas)
    out["bezirk_id"] = placed["bezirk_id"].reindex(out.index)
    out["zuordnung"] = np.where(out["bezirk_id"].notna(), "koordinaten",
                                np.where(has_point, "außerhalb Berlins", NOT_PLACED))
    plz = postcode_districts(out)
    known = plz[plz["eindeutig"]].set_index("plz")["bezirk_id"]
    by_plz = ~has_point & out["plz"].isin(known.index)
    out.loc[by_plz, "bezirk_id"] = out.loc[by_plz, "plz"].map(known)
    out.loc[by_plz, "zuordnung"] = "plz"
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    inputs = [src] if areas is None else [src, areas]
    return with_sources(out, *inputs)


def _unemployed_for(arbeitslose: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """Registered unemployed of the latest date up to ``when`` (else the earliest there is)."""
    dates = sorted(arbeitslose["date"].unique())
    earlier = [d for d in dates if d <= when]
    chosen = earlier[-1] if earlier else dates[0]
    rows = arbeitslose[arbeitslose["date"] == chosen]
    return rows[["bezirk_id", "arbeitslose"]].assign(arbeitslose_stand=chosen)


def vacancies(stellen: pd.DataFrame | None = None, arbeitslose: pd.DataFrame | None = None, *,
              located: pd.DataFrame | None = None, areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Job and apprenticeship offers per Bezirk (and Berlin), and per 100 registered unemployed.

    Parameters
    ----------
    stellen, arbeitslose
        The ``stellenangebote`` and ``arbeitslose_bezirke`` tables (``arbeitslose`` may be an
        empty frame to skip the ratio).
    located
        The output of :func:`locate_offers`, if already computed.

    Returns
    -------
    pandas.DataFrame
        ``date, angebot, gebiet_id, gebiet, angebote, arbeitslose, arbeitslose_stand,
        angebote_je_100_arbeitslose, abfrage_vollstaendig, nicht_zuordenbar`` (offers of that
        snapshot and type in no Bezirk: no coordinates and no unambiguous postcode; the same on
        every row, not counted in any Bezirk or in Berlin). Offers in the Jobsuche are not
        the BA statistics of registered vacancies: the ratio is an indication, not the
        official "Arbeitslose je gemeldete Stelle".
    """
    loc = located if located is not None else locate_offers(stellen, areas)
    alo = _load(arbeitslose, "arbeitslose_bezirke")
    inside = loc[loc["bezirk_id"].notna()]
    keys = ["date", "angebot"]
    counts = inside.groupby([*keys, "bezirk_id"]).size().rename("angebote").reset_index()
    full = pd.MultiIndex.from_product([sorted(inside["date"].unique()), sorted(inside["angebot"].unique()),
                                       sorted(BEZIRKE)], names=[*keys, "bezirk_id"])
    counts = counts.set_index([*keys, "bezirk_id"]).reindex(full, fill_value=0).reset_index()
    berlin = counts.groupby(keys, as_index=False)["angebote"].sum().assign(bezirk_id=BERLIN_ID)
    out = pd.concat([counts, berlin], ignore_index=True)
    complete = loc.groupby(keys)["abfrage_vollstaendig"].all().rename("abfrage_vollstaendig")
    out = out.merge(complete.reset_index(), on=keys, how="left")
    unplaced = loc[loc["zuordnung"] == NOT_PLACED].groupby(keys).size().rename("nicht_zuordenbar")
    out = out.merge(unplaced.reset_index(), on=keys, how="left").fillna({"nicht_zuordenbar": 0})
    out["nicht_zuordenbar"] = out["nicht_zuordenbar"].astype(int)
    out = _add_unemployed(out, alo)
    out = out.rename(columns={"bezirk_id": "gebiet_id"})
    out.insert(3, "gebiet", out["gebiet_id"].map({**BEZIRKE, BERLIN_ID: "Berlin"}))
    inputs = [loc] if alo.empty else [loc, alo]
    return with_sources(out.sort_values([*keys, "gebiet_id"], ignore_index=True), *inputs)


def _add_unemployed(out: pd.DataFrame, alo: pd.DataFrame) -> pd.DataFrame:
    if alo.empty:
        return out.assign(arbeitslose=np.nan, arbeitslose_stand=pd.NaT, angebote_je_100_arbeitslose=np.nan)
    parts = []
    for when, rows in out.groupby("date"):
        parts.append(rows.merge(_unemployed_for(alo, when), on="bezirk_id", how="left"))
    out = pd.concat(parts, ignore_index=True)
    out["angebote_je_100_arbeitslose"] = out["angebote"] / out["arbeitslose"] * 100
    return out


def vacancies_by_field(stellen: pd.DataFrame | None = None, district: Any = _DEFAULT, *,
                       located: pd.DataFrame | None = None,
                       areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Offers by occupation field in the district against Berlin, per snapshot and offer type.

    Returns
    -------
    pandas.DataFrame
        ``date, angebot, berufsfeld, bezirk`` (offers in the district), ``berlin``,
        ``anteil_bezirk``/``anteil_berlin`` (% of all offers of that type) and
        ``anteil_am_berliner_angebot`` (% of Berlin's offers in the field that are in the district).
        Offers without an occupation field are listed as "ohne Angabe".
    """
    loc = located if located is not None else locate_offers(stellen, areas)
    bid = district_id(district)
    work = loc[loc["bezirk_id"].notna()].assign(berufsfeld=lambda d: d["berufsfeld"].fillna("ohne Angabe"))
    keys = ["date", "angebot", "berufsfeld"]
    berlin = work.groupby(keys).size().rename("berlin")
    here = work[work["bezirk_id"] == bid].groupby(keys).size().rename("bezirk")
    out = pd.concat([here, berlin], axis=1).fillna(0).astype(int).reset_index()
    for col in ("bezirk", "berlin"):
        out[f"anteil_{col}"] = out[col] / out.groupby(["date", "angebot"])[col].transform("sum") * 100
    out["anteil_am_berliner_angebot"] = out["bezirk"] / out["berlin"] * 100
    out.insert(3, "gebiet", BEZIRKE[bid])
    return with_sources(out.sort_values(["date", "angebot", "bezirk"], ascending=[True, True, False],
                                        ignore_index=True), loc)


# ============================================================================ women in leadership

def women_in_leadership(beschaeftigte: pd.DataFrame | None = None) -> pd.DataFrame:
    """What open data say on women in leadership, labelled by whether it is district-specific.

    Open data on women in management exist only for Berlin as a whole (survey figures, see
    :data:`LEADERSHIP_BERLIN`). What exists per Bezirk is the women's share of employees
    (place of work), a context figure, not a leadership figure.

    Returns
    -------
    pandas.DataFrame
        ``ebene, gebiet, kennzahl, wert, einheit, jahr, quelle, bezirksspezifisch``;
        ``attrs["hinweis"]`` holds the German note to print beside any chart of it.
    """
    src = _load(beschaeftigte, "beschaeftigte_bezirke")
    latest = src[(src["ort"] == "arbeitsort") & (src["date"] == src["date"].max())]
    per_bezirk = pd.DataFrame({
        "ebene": np.where(latest["bezirk_id"] == BERLIN_ID, "Berlin", "Bezirk"),
        "gebiet": latest["bezirk"].to_numpy(),
        "kennzahl": "Frauenanteil an den sozialversicherungspflichtig Beschäftigten (Arbeitsort)",
        "wert": (latest["weiblich"] / latest["insgesamt"] * 100).to_numpy(),
        "einheit": "%", "jahr": latest["date"].dt.year.to_numpy(),
        "quelle": "beschaeftigte_bezirke", "bezirksspezifisch": (latest["bezirk_id"] != BERLIN_ID).to_numpy(),
    })
    berlin = LEADERSHIP_BERLIN.assign(ebene="Berlin", gebiet="Berlin", bezirksspezifisch=False)
    out = pd.concat([per_bezirk, berlin[per_bezirk.columns]], ignore_index=True)
    out = with_sources(out, src, [_LEADERSHIP_PROVENANCE])
    out.attrs["hinweis"] = NOT_DISTRICT_NOTE
    return out
