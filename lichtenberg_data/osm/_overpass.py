"""Politeness towards the Overpass API (private to :mod:`lichtenberg_data.sources.osm`).

Before each query the status page (``/api/status``) is read and, while this address has no
free slot, the announced wait is kept (:func:`wait_for_slot`, at most :data:`MAX_SLOT_WAIT`
seconds). A refused query (429, 5xx) is retried after the answer's Retry-After, else - after a
429 - at least :data:`NO_RETRY_AFTER_WAIT` seconds, and the status is read again before the
retry (:func:`retry_wait`). Every wait goes through :func:`_pause`, the one place that sleeps
(tests replace it to record the waits instead of sleeping them).

That Overpass is asked by one request at a time, across threads, is the host lock of
:func:`lichtenberg_data._reach.one_at_a_time`, held by the fetcher around status check and query.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .._errors import DownloadError
from ..settings import settings

if TYPE_CHECKING:  # pragma: no cover
    import requests

    from .._http import Http

__all__ = ["slot_wait", "wait_for_slot", "retry_wait", "status_url", "NO_RETRY_AFTER_WAIT", "MAX_SLOT_WAIT",
           "MAX_STATUS_CHECKS"]

log = logging.getLogger("lichtenberg_data")

#: Seconds waited at least after a 429 that names no Retry-After, before the status is read again
#: and the query retried: Overpass refuses while this address has no free slot, and asking again
#: at once only prolongs that. A floor: the wait is longer where the backoff is.
NO_RETRY_AFTER_WAIT = 30.0
#: Longest total wait for a free Overpass slot before giving up, and most status checks.
MAX_SLOT_WAIT = 600.0
MAX_STATUS_CHECKS = 20


def slot_wait(status: str) -> float | None:
    """Seconds until an Overpass slot is free, from the text of ``/api/status``.

    ``0`` when a slot is free now (or there is no rate limit), the shortest announced wait
    otherwise, ``None`` when the text is not a status page.

    Examples
    --------
    >>> slot_wait("Rate limit: 2\\n2 slots available now.\\n")
    0.0
    >>> slot_wait("Rate limit: 2\\nSlot available after: 2026-10-01T06:00:37Z, in 37 seconds.\\n"
    ...           "Slot available after: 2026-10-01T06:01:05Z, in 65 seconds.\\n")
    37.0
    """
    limit = re.search(r"Rate limit:\s*(\d+)", status)
    free = re.search(r"(\d+) slots? available now", status)
    waits = [float(s) for s in re.findall(r"Slot available after:[^\n]*?in (-?\d+) seconds?", status)]
    if (limit and int(limit.group(1)) == 0) or (free and int(free.group(1)) > 0):
        return 0.0
    if waits:
        return max(min(waits), 0.0)
    return None


def wait_for_slot(http: Http, status_url: str) -> None:
    """Wait until the Overpass status announces a free slot for this address.

    A status page that cannot be read is logged and the request goes ahead (a 429 is still
    retried). Raises :class:`DownloadError` when no slot came free within
    :data:`MAX_SLOT_WAIT` seconds or :data:`MAX_STATUS_CHECKS` checks.
    """
    waited = 0.0
    for _ in range(MAX_STATUS_CHECKS):
        try:
            resp = http.session.get(status_url, timeout=(min(10.0, settings.timeout), settings.timeout))
            text = resp.text if resp.status_code == 200 else ""
        except Exception as exc:  # noqa: BLE001 - the status is a courtesy; the request itself reports errors
            log.warning("Overpass status %s not readable (%s); going ahead", status_url, type(exc).__name__)
            return
        wait = slot_wait(text)
        if wait is None:
            log.warning("Overpass status %s not understood (HTTP %s); going ahead", status_url, resp.status_code)
            return
        if wait == 0:
            return
        if waited + wait > MAX_SLOT_WAIT:
            break
        log.info("Overpass: no free slot, waiting %.0f s as the status page announces", wait)
        _pause(wait + settings.backoff)
        waited += wait + settings.backoff
    raise DownloadError(f"the Overpass API had no free slot for this address after {waited:.0f} s of waiting "
                        f"({status_url}). Try again later")


def _pause(seconds: float) -> None:
    """Wait ``seconds`` before asking Overpass again: every wait of this module goes through here."""
    time.sleep(seconds)


def status_url(url: str) -> str:
    """The status page of an Overpass interpreter address."""
    return url.rsplit("/", 1)[0] + "/status"


def retry_wait(http: Http, status: str) -> Callable[[requests.Response, int], None]:
    """How to wait before retrying a refused query: the Retry-After where the answer names one,
    else at least :data:`NO_RETRY_AFTER_WAIT` seconds after a 429 (the backoff after a 5xx);
    then the status is read again (:func:`wait_for_slot`)."""
    from .._http import retry_after

    def wait(resp: requests.Response, attempt: int) -> None:
        asked = retry_after(resp)
        backoff = settings.backoff * 2 ** attempt
        seconds = asked if asked is not None else max(NO_RETRY_AFTER_WAIT, backoff) if resp.status_code == 429 \
            else backoff
        log.info("Overpass answered HTTP %s%s; waiting %.0f s, then reading its status again", resp.status_code,
                 "" if asked is not None else " without Retry-After", seconds)
        _pause(seconds)
        wait_for_slot(http, status)

    return wait
