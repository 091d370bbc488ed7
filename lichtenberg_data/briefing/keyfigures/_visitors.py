"""Key figures of the tourism section: guests and beds, short-term rentals, accommodation in OSM,
attractions, tourism businesses and the spending estimate."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..._provenance import with_sources
from ._model import Ctx, KeyFigure, long_form

__all__ = ["FIGURES"]


def _load(name: str) -> Any:
    from ... import load

    return load(name)


def _guests(ctx: Ctx) -> pd.DataFrame:
    from ... import tourism

    return tourism.guests(_load("beherbergung_bezirke"))


def _capacity(ctx: Ctx) -> pd.DataFrame:
    from ... import tourism

    return tourism.capacity(_load("beherbergung_bezirke"))


def _listings(ctx: Ctx) -> pd.DataFrame:
    from ... import tourism

    return tourism.listings_over_time(_load("kurzzeitvermietung"), "bezirk", einwohner=_load("einwohner_lor"))


def _accommodation(ctx: Ctx) -> pd.DataFrame:
    from ... import tourism

    return tourism.accommodation(_load("osm_pois"), "bezirk", einwohner=_load("einwohner_lor"))


def _visits(ctx: Ctx) -> pd.DataFrame:
    from ... import tourism

    return tourism.visits(_load("besucherstatistik"), ctx.district)


def _attraction(key: str):
    def rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
        from ... import tourism

        mine = table[(table["attraktion"] == key) & table["jahr"].notna()]
        name = tourism.short_name(mine["name"].iloc[0]) if len(mine) else key
        out = pd.DataFrame({"gebiet_id": ctx.district_id, "gebiet": ctx.district,
                            "zeit": mine["jahr"].astype(int).to_numpy(), "wert": mine["besuche"].astype(float).to_numpy()})
        out.attrs["detail"] = name
        return out
    return rows


def _businesses(ctx: Ctx) -> pd.DataFrame:
    from ... import tourism

    return tourism.businesses(_load("ihk_gewerbedaten"), "bezirk", einwohner=_load("einwohner_lor"))


def _monthly(value: str):
    """Rows of a table of the IHK register's month (``date``, the month's first day) as ``12/2026``."""
    def rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
        out = long_form(table.assign(monat=table["date"].dt.strftime("%m/%Y")), value, "monat")
        out["sort"] = table["date"].to_numpy()
        return out
    return rows


def _spending(ctx: Ctx) -> pd.DataFrame:
    from ... import tourism

    guests = tourism.guests(_load("beherbergung_bezirke"), ctx.district)
    out = tourism.spending_estimate(guests)
    return with_sources(out, out, guests)


def _col(value: str, time: str):
    return lambda table, ctx: long_form(table, value, time)


_SECTION = "tourismus"
_G4 = ("beherbergung_bezirke",)
_AIRBNB = ("kurzzeitvermietung", "einwohner_lor")

FIGURES = (
    KeyFigure(
        "uebernachtungen", _SECTION, "Übernachtungen", _G4, _guests, _col("uebernachtungen", "jahr"),
        chart="uebernachtungen-index", noun="Die Zahl der Übernachtungen in Betrieben mit 10 und mehr Betten",
        short="Übernachtungen", says=("change", "level"), priority=90, kind="count"),
    KeyFigure(
        "anteil_uebernachtungen_berlin", _SECTION, "Anteil an den Übernachtungen in Berlin", _G4, _guests,
        _col("anteil_uebernachtungen", "jahr"), unit="%", decimals=1, chart="uebernachtungen-anteil-bezirke",
        noun="Der Anteil des Bezirks an den Übernachtungen in Berlin", short="Anteil an Berlins Übernachtungen",
        reference=None, priority=70),
    KeyFigure(
        "aufenthaltsdauer", _SECTION, "Durchschnittliche Aufenthaltsdauer in Tagen", _G4, _guests,
        _col("aufenthaltsdauer", "jahr"), decimals=1, noun="Die durchschnittliche Aufenthaltsdauer in Tagen",
        short="Aufenthaltsdauer", priority=55),
    KeyFigure(
        "betten", _SECTION, "Angebotene Betten", _G4, _capacity, _col("betten", "jahr"),
        noun="Die Zahl der angebotenen Betten", short="Betten", says=("change",), priority=50, kind="count"),
    KeyFigure(
        "bettenauslastung", _SECTION, "Bettenauslastung", _G4, _capacity, _col("bettenauslastung", "jahr"), unit="%",
        decimals=1, chart="bettenauslastung-bezirke", noun="Die Auslastung der angebotenen Betten",
        short="Bettenauslastung", priority=72),
    KeyFigure(
        "airbnb_angebote", _SECTION, "Airbnb-Angebote", _AIRBNB, _listings, _col("angebote", "date"),
        noun="Die Zahl der Airbnb-Angebote", short="Airbnb-Angebote", says=("change", "level"), priority=70,
        kind="count"),
    KeyFigure(
        "airbnb_ganze_wohnungen", _SECTION, "davon ganze Wohnungen", _AIRBNB, _listings,
        _col("ganze_wohnungen", "date"), noun="Die Zahl der ganzen Wohnungen unter den Airbnb-Angeboten",
        short="Ganze Wohnungen auf Airbnb", says=("change",), priority=50, kind="count"),
    KeyFigure(
        "airbnb_je_1000_ew", _SECTION, "Airbnb-Angebote je 1.000 Einwohner/innen", _AIRBNB, _listings,
        _col("angebote_je_1000_ew", "date"), decimals=2, chart="kurzzeitvermietung-bezirke",
        noun="Die Zahl der Airbnb-Angebote je 1.000 Einwohnerinnen und Einwohner", short="Airbnb-Angebote je 1.000 Einwohner",
        says=("level", "change"), priority=82),
    KeyFigure(
        "airbnb_anteil_ganze_wohnungen", _SECTION, "Anteil ganzer Wohnungen an den Airbnb-Angeboten", _AIRBNB,
        _listings, _col("anteil_ganze_wohnungen", "date"), unit="%", decimals=1,
        chart="kurzzeitvermietung-wohnungen-zimmer", noun="Der Anteil ganzer Wohnungen an den Airbnb-Angeboten",
        short="Ganze Wohnungen auf Airbnb", priority=66),
    KeyFigure(
        "osm_unterkuenfte", _SECTION, "Beherbergungsbetriebe in OpenStreetMap", ("osm_pois", "einwohner_lor"),
        _accommodation, _col("unterkuenfte", "date"), chart="unterkuenfte-osm-karte",
        noun="Die Zahl der Beherbergungsbetriebe in OpenStreetMap", short="Unterkünfte in OpenStreetMap",
        priority=40, kind="count"),
    KeyFigure(
        "osm_unterkuenfte_je_1000_ew", _SECTION, "Beherbergungsbetriebe in OpenStreetMap je 1.000 Einwohner/innen",
        ("osm_pois", "einwohner_lor"), _accommodation, _col("unterkuenfte_je_1000_ew", "date"), decimals=2,
        noun="Die Zahl der Beherbergungsbetriebe in OpenStreetMap je 1.000 Einwohnerinnen und Einwohner",
        short="Unterkünfte je 1.000 Einwohner", priority=45),
    KeyFigure(
        "besuche_tierpark", _SECTION, "Besuche Tierpark Berlin", ("besucherstatistik",), _visits, _attraction("tierpark"),
        chart="sehenswuerdigkeiten-karte", noun="Die Zahl der Besuche", place="im {detail}",
        short="Besuche", says=(), reference=None, priority=60, kind="count"),
    KeyFigure(
        "besuche_gedenkstaette_hsh", _SECTION, "Besuche Gedenkstätte Berlin-Hohenschönhausen", ("besucherstatistik",), _visits,
        _attraction("gedenkstaette_hsh"), chart="sehenswuerdigkeiten-karte", noun="Die Zahl der Besuche",
        place="in der {detail}", short="Besuche", says=(), reference=None,
        priority=58, kind="count"),
    KeyFigure(
        "tourismusbetriebe", _SECTION, "Tourismusbetriebe im IHK-Register", ("ihk_gewerbedaten", "einwohner_lor"),
        _businesses, _monthly("betriebe"), chart="tourismusbetriebe-karte",
        noun="Die Zahl der Tourismusbetriebe im IHK-Register (WZ 55, 56, 79, 90–93)", short="Tourismusbetriebe",
        priority=55, kind="count"),
    KeyFigure(
        "tourismusbetriebe_gastronomie", _SECTION, "davon Gastronomie (WZ 56)", ("ihk_gewerbedaten", "einwohner_lor"),
        _businesses, _monthly("gastronomie"), noun="Die Zahl der Gastronomiebetriebe im IHK-Register (WZ 56)",
        short="Gastronomiebetriebe", priority=45, kind="count"),
    KeyFigure(
        "anteil_kleinstbetriebe_tourismus", _SECTION, "Anteil der Kleinstbetriebe (unter 10 Beschäftigte) im Tourismus",
        ("ihk_gewerbedaten", "einwohner_lor"), _businesses, _monthly("anteil_unter_10"), unit="%", decimals=1,
        chart="tourismusbetriebe-kleinstbetriebe",
        noun="Der Anteil der Kleinstbetriebe (unter 10 Beschäftigte) an den Tourismusbetrieben",
        short="Kleinstbetriebe im Tourismus", priority=64),
    KeyFigure(
        "ausgaben_gaeste_schaetzung", _SECTION,
        "Schätzung: Ausgaben der Übernachtungsgäste (Übernachtungen × 205,80 €), Mio. €", _G4, _spending,
        _col("ausgaben_mio_eur", "jahr"), unit="Mio. €", decimals=1,
        noun="Die geschätzten Ausgaben der Übernachtungsgäste (Übernachtungen × 205,80 €, Schätzung)",
        short="Ausgaben der Übernachtungsgäste (Schätzung)", says=("change",), priority=40, kind="count"),
)
