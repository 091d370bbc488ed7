"""The shape of a BA job search answer (``/pc/v6/jobs``; the retired ``/pc/v4/jobs`` too): totals,
offers, facets, one row per offer. Shared by the downloader (:mod:`.jobsuche`) and the import of
saved answers (:mod:`._jobsuche_raw`); no I/O here.

A v6 answer as recorded from the live API on 2026-09-26 (test fixtures of a public TypeScript
project): offers in ``ergebnisliste`` keyed by ``referenznummer`` (``stellenangebotsTitel``,
``hauptberuf``, ``firma``, ``stellenlokationen[].adresse.plz/ort``, ``breite``/``laenge``,
``datumErsteVeroeffentlichung``, ``aenderungsdatum``, ``stellenangebotsart`` "ARBEIT"), then
``maxErgebnisse``, ``page``, ``size``, ``woOutput`` and ``facetten`` (each facet with ``counts`` and
``maxCount``, equal to ``maxErgebnisse``); on no match the list and the facets are absent. Other
2026 clients read ``ergebnisliste`` without relying on ``maxErgebnisse``. So an answer may lack
``maxErgebnisse`` or the facets: the total is then a facet's ``maxCount``, else unknown
(``None``: the pages are counted, see :mod:`.jobsuche`).
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


def _number(value: Any, what: str, url: str) -> int:
    if isinstance(value, bool):
        raise _changed(f"{what} is {value!r}, not a number ({url})")
    try:
        return int(str(value).strip())
    except ValueError:
        raise _changed(f"{what} is {value!r}, not a number ({url})") from None


def _total(page: Mapping[str, Any], url: str) -> int | None:
    """``maxErgebnisse``; where it is missing the facets' ``maxCount``; ``None`` when neither is given."""
    value = page.get("maxErgebnisse")
    if value is not None:
        return _number(value, "'maxErgebnisse'", url)
    facets = page.get("facetten")
    counts = [f.get("maxCount") for f in facets.values() if isinstance(f, Mapping)] if isinstance(facets, Mapping) else []
    counts = [_number(c, "a facet's 'maxCount'", url) for c in counts if c is not None]
    return max(counts) if counts else None


def _items(page: Mapping[str, Any], url: str) -> list[dict]:
    key = next((k for k in _LIST_KEYS if k in page), None)
    if key is None:
        renamed = [k for k, v in page.items() if isinstance(v, list) and v and all(isinstance(i, Mapping) for i in v)]
        if not renamed and not _total(page, url):
            return []  # no match: v6 leaves out the list (and the facets)
        raise _changed(f"no 'ergebnisliste' (v6) or 'stellenangebote' (v4) list in the answer of {url} "
                       f"(keys: {', '.join(sorted(page))})")
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
        "veroeffentlicht": _first(item, "aktuelleVeroeffentlichungsdatum", "veroeffentlichungszeitraum.von",
                                  "datumErsteVeroeffentlichung"),
        "eintritt": _first(item, "eintrittsdatum", "eintrittszeitraum.von"),
    }
