"""``lichtenberg-data doctor``: probe every endpoint of the catalogue before it is needed.

For each resource the doctor makes one cheap request and says whether it would work: DNS and
connection (through the run's :class:`~lichtenberg_data._reach.Reachability`, so an
unreachable host is probed once), HTTP status, content type and the first bytes of the body;
for a WFS layer the GetCapabilities answer and whether the layer is listed; for an API (a
resource with a ``fetcher``) the request its :class:`~lichtenberg_data.catalog.Probe` declares,
or without one a GET of its URL that only has to answer (its format is the fetcher's business).
Resources without an address are listed as ``import only`` and do not fail the check.

Hosts are probed concurrently (one thread per host, its endpoints one after another), with
a short timeout and no retries, so the whole catalogue answers within seconds, and within
about 15 s when the network is gone.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from . import catalog
from ._errors import LichtenbergDataError
from ._reach import NO_NETWORK, REFUSED, HostUnreachableError, Reachability, classify, host_of

__all__ = ["Row", "check", "format_table", "DEFAULT_TIMEOUT"]

#: Seconds the doctor waits for each answer (``--timeout``).
DEFAULT_TIMEOUT = 10.0
_HEAD_BYTES = 4096
_MAX_CAPABILITIES = 20 << 20
#: First bytes of binary formats.
_MAGIC = {"xlsx": (b"PK\x03\x04",), "zip": (b"PK\x03\x04",), "xls": (b"\xd0\xcf\x11\xe0", b"PK\x03\x04")}


@dataclass
class Row:
    """The verdict on one endpoint: ``ok``, ``failed`` or ``import only``."""

    dataset: str
    resource: str
    url: str
    state: str
    seconds: float | None = None
    detail: str = ""
    todo: str = ""

    @property
    def failed(self) -> bool:
        """Whether this endpoint would make a refresh fail."""
        return self.state == "failed"

    def as_dict(self) -> dict[str, Any]:
        """A plain dict (``--json``)."""
        return asdict(self)


@dataclass(frozen=True)
class _Endpoint:
    """One request to make: where, with what, and what the answer must be."""

    dataset: catalog.Dataset
    resource: catalog.Resource
    url: str
    expect: str  # a file format, "wfs" (GetCapabilities listing type_names) or "any" (status only)
    params: dict[str, str] = field(default_factory=dict)
    type_names: tuple[str, ...] = ()
    any_of: bool = False  # one of type_names suffices (a layer published under several names)


class _BadAnswerError(LichtenbergDataError):
    """An answer that arrived but is not what a refresh needs."""

    def __init__(self, detail: str, todo: str) -> None:
        super().__init__(detail)
        self.detail, self.todo = detail, todo


def _endpoint(ds: catalog.Dataset, res: catalog.Resource) -> _Endpoint | None:
    """What to ask for one resource; ``None`` when it can only be imported."""
    if res.probe is not None:
        p = res.probe
        if p.expect == "wfs":
            return _Endpoint(ds, res, p.url, "wfs", _capabilities(), p.type_names)
        return _Endpoint(ds, res, p.url, p.expect, dict(p.params))
    if res.wfs is not None:
        return _Endpoint(ds, res, res.wfs.service_url, "wfs", _capabilities(), res.wfs.type_names,
                         any_of=bool(res.wfs.alternatives))
    if res.url is None:
        return None
    if res.fetcher is not None:  # what the fetcher reads there is its own business: reachability only
        return _Endpoint(ds, res, res.url, "any")
    return _Endpoint(ds, res, res.url, res.format)


def _capabilities() -> dict[str, str]:
    return {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetCapabilities"}


# --------------------------------------------------------------------------- checks of one answer

def _check_status(resp: Any, ep: _Endpoint) -> None:
    if resp.status_code < 400:
        return
    code = f"HTTP {resp.status_code} {resp.reason or ''}".strip()
    if resp.status_code == 404:
        todo = f"the address moved: find the new one on {ep.dataset.landing_page} and update the catalogue"
    elif resp.status_code in (401, 403):
        todo = "the portal refuses access: check the API key or headers in the catalogue"
    elif resp.status_code >= 500 or resp.status_code == 429:
        todo = "the portal has a problem: try again later"
    else:
        todo = "the portal refuses the request: open the URL in a browser and check the catalogue entry"
    raise _BadAnswerError(code, todo)


def _check_head(head: bytes, content_type: str, ep: _Endpoint) -> None:
    """Refuse an HTML page, an empty body, and a body that is not the expected format."""
    from ._http import looks_like_html

    wanted = "XML" if ep.expect == "wfs" else ep.expect.upper()
    if not head:
        raise _BadAnswerError("empty answer (0 bytes)", "the portal sent nothing: try again later, else report it")
    if ep.expect == "any":
        return
    if looks_like_html(head) or ("html" in content_type and ep.expect != "html"):
        raise _BadAnswerError(f"HTML page instead of {wanted} ({content_type or 'no content type'})",
                              "the portal answers with a web page (error, maintenance or login): "
                              f"open {ep.url} in a browser")
    magic = _MAGIC.get(ep.expect)
    if magic and not head.startswith(magic):
        raise _BadAnswerError(f"not an {wanted} file (starts with {head[:8]!r})",
                              f"open {ep.url} in a browser and check it")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if ep.expect in ("json", "geojson") and text[:1] not in (b"{", b"["):
        raise _BadAnswerError(f"not JSON (starts with {head[:20]!r})", f"open {ep.url} in a browser and check it")
    if ep.expect == "csv" and b"\x00" in head:
        raise _BadAnswerError("binary data instead of CSV", f"open {ep.url} in a browser and check it")


def _type_names(body: bytes, ep: _Endpoint) -> set[str]:
    """The layer names a GetCapabilities answer lists (parsed with defusedxml)."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(body)
    except Exception as exc:  # noqa: BLE001 - malformed or malicious XML: both are "not capabilities"
        raise _BadAnswerError(f"GetCapabilities is not well-formed XML ({type(exc).__name__})",
                              f"open {ep.url}?SERVICE=WFS&REQUEST=GetCapabilities in a browser and check it") from None
    local = _local(root.tag)
    if local == "ExceptionReport":
        text = " ".join(t.strip() for t in root.itertext() if t.strip())[:160]
        raise _BadAnswerError(f"the WFS answered an exception: {text}",
                              f"the service may have been renamed or retired: check {ep.dataset.landing_page}")
    if local != "WFS_Capabilities":
        raise _BadAnswerError(f"not a WFS GetCapabilities answer (root element {local})", f"check {ep.url}")
    return {child.text.strip() for ft in root.iter() if _local(ft.tag) == "FeatureType"
            for child in ft if _local(child.tag) == "Name" and child.text}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_layers(names: set[str], ep: _Endpoint) -> str:
    if ep.any_of:  # one layer under several possible names: say which one is listed
        found = [t for t in ep.type_names if t in names]
        if found:
            return f"layer {found[0]} listed (looked for {' or '.join(ep.type_names)})"
        raise _BadAnswerError(f"none of the layers {', '.join(ep.type_names)} listed among {len(names)} layers",
                              "the layer was renamed or removed: look up the current type name in "
                              "GetCapabilities and update the catalogue")
    missing = [t for t in ep.type_names if t not in names]
    if missing:
        local = {n.rsplit(":", 1)[-1]: n for n in names}
        hints = [local[m.rsplit(":", 1)[-1]] for m in missing if m.rsplit(":", 1)[-1] in local]
        hint = f" (listed under another prefix: {', '.join(hints)})" if hints else ""
        raise _BadAnswerError(f"layer {', '.join(missing)} not listed among {len(names)} layers{hint}",
                              "the layer was renamed or removed: look up the current type name in "
                              "GetCapabilities and update the catalogue")
    return f"layer {', '.join(ep.type_names)} listed"


