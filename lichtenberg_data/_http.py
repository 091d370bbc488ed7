"""HTTP for the refresh: one session with timeouts, retries with backoff, a descriptive
User-Agent and conditional GET; downloads stream to a temporary file and are checked.

Nothing here parses data. :class:`Http` answers "give me this URL as a checked file" and
"give me this URL as JSON"; :func:`fetch_wfs` pages a WFS layer into one GeoJSON file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ._errors import DownloadError, FormatError
from ._guards import check_body, looks_like_html  # noqa: F401 - also imported from here
from ._reach import HostUnreachableError, Reachability, classify, host_lock
from .settings import settings

log = logging.getLogger("lichtenberg_data")

#: Status codes retried with backoff (Retry-After is honoured for 429 and 503).
RETRY_STATUS = (429, 500, 502, 503, 504)
#: Longest Retry-After honoured for a POST, in seconds (a longer one is cut to this).
MAX_RETRY_AFTER = 300.0
_CHUNK = 1 << 16


@dataclass
class Download:
    """What a download brought: ``unchanged`` when the server answered 304."""

    unchanged: bool
    path: Path | None = None
    url: str = ""
    sha256: str = ""
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


def _retry(retries: int) -> Retry:
    """Retries with backoff on read errors, 429 and 5xx, never on connection errors.

    A failed DNS lookup, a refused connection or no route are answers, not accidents: retrying
    them with backoff only made an offline refresh take minutes. A connection timeout is not
    retried either (TCP already resends its SYN within the connect timeout). The run's
    :class:`~lichtenberg_data._reach.Reachability` then skips the host's other resources.
    """
    return Retry(
        total=retries,
        connect=0,
        read=retries,
        status=retries,
        backoff_factor=settings.backoff,
        status_forcelist=RETRY_STATUS,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


class Http:
    """A requests session configured from :mod:`lichtenberg_data.settings`.

    Parameters
    ----------
    timeout, retries
        Override ``settings.timeout`` and ``settings.retries`` (the doctor probes with a short
        timeout and no retries).
    reach
        The run's memory of unreachable hosts, shared by the sessions of one run (one is made
        when not given). A host that failed is not tried again in the same run.
    """

    def __init__(self, *, timeout: float | None = None, retries: int | None = None,
                 reach: Reachability | None = None) -> None:
        self.timeout = settings.timeout if timeout is None else float(timeout)
        self.retries = settings.retries if retries is None else int(retries)
        self.connect_timeout = min(10.0, self.timeout)
        self.reach = reach if reach is not None else Reachability(dns_timeout=self.connect_timeout)
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=_retry(self.retries))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = settings.user_agent

    def close(self) -> None:
        """Close the connections."""
        self.session.close()

    def get(self, url: str, params: dict | None = None, headers: dict | None = None,
            stream: bool = False) -> requests.Response:
        """GET ``url`` through the run's reachability memory; any status is returned (see :meth:`_request`)."""
        return self._request("GET", url, params=params, headers=headers, stream=stream)

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request through the run's reachability memory; any status is returned.

        Raises :class:`~lichtenberg_data._reach.HostUnreachableError` (a :class:`DownloadError`)
        with the exact cause when the host cannot be reached, and at once when it already
        failed in this run.
        """
        direct = not (self.session.trust_env and requests.utils.get_environ_proxies(url))
        self.reach.check(url, direct=direct)
        try:
            with host_lock(url) or nullcontext():
                resp = self.session.request(method, url, timeout=(self.connect_timeout, self.timeout), **kwargs)
        except requests.exceptions.RetryError as exc:
            raise DownloadError(f"{url} kept failing after {self.retries} retries ({_reason(exc)})") from None
        except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
            failure = classify(exc, self.connect_timeout, self.timeout)
            if failure is None:
                raise DownloadError(f"could not connect to {url} ({_reason(exc)})") from None
            raise self.reach.failed(url, failure) from None
        self.reach.answered()
        return resp

    def download(
        self,
        url: str,
        dest: Path,
        *,
        params: dict | None = None,
        headers: dict | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        expect: str = "",
    ) -> Download:
        """Download ``url`` to ``dest``, conditionally when ``etag``/``last_modified`` are given.

        The body is streamed to ``dest`` and checked: HTTP status, declared length against
        received length, not empty, and not an HTML page where ``expect`` (a format such as
        ``csv``) is data. Raises :class:`DownloadError` or :class:`FormatError`; ``dest`` is
        removed on any failure.
        """
        hdrs = dict(headers or {})
        if etag:
            hdrs["If-None-Match"] = etag
        if last_modified:
            hdrs["If-Modified-Since"] = last_modified
        resp = self.get(url, params, hdrs, stream=True)
        with resp:
            if resp.status_code == 304:
                return Download(unchanged=True, url=resp.url, etag=etag, last_modified=last_modified)
            _check_status(resp)
            digest = hashlib.sha256()
            size = 0
            try:
                with open(dest, "wb") as fh:
                    for chunk in resp.iter_content(_CHUNK):
                        fh.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
            except (requests.exceptions.RequestException, OSError) as exc:
                dest.unlink(missing_ok=True)
                raise DownloadError(f"the connection broke off while reading {url} ({_reason(exc)})") from None
            declared = resp.headers.get("Content-Length")
            if declared and resp.headers.get("Content-Encoding") in (None, "identity") and int(declared) != size:
                dest.unlink(missing_ok=True)
                raise DownloadError(f"{url} sent {size} of {declared} bytes (truncated download)")
            try:
                check_body(dest, expect, what=url)
            except FormatError:
                dest.unlink(missing_ok=True)
                raise
            return Download(
                unchanged=False, path=dest, url=resp.url, sha256=digest.hexdigest(), size=size,
                etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified"),
                content_type=resp.headers.get("Content-Type"),
            )

    def get_json(self, url: str, *, params: dict | None = None, headers: dict | None = None) -> Any:
        """GET ``url`` and return its JSON body; clear errors for HTML or malformed answers."""
        resp = self.get(url, params, headers, stream=False)
        _check_status(resp)
        body = resp.content
        if looks_like_html(body[:512]):
            raise FormatError(f"{resp.url} answered with an HTML page instead of JSON")
        try:
            return json.loads(body)
        except ValueError:
            raise FormatError(f"{resp.url} answered with malformed JSON ({len(body)} bytes)") from None

    def post(self, url: str, *, data: dict, headers: dict | None = None, expect: str = "json",
             allow_html: bool = False, wait: Callable[[requests.Response, int], None] | None = None) -> bytes:
        """POST form ``data`` to ``url`` and return the checked body.

        429 and 5xx answers are retried ``settings.retries`` times, after the server's
        Retry-After (seconds or an HTTP date, at most :data:`MAX_RETRY_AFTER`) or else after
        ``settings.backoff * 2**attempt`` seconds; ``wait(response, attempt)``, where given,
        waits in place of that (an API with its own rules, e.g. Overpass). Raises
        :class:`DownloadError` for an HTTP error that persists, :class:`FormatError` for an
        empty body or (unless ``allow_html``, for callers that read the error text of a page
        themselves) an HTML page.
        """
        for attempt in range(settings.retries + 1):
            resp = self._request("POST", url, data=data, headers=headers)
            if resp.status_code not in RETRY_STATUS or attempt == settings.retries:
                break
            resp.close()
            if wait is not None:
                wait(resp, attempt)
                continue
            seconds = _retry_after(resp, attempt)
            log.info("%s answered HTTP %s; retrying in %.1f s", url, resp.status_code, seconds)
            time.sleep(seconds)
        if resp.status_code in RETRY_STATUS:
            raise DownloadError(f"{url} answered HTTP {resp.status_code} {resp.reason or ''}".rstrip()
                                + f" after {settings.retries} retries")
        _check_status(resp)
        body = resp.content
        if not body:
            raise FormatError(f"{url} answered with an empty body")
        if not allow_html and looks_like_html(body[:1024]):
            raise FormatError(f"{url} answered with an HTML page instead of {expect}")
        return body

    def post_json(self, url: str, *, data: dict, headers: dict | None = None) -> Any:
        """POST form ``data`` and return the JSON answer (see :meth:`post`)."""
        body = self.post(url, data=data, headers=headers)
        try:
            return json.loads(body)
        except ValueError:
            raise FormatError(f"{url} answered with malformed JSON ({len(body)} bytes)") from None


def retry_after(resp: requests.Response) -> float | None:
    """The seconds an answer's Retry-After header asks for (seconds or an HTTP date, at most
    :data:`MAX_RETRY_AFTER`); ``None`` when it has none that can be read."""
    value = (resp.headers.get("Retry-After") or "").strip()
    wait = None
    if value.isdigit():
        wait = float(value)
    elif value:
        try:
            wait = (parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            wait = None
    return None if wait is None else min(max(wait, 0.0), MAX_RETRY_AFTER)


def _retry_after(resp: requests.Response, attempt: int) -> float:
    """Seconds to wait before retrying: the Retry-After header, else exponential backoff."""
    wait = retry_after(resp)
    return wait if wait is not None else min(settings.backoff * 2 ** attempt, MAX_RETRY_AFTER)


def _root(exc: BaseException) -> BaseException:
    """The innermost cause of a requests/urllib3 error."""
    seen = exc
    for _ in range(6):
        inner = getattr(seen, "reason", None) or (seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None)
        if inner is None or inner is seen:
            break
        seen = inner
    return seen


def _reason(exc: BaseException) -> str:
    root = _root(exc)
    text = str(root).split(": ", 1)[-1] if str(root) else type(root).__name__
    return text.splitlines()[0][:120]


def _check_status(resp: requests.Response) -> None:
    if resp.status_code == 404:
        raise DownloadError(f"{resp.url} answered 404 Not Found: the portal moved or removed the file", status=404)
    if resp.status_code >= 400:
        raise DownloadError(f"{resp.url} answered HTTP {resp.status_code} {resp.reason or ''}".strip(),
                            status=resp.status_code)


def capability_layers(body: bytes) -> set[str]:
    """The layer names (``FeatureType/Name``) a WFS GetCapabilities answer lists.

    Raises :class:`FormatError` for an answer that is not well-formed XML or not capabilities
    (an exception report names its text).

    >>> capability_layers(b'<WFS_Capabilities><FeatureTypeList><FeatureType><Name>a:b</Name>'
    ...                   b'</FeatureType></FeatureTypeList></WFS_Capabilities>')
    {'a:b'}
    """
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(body)
    except Exception as exc:  # noqa: BLE001 - malformed or malicious XML: both are "not capabilities"
        raise FormatError(f"GetCapabilities is not well-formed XML ({type(exc).__name__})") from None
    local = root.tag.rsplit("}", 1)[-1]
    if local == "ExceptionReport":
        text = " ".join(t.strip() for t in root.itertext() if t.strip())[:160]
        raise FormatError(f"GetCapabilities answered an exception: {text}")
    if local != "WFS_Capabilities":
        raise FormatError(f"not a WFS GetCapabilities answer (root element {local})")
    return {child.text.strip() for ft in root.iter() if ft.tag.rsplit("}", 1)[-1] == "FeatureType"
            for child in ft if child.tag.rsplit("}", 1)[-1] == "Name" and child.text}


def listed_layer(http: Http, wfs):
    """``wfs`` as it is to be asked for: itself when it has one name; else (a layer published
    under several names, :attr:`~lichtenberg_data.catalog.WFS.alternatives`) with the first of its
    names that the service's GetCapabilities lists. Raises :class:`DownloadError` when none is."""
    from dataclasses import replace

    if not wfs.alternatives:
        return wfs
    resp = http.get(wfs.service_url, params={"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetCapabilities"})
    _check_status(resp)
    try:
        names = capability_layers(resp.content)
    except FormatError as exc:
        raise FormatError(f"{wfs.service_url}: {exc}") from None
    for name in wfs.type_names:
        if name in names:
            if name != wfs.type_name:
                log.info("%s: GetCapabilities lists %s (not %s); using it", wfs.service_url, name, wfs.type_name)
            return replace(wfs, type_name=name, alternatives=())
    raise DownloadError(f"{wfs.service_url} lists none of the layers {', '.join(wfs.type_names)} among "
                        f"{len(names)} layers in GetCapabilities (renamed or removed); look up the current "
                        "name and update the catalogue")


