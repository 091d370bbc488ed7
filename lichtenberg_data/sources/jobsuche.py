"""The BA Jobsuche API: its fetcher and the ``stellenangebote`` dataset.

Job and apprenticeship offers in Berlin from the BA Jobsuche API (unofficial, no licence
stated), one dated JSON snapshot per refresh, so a time series builds up.

The search runs on ``/pc/v6/jobs`` (host ``rest.arbeitsagentur.de/jobboerse/jobsuche-service``,
header ``X-API-Key: jobboerse-jobsuche``); ``/pc/v4/jobs`` answers 404. Evidence, public code of
2026 calling the service: clients that switched to v6 because "v4 was switched off -> 404" and
read ``ergebnisliste`` / ``referenznummer``; a Python client noting (2026-07-08) that v6 takes
``veroeffentlichtseit`` only as 1, 7, 14 or 28; test fixtures recording live v6 answers of
2026-09-26 (:mod:`._jobsuche_answer`). Offer details still come from ``/pc/v4/jobdetails``, which
those clients call too. An answer without ``maxErgebnisse`` or facets is accepted: the total is
then counted (pages are read until one is short), and a query without ``berufsfeld`` facets is
sliced by working time instead where it reaches the API's ceiling.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import DownloadError, FormatError
from .._readers import read_text
from ..catalog import LICENSES, Check, Dataset, Probe, Resource, Schema
from ._jobsuche_answer import (
    _LIST_KEYS,
    ANGEBOTSARTEN,
    _changed,
    _facet_values,
    _items,
    _offer_row,
    _refnr,
    _total,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .._http import Http

__all__ = [
    "JOBSUCHE_SEARCH_URL", "JOBSUCHE_DETAILS_URL", "JOBSUCHE_HEADERS", "RESULT_CEILING", "PAGE_SIZE",
    "fetch_jobsuche", "parse_jobsuche", "job_details",
]


JOBSUCHE_BASE = "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service"
#: The search endpoint; ``/pc/v4/jobs`` has answered 404 since August 2026.
JOBSUCHE_SEARCH_URL = f"{JOBSUCHE_BASE}/pc/v6/jobs"
#: Details of one offer: ``{}`` is the base64 of its reference number.
JOBSUCHE_DETAILS_URL = f"{JOBSUCHE_BASE}/pc/v4/jobdetails/{{}}"
#: The API key the Jobsuche web app sends (documented publicly by bundesAPI/jobsuche-api).
JOBSUCHE_HEADERS = {"X-API-Key": "jobboerse-jobsuche"}
#: Largest page the API serves, and the ceiling on page*size it accepts.
PAGE_SIZE = 100
RESULT_CEILING = 10_000
#: Working-time values used to split a query that is still above the ceiling.
ARBEITSZEITEN = ("vz", "tz", "snw", "ho", "mj")
#: The place queried; points are assigned to Bezirke later (``workforce.locate_offers``).
JOBSUCHE_QUERY = {"wo": "Berlin", "umkreis": "0"}


def _get_page(http: Http, url: str, headers: Mapping[str, str], params: Mapping[str, Any]) -> dict:
    try:
        page = http.get_json(url, params=dict(params), headers=dict(headers))
    except DownloadError as exc:
        if "404" in str(exc):
            raise DownloadError(f"the BA job search API answered 404 at {url}: the endpoint version was "
                                "probably retired (as /pc/v4/jobs in August 2026); check the current version "
                                "of the Jobsuche web app and update JOBSUCHE_SEARCH_URL") from None
        raise
    if not isinstance(page, Mapping):
        raise _changed(f"the answer of {url} is a {type(page).__name__}, not an object")
    _items(page, url)
    return dict(page)


@dataclass
class _Query:
    """One query of the job search: fixed parameters, the slice label and its pages. ``counted``:
    the answer gave no total, ``total`` is the number of offers read."""

    params: dict[str, str]
    total: int = 0
    pages: list[dict] = field(default_factory=list)
    truncated: bool = False
    counted: bool = False

    def items(self) -> list[dict]:
        return [it for p in self.pages for it in next((p[k] for k in _LIST_KEYS if k in p), [])]

    def record(self) -> dict[str, Any]:
        return {"params": self.params, "max_ergebnisse": self.total, "gezaehlt": self.counted,
                "truncated": self.truncated, "pages": len(self.pages), "stellenangebote": self.items()}


class _Searcher:
    """Pages through the job search within the API's limits (size ≤ 100, page*size ≤ 10 000)."""

    def __init__(self, http: Http, url: str, headers: Mapping[str, str]) -> None:
        self.http, self.url, self.headers = http, url, headers
        self.requests = 0

    def page(self, params: Mapping[str, str], number: int) -> dict:
        self.requests += 1
        return _get_page(self.http, self.url, self.headers, {**params, "page": str(number), "size": str(PAGE_SIZE)})

    def exhaust(self, params: dict[str, str], first: dict | None = None) -> _Query:
        """All pages of one query, up to the ceiling. Without a total in the answer the pages are
        read until one holds fewer than ``PAGE_SIZE`` offers; the total is the number read, and
        ``truncated`` says the ceiling was reached with full pages (there may be more)."""
        q = _Query(params)
        first = first if first is not None else self.page(params, 1)
        total, q.pages = _total(first, self.url), [first]
        pages = RESULT_CEILING // PAGE_SIZE if total is None else math.ceil(total / PAGE_SIZE)
        last = min(pages, RESULT_CEILING // PAGE_SIZE)
        full = len(_items(first, self.url)) >= PAGE_SIZE
        for number in range(2, last + 1):
            if not full:
                break
            got = self.page(params, number)
            q.pages.append(got)
            full = len(_items(got, self.url)) >= PAGE_SIZE
        if total is None:
            q.total, q.counted = len({_refnr(it) for it in q.items()}), True
            q.truncated = full and len(q.pages) == RESULT_CEILING // PAGE_SIZE
        else:
            q.total, q.truncated = total, total > RESULT_CEILING
        return q

    def sliced(self, params: dict[str, str], first: dict | None = None) -> list[_Query]:
        """A query, split by working time where it is above the ceiling (or, without a total,
        where its pages reach the ceiling)."""
        first = first if first is not None else self.page(params, 1)
        total = _total(first, self.url)
        if "arbeitszeit" in params or (total is not None and total <= RESULT_CEILING):
            return [self.exhaust(params, first)]
        if total is None:
            whole = self.exhaust(params, first)
            if not whole.truncated:
                return [whole]
        return [q for az in ARBEITSZEITEN for q in self.sliced({**params, "arbeitszeit": az})]


def _collect_offer_type(searcher: _Searcher, angebotsart: int) -> dict[str, Any]:
    """All offers of one type: sliced by occupation field (for attribution), completed unsliced."""
    base = {"angebotsart": str(angebotsart), **JOBSUCHE_QUERY}
    first = searcher.page(base, 1)
    total = _total(first, searcher.url)
    fields = _facet_values(first, "berufsfeld")
    queries = [q for f in fields for q in searcher.sliced({**base, "berufsfeld": f})]
    seen = {_refnr(it) for q in queries for it in q.items()}
    if queries and total is not None and len(seen) < total <= RESULT_CEILING:
        queries.append(searcher.exhaust(base, first))  # offers without (or beyond) the field facets
    elif not queries:  # no field facets: the whole query, sliced by working time where needed
        queries = searcher.sliced(base, first)
    records = [q.record() for q in queries]
    unique = {_refnr(it) for r in records for it in r["stellenangebote"]}
    counted = total is None
    complete = not any(q.truncated for q in queries) if counted else len(unique) >= total
    return {"angebotsart": angebotsart, "max_ergebnisse": len(unique) if counted else total,
            "gezaehlt": counted, "gesammelt": len(unique), "vollstaendig": complete,
            "facetten": first.get("facetten"), "abfragen": records}


def fetch_jobsuche(http: Http, resource: Resource, dest: Path) -> None:
    """Fetch all job and apprenticeship offers in Berlin into one JSON snapshot at ``dest``.

    For each offer type (1 Arbeit, 4 Ausbildung) the search is sliced by occupation field
    (``berufsfeld``, from the facets of the first page) so each offer is attributed to a field;
    a slice above the API's ceiling of 10 000 results (``page*size``) is split further by
    working time, and what is still above is cut at the ceiling and flagged ``truncated``.
    When the slices miss offers of a query within the ceiling, the unsliced query is paged too.

    An answer without ``maxErgebnisse`` (and without facets' ``maxCount``) is paged until a page
    holds fewer than 100 offers, and its total is the number of offers read (``gezaehlt``); without
    ``berufsfeld`` facets the offers keep an empty field.

    The snapshot holds every page's offers, the query parameters, the reported (or counted) totals,
    the facets of the first page and ``fetched_at``. Nothing is written unless all pages arrived.

    Raises
    ------
    DownloadError
        On HTTP errors; a 404 names the likely cause (a retired API version).
    FormatError
        When the answer's shape changed ("the BA job search API changed its answer: ...").
    """
    url = resource.url or JOBSUCHE_SEARCH_URL
    headers = {**JOBSUCHE_HEADERS, **dict(resource.headers)}
    searcher = _Searcher(http, url, headers)
    types = [_collect_offer_type(searcher, a) for a in ANGEBOTSARTEN]
    doc = {
        "source": "BA Jobsuche API", "api": url, "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "query": {**JOBSUCHE_QUERY, "page_size": PAGE_SIZE, "ceiling": RESULT_CEILING,
                  "angebotsarten": list(ANGEBOTSARTEN)},
        "requests": searcher.requests, "angebotsarten": types,
    }
    dest.write_bytes(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def job_details(refnr: str, http: Http | None = None, *, url: str = JOBSUCHE_DETAILS_URL) -> dict:
    """Details of one offer (``/pc/v4/jobdetails/{base64(refnr)}``), e.g. for spot checks.

    ``url`` is the address pattern with ``{}`` for the encoded reference number.

    Examples
    --------
    >>> base64.b64encode("10000-1234567890-S".encode()).decode()
    'MTAwMDAtMTIzNDU2Nzg5MC1T'
    """
    from .._http import Http

    client = http or Http()
    code = base64.b64encode(refnr.encode("utf-8")).decode("ascii")
    try:
        return client.get_json(url.format(code), headers=dict(JOBSUCHE_HEADERS))
    finally:
        if http is None:
            client.close()


# ---------------------------------------------------------------------------- Jobsuche parser


def _snapshot_rows(doc: Mapping[str, Any], path: Path) -> Iterator[dict[str, Any]]:
    types = doc.get("angebotsarten")
    if not isinstance(types, list):
        raise FormatError(f"{path.name} is not a Jobsuche snapshot (no 'angebotsarten' list)")
    for block in types:
        art = int(block["angebotsart"])
        for query in block.get("abfragen", []):
            feld = query.get("params", {}).get("berufsfeld")
            for item in query.get("stellenangebote", []):
                yield {**_offer_row(item, art, feld), "abfrage_vollstaendig": bool(block.get("vollstaendig"))}


def _snapshot_part(doc: Mapping[str, Any], path: Path) -> pd.DataFrame:
    import pandas as pd

    fetched = pd.Timestamp(doc["fetched_at"])
    part = pd.DataFrame(list(_snapshot_rows(doc, path)), columns=_JOB_COLUMNS[2:-1])
    part.insert(0, "abgerufen_am", fetched.tz_convert("Europe/Berlin").strftime("%Y-%m-%d %H:%M") if fetched.tzinfo
                else fetched.strftime("%Y-%m-%d %H:%M"))
    part.insert(0, "date", pd.Timestamp(fetched.date()))
    part["stand_herkunft"] = "abruf"
    return part


def _read_part(path: Path) -> pd.DataFrame:
    """One file: a snapshot of :func:`fetch_jobsuche`, or a saved answer of the search endpoint."""
    from ._jobsuche_raw import is_raw_answer, raw_rows

    try:
        doc = json.loads(read_text(path))
    except ValueError:
        raise FormatError(f"{path.name} is not valid JSON") from None
    if isinstance(doc, Mapping) and "fetched_at" in doc:
        return _snapshot_part(doc, path)
    if isinstance(doc, Mapping) and is_raw_answer(doc):
        return raw_rows(doc, path)
    found = ", ".join(sorted(map(str, doc))[:8]) if isinstance(doc, Mapping) else f"a JSON {type(doc).__name__}"
    raise FormatError(f"{path.name} is neither a Jobsuche snapshot of this toolkit ('fetched_at', 'angebotsarten') "
                      f"nor a saved answer of the job search API (/pc/v6/jobs: 'ergebnisliste', 'maxErgebnisse'); "
                      f"found {found or 'an empty object'}")


def parse_jobsuche(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse Jobsuche snapshots and saved API answers into one row per date, offer type and offer.

    An offer found in several slices is kept once (the first occupation field wins). Saved
    answers of ``/pc/v6/jobs`` (or the retired ``/pc/v4/jobs``; one file per page) get their
    date, offer type and field by the rules in :mod:`._jobsuche_raw`; ``stand_herkunft`` says where the date came from
    (``abruf``, ``dateiname``, ``letzte_aenderung``). Points are not yet assigned to Bezirke:
    :func:`lichtenberg_data.workforce.locate_offers` does that.
    """
    import pandas as pd

    from ._jobsuche_raw import completeness

    out = pd.concat([_read_part(p) for p in files.values()], ignore_index=True)
    if "_raw" in out.columns:
        raw = out["_raw"].eq(True)
        out.loc[raw, "abfrage_vollstaendig"] = completeness(out[raw])
        out = out.drop(columns=["_max", "_raw"])
    out = out.drop_duplicates(["date", "angebotsart", "refnr"], keep="first")
    for col in ("lat", "lon"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    for col in ("veroeffentlicht", "eintritt"):
        out[col] = pd.to_datetime(out[col].astype("string").str[:10], errors="coerce", format="%Y-%m-%d")
    out["angebotsart"] = out["angebotsart"].astype("int64")
    out["abfrage_vollstaendig"] = out["abfrage_vollstaendig"].astype(bool)
    for col in ("refnr", "angebot", "titel", "beruf", "berufsfeld", "arbeitgeber", "plz", "ort"):
        out[col] = out[col].astype("str").where(out[col].notna(), None)
    return out.reset_index(drop=True)


_JOB_COLUMNS = ("date", "abgerufen_am", "angebotsart", "angebot", "refnr", "titel", "beruf", "berufsfeld",
                "arbeitgeber", "plz", "ort", "lat", "lon", "veroeffentlicht", "eintritt", "abfrage_vollstaendig",
                "stand_herkunft")


def _coordinates_plausible(df: pd.DataFrame) -> str | None:
    pts = df.dropna(subset=["lat", "lon"])
    bad = pts[~pts["lat"].between(47, 56) | ~pts["lon"].between(5, 16)]
    return f"{len(bad)} offers with coordinates outside Germany (lat/lon swapped?)" if len(bad) else None


stellenangebote = catalog.register(Dataset(
    id="stellenangebote",
    title="Stellen- und Ausbildungsangebote in Berlin (BA-Jobsuche)",
    topic="workforce",
    publisher="Bundesagentur für Arbeit",
    license=LICENSES["none-stated"],
    landing_page="https://www.arbeitsagentur.de/jobsuche/",
    resources=(Resource(name="jobsuche_berlin.json", url=JOBSUCHE_SEARCH_URL, format="json",
                        match=r"(?i)jobsuche.*\.json$", fetcher=fetch_jobsuche, headers=JOBSUCHE_HEADERS,
                        probe=Probe(JOBSUCHE_SEARCH_URL, {**JOBSUCHE_QUERY, "page": "1", "size": "1"})),),
    spatial_unit="Punkt (Arbeitsort), Berlin",
    update="monthly",
    parser=parse_jobsuche,
    schema=Schema(
        columns={"date": "date", "abgerufen_am": "str", "angebotsart": "int", "angebot": "str", "refnr": "str",
                 "titel": "str", "berufsfeld": "str", "plz": "str", "lat": "float", "lon": "float",
                 "veroeffentlicht": "date", "abfrage_vollstaendig": "bool", "stand_herkunft": "str"},
        key=("date", "angebotsart", "refnr"),
        checks=(Check("coordinates in Germany", _coordinates_plausible),),
        min_rows=1,
    ),
    source_title="Jobsuche-API (inoffizielle Schnittstelle der Jobbörse)",
    history=True,
    parser_version="2",  # 2: column stand_herkunft, saved API answers
    unverified=("never read a real answer file: field names come from a v4 schema baseline (2026-03) and a "
                "v6 answer recorded by a public project (2026-09-26)"),
    landing_evidence=("the job board's web app; public 2026 clients call its API /pc/v6/jobs and link offers as "
                      "https://www.arbeitsagentur.de/jobsuche/jobdetail/<refnr>"),
    description=(
        "Unofficial API of the BA job board (header X-API-Key: jobboerse-jobsuche; no licence stated, so reuse "
        "of single offers is not covered: only counts are shown). Each refresh stores a dated snapshot of all "
        "offers queried with wo=Berlin (angebotsart 1 Arbeit, 4 Ausbildung), sliced by occupation field. "
        "Offers are published by employers and the BA; they are not the BA statistics of registered vacancies. "
        "The search runs on /pc/v6/jobs (/pc/v4/jobs is retired); an answer without maxErgebnisse or facets is "
        "counted page by page. To save an answer by hand: open "
        "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service/pc/v6/jobs?wo=Berlin&umkreis=0&angebotsart=1"
        "&page=1&size=100 with the header X-API-Key: jobboerse-jobsuche (e.g. curl -H), save each page as "
        "jobsuche_arbeit_YYYY-MM-DD_seite1.json (angebotsart=4 and 'ausbildung' for apprenticeships), then "
        "`lichtenberg-data import stellenangebote jobsuche_*.json`. The v6 answer lists the offers under "
        "'ergebnisliste' (v4 answers with 'stellenangebote' still import). Its Stand is the date in the file "
        "name, else the day of the latest aenderungsdatum (v4: modifikationsTimestamp) in it (a lower bound; "
        "column stand_herkunft); offer type and field come from the file name, the offers' stellenangebotsart "
        "or single-valued facets, else 0 'unbekannt' / empty."
    ),
))
