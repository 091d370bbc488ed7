"""Key figures of the retail section: the centres, their surroundings, local supply and the NUZ."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..._provenance import with_sources
from ...names import BERLIN_ID, BEZIRKE
from ._model import Ctx, KeyFigure, long_form, year_end

__all__ = ["FIGURES", "stand_of"]


def _load(name: str) -> Any:
    from ... import load

    return load(name)


def stand_of(frame: Any, *datasets: str) -> pd.Timestamp | None:
    """The latest reference date among the sources of ``frame`` (of ``datasets`` only, if given)."""
    dates = [pd.Timestamp(e["reference_date"]) for e in frame.attrs.get("provenance", [])
             if e.get("reference_date") and (not datasets or e.get("dataset") in datasets)]
    return max(dates) if dates else None


def _one(ctx: Ctx, value: Any, when: Any, frame: Any, *, gebiet: str | None = None, detail: str = "",
         gebiet_id: str | None = None) -> pd.DataFrame:
    """A long form of one value of the district (figures that exist for the district only)."""
    out = pd.DataFrame({"gebiet_id": [gebiet_id or ctx.district_id], "gebiet": [gebiet or ctx.district],
                        "zeit": [when], "wert": [value]})
    out.attrs["detail"] = detail
    return with_sources(out, frame)


# ---------------------------------------------------------------------------- centres

def _centres(ctx: Ctx) -> pd.DataFrame:
    from ... import retail

    centres = retail.study_centres(ctx.district)
    profile = retail.centre_profiles(centres)
    near = retail.supermarkets_near(centres, radius_m=500, stores=retail.food_stores(_load("osm_pois")))
    table = pd.DataFrame(centres.drop(columns="geometry")).merge(
        profile[["zentrum_id", "einwohner_1000m", "jahr"]], on="zentrum_id", how="left").merge(
        near[["zentrum_id", "supermaerkte"]], on="zentrum_id", how="left")
    table.attrs["lead"] = retail.lead_centre(centres)
    table.attrs["stand"] = stand_of(centres)
    table.attrs["stand_osm"] = stand_of(near, "osm_pois") or stand_of(centres)
    return with_sources(table, centres, profile, near)


def _count_centres(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
    own = table[table["rolle"] == "Zentrum im Bezirk"]
    return _one(ctx, len(own), table.attrs.get("stand"), table)


def _lead(column: str, when: str):
    def rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
        lead = table.attrs.get("lead")
        row = table[table["zentrum"] == lead]
        if lead is None or row.empty:
            return _one(ctx, None, None, table)
        stamp = year_end(row["jahr"]).iloc[0] if when == "jahr" else table.attrs.get("stand_osm")
        return _one(ctx, row[column].iloc[0], stamp, table, detail=lead)
    return rows


def _markets(ctx: Ctx) -> pd.DataFrame:
    from ... import retail

    markets = retail.market_areas(ctx.district)
    table = markets.centres.copy()
    table.attrs["lead"] = retail.lead_centre(retail.study_centres(ctx.district))
    table.attrs["jahr"] = int(retail.latest_residents(_load("einwohner_lor"))["year"].iloc[0])
    return with_sources(table, markets.centres)


def _huff_lead(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
    lead = table.attrs.get("lead")
    row = table[(table["zentrum"] == lead) & table["attraktivitaet_m2"].notna()]
    if row.empty:
        return _one(ctx, None, None, table)
    return _one(ctx, row["einwohner_erwartet"].iloc[0], pd.Timestamp(f"{table.attrs['jahr']}-12-31"), table,
                detail=lead)


# ---------------------------------------------------------------------------- local supply

def _supply(ctx: Ctx) -> pd.DataFrame:
    from ... import retail

    return retail.supply_by_bezirk(retail.local_supply(None))


def _col(value: str):
    """Rows of :func:`retail.supply_by_bezirk`, dated by the OpenStreetMap extract."""
    def rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
        return long_form(table.assign(stand=stand_of(table, "osm_pois") or stand_of(table)), value, "stand")
    return rows


# ---------------------------------------------------------------------------- NUZ

def _nuz(ctx: Ctx) -> pd.DataFrame:
    from ... import retail

    if ctx.district_id != retail.NUZ_CORE[:2]:  # the NUZ lies in Lichtenberg
        return pd.DataFrame(columns=["gebiet_id", "gebiet", "einwohner", "anteil_65_plus", "jahr", "date"])
    nuz = retail.nuz_profile()
    area = nuz.gebiet.reset_index(drop=True).copy()
    area["gebiet_id"] = ["nuz", ctx.district_id][: len(area)]
    area["gebiet"] = [area["gebiet"].iloc[0], ctx.district][: len(area)]
    area["date"] = year_end(area["jahr"])
    if nuz.markt is not None:
        core = nuz.markt.set_index("planungsraum_id")
        area.attrs["anteil_linden_center"] = (float(core.loc[retail.NUZ_CORE, "anteil_linden_center"])
                                              if retail.NUZ_CORE in core.index else None)
    return with_sources(area, nuz.gebiet, *([nuz.markt] if nuz.markt is not None else []))


def _nuz_share(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
    value = table.attrs.get("anteil_linden_center")
    if table.empty or value is None:
        return _one(ctx, None, None, table, gebiet_id="nuz")
    return _one(ctx, value, table["date"].iloc[0], table, gebiet="NUZ-Kern (Planungsraum Zingster Straße Ost)",
                gebiet_id="nuz")


# ---------------------------------------------------------------------------- building

def _building(ctx: Ctx) -> pd.DataFrame:
    from ... import retail

    table = retail.building_activity(_load("baufertigstellungen"), ctx.district)
    return table.assign(date=year_end(table["year"]))


_NAMES = {**BEZIRKE, BERLIN_ID: "Berlin"}
_RETAIL = "einzelhandel"

FIGURES = (
    KeyFigure(
        "einkaufszentren", _RETAIL, "Einkaufszentren im Bezirk (kuratierte Liste und OpenStreetMap)",
        ("osm_pois",), _centres, _count_centres, chart="zentren-tabelle", noun="Die Zahl der Einkaufszentren",
        short="Einkaufszentren", reference=None, priority=70, kind="count"),
    KeyFigure(
        "einwohner_1000m_leitzentrum", _RETAIL, "Einwohner/innen im 1.000-m-Umkreis des größten Zentrums ({detail})",
        ("einwohner_lor", "osm_pois"), _centres, _lead("einwohner_1000m", "jahr"), chart="einzugsbereiche-karte",
        noun="Die Zahl der Einwohnerinnen und Einwohner",
        place="im Umkreis von 1.000 m um das größte Einkaufszentrum des Bezirks ({detail})",
        short="Einwohner", reference=None, priority=64, kind="count"),
    KeyFigure(
        "supermaerkte_500m_leitzentrum", _RETAIL, "Supermärkte im Umkreis von 500 m um das größte Zentrum ({detail})",
        ("osm_pois",), _centres, _lead("supermaerkte", "osm"), noun="Die Zahl der Supermärkte",
        place="im Umkreis von 500 m um das größte Einkaufszentrum des Bezirks ({detail})",
        short="Supermärkte", reference=None, priority=35, kind="count"),
    KeyFigure(
        "huff_einzugsgebiet_leitzentrum", _RETAIL,
        "Erwartetes Einzugsgebiet des größten Zentrums ({detail}; Einwohner/innen des Bezirks, Huff-Modell)",
        ("einwohner_lor", "osm_pois"), _markets, _huff_lead, chart="huff-marktgebiete",
        noun=("Das erwartete Einzugsgebiet des größten Einkaufszentrums ({detail}) nach dem Huff-Modell "
              "(Einwohnerinnen und Einwohner des Bezirks; Modellrechnung, nicht an Besucherdaten kalibriert)"),
        place="", short="Einzugsgebiet des größten Zentrums", reference=None, priority=40, kind="count"),
    KeyFigure(
        "nahversorgung_500m", _RETAIL, "Einwohner/innen mit Vollsortimenter oder Discounter in 500 m",
        ("osm_pois", "einwohner_lor"), _supply, _col("anteil_500m"), unit="%", decimals=1,
        chart="nahversorgung-bezirke",
        noun="Der Anteil der Einwohnerinnen und Einwohner mit einem Vollsortimenter oder Discounter in 500 m Luftlinie",
        short="Nahversorgung in 500 m", priority=86),
    KeyFigure(
        "nahversorgung_1000m", _RETAIL, "Einwohner/innen mit Vollsortimenter oder Discounter in 1.000 m",
        ("osm_pois", "einwohner_lor"), _supply, _col("anteil_1000m"), unit="%", decimals=1,
        noun="Der Anteil der Einwohnerinnen und Einwohner mit einem Vollsortimenter oder Discounter in 1.000 m Luftlinie",
        short="Nahversorgung in 1.000 m", priority=50),
    KeyFigure(
        "supermaerkte_je_1000_ew", _RETAIL, "Supermärkte je 1.000 Einwohner/innen (OpenStreetMap)",
        ("osm_pois", "einwohner_lor"), _supply, _col("supermaerkte_je_1000_ew"), decimals=2,
        chart="nahversorgung-karte", noun="Die Zahl der Supermärkte je 1.000 Einwohnerinnen und Einwohner",
        short="Supermärkte je 1.000 Einwohner", priority=68),
    KeyFigure(
        "planungsraeume_ohne_markt", _RETAIL, "Planungsräume ohne Vollsortimenter oder Discounter",
        ("osm_pois", "einwohner_lor"), _supply, _col("planungsraeume_ohne_markt"), chart="nahversorgung-karte",
        noun="Die Zahl der Planungsräume ohne Vollsortimenter oder Discounter", short="Planungsräume ohne Markt",
        priority=45, kind="count"),
    KeyFigure(
        "nuz_einwohner", _RETAIL, "Einwohner/innen im NUZ-Umfeld (5 Planungsräume)", ("einwohner_lor",), _nuz,
        lambda t, ctx: long_form(t, "einwohner", "date", detail=""), noun="Die Zahl der Einwohnerinnen und Einwohner",
        place="im {gebiet}", short="Einwohner", subject="nuz", reference=None, priority=55,
        kind="count"),
    KeyFigure(
        "nuz_anteil_65plus", _RETAIL, "Anteil 65 Jahre und älter im NUZ-Umfeld", ("einwohner_lor",), _nuz,
        lambda t, ctx: long_form(t, "anteil_65_plus", "date"), unit="%", decimals=1,
        noun="Der Anteil der Einwohnerinnen und Einwohner ab 65 Jahren", place="im {gebiet}",
        short="Ältere", subject="nuz", reference="district",
        reference_name=("dem Wert des ganzen Bezirks", "im ganzen Bezirk", "der ganze Bezirk"), priority=72),
    KeyFigure(
        "nuz_anteil_linden_center", _RETAIL, "Anteil des Linden-Centers im NUZ-Kern (Huff-Modell)",
        ("einwohner_lor", "osm_pois"), _nuz, _nuz_share, unit="%", decimals=1,
        noun="Der Anteil, den das Huff-Modell dem Linden-Center an den Einkäufen zurechnet,", place="im {gebiet}",
        short="Anteil des Linden-Centers", subject="nuz", reference=None, priority=42),
    KeyFigure(
        "wohnungen_fertiggestellt", _RETAIL, "Fertiggestellte Wohnungen in neuen Wohngebäuden",
        ("baufertigstellungen",), _building, lambda t, ctx: long_form(t, "wohnungen", "year"),
        noun="Die Zahl der fertiggestellten Wohnungen in neuen Wohngebäuden", short="Neue Wohnungen",
        says=("level", "change"), priority=60, kind="count"),
    KeyFigure(
        "anteil_neue_wohnungen_berlin", _RETAIL, "Anteil des Bezirks an Berlins neuen Wohnungen",
        ("baufertigstellungen",), _building, lambda t, ctx: long_form(t, "anteil_an_berlin_pct", "year"), unit="%",
        decimals=1, noun="Der Anteil des Bezirks an den in Berlin fertiggestellten Wohnungen in neuen Wohngebäuden",
        short="Anteil an Berlins neuen Wohnungen", reference=None, priority=57),
)
