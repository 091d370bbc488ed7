"""Key figures of the overview and of the skilled-labour section (population, labour, earnings, MSS)."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd

from ..._provenance import with_sources
from ...names import BERLIN_ID, BEZIRKE
from ._model import Ctx, KeyFigure, long_form, year_end

__all__ = ["FIGURES"]

_NAMES = {**BEZIRKE, BERLIN_ID: "Berlin"}


def _load(name: str) -> Any:
    from ... import load

    return load(name)


def _named(out: pd.DataFrame) -> pd.DataFrame:
    out["gebiet"] = out["gebiet_id"].map(_NAMES)
    return out


def _with_berlin(per_bezirk: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    berlin = per_bezirk.groupby(keys, as_index=False)[values].sum().assign(gebiet_id=BERLIN_ID)
    return _named(pd.concat([per_bezirk, berlin], ignore_index=True))


# ---------------------------------------------------------------------------- builds

def _residents(ctx: Ctx) -> pd.DataFrame:
    src = _load("einwohner_lor")
    per = src.groupby(["year", "date", "bezirk_id"], as_index=False)["einwohner"].sum()
    return with_sources(_with_berlin(per.rename(columns={"bezirk_id": "gebiet_id"}), ["year", "date"], ["einwohner"]), src)


def _stand(*frames: Any, dataset: str) -> Any:
    """The reference date of ``dataset`` among the frames' sources (a Timestamp), else its name."""
    for frame in frames:
        for entry in frame.attrs.get("provenance", []):
            if entry.get("dataset") == dataset and entry.get("reference_date"):
                return pd.Timestamp(entry["reference_date"])
    return dataset


def _areas(ctx: Ctx) -> pd.DataFrame:
    """Area (km²) and Planungsräume (LOR 2021) per Bezirk and Berlin, dated by the boundary files."""
    from ...geo import boundaries

    bezirke = boundaries("bezirk", None)
    plr = boundaries("planungsraum", None)
    out = pd.DataFrame({"gebiet_id": bezirke["bezirk_id"].astype(str).to_numpy(),
                        "flaeche_km2": (bezirke["flaeche_m2"] / 1e6).to_numpy()})
    counts = plr.groupby("bezirk_id").size()
    out["planungsraeume"] = out["gebiet_id"].map(counts).fillna(0).astype(int)
    berlin = pd.DataFrame({"gebiet_id": [BERLIN_ID], "flaeche_km2": [out["flaeche_km2"].sum()],
                           "planungsraeume": [int(out["planungsraeume"].sum())]})
    out = _named(pd.concat([out, berlin], ignore_index=True))
    out["stand_flaeche"] = _stand(bezirke, dataset="bezirke")
    out["stand_lor"] = _stand(plr, dataset="lor_planungsraeume")
    return with_sources(out, bezirke, plr)


def _density(ctx: Ctx) -> pd.DataFrame:
    people, areas = _residents(ctx), _areas(ctx)
    out = people.merge(areas[["gebiet_id", "flaeche_km2"]], on="gebiet_id")
    out["dichte"] = out["einwohner"] / out["flaeche_km2"]
    return with_sources(out, people, areas)


def _working_age(ctx: Ctx) -> pd.DataFrame:
    from ... import workforce as wf

    out = wf.working_age(_load("einwohner_lor"), level="bezirk", district=ctx.district)
    return out.assign(date=year_end(out["year"]))


def _replacement(ctx: Ctx) -> pd.DataFrame:
    from ... import workforce as wf

    out = wf.replacement_ratio(_load("einwohner_lor"), level="bezirk", district=ctx.district)
    return out.assign(date=year_end(out["year"]))


def _youth(ctx: Ctx) -> pd.DataFrame:
    from ... import workforce as wf

    out = wf.youth_cohorts(_load("einwohner_lor"), level="bezirk", district=ctx.district)
    return out.assign(date=year_end(out["year"]))


