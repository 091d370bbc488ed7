"""Key figures of what is approved and planned in the Gewerbe section: the construction backlog
(Bauüberhang, F II 2) and the Bebauungspläne of the investment fair."""

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


# ---------------------------------------------------------------------------- Bauüberhang

def _backlog(kind: str):
    """``construction.backlog`` of one kind (per year at 31.12., Bezirke and Berlin)."""
    def build(ctx: Ctx) -> pd.DataFrame:
        from ...land import construction

        return construction.backlog(_load("baufertigstellungen"), kind)
    build.__name__ = f"_backlog_{kind}"
    return build


_DWELLINGS = _backlog("wohnungen")


def _at_year_end(value: str):
    return lambda table, ctx: long_form(table, value, "date")


# ---------------------------------------------------------------------------- Bebauungspläne

def _plans(ctx: Ctx) -> pd.DataFrame:
    """Plans in procedure, and plans set in the :data:`fair.YEARS` years before the data's Stand,
    per Bezirk and Berlin (plans of no known Bezirk count for Berlin only); ``attrs["layers"]``:
    the layers loaded (a layer not loaded is no count of 0)."""
    from ...land.fair import YEARS

    plans = _load("bebauungsplaene")
    stand = stand_of(plans, "bebauungsplaene") or pd.Timestamp.today().normalize()
    since = stand - pd.DateOffset(years=YEARS)
    flags = pd.DataFrame({
        "gebiet_id": plans["bezirk_id"].astype(object).to_numpy(),
        "im_verfahren": (plans["layer"] == "im_verfahren").astype(int).to_numpy(),
        "festgesetzt": ((plans["layer"] == "festgesetzt")
                        & (pd.to_datetime(plans["festgesetzt_am"]) >= since)).astype(int).to_numpy()})
    per = flags.groupby("gebiet_id")[["im_verfahren", "festgesetzt"]].sum().reindex(sorted(BEZIRKE), fill_value=0)
    per.loc[BERLIN_ID] = flags[["im_verfahren", "festgesetzt"]].sum()
    out = per.rename_axis("gebiet_id").reset_index()
    out["gebiet"] = out["gebiet_id"].map(_NAMES)
    out["stand"] = stand
    out.attrs["layers"] = sorted(set(plans["layer"]))
    out.attrs["since"] = since
    return with_sources(out, plans)


def _plan_rows(layer: str):
    def rows(table: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
        if layer not in table.attrs.get("layers", []):
            table = table.iloc[0:0]
        since = table.attrs.get("since")
        return long_form(table, layer, "stand", detail=f"seit {since:%d.%m.%Y}" if since is not None else "")
    return rows


_SECTION = "gewerbe"
_F2 = ("baufertigstellungen",)
_BACKLOG = "genehmigt, am 31.12. noch nicht fertiggestellt"

FIGURES = (
    KeyFigure(
        "bauueberhang_wohnungen", _SECTION, f"Bauüberhang: Wohnungen in Wohngebäuden ({_BACKLOG})", _F2, _DWELLINGS,
        _at_year_end("ueberhang"), chart="bauueberhang-wohnungen",
        noun="Die Zahl der genehmigten, noch nicht fertiggestellten Wohnungen in Wohngebäuden (Bauüberhang)",
        short="Bauüberhang an Wohnungen", says=("change", "level"), priority=78, kind="count"),
    KeyFigure(
        "bauueberhang_wohnbauvorhaben", _SECTION, f"Bauüberhang: Wohnbauvorhaben ({_BACKLOG})", _F2,
        _backlog("wohnbauvorhaben"), _at_year_end("ueberhang"),
        noun="Die Zahl der genehmigten, noch nicht fertiggestellten Wohnbauvorhaben (Bauüberhang)",
        short="Bauüberhang an Wohnbauvorhaben", says=("change", "level"), priority=52, kind="count"),
    KeyFigure(
        "bauueberhang_nichtwohnbauvorhaben", _SECTION, f"Bauüberhang: Nichtwohnbauvorhaben ({_BACKLOG})", _F2,
        _backlog("nichtwohnbauvorhaben"), _at_year_end("ueberhang"), chart="bauueberhang-nichtwohnbau",
        noun="Die Zahl der genehmigten, noch nicht fertiggestellten Nichtwohnbauvorhaben (Bauüberhang)",
        short="Bauüberhang an Nichtwohnbauvorhaben", says=("change", "level"), priority=63, kind="count"),
    KeyFigure(
        "bauueberhang_nicht_begonnen_anteil", _SECTION,
        "Bauüberhang: Anteil der Wohnungen in neuen Wohngebäuden, deren Bau noch nicht begonnen war", _F2, _DWELLINGS,
        _at_year_end("anteil_nicht_begonnen_prozent"), unit="%", decimals=1, chart="bauueberhang-nicht-begonnen",
        noun="Der Anteil der genehmigten Wohnungen in neuen Wohngebäuden, deren Bau noch nicht begonnen war,",
        short="Noch nicht begonnene Wohnungen im Bauüberhang", says=("level", "change"), priority=64),
    KeyFigure(
        "bebauungsplaene_im_verfahren", _SECTION, "Bebauungspläne im Verfahren", ("bebauungsplaene",), _plans,
        _plan_rows("im_verfahren"), chart="vorhaben-karte", noun="Die Zahl der Bebauungspläne im Verfahren",
        short="Bebauungspläne im Verfahren", says=(), priority=40, kind="count"),
    KeyFigure(
        "bebauungsplaene_festgesetzt", _SECTION, "Bebauungspläne festgesetzt in den letzten fünf Jahren ({detail})",
        ("bebauungsplaene",), _plans, _plan_rows("festgesetzt"), chart="vorhaben-karte",
        noun="Die Zahl der in den letzten fünf Jahren ({detail}) festgesetzten Bebauungspläne",
        short="Festgesetzte Bebauungspläne", says=(), priority=38, kind="count"),
)
# The plans: the WFS parser rests on attribute names from public code, no real answer was seen
# (issue 20): they give no finding (says=()) until a real answer has been checked.
