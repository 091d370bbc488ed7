"""Key figures of the section on commercial land and businesses (IHK register, land values, building, land use)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..._provenance import with_sources
from ...names import BERLIN_ID, BEZIRKE
from ._model import Ctx, KeyFigure, long_form
from ._places import stand_of

__all__ = ["FIGURES"]

_NAMES = {**BEZIRKE, BERLIN_ID: "Berlin"}


def _load(name: str) -> Any:
    from ... import load

    return load(name)


def _month(stand: pd.Series) -> pd.Series:
    """``2026-12`` → ``12/2026`` (the register's month as the paper prints it)."""
    return stand.astype(str).str[5:7] + "/" + stand.astype(str).str[:4]


def _monthly(table: pd.DataFrame, value: str, **where: Any) -> pd.DataFrame:
    out = long_form(table, value, "stand", where=where)
    out["sort"] = out["zeit"].astype(str)
    out["zeit"] = _month(out["sort"])
    return out


# ---------------------------------------------------------------------------- IHK register

def _series(ctx: Ctx) -> pd.DataFrame:
    from ... import business

    return business.series()


def _stock(ctx: Ctx) -> pd.DataFrame:
    from ... import business

    return business.stock("bezirk", einwohner=_load("einwohner_lor"))


def _shares(by: str, classes: tuple[str, ...]):
    def build(ctx: Ctx) -> pd.DataFrame:
        from ... import business

        table = business.stock("bezirk", by=by)
        picked = table[table[by].isin(classes)]
        out = picked.groupby(["stand", "gebiet_id", "gebiet"], as_index=False)["anteil_prozent"].sum()
        if by == "register":
            out.attrs["detail"] = business.register_note(table["stand"].iloc[0], short=True)
        return with_sources(out, table)
    build.__name__ = f"_shares_{by}"
    return build


def _register_rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
    out = _monthly(table, "anteil_prozent")
    out.attrs["detail"] = table.attrs.get("detail", "")
    return out


def _balance(ctx: Ctx) -> pd.DataFrame:
    from ... import business

    return business.balance(12)


def _period(value: str):
    """Rows of :func:`business.balance` (the period ``01/2026–12/2026``)."""
    def rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
        out = table.assign(zeitraum=_month(table["von"]) + "–" + _month(table["bis"]))
        return long_form(out, value, "zeitraum")
    return rows


# ---------------------------------------------------------------------------- land

def _land_values(ctx: Ctx) -> pd.DataFrame:
    from ... import land

    brw = _load("bodenrichtwerte")
    parts = [land.land_values(brw, bid) for bid in BEZIRKE]
    out = pd.concat(parts, ignore_index=True).drop_duplicates(["stichtag", "gebiet_id"])
    zusatz = out[(out["gebiet_id"] == ctx.district_id) & (out["davon_zusatzzonen"] > 0)]
    out.attrs["detail"] = ", ".join(f"{z.year}: {z.davon_zusatzzonen}" for z in zusatz.itertuples())
    return with_sources(out, brw)


def _zones_rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
    out = long_form(table, "anzahl", "stichtag")
    hint = table.attrs.get("detail", "")
    out.attrs["detail"] = f" (davon Zusatzzonen der 40000er-Reihe {hint})" if hint else ""
    return out


def _completions(ctx: Ctx) -> pd.DataFrame:
    from ... import land

    return land.completions(_load("baufertigstellungen"), "nichtwohngebaeude")


def _commercial_area(ctx: Ctx) -> pd.DataFrame:
    from ... import land
    from ...geo import boundaries

    use = _load("flaechennutzung")
    plr = land.commercial_area(use, boundaries("planungsraum", None))
    per = plr.groupby("bezirk_id", as_index=False)[["gewerbe_ha", "flaeche_ha"]].sum()
    berlin = pd.DataFrame({"bezirk_id": [BERLIN_ID], "gewerbe_ha": [per["gewerbe_ha"].sum()],
                           "flaeche_ha": [per["flaeche_ha"].sum()]})
    out = pd.concat([per, berlin], ignore_index=True).rename(columns={"bezirk_id": "gebiet_id"})
    out["gebiet"] = out["gebiet_id"].map(_NAMES)
    out["anteil_prozent"] = out["gewerbe_ha"] / out["flaeche_ha"] * 100
    out["stand"] = stand_of(use, "flaechennutzung") or "Umweltatlas"
    return with_sources(out, plr, use)


def _gigabit(ctx: Ctx) -> pd.DataFrame:
    from ... import land

    giga = land.gigabit(_load("gigabit_versorgung"), None)
    giga = giga.assign(alle=giga["einheiten"] / giga["anteil_prozent"] * 100)
    per = giga.groupby(["date", "bezirk_id"], as_index=False)[["einheiten", "alle"]].sum()
    berlin = per.groupby("date", as_index=False)[["einheiten", "alle"]].sum().assign(bezirk_id=BERLIN_ID)
    out = pd.concat([per, berlin], ignore_index=True).rename(columns={"bezirk_id": "gebiet_id"})
    out["gebiet"] = out["gebiet_id"].map(_NAMES)
    out["anteil_prozent"] = out["einheiten"] / out["alle"] * 100
    return with_sources(out, giga)


_SECTION = "gewerbe"
_IHK = ("ihk_gewerbedaten",)

FIGURES = (
    KeyFigure(
        "betriebe", _SECTION, "Betriebe im IHK-Register (Monatsstand)", _IHK, _series,
        lambda t, ctx: _monthly(t, "bestand"), chart="bestand-index", noun="Die Zahl der Betriebe im IHK-Register",
        short="Unternehmensbestand", says=("level", "change"), priority=85, kind="count"),
    KeyFigure(
        "betriebe_je_1000_ew", _SECTION, "Betriebe je 1.000 Einwohner/innen", (*_IHK, "einwohner_lor"), _stock,
        lambda t, ctx: _monthly(t, "je_1000_einwohner"), chart="betriebe-je-1000-ew",
        noun="Die Zahl der Betriebe im IHK-Register je 1.000 Einwohnerinnen und Einwohner",
        short="Unternehmen je 1.000 Einwohner", priority=80),
    KeyFigure(
        "anteil_kleinbetriebe", _SECTION, "Anteil der Betriebe mit weniger als 10 Beschäftigten", _IHK,
        _shares("groesse", ("0", "1-9")), lambda t, ctx: _monthly(t, "anteil_prozent"), unit="%", decimals=1,
        noun="Der Anteil der Betriebe mit weniger als 10 Beschäftigten", short="Kleinbetriebe", priority=55),
    KeyFigure(
        "anteil_junge_betriebe", _SECTION, "Anteil der Betriebe bis 1 Jahr alt", _IHK, _shares("alter", ("0-1",)),
        lambda t, ctx: _monthly(t, "anteil_prozent"), unit="%", decimals=1,
        noun="Der Anteil der Betriebe, die höchstens ein Jahr alt sind", short="Junge Betriebe", priority=52),
    KeyFigure(
        "anteil_handelsregister", _SECTION, "Anteil der Betriebe im Handelsregister ({detail})", _IHK,
        _shares("register", ("HR",)), _register_rows, unit="%", decimals=1,
        noun="Der Anteil der im Handelsregister eingetragenen Betriebe", short="Betriebe im Handelsregister",
        priority=40),
    KeyFigure(
        "zugaenge_12m", _SECTION, "Zugänge der letzten 12 Monate (neu im Register, keine Gründungen)", _IHK, _balance,
        _period("zugaenge"),
        noun="Die Zahl der Zugänge im IHK-Register (neu im Register, nicht unbedingt neu gegründet)",
        short="Zugänge", priority=50, kind="count"),
    KeyFigure(
        "abgaenge_12m", _SECTION, "Abgänge der letzten 12 Monate", _IHK, _balance,
        _period("abgaenge"), noun="Die Zahl der Abgänge aus dem IHK-Register",
        short="Abgänge", priority=45, kind="count"),
    KeyFigure(
        "saldo_12m", _SECTION, "Saldo aus Zu- und Abgängen der letzten 12 Monate", _IHK, _balance,
        _period("saldo"), noun="Der Saldo aus Zu- und Abgängen im IHK-Register",
        short="Saldo aus Zu- und Abgängen", priority=48, kind="count"),
    KeyFigure(
        "saldo_je_1000_betriebe", _SECTION, "Saldo aus Zu- und Abgängen je 1.000 Betriebe, letzte 12 Monate", _IHK,
        _balance, _period("saldo_je_1000"), decimals=1, chart="saldo-bezirke",
        noun="Der Saldo aus Zu- und Abgängen im IHK-Register je 1.000 Betriebe", short="Saldo je 1.000 Betriebe",
        priority=70),
    KeyFigure(
        "bodenrichtwert_gewerbe", _SECTION, "Median Bodenrichtwert Gewerbezonen", ("bodenrichtwerte",), _land_values,
        lambda t, ctx: long_form(t, "median_eur_m2", "stichtag"), unit="€/m²", chart="bodenrichtwerte-gewerbe",
        noun="Der Median der Bodenrichtwerte der Gewerbezonen", short="Bodenrichtwerte der Gewerbezonen",
        says=("change", "level"), priority=84),
    KeyFigure(
        "gewerbezonen", _SECTION, "Gewerbezonen im Bezirk{detail}", ("bodenrichtwerte",), _land_values, _zones_rows,
        noun="Die Zahl der Bodenrichtwertzonen mit gewerblicher Nutzung", short="Gewerbezonen", says=(), priority=30,
        kind="count"),
    KeyFigure(
        "nichtwohngebaeude", _SECTION, "Neue Nichtwohngebäude", ("baufertigstellungen",), _completions,
        lambda t, ctx: long_form(t, "gebaeude", "year"), noun="Die Zahl der fertiggestellten neuen Nichtwohngebäude",
        short="Neue Nichtwohngebäude", says=("level", "change"), priority=50, kind="count"),
    KeyFigure(
        "nutzflaeche_nichtwohngebaeude", _SECTION, "Nutzfläche neuer Nichtwohngebäude", ("baufertigstellungen",),
        _completions, lambda t, ctx: long_form(t, "nutzflaeche_m2", "year"), unit="m²",
        chart="nichtwohnbau-nutzflaeche", noun="Die Nutzfläche der fertiggestellten neuen Nichtwohngebäude",
        short="Nutzfläche neuer Nichtwohngebäude", says=("level", "change"), priority=66, kind="count"),
    KeyFigure(
        "gewerbeflaeche", _SECTION, "Gewerbe- und Industriefläche im Bezirk", ("flaechennutzung",), _commercial_area,
        lambda t, ctx: long_form(t, "gewerbe_ha", "stand"), unit="ha", chart="gewerbeflaechen-karte",
        noun="Die gewerblich und industriell genutzte Fläche", short="Gewerbe- und Industrieflächen", priority=60,
        kind="count"),
    KeyFigure(
        "gigabit_anteil", _SECTION, "Gigabitfähig versorgte Wohn- und Gewerbeeinheiten", ("gigabit_versorgung",),
        _gigabit, lambda t, ctx: long_form(t, "anteil_prozent", "date"), unit="%", decimals=1, chart="gigabit-karte",
        noun="Der Anteil der Wohn- und Gewerbeeinheiten mit gigabitfähigem Anschluss", short="Gigabit-Versorgung",
        priority=62),
)
