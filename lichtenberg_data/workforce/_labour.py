"""Employment indicators: employees, earnings, women in leadership (private; public through
:mod:`lichtenberg_data.workforce`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._errors import DataNotAvailableError
from .._provenance import with_sources
from ..geo import district_id
from ..names import BERLIN_ID
from ._common import _DEFAULT, _change, _index, _load

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