def _probe(http: Any, ep: _Endpoint, seen: dict[str, tuple[str, bytes]]) -> str:
    """Make the request of one endpoint; a short description of a good answer, else raise.

    ``seen`` keeps the GetCapabilities answers of this host, so layers of one service cost
    one request.
    """
    if ep.expect == "wfs" and ep.url in seen:
        status, body = seen[ep.url]
    else:
        resp = http.get(ep.url, params=ep.params or None, headers=dict(ep.resource.headers), stream=True)
        with resp:
            _check_status(resp, ep)
            ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
            limit = _MAX_CAPABILITIES if ep.expect == "wfs" else _HEAD_BYTES
            body = b""
            for chunk in resp.iter_content(_HEAD_BYTES):
                body += chunk
                if len(body) >= limit:
                    break
        _check_head(body[:_HEAD_BYTES], ctype, ep)
        status = f"HTTP {resp.status_code}, {ctype or 'no content type'}"
        if ep.expect == "wfs":
            seen[ep.url] = (status, body)
    if ep.expect == "wfs":
        return f"{status}, {_check_layers(_type_names(body, ep), ep)}"
    return status


# --------------------------------------------------------------------------- running

def _todo_unreachable(exc: HostUnreachableError, ep: _Endpoint) -> str:
    if exc.cause == NO_NETWORK:
        return "connect to the internet (or check proxy and firewall) and run `lichtenberg-data doctor` again"
    if exc.cause.startswith("host not found"):
        return f"the host name does not resolve: check the address, or whether the portal moved ({ep.dataset.landing_page})"
    if exc.cause == REFUSED:
        return "the server is down or the port is blocked: try again later"
    if exc.cause.startswith("timed out"):
        return "the portal is slow or down: try again later, or raise --timeout"
    return "check your connection and the portal, then try again"


