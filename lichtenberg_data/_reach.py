"""Why a host could not be reached, and a per-run memory of the hosts that could not be.

:func:`classify` turns a requests/urllib3 connection error into one exact cause:

=============================  ==========================================================
cause                          when
=============================  ==========================================================
``no network connection``      no route to any network (``ENETUNREACH``), or no host of
                               the run can be resolved or reached (the witness check)
``host not found``             DNS says the name does not exist (``EAI_NONAME``) while
                               other hosts resolve; ``host not found (no DNS answer)``
                               when only this name's lookup fails (``EAI_AGAIN``)
``connection refused``         the host answered the connection attempt with a reset
``no route to host``           ``EHOSTUNREACH`` for this host while others are reachable
``timed out after N s``        no connection (or no answer) within the timeout
=============================  ==========================================================

The first lookup of each host runs with a deadline, since the resolver itself may wait far
longer than any timeout requests knows of.

:class:`Reachability` remembers, for one run, which hosts failed and why, so an unreachable
host is probed once and its further resources fail at once with the same cause
("gdi.berlin.de unreachable (host not found) — skipped"). When a failure could mean the
whole network is gone (a DNS failure, no route, a connection timeout), it checks once per run
whether any *other* host of the run can be resolved and connected to (concurrently, with a
short deadline); when none can, the cause is "no network connection" and every further
request of the run fails at once.

:func:`one_at_a_time` marks a host that is asked by one request at a time, across all threads
of the process (Overpass: never two requests at once); :func:`host_lock` is its lock.
"""

from __future__ import annotations

import errno
import queue
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from ._errors import DownloadError

__all__ = ["NO_NETWORK", "HOST_NOT_FOUND", "REFUSED", "Failure", "HostUnreachableError", "Reachability",
           "classify", "one_at_a_time", "host_lock"]

NO_NETWORK = "no network connection"
HOST_NOT_FOUND = "host not found"
REFUSED = "connection refused"
NO_ROUTE = "no route to host"
#: DNS answers that say "this name does not exist" (glibc: -2 NONAME, -5 NODATA, -4 FAIL).
_NO_SUCH_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5), socket.EAI_FAIL}
#: Longest wait of the witness check ("is any other host of the run reachable?").
WITNESS_SECONDS = 5.0


class HostUnreachableError(DownloadError):
    """A host of a resource could not be reached; ``cause`` is one of the causes above."""

    def __init__(self, host: str, cause: str, verb: str = "unreachable", url: str = "") -> None:
        self.host, self.cause = host, cause
        #: ``<host> unreachable (<cause>)``, the message without the URL.
        self.summary = f"{host} {verb} ({cause})"
        super().__init__(f"{self.summary} at {url}" if url else f"{self.summary} — skipped")


@dataclass(frozen=True)
class Failure:
    """A classified connection failure.

    ``cause`` is the one-line cause when nothing else is known; ``if_up`` the cause when other
    hosts of the run are reachable (default: ``cause``). ``suspect`` marks failures that may
    mean the whole network is down (they trigger the witness check); ``answered`` a host that
    accepted the connection but did not answer in time.
    """

    cause: str
    if_up: str = ""
    suspect: bool = False
    answered: bool = False

    def resolve(self, network: bool | None) -> Failure:
        """The failure once it is known whether the network is up."""
        if network is False and self.suspect:
            return Failure(NO_NETWORK)
        if network is True and self.if_up:
            return Failure(self.if_up, answered=self.answered)
        return self


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (``reason``, ``__cause__``, ``__context__``, ``args[0]``)."""
    todo, seen = [exc], set()
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        inner = [getattr(e, "reason", None), e.__cause__, e.__context__, e.args[0] if e.args else None]
        todo += [i for i in inner if isinstance(i, BaseException)]


def _seconds(value: float) -> str:
    return f"timed out after {value:g} s"


def classify(exc: BaseException, connect_timeout: float, read_timeout: float) -> Failure | None:
    """The cause of a connection error, or ``None`` when it is none of the known ones.

    Examples
    --------
    >>> import socket
    >>> classify(socket.gaierror(socket.EAI_NONAME, "Name or service not known"), 10, 60).cause
    'host not found'
    >>> classify(ConnectionRefusedError(111, "Connection refused"), 10, 60).cause
    'connection refused'
    """
    from requests.exceptions import ConnectTimeout, ReadTimeout
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError

    chain = list(_chain(exc))
    for e in chain:
        if isinstance(e, socket.gaierror):
            if e.errno in _NO_SUCH_NAME:
                return Failure(HOST_NOT_FOUND, suspect=True)
            # EAI_AGAIN: no DNS server answered
            return Failure(NO_NETWORK, f"{HOST_NOT_FOUND} (no DNS answer)", suspect=True)
    for e in chain:
        if isinstance(e, ConnectionRefusedError):
            return Failure(REFUSED)
        if isinstance(e, OSError) and e.errno in (errno.ENETUNREACH, errno.ENETDOWN):
            return Failure(NO_NETWORK, NO_ROUTE, suspect=True)
        if isinstance(e, OSError) and e.errno == errno.EHOSTUNREACH:
            return Failure(NO_ROUTE, suspect=True)
    if any(isinstance(e, (ReadTimeoutError, ReadTimeout)) for e in chain):
        return Failure(_seconds(read_timeout), answered=True)
    if any(isinstance(e, ConnectTimeout) or (isinstance(e, ConnectTimeoutError)
                                             and not isinstance(e, NewConnectionError)) for e in chain):
        return Failure(_seconds(connect_timeout), suspect=True)
    return None


def host_of(url: str) -> str:
    """The host (with a non-default port) of a URL: the unit the run remembers."""
    parts = urlsplit(url)
    return (parts.netloc.rsplit("@", 1)[-1] or url).lower()


#: Hosts asked by one request at a time, across all threads (:func:`one_at_a_time`).
_HOST_LOCKS: dict[str, threading.RLock] = {}
_HOST_LOCKS_GUARD = threading.Lock()


def one_at_a_time(url: str) -> threading.RLock:
    """The lock of ``url``'s host, which from now on is asked by one request at a time.

    Every request of :class:`lichtenberg_data._http.Http` to that host (from any thread: the
    doctor probes hosts concurrently) holds the lock while it runs; a caller that makes several
    requests in a row (a status check, then the query) holds it around all of them. It is
    re-entrant, so the thread holding it makes its requests.

    >>> one_at_a_time("https://overpass-api.de/api/interpreter") is one_at_a_time("https://overpass-api.de/api/status")
    True
    """
    with _HOST_LOCKS_GUARD:
        return _HOST_LOCKS.setdefault(host_of(url), threading.RLock())


def host_lock(url: str) -> threading.RLock | None:
    """The lock of ``url``'s host where it is asked one request at a time (:func:`one_at_a_time`)."""
    return _HOST_LOCKS.get(host_of(url)) if _HOST_LOCKS else None


