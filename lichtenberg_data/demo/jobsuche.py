"""A sample BA job search snapshot (``jobsuche_berlin.json``) for the sample city."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

from ..sources.jobsuche import (
    ANGEBOTSARTEN,
    JOBSUCHE_QUERY,
    JOBSUCHE_SEARCH_URL,
    PAGE_SIZE,
    RESULT_CEILING,
)

__all__ = ["sample_jobsuche"]


#: Occupation fields of the sample (BA Berufsfelder, abbreviated) and their weight.
_SAMPLE_FIELDS = {"Gesundheit": 9, "Verkauf": 7, "Verkehr, Logistik": 6, "IT, Computer": 6,
                  "Büro, Verwaltung": 8, "Bau, Architektur, Vermessung": 4, "Elektro": 3,
                  "Metall, Maschinenbau": 3, "Soziales, Pädagogik": 6, "Hotel, Gaststätten": 4,
                  "Produktion, Fertigung": 2, "Wirtschaft, Finanzen": 3}


#: Postcodes mostly inside Lichtenberg (they cross Bezirk borders in places).
LICHTENBERG_PLZ = ("10315", "10317", "10318", "10319", "10365", "10367", "10369", "13051", "13053",
                   "13055", "13057", "13059")


_OTHER_PLZ = ("10115", "10178", "10243", "10405", "10585", "10713", "10825", "12043", "12101", "12459",
              "12555", "12619", "12679", "13347", "13403", "13585")


#: Sample offers per Bezirk (jobs); apprenticeships are about a sixth of it.
_SAMPLE_JOBS = {"01": 520, "02": 380, "03": 300, "04": 410, "05": 150, "06": 220, "07": 260, "08": 190,
                "09": 200, "10": 120, "11": 210, "12": 160}


def _sample_offer(rng: Any, art: int, n: int, bez: str, lon: float, lat: float, with_coords: bool) -> dict:
    fields = list(_SAMPLE_FIELDS)
    feld = fields[int(rng.choice(len(fields), p=_field_weights()))]
    plz = str(rng.choice(LICHTENBERG_PLZ if bez == "11" else _OTHER_PLZ))
    day = date(2026, 10, 1).toordinal() + int(rng.integers(0, 31))
    item = {
        "beruf": f"{feld} (Beispielberuf)", "titel": f"{'Ausbildung' if art == 4 else 'Fachkraft'} {feld} ({n})",
        "refnr": f"10000-{art}{bez}{n:07d}-S", "arbeitgeber": f"Beispiel-Arbeitgeber {int(rng.integers(1, 400))}",
        "aktuelleVeroeffentlichungsdatum": date.fromordinal(day).isoformat(),
        "eintrittsdatum": "2027-08-01" if art == 4 else date.fromordinal(day + 30).isoformat(),
        "modifikationsTimestamp": f"{date.fromordinal(day).isoformat()}T08:00:00.000",
        "arbeitsort": {"plz": plz, "ort": "Berlin", "strasse": "Beispielstraße", "region": "Berlin",
                       "land": "Deutschland",
                       "koordinaten": {"lat": lat, "lon": lon} if with_coords else {}},
    }
    return {"feld": feld, "item": item}


def _field_weights() -> list[float]:
    total = sum(_SAMPLE_FIELDS.values())
    return [w / total for w in _SAMPLE_FIELDS.values()]


def sample_jobsuche() -> bytes:
    """A sample Jobsuche snapshot (``jobsuche_berlin.json``) as :func:`fetch_jobsuche` writes it.

    Offers carry the field names of the schema baseline (``refnr``, ``titel``, ``arbeitsort``
    with ``koordinaten``); points lie in the sample Bezirke; 2 % of the Lichtenberg offers come
    without coordinates (only the postcode), to exercise the postcode fallback.
    """
    import numpy as np

    from .city import sample_points

    rng = np.random.default_rng(11)
    types = []
    for art in ANGEBOTSARTEN:
        by_field: dict[str, list[dict]] = {f: [] for f in _SAMPLE_FIELDS}
        for bez, n_jobs in _SAMPLE_JOBS.items():
            n = n_jobs if art == 1 else max(n_jobs // 6, 5)
            pts = sample_points(n, seed=int(bez) * 10 + art, bezirk_id=bez)
            for i, (lon, lat) in enumerate(zip(pts["longitude"], pts["latitude"])):
                offer = _sample_offer(rng, art, i, bez, float(lon), float(lat), not (bez == "11" and i % 50 == 7))
                by_field[offer["feld"]].append(offer["item"])
        queries = [{"params": {"angebotsart": str(art), **JOBSUCHE_QUERY, "berufsfeld": f}, "max_ergebnisse": len(v),
                    "truncated": False, "pages": max(1, math.ceil(len(v) / PAGE_SIZE)), "stellenangebote": v}
                   for f, v in by_field.items()]
        total = sum(len(v) for v in by_field.values())
        facets = {"berufsfeld": {"counts": {f: len(v) for f, v in by_field.items()}, "maxCount": total}}
        types.append({"angebotsart": art, "max_ergebnisse": total, "gesammelt": total, "vollstaendig": True,
                      "facetten": facets, "abfragen": queries})
    doc = {"source": "BA Jobsuche API", "api": JOBSUCHE_SEARCH_URL, "fetched_at": "2026-11-02T05:00:00+00:00",
           "query": {**JOBSUCHE_QUERY, "page_size": PAGE_SIZE, "ceiling": RESULT_CEILING,
                     "angebotsarten": list(ANGEBOTSARTEN)},
           "requests": 0, "angebotsarten": types}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