def _unemployment(ctx: Ctx) -> pd.DataFrame:
    from ... import workforce as wf

    return wf.unemployment(_load("mss"), level="bezirk", einwohner=_load("einwohner_lor"))


def _status(ctx: Ctx) -> pd.DataFrame:
    """Per Bezirk and Berlin: the residents' mean MSS status class and the Planungsräume of low or
    very low status (latest edition with the index)."""
    from ... import workforce as wf

    lage = wf.social_status(_load("mss"), district=None)
    valid = lage[lage["gueltig"] & lage["status_klasse"].notna()].copy()
    valid["gewicht"] = valid["einwohner"].astype(float) * valid["status_klasse"].astype(float)
    valid["niedrig"] = valid["status_klasse"].isin([3, 4]).astype(int)
    per = valid.groupby(["edition", "date", "bezirk_id"], as_index=False)[["gewicht", "einwohner", "niedrig"]].sum()
    out = _with_berlin(per.rename(columns={"bezirk_id": "gebiet_id"}), ["edition", "date"],
                       ["gewicht", "einwohner", "niedrig"])
    out["status_index"] = out["gewicht"] / out["einwohner"]
    return with_sources(out, lage)


def _earnings(ctx: Ctx) -> pd.DataFrame:
    from ... import workforce as wf

    return wf.earnings(_load("entgelte_lor"), level="bezirk")


def _employees(ort: str, ctx: Ctx) -> pd.DataFrame:
    from ... import workforce as wf

    return wf.employees(_load("beschaeftigte_bezirke"), ort)


def _offers(ctx: Ctx) -> pd.DataFrame:
    from ... import workforce as wf

    return wf.vacancies(located=wf.locate_offers(_load("stellenangebote")), arbeitslose=pd.DataFrame())


# ---------------------------------------------------------------------------- rows

def _col(value: str, time: str = "date", **where: Any):
    return lambda table, ctx: long_form(table, value, time, where=where)


_EWR = ("einwohner_lor",)
_OVERVIEW = "ueberblick"
_LABOUR = "fachkraefte"

