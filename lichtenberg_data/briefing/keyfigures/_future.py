"""Key figures of the future workforce in the skilled-labour section: the schools of vocational
and study orientation, the Modellrechnung of entries into and exits from working age, the
Senate's population forecast."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..._provenance import with_sources
from ...names import BERLIN_ID
from ._model import Ctx, KeyFigure, long_form

__all__ = ["FIGURES", "school_year"]


def _load(name: str) -> Any:
    from ... import load

    return load(name)


def school_year(stand: Any) -> str:
    """The school year a list of that Stand describes (a school year runs from August to July).

    >>> school_year(pd.Timestamp("2020-07-01")), school_year(pd.Timestamp("2020-09-15")), school_year(None)
    ('Schuljahr 2019/20', 'Schuljahr 2020/21', 'Stand unbekannt')
    """
    if stand is None or pd.isna(stand):
        return "Stand unbekannt"
    first = stand.year if stand.month >= 8 else stand.year - 1
    return f"Schuljahr {first}/{(first + 1) % 100:02d}"


# ---------------------------------------------------------------------------- schools

def _schools(ctx: Ctx) -> pd.DataFrame:
    """:func:`workforce.youth_per_school` with the public schools of every type that have a
    location (``oeffentlich``) and the school year."""
    from ... import workforce as wf

    schulen = _load("schulen")
    table = wf.youth_per_school(schulen, _load("einwohner_lor"))
    has_point = schulen.geometry.notna() & ~schulen.geometry.is_empty
    public = schulen[(schulen["traeger"] == "öffentlich") & has_point].groupby("bezirk_id").size()
    table["oeffentlich"] = table["gebiet_id"].map(public).fillna(0).astype(int)
    table.loc[table["gebiet_id"] == BERLIN_ID, "oeffentlich"] = int(public.sum())
    table["schuljahr"] = school_year(table["schulen_stand"].iloc[0])
    return table


def _per_school_year(value: str):
    def rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
        detail = f" (Einwohnerregister 31.12.{int(table['jahr_einwohner'].iloc[0])})" if len(table) else ""
        return long_form(table, value, "schuljahr", detail=detail)
    return rows


# ---------------------------------------------------------------------------- Modellrechnung

def _flows(ctx: Ctx) -> pd.DataFrame:
    """:func:`workforce.working_age_flows` from the register up to the briefing year, with the
    period (``zeitraum``) and entries per 100 exits (``je_100``)."""
    from ... import workforce as wf

    register = _load("einwohner_lor")
    if ctx.year is not None:
        register = register[register["year"] <= ctx.year]
    return _with_period(wf.working_age_flows(register))


def _with_period(flows: pd.DataFrame) -> pd.DataFrame:
    out = flows.copy()
    out["zeitraum"] = "31.12." + out["basisjahr"].astype(str) + "–31.12." + out["zieljahr"].astype(str)
    out["je_100"] = out["eintritte"] / out["austritte"].where(out["austritte"] > 0) * 100
    return with_sources(out, flows)


def _horizon(value: str, years: int):
    """Rows of one horizon, ordered and filtered by the register year they start from."""
    def rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
        if "zeitraum" not in table.columns:  # the notebook's own working_age_flows()
            table = _with_period(table)
        part = table[table["horizont"] == years]
        out = long_form(part, value, "zeitraum")
        out["sort"] = part["basisjahr"].to_numpy()
        out.attrs["detail"] = (f"{int(part['vergleichsjahr'].iloc[0])}–{int(part['basisjahr'].iloc[0])}"
                               if len(part) else "")
        return out
    return rows


# ---------------------------------------------------------------------------- forecast

def _forecast(ctx: Ctx) -> pd.DataFrame:
    from ... import workforce as wf

    return wf.forecast_change(_load("bevoelkerungsprognose"), "mittlere", 2040)


def _forecast_rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
    """The base year and 2040 per area, ordered and filtered by the base year the forecast
    starts from (a forecast made in 2024 belongs to a briefing of 2026, though it reaches 2040)."""
    parts = []
    for when, column in (("basisjahr", "einwohner_basis"), ("zieljahr", "einwohner_ziel")):
        part = long_form(table, column, when)
        part["sort"] = table["basisjahr"].astype(str).to_numpy() + ":" + part["zeit"].astype(str).to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


_SECTION = "fachkraefte"
_SCHOOLS = ("schulen", "einwohner_lor")
_EWR = ("einwohner_lor",)
_MODEL = "Modellrechnung (keine Prognose)"
_ASSUMPTION = ("Annahme: Jeder Jahrgang gewinnt oder verliert durch Zu- und Fortzüge und Sterbefälle so viele "
               "Menschen wie der gleich alte Jahrgang {detail}.")


def _flow_figures(years: int, chart: str, priority: int) -> tuple[KeyFigure, KeyFigure]:
    when = "fünf" if years == 5 else "zehn"
    return (
        KeyFigure(
            f"eintritte_erwerbsalter_{years}j", _SECTION,
            f"Eintritte ins Erwerbsalter in {when} Jahren (werden 15; Modellrechnung, keine Prognose)", _EWR, _flows,
            _horizon("eintritte", years), chart=chart, noun=_MODEL, place="für {gebiet}",
            short="Eintritte ins Erwerbsalter", counted="Menschen erreichen das Erwerbsalter (werden 15)",
            says=("versus",), versus=f"austritte_erwerbsalter_{years}j", assumption=_ASSUMPTION,
            priority=priority, kind="count"),
        KeyFigure(
            f"austritte_erwerbsalter_{years}j", _SECTION,
            f"Austritte aus dem Erwerbsalter in {when} Jahren (werden 65; Einwohnerregister)", _EWR, _flows,
            _horizon("austritte", years), chart=chart,
            noun=f"Die Zahl der Menschen, die in {when} Jahren 65 Jahre alt werden", short="Austritte",
            counted="verlassen es (werden 65)", says=(), priority=priority - 10, kind="count"),
    )


FIGURES = (
    KeyFigure(
        "schulen_oeffentlich", _SECTION, "Öffentliche Schulen aller Schularten (mit Standort)", _SCHOOLS,
        _schools, _per_school_year("oeffentlich"), chart="schulen-orientierung-karte",
        noun="Die Zahl der öffentlichen Schulen aller Schularten", short="Öffentliche Schulen", priority=36,
        kind="count"),
    KeyFigure(
        "integrierte_sekundarschulen", _SECTION, "Öffentliche Integrierte Sekundarschulen (ISS)", _SCHOOLS, _schools,
        _per_school_year("iss"), chart="schulen-orientierung-karte",
        noun="Die Zahl der öffentlichen Integrierten Sekundarschulen", short="Integrierte Sekundarschulen",
        priority=44, kind="count"),
    KeyFigure(
        "gymnasien", _SECTION, "Öffentliche Gymnasien", _SCHOOLS, _schools, _per_school_year("gymnasien"),
        chart="schulen-orientierung-karte", noun="Die Zahl der öffentlichen Gymnasien", short="Gymnasien",
        priority=43, kind="count"),
    KeyFigure(
        "berufliche_schulen", _SECTION, "Öffentliche berufliche Schulen (Oberstufenzentren u. a.)", _SCHOOLS, _schools,
        _per_school_year("berufliche_schulen"), chart="schulen-orientierung-karte",
        noun="Die Zahl der öffentlichen beruflichen Schulen (Oberstufenzentren u. a.)", short="Berufliche Schulen",
        priority=40, kind="count"),
    KeyFigure(
        "weiterfuehrende_schulen", _SECTION, "Öffentliche ISS und Gymnasien", _SCHOOLS, _schools,
        _per_school_year("schulen_sek"),
        noun="Die Zahl der öffentlichen Integrierten Sekundarschulen und Gymnasien", short="ISS und Gymnasien",
        says=(), priority=42, kind="count"),
    KeyFigure(
        "jugendliche_je_schule", _SECTION,
        "15- bis unter 18-Jährige{detail} je öffentlicher ISS oder Gymnasium (je Schule, nicht je Schulplatz)",
        _SCHOOLS, _schools, _per_school_year("je_schule"), chart="jugendliche-je-schule",
        noun=("Die Zahl der 15- bis unter 18-Jährigen{detail} je öffentlicher weiterführender Schule "
              "(Integrierte Sekundarschule oder Gymnasium)"),
        short="Jugendliche je weiterführender Schule", priority=70),
    *_flow_figures(5, "erwerbsalter-ein-austritte", 84),
    *_flow_figures(10, "erwerbsalter-ein-je-aus-bezirke", 83),
    KeyFigure(
        "eintritte_je_100_austritte_10j", _SECTION,
        "Eintritte ins Erwerbsalter je 100 Austritte in zehn Jahren (Modellrechnung, keine Prognose)", _EWR, _flows,
        _horizon("je_100", 10), chart="erwerbsalter-ein-je-aus-bezirke",
        noun="Die Zahl der Eintritte ins Erwerbsalter je 100 Austritte (Modellrechnung, keine Prognose)",
        short="Eintritte je 100 Austritte", says=(), priority=60),
    KeyFigure(
        "prognose_2040", _SECTION, "Einwohner/innen 2040 laut Bevölkerungsprognose (mittlere Variante)",
        ("bevoelkerungsprognose",), _forecast, _forecast_rows, chart="bevoelkerungsprognose-bezirke",
        noun="Die Zahl der Einwohnerinnen und Einwohner 2040 laut Bevölkerungsprognose (mittlere Variante)",
        short="Bevölkerungsprognose 2040", says=(), priority=40, kind="count"),
)
# The forecast gives no finding (says=()): its parser is unverified, no file of it was seen (issue 20).
# The ratio of entries to exits is stated in the "versus" finding of the entries.