def _run_one(http: Any, ep: _Endpoint, seen: dict[str, tuple[str, bytes]]) -> Row:
    from requests.exceptions import RequestException

    row = Row(ep.dataset.id, ep.resource.name, ep.url, "failed")
    start = time.monotonic()
    try:
        row.detail = _probe(http, ep, seen)
        row.state = "ok"
    except HostUnreachableError as exc:
        row.detail, row.todo = exc.summary, _todo_unreachable(exc, ep)
    except _BadAnswerError as exc:
        row.detail, row.todo = exc.detail, exc.todo
    except (LichtenbergDataError, RequestException, OSError) as exc:
        failure = classify(exc, http.connect_timeout, http.timeout)
        row.detail = (f"did not answer ({failure.cause})" if failure else
                      str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)
        row.todo = "check your connection and the portal, then try again"
    row.seconds = round(time.monotonic() - start, 2)
    return row


def _run_host(endpoints: list[_Endpoint], timeout: float, reach: Reachability) -> list[Row]:
    from ._http import Http

    http = Http(timeout=timeout, retries=0, reach=reach)
    seen: dict[str, tuple[str, bytes]] = {}
    try:
        return [_run_one(http, ep, seen) for ep in endpoints]
    finally:
        http.close()


def check(datasets: Sequence[catalog.Dataset] | None = None, *, timeout: float = DEFAULT_TIMEOUT,
          workers: int = 8) -> list[Row]:
    """Probe every endpoint of ``datasets`` (default: the whole catalogue).

    Parameters
    ----------
    datasets
        The datasets to check; all of :func:`lichtenberg_data.catalog.datasets` when ``None``.
    timeout
        Seconds to wait for a connection and for each answer (no retries).
    workers
        Hosts probed at the same time.

    Returns
    -------
    list of Row
        One per resource in catalogue order: ``ok``, ``failed`` (with what to do) or
        ``import only``.

    Examples
    --------
    >>> from lichtenberg_data._doctor import check
    >>> [r.state for r in check()]   # doctest: +SKIP
    ['import only', 'ok', ...]
    """
    if timeout <= 0:
        raise ValueError(f"timeout must be > 0 seconds, got {timeout!r}")
    chosen = list(catalog.datasets() if datasets is None else datasets)
    rows: dict[tuple[str, str], Row] = {}
    by_host: dict[str, list[_Endpoint]] = {}
    for ds in chosen:
        for res in ds.resources:
            ep = _endpoint(ds, res)
            if ep is None:
                rows[(ds.id, res.name)] = Row(ds.id, res.name, "", "import only",
                                              detail="no download address",
                                              todo=f"download by hand and run `lichtenberg-data import {ds.id} FILE`")
            else:
                by_host.setdefault(host_of(ep.url), []).append(ep)
    reach = Reachability(dns_timeout=min(10.0, timeout))
    reach.expect(ep.url for eps in by_host.values() for ep in eps)
    if by_host:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(by_host)))) as pool:
            for done in pool.map(lambda eps: _run_host(eps, timeout, reach), by_host.values()):
                rows.update({(r.dataset, r.resource): r for r in done})
    return [rows[(ds.id, res.name)] for ds in chosen for res in ds.resources]


def format_table(rows: Sequence[Row]) -> str:
    """One line per endpoint: dataset, state, time, URL, what was seen and what to do."""
    wd = max([len("dataset"), *(len(r.dataset) for r in rows)])
    ws = max([len("state"), *(len(r.state) for r in rows)])
    lines = [f"{'dataset'.ljust(wd)}  {'state'.ljust(ws)}  {'time':>7}  url / resource  —  result; what to do"]
    for r in rows:
        secs = f"{r.seconds:.1f} s" if r.seconds is not None else ""
        where = r.url or f"({r.resource})"
        result = r.detail + (f"; {r.todo}" if r.todo else "")
        lines.append(f"{r.dataset.ljust(wd)}  {r.state.ljust(ws)}  {secs:>7}  {where}  —  {result}")
    bad = sum(r.failed for r in rows)
    ok = sum(r.state == "ok" for r in rows)
    lines.append(f"\n{ok} ok, {bad} failed, {sum(r.state == 'import only' for r in rows)} import only")
    return "\n".join(lines)
