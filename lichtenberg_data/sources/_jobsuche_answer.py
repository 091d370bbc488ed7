"""The shape of a BA job search answer (``/pc/v4|v6/jobs``): totals, offers, facets, one row per
offer. Shared by the downloader (:mod:`.jobsuche`) and the import of saved answers
(:mod:`._jobsuche_raw`); no I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import FormatError

#: Offer types fetched: 1 Arbeit, 4 Ausbildung/Duales Studium.
ANGEBOTSARTEN = {1: "Arbeit", 4: "Ausbildung/Duales Studium"}


#: Result lists seen: ``stellenangebote`` (v4, schema baseline 2026-03) and ``ergebnisliste``
#: (v6, seen only in one third-party scraper's test fixtures).
_LIST_KEYS = ("stellenangebote", "ergebnisliste")


def _changed(what: str) -> FormatError:
    return FormatError(f"the BA job search API changed its answer: {what}")


def _total(page: Mapping[str, Any], url: str) -> int:
    value = page.get("maxErgebnisse")
    if isinstance(value, bool) or value is None:
        raise _changed(f"no number 'maxErgebnisse' in the answer of {url}")
    try:
        return int(str(value).strip())
    except ValueError:
        raise _changed(f"'maxErgebnisse' is {value!r}, not a number ({url})") from None


def _items(page: Mapping[str, Any], url: str) -> list[dict]:
    key = next((k for k in _LIST_KEYS if k in page), None)
    if key is None:
        if _total(page, url) == 0:
            return []
        raise _changed(f"no 'stellenangebote' list in the answer of {url} (keys: {', '.join(sorted(page))})")
    items = page[key]
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise _changed(f"'{key}' is a {type(items).__name__}, not a list of offers ({url})")
    for item in items:
        if not (item.get("refnr") or item.get("referenznummer")):
            raise _changed(f"an offer without 'refnr' in the answer of {url}")
    return items


def _facet_values(page: Mapping[str, Any], name: str) -> list[str]:
    facets = page.get("facetten")
    if isinstance(facets, Mapping) and isinstance(facets.get(name), Mapping):
        counts = facets[name].get("counts")
        if isinstance(counts, Mapping):
            return [str(k) for k, v in counts.items() if isinstance(v, (int, float)) and v > 0]
    return []


def _first(item: Mapping[str, Any], *paths: str) -> Any:
    for path in paths:
        value: Any = item
        for part in path.split("."):
            if isinstance(value, list):
                value = value[0] if value else None
            value = value.get(part) if isinstance(value, Mapping) else None
        if value not in (None, ""):
            return value
    return None


def _refnr(item: Mapping[str, Any]) -> str:
    return str(item.get("refnr") or item.get("referenznummer"))


def _offer_row(item: Mapping[str, Any], angebotsart: int, feld: str | None) -> dict[str, Any]:
    return {
        "angebotsart": angebotsart, "angebot": ANGEBOTSARTEN.get(angebotsart, str(angebotsart)),
        "refnr": _refnr(item),
        "titel": _first(item, "titel", "stellenangebotsTitel"),
        "beruf": _first(item, "beruf", "hauptberuf"),
        "berufsfeld": feld,
        "arbeitgeber": _first(item, "arbeitgeber", "firma"),
        "plz": _first(item, "arbeitsort.plz", "stellenlokationen.adresse.plz"),
        "ort": _first(item, "arbeitsort.ort", "stellenlokationen.adresse.ort"),
        "lat": _first(item, "arbeitsort.koordinaten.lat", "stellenlokationen.breite"),
        "lon": _first(item, "arbeitsort.koordinaten.lon", "stellenlokationen.laenge"),
        "veroeffentlicht": _first(item, "aktuelleVeroeffentlichungsdatum", "datumErsteVeroeffentlichung"),
        "eintritt": _first(item, "eintrittsdatum", "eintrittszeitraum.von"),
    }