FIGURES = (
    KeyFigure(
        "einwohner", _OVERVIEW, "Einwohnerinnen und Einwohner", _EWR, _residents, _col("einwohner"),
        chart="einwohner-verlauf", noun="Die Zahl der Einwohnerinnen und Einwohner", short="Einwohnerzahl",
        says=("change", "level"), priority=100, verbs=("wuchs", "schrumpfte"), counted="Einwohnerinnen und Einwohner", kind="count"),
    KeyFigure(
        "einwohnerdichte", _OVERVIEW, "Einwohnerinnen und Einwohner je km²", (*_EWR, "bezirke"), _density,
        _col("dichte"), unit="je km²", chart="dichte-planungsraeume",
        noun="Die Einwohnerdichte (Einwohnerinnen und Einwohner je km²)", short="Einwohnerdichte", priority=70),
    KeyFigure(
        "flaeche", _OVERVIEW, "Fläche", ("bezirke",), _areas, _col("flaeche_km2", "stand_flaeche"), unit="km²",
        decimals=1, noun="Die Fläche", short="Fläche", priority=30, kind="count"),
    KeyFigure(
        "planungsraeume", _OVERVIEW, "Planungsräume (LOR 2021)", ("lor_planungsraeume",), _areas,
        _col("planungsraeume", "stand_lor"), chart="einwohner-planungsraeume",
        noun="Die Zahl der Planungsräume (LOR 2021)", short="Planungsräume", says=(), priority=20, kind="count"),
    KeyFigure(
        "erwerbsfaehige", _LABOUR, "Einwohner/innen 15 bis unter 65 Jahre", _EWR, _working_age,
        _col("einwohner_15_65"), chart="erwerbsfaehige-index",
        noun="Die Zahl der Einwohnerinnen und Einwohner von 15 bis unter 65 Jahren",
        short="Bevölkerung im erwerbsfähigen Alter", says=("change",), priority=90, kind="count"),
    KeyFigure(
        "anteil_erwerbsfaehige", _LABOUR, "Anteil 15 bis unter 65 Jahre an allen Einwohner/innen", _EWR,
        _working_age, _col("anteil_15_65"), unit="%", decimals=1,
        noun="Der Anteil der 15- bis unter 65-Jährigen an allen Einwohnerinnen und Einwohnern",
        short="Anteil im erwerbsfähigen Alter", says=("level",), priority=60),
    KeyFigure(
        "ersatzquote", _LABOUR, "55- bis unter 65-Jährige je 100 15- bis unter 25-Jährige", _EWR, _replacement,
        _col("je_100_junge"), chart="ersatzquote-bezirke",
        noun="Die Zahl der 55- bis unter 65-Jährigen je 100 15- bis unter 25-Jährige",
        short="Ältere je 100 Junge im Erwerbsalter", says=("level", "change"), priority=85),
    KeyFigure(
        "einwohner_14_18", _LABOUR, "Einwohner/innen 14 bis unter 18 Jahre (Schuljahre der Berufsorientierung)",
        _EWR, _youth, _col("einwohner_14_18"),
        noun="Die Zahl der 14- bis unter 18-Jährigen (Schuljahre der Berufsorientierung)",
        short="14- bis unter 18-Jährige", says=("change",), priority=75, kind="count"),
    KeyFigure(
        "einwohner_18_25", _LABOUR, "Einwohner/innen 18 bis unter 25 Jahre", _EWR, _youth, _col("einwohner_18_25"),
        noun="Die Zahl der 18- bis unter 25-Jährigen", short="18- bis unter 25-Jährige", says=("change",),
        priority=55, kind="count"),
    KeyFigure(
        "einwohner_15_25", _LABOUR, "Einwohner/innen 15 bis unter 25 Jahre", _EWR, _youth, _col("einwohner_15_25"),
        chart="jugend-15-25-index", noun="Die Zahl der 15- bis unter 25-Jährigen",
        short="Junge Menschen im Ausbildungs- und Studienalter", says=("change",), priority=50, kind="count"),
    KeyFigure(
        "arbeitslosigkeit", _LABOUR, "Arbeitslose je 100 Einwohner/innen 15 bis unter 65 Jahre (MSS)",
        ("mss", "einwohner_lor"), _unemployment, _col("wert", indikator="arbeitslosigkeit"), unit="%", decimals=1,
        chart="arbeitslosigkeit-bezirke",
        noun="Der Anteil der Arbeitslosen an den Einwohnerinnen und Einwohnern von 15 bis unter 65 Jahren",
        short="Arbeitslosigkeit", says=("level", "change"), priority=88),
    KeyFigure(
        "jugendarbeitslosigkeit", _LABOUR, "Arbeitslose unter 25 je 100 Einwohner/innen 15 bis unter 25 Jahre (MSS)",
        ("mss", "einwohner_lor"), _unemployment, _col("wert", indikator="jugendarbeitslosigkeit"), unit="%",
        decimals=1, noun="Der Anteil der Arbeitslosen unter 25 Jahren an den 15- bis unter 25-Jährigen",
        short="Jugendarbeitslosigkeit", says=("level",), priority=65),
    KeyFigure(
        "status_index", _LABOUR, "Mittlerer Status-Index (MSS; 1 = hoch, 4 = sehr niedrig)", ("mss",), _status,
        _col("status_index"), decimals=2, chart="status-index-karte",
        noun="Der mittlere Status-Index der Planungsräume (MSS, nach Einwohnern gewichtet; 1 = hoch, 4 = sehr niedrig)",
        short="Status-Index", priority=60),
    KeyFigure(
        "planungsraeume_niedriger_status", _LABOUR, "Planungsräume mit niedrigem oder sehr niedrigem Status (MSS)",
        ("mss",), _status, _col("niedrig"), chart="status-index-karte",
        noun="Die Zahl der Planungsräume mit niedrigem oder sehr niedrigem Status (MSS)",
        short="Planungsräume mit niedrigem Status", priority=58, kind="count"),
    KeyFigure(
        "medianentgelt", _LABOUR, "Medianentgelt Vollzeit am Wohnort", ("entgelte_lor",), _earnings,
        _col("median_eur"), unit="€", chart="medianeinkommen-bezirke",
        noun="Das mittlere Bruttomonatsentgelt (Median) der Vollzeitbeschäftigten am Wohnort",
        short="Einkommen der Vollzeitbeschäftigten", priority=80),
    KeyFigure(
        "anteil_unterer_entgeltbereich", _LABOUR, "Anteil im unteren Entgeltbereich (Vollzeit, Wohnort)",
        ("entgelte_lor",), _earnings, _col("anteil_unterer_entgeltbereich"), unit="%", decimals=1,
        noun="Der Anteil der Vollzeitbeschäftigten im unteren Entgeltbereich", short="Geringverdienende",
        priority=62),
    KeyFigure(
        "beschaeftigte_arbeitsort", _LABOUR, "Sozialversicherungspflichtig Beschäftigte am Arbeitsort",
        ("beschaeftigte_bezirke",), partial(_employees, "arbeitsort"), _col("insgesamt"),
        chart="beschaeftigte-arbeitsort-index",
        noun="Die Zahl der sozialversicherungspflichtig Beschäftigten am Arbeitsort", short="Arbeitsplätze",
        says=("change",), priority=87, kind="count"),
    KeyFigure(
        "beschaeftigte_wohnort", _LABOUR, "Sozialversicherungspflichtig Beschäftigte am Wohnort",
        ("beschaeftigte_bezirke",), partial(_employees, "wohnort"), _col("insgesamt"),
        noun="Die Zahl der sozialversicherungspflichtig Beschäftigten am Wohnort", short="Beschäftigte am Wohnort",
        says=("change",), priority=60, kind="count"),
    KeyFigure(
        "anteil_beschaeftigte_55plus", _LABOUR, "Anteil der Beschäftigten ab 55 Jahren, Arbeitsort",
        ("beschaeftigte_bezirke",), partial(_employees, "arbeitsort"), _col("anteil_55_plus"), unit="%",
        decimals=1, noun="Der Anteil der Beschäftigten ab 55 Jahren am Arbeitsort", short="Beschäftigte ab 55",
        priority=66),
    KeyFigure(
        "stellenangebote", _LABOUR, "Stellenangebote in der BA-Jobsuche", ("stellenangebote",), _offers,
        _col("angebote", angebot="Arbeit"), chart="stellen-je-arbeitslose",
        noun="Die Zahl der Stellenangebote in der BA-Jobsuche", short="Stellenangebote", priority=45, kind="count"),
    KeyFigure(
        "ausbildungsangebote", _LABOUR, "Ausbildungsangebote in der BA-Jobsuche", ("stellenangebote",), _offers,
        _col("angebote", angebot="Ausbildung/Duales Studium"), chart="ausbildung-berufsfelder",
        noun="Die Zahl der Ausbildungsangebote in der BA-Jobsuche", short="Ausbildungsangebote", priority=44, kind="count"),
    KeyFigure(
        "frauenanteil_beschaeftigte", _LABOUR, "Frauenanteil an den Beschäftigten am Arbeitsort",
        ("beschaeftigte_bezirke",), partial(_employees, "arbeitsort"), _col("anteil_frauen"), unit="%", decimals=1,
        chart="frauenanteil-beschaeftigte",
        noun="Der Frauenanteil an den sozialversicherungspflichtig Beschäftigten am Arbeitsort",
        short="Frauenanteil an den Beschäftigten", priority=50),
)
