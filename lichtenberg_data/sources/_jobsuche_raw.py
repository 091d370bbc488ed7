"""Saved answers of the BA job search (``/pc/v6/jobs``) for the ``stellenangebote`` import.

Someone who saved the API's answer by hand (v6: ``{"ergebnisliste": [...], "maxErgebnisse": ...,
"page": ..., "size": ..., "woOutput": {...}, "facetten": {...}}``, one file per page; answers
of the retired ``/pc/v4/jobs`` with ``stellenangebote`` too) can import it like a snapshot of the
toolkit. ``maxErgebnisse`` and the facets may be missing. What such a file does not say is
filled in by explicit rules:

Stand (``date``)
    1. a date in the file name (``jobsuche_2026-03-28_seite1.json``, ``..._20260328...``):
       ``stand_herkunft = "dateiname"``;
    2. else the day of the latest change of the offers in the file (``aenderungsdatum`` in v6,
       ``modifikationsTimestamp`` in v4; where missing, the date of publication): the answer
       cannot be older than its newest change, so this is a lower bound of the download day
       (``stand_herkunft = "letzte_aenderung"``; ``abgerufen_am`` reads "frühestens ...").
       Pages saved together may then land on different days: name them with the date;
    3. a file without any of these is refused.
Offer type (``angebotsart``)
    ``angebotsart=N`` or the word "ausbildung" (4) or "arbeit" (1) in the file name, else the
    offers' ``stellenangebotsart`` when all say the same ("ARBEIT" 1, "AUSBILDUNG…" 4; only
    "ARBEIT" was seen in a recorded answer), else a facet ``angebotsart`` with one non-zero
    count, else 0 ("unbekannt").
Occupation field (``berufsfeld``)
    The facet ``berufsfeld`` when it has exactly one non-zero count (a query sliced by field),
    else empty.
Completeness (``abfrage_vollstaendig``)
    True when the pages read together hold ``maxErgebnisse`` different offers. Without a total
    (no ``maxErgebnisse``, no facet ``maxCount``), a first page with fewer offers than its
    ``size`` is the whole query; any other page leaves it unknown (False). Files imported
    with ``lichtenberg-data import`` are read one at a time, so a query of several pages stays
    False there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import FormatError
from ._jobsuche_answer import ANGEBOTSARTEN, _facet_values, _items, _offer_row, _total

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["is_raw_answer", "raw_rows", "completeness", "UNKNOWN_ART"]

#: ``angebotsart`` of offers whose type the saved answer does not tell.
UNKNOWN_ART = 0
_NAME_DATE = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")


def is_raw_answer(doc: Mapping[str, Any]) -> bool:
    """Whether a JSON object looks like an answer of the search endpoint (a list of offers, or a
    total with the paging fields)."""
    return ("stellenangebote" in doc or "ergebnisliste" in doc) or ("maxErgebnisse" in doc and "page" in doc)


def _name_date(path: Path) -> date | None:
    for m in _NAME_DATE.finditer(path.name):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def _stand(items: list[Mapping[str, Any]], path: Path) -> tuple[pd.Timestamp, str, str]:
    """(date, abgerufen_am, stand_herkunft) by the rules of the module docstring."""
    import pandas as pd

    named = _name_date(path)
    if named is not None:
        return pd.Timestamp(named), f"{named.isoformat()} (Dateiname)", "dateiname"
    stamps = [item.get("modifikationsTimestamp") or item.get("aenderungsdatum") or item.get("aktuelleVeroeffentlichungsdatum")
              or item.get("datumErsteVeroeffentlichung") for item in items]
    times = pd.to_datetime(pd.Series([s for s in stamps if isinstance(s, str)], dtype="string"), errors="coerce")
    times = times.dropna()
    if times.empty:
        raise FormatError(f"{path.name}: a saved answer of the job search without a date: neither the file name "
                          "(e.g. jobsuche_2026-03-28_seite1.json) nor any aenderungsdatum or modifikationsTimestamp "
                          "tells when it was downloaded; rename the file with its download date")
    latest = times.max()
    return pd.Timestamp(latest.date()), f"frühestens {latest:%Y-%m-%d %H:%M}", "letzte_aenderung"


def _angebotsart(doc: Mapping[str, Any], path: Path) -> int:
    low = path.name.lower()
    if m := re.search(r"angebotsart[=_-]?(\d+)", low):
        return int(m.group(1))
    if "ausbildung" in low:
        return 4
    if "arbeit" in low and "arbeitsagentur" not in low:
        return 1
    names = {v.lower(): k for k, v in ANGEBOTSARTEN.items()} | {"arbeit": 1, "ausbildung": 4}
    kinds = {str(item.get("stellenangebotsart") or "").strip().lower() for item in _items(doc, path.name)}
    if len(kinds) == 1 and (kind := kinds.pop()):
        return 1 if kind == "arbeit" else 4 if kind.startswith("ausbildung") else UNKNOWN_ART
    values = _facet_values(doc, "angebotsart")
    if len(values) == 1:
        key = values[0].strip().lower()
        return int(key) if key.isdigit() else names.get(key.split("/")[0], UNKNOWN_ART)
    return UNKNOWN_ART


def raw_rows(doc: Mapping[str, Any], path: Path) -> pd.DataFrame:
    """The offers of one saved answer, with ``date``, ``abgerufen_am``, ``stand_herkunft`` and the
    private columns ``_max`` (``maxErgebnisse``) for the completeness across pages."""
    import pandas as pd

    items = _items(doc, path.name)
    total = _total(doc, path.name)
    if total is None:  # count the list: a short first page is the whole query, else unknown
        size, page = doc.get("size"), doc.get("page", 1)
        short = isinstance(size, int) and not isinstance(size, bool) and len(items) < size
        total = len(items) if short and str(page) in ("0", "1") else float("nan")
    day, fetched, origin = _stand(items, path)
    art = _angebotsart(doc, path)
    fields = _facet_values(doc, "berufsfeld")
    feld = fields[0] if len(fields) == 1 else None
    rows = [_offer_row(item, art, feld) for item in items]
    part = pd.DataFrame(rows, columns=["angebotsart", "angebot", "refnr", "titel", "beruf", "berufsfeld",
                                       "arbeitgeber", "plz", "ort", "lat", "lon", "veroeffentlicht", "eintritt"])
    if art == UNKNOWN_ART:
        part["angebot"] = "unbekannt"
    part.insert(0, "abgerufen_am", fetched)
    part.insert(0, "date", day)
    part["stand_herkunft"] = origin
    part["_max"] = total
    part["_raw"] = True
    return part


def completeness(out: pd.DataFrame) -> pd.Series:
    """Per row of saved answers: whether its query's pages hold ``maxErgebnisse`` offers."""
    keys = ["date", "angebotsart", "berufsfeld", "_max"]
    found = out.groupby(keys, dropna=False)["refnr"].transform("nunique")
    return (found >= out["_max"]) & out["_max"].notna()