def _address(host: str, scheme: str) -> tuple[str, int]:
    parts = urlsplit(f"{scheme}://{host}")
    return parts.hostname or host, parts.port or (443 if scheme == "https" else 80)


def _run_with_deadline(func, seconds: float):
    """Run ``func`` in a daemon thread; its result, its exception, or TimeoutError after ``seconds``."""
    box: list = []
    thread = threading.Thread(target=lambda: box.append(_outcome(func)), daemon=True)
    thread.start()
    thread.join(seconds)
    if not box:
        raise TimeoutError(f"no answer within {seconds:g} s")
    ok, value = box[0]
    if not ok:
        raise value
    return value


def _outcome(func):
    try:
        return True, func()
    except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
        return False, exc


class Reachability:
    """Which hosts of this run failed, and whether the network is there at all (thread-safe).

    Parameters
    ----------
    dns_timeout
        Longest wait for the first DNS lookup of a host (the resolver itself may wait far longer).
    """

    def __init__(self, dns_timeout: float = 10.0) -> None:
        self.dns_timeout = dns_timeout
        self.network: bool | None = None  # True once a host answered, False once known offline
        self.down: dict[str, Failure] = {}
        self._known: dict[str, str] = {}  # host -> scheme, the candidates of the witness check
        self._resolved: set[str] = set()
        self._lock = threading.RLock()

    def expect(self, urls: Iterable[str | None]) -> None:
        """Name the URLs of this run (the witness check tries their hosts)."""
        for url in urls:
            if url:
                self._known.setdefault(host_of(url), urlsplit(url).scheme or "https")

    def answered(self) -> None:
        """Note that a host answered: the network is up."""
        self.network = True

    def check(self, url: str, *, direct: bool = True) -> None:
        """Fail at once when the URL's host (or the network) is known unreachable.

        The first request to a host resolves its name with a deadline (``direct`` False skips
        this, e.g. behind a proxy), so a resolver that never answers cannot stall the run.
        """
        host = host_of(url)
        self.expect([url])
        with self._lock:
            if self.network is False:
                raise HostUnreachableError(host, NO_NETWORK)
            if host in self.down:
                f = self.down[host]
                raise HostUnreachableError(host, f.cause, _verb(f))
            if not direct or host in self._resolved:
                return
        name, port = _address(host, self._known[host])
        try:
            _run_with_deadline(lambda: socket.getaddrinfo(name, port, type=socket.SOCK_STREAM), self.dns_timeout)
        except TimeoutError:
            late = f"no DNS answer within {self.dns_timeout:g} s"
            raise self.failed(url, Failure(late, f"{HOST_NOT_FOUND} ({late})", suspect=True)) from None
        except OSError as exc:
            raise self.failed(url, classify(exc, self.dns_timeout, self.dns_timeout)
                              or Failure(HOST_NOT_FOUND, suspect=True)) from None
        with self._lock:
            self._resolved.add(host)

    def failed(self, url: str, failure: Failure) -> HostUnreachableError:
        """Record that ``url``'s host failed; the error to raise, with the final cause."""
        host = host_of(url)
        with self._lock:
            if failure.suspect and self.network is None:
                self.network = self._witness(host)
            failure = failure.resolve(self.network)
            self.down[host] = failure
        return HostUnreachableError(host, failure.cause, _verb(failure), url)

    def _witness(self, failed: str) -> bool | None:
        """Whether any other host of the run can be resolved and connected to; None without candidates."""
        others = [h for h in self._known if h != failed and h not in self.down]
        if not others:
            return None
        deadline = min(WITNESS_SECONDS, self.dns_timeout)
        results: queue.Queue[bool] = queue.Queue()

        def probe(host: str) -> None:
            try:
                with socket.create_connection(_address(host, self._known[host]), timeout=deadline):
                    results.put(True)
            except OSError:
                results.put(False)

        for host in others:
            threading.Thread(target=probe, args=(host,), daemon=True).start()
        end = time.monotonic() + deadline
        for _ in others:
            try:
                if results.get(timeout=max(0.0, end - time.monotonic())):
                    return True
            except queue.Empty:
                break
        return False


def _verb(failure: Failure) -> str:
    return "did not answer" if failure.answered else "unreachable"