def fetch_wfs(http: Http, wfs, dest: Path) -> Download:
    """Page through a WFS layer (COUNT/STARTINDEX) and write one GeoJSON FeatureCollection.

    The collection is checked complete: the number of features must equal the server's
    ``numberMatched``. ``wfs`` is a :class:`lichtenberg_data.catalog.WFS`; a layer with
    alternative names is first looked up in GetCapabilities (:func:`listed_layer`).
    """
    wfs = listed_layer(http, wfs)
    features: list[dict] = []
    matched: int | None = None
    crs = None
    stamp = None
    start = 0
    while True:
        try:
            page = http.get_json(wfs.service_url, params=wfs.params(start, wfs.page_size))
        except (DownloadError, FormatError) as exc:  # name the layer: a renamed or removed one answers 400 or XML
            if isinstance(exc, HostUnreachableError) or wfs.type_name in str(exc):
                raise
            exc.args = (f"WFS layer {wfs.type_name}: {re.sub(r'[?][^ ]*', '', str(exc))}",)  # without the query
            raise
        if not isinstance(page, dict) or page.get("type") != "FeatureCollection":
            raise FormatError(f"{wfs.service_url} ({wfs.type_name}) did not answer with a GeoJSON FeatureCollection")
        batch = page.get("features") or []
        features.extend(batch)
        crs = crs or page.get("crs")
        stamp = stamp or page.get("timeStamp")
        if page.get("numberMatched") not in (None, "unknown"):
            matched = int(page["numberMatched"])
        start += len(batch)
        if not batch or len(batch) < wfs.page_size or (matched is not None and start >= matched):
            break
    if matched is not None and len(features) != matched:
        raise DownloadError(
            f"{wfs.type_name}: received {len(features)} features but the server reported numberMatched={matched}"
        )
    if not features:
        raise FormatError(f"{wfs.type_name}: the WFS returned no features")
    doc: dict[str, Any] = {"type": "FeatureCollection", "numberMatched": matched, "features": features}
    if crs:
        doc["crs"] = crs
    if stamp:  # the server's time stamp: the Stand of layers that carry no date of their own
        doc["timeStamp"] = stamp
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    dest.write_bytes(body)
    return Download(unchanged=False, path=dest, url=wfs.service_url, sha256=hashlib.sha256(body).hexdigest(),
                    size=len(body), content_type="application/geo+json")
