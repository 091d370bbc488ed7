"""Connection failures against real sockets: each is named exactly, and a host is probed once.

DNS failures use names under ``.invalid`` (RFC 6761: never resolves); a refused connection is
a port on 127.0.0.1 with nothing listening; a black hole is a listening socket whose accept
queue is full (the kernel drops further SYNs, so connecting times out); a slow host is the
local portal server sleeping before it answers. ``requests`` is never mocked; DNS lookups are
counted by wrapping ``socket.getaddrinfo`` (the wrapper calls the real one).
"""

from __future__ import annotations

import errno
import socket
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from portal import BlackHoles, Portal, closed_port

from lichtenberg_data._errors import DownloadError
from lichtenberg_data._http import Http
from lichtenberg_data._reach import Failure, HostUnreachableError, Reachability, classify


@pytest.fixture()
def portal():
    server = Portal()
    yield server
    server.close()


@pytest.fixture()
def lookups(monkeypatch) -> Counter:
    """DNS lookups per host name, counted on the way to the real resolver."""
    seen: Counter = Counter()
    real = socket.getaddrinfo

    def counting(host, *args, **kwargs):
        seen[host.decode() if isinstance(host, bytes) else host] += 1
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counting)
    return seen


@pytest.fixture()
def black_holes():
    """Ports whose accept queue is full: connecting to them times out."""
    holes = BlackHoles()
    yield holes.port
    holes.close()


def http_for(*urls: str, timeout: float = 3, retries: int = 0) -> Http:
    http = Http(timeout=timeout, retries=retries)
    http.reach.expect(urls)
    return http


def fail(http: Http, url: str) -> DownloadError:
    """The error of downloading ``url``."""
    with tempfile.TemporaryDirectory() as folder, pytest.raises(DownloadError) as exc:
        http.download(url, Path(folder) / "x.csv", expect="csv")
    return exc.value


def test_dns_failure_of_one_host_is_host_not_found(portal, lookups, tmp_path):
    portal.set("/a.csv", ("ok", b"a;b\n1;2\n"))
    gone = ["http://portal-moved.invalid/a.csv", "http://portal-moved.invalid/b.csv",
            "http://portal-moved.invalid/c.csv"]
    http = http_for(portal.url + "/a.csv", *gone)
    first = fail(http, gone[0])
    assert str(first) == "portal-moved.invalid unreachable (host not found) at http://portal-moved.invalid/a.csv"
    assert isinstance(first, HostUnreachableError) and first.cause == "host not found"
    for url in gone[1:]:
        assert str(fail(http, url)) == "portal-moved.invalid unreachable (host not found) — skipped"
    assert lookups["portal-moved.invalid"] == 1  # one probe for three resources, no retries
    assert http.download(portal.url + "/a.csv", tmp_path / "a.csv", expect="csv").size == 8  # others go on


def test_dns_failure_of_every_host_is_no_network(lookups):
    urls = [f"https://{h}.invalid/{n}.csv" for h in ("gdi-berlin", "statistik", "ba") for n in (1, 2)]
    http = http_for(*urls)
    start = time.monotonic()
    messages = [str(fail(http, u)) for u in urls]
    assert time.monotonic() - start < 5
    assert messages[0] == "gdi-berlin.invalid unreachable (no network connection) at https://gdi-berlin.invalid/1.csv"
    assert messages[1:] == ["gdi-berlin.invalid unreachable (no network connection) — skipped"] + [
        f"{h}.invalid unreachable (no network connection) — skipped" for h in ("statistik", "statistik", "ba", "ba")]
    # the first host, and each other host once in the witness check; nothing after the verdict
    assert {h: lookups[h] for h in ("gdi-berlin.invalid", "statistik.invalid", "ba.invalid")} == {
        "gdi-berlin.invalid": 1, "statistik.invalid": 1, "ba.invalid": 1}


def test_lone_host_not_found_without_other_hosts_to_compare():
    http = http_for("http://lone.invalid/x.csv")
    assert "lone.invalid unreachable (host not found)" in str(fail(http, "http://lone.invalid/x.csv"))


def test_connection_refused_probed_once(lookups):
    port = closed_port()
    urls = [f"http://127.0.0.1:{port}/{n}.csv" for n in range(3)]
    http = http_for(*urls)
    assert str(fail(http, urls[0])) == f"127.0.0.1:{port} unreachable (connection refused) at {urls[0]}"
    after_first = lookups["127.0.0.1"]
    assert [str(fail(http, u)) for u in urls[1:]] == [f"127.0.0.1:{port} unreachable (connection refused) — skipped"] * 2
    assert lookups["127.0.0.1"] == after_first  # no further connection attempt


def test_black_hole_times_out_once(black_holes):
    port = black_holes()
    urls = [f"http://127.0.0.1:{port}/{n}.csv" for n in range(4)]
    http = http_for(*urls, timeout=0.1)  # a black hole never answers: a short timeout is as good as a long one
    start = time.monotonic()
    assert str(fail(http, urls[0])) == f"127.0.0.1:{port} unreachable (timed out after 0.1 s) at {urls[0]}"
    first = time.monotonic() - start
    assert 0.08 < first < 2
    for url in urls[1:]:
        assert "(timed out after 0.1 s) — skipped" in str(fail(http, url))
    assert time.monotonic() - start < first + 0.5  # four resources, one wait


@pytest.mark.slow  # waits in real time (Retry-After, a timeout, a black hole)
def test_every_host_black_holed_is_no_network(black_holes):
    urls = [f"http://127.0.0.1:{black_holes()}/x.csv" for _ in range(3)]
    http = http_for(*urls, timeout=0.5)
    start = time.monotonic()
    messages = [str(fail(http, u)) for u in urls]
    assert time.monotonic() - start < 3  # connect timeout + witness check, then nothing
    assert "unreachable (no network connection) at" in messages[0]
    assert all(m.endswith("unreachable (no network connection) — skipped") for m in messages[1:])


def test_slow_host_times_out_and_is_not_asked_again(portal):
    portal.set("/slow.csv", ("sleep", 5, b"a;b\n1;2\n"))
    portal.set("/other.csv", ("ok", b"a;b\n1;2\n"))
    http = http_for(portal.url + "/slow.csv", timeout=0.1, retries=1)  # the host sleeps 5 s: any short timeout
    start = time.monotonic()
    msg = str(fail(http, portal.url + "/slow.csv"))
    assert msg == f"{portal.url[7:]} did not answer (timed out after 0.1 s) at {portal.url}/slow.csv"
    assert portal.hits["/slow.csv"] == 2  # read timeouts are retried (settings.retries)
    assert str(fail(http, portal.url + "/other.csv")) == f"{portal.url[7:]} did not answer (timed out after 0.1 s) — skipped"
    assert "/other.csv" not in portal.hits
    assert time.monotonic() - start < 2.5


@pytest.mark.slow  # waits in real time (Retry-After, a timeout, a black hole)
def test_resolver_that_never_answers_gives_up(monkeypatch):
    real = socket.getaddrinfo

    def silent(host, *args, **kwargs):
        if str(host).endswith(".invalid"):
            time.sleep(3)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", silent)
    urls = ["http://a.invalid/x.csv", "http://b.invalid/x.csv"]
    http = http_for(*urls, timeout=0.5)
    start = time.monotonic()
    assert str(fail(http, urls[0])) == f"a.invalid unreachable (no network connection) at {urls[0]}"
    assert str(fail(http, urls[1])) == "b.invalid unreachable (no network connection) — skipped"
    assert time.monotonic() - start < 2  # DNS deadline 0.5 s + witness 0.5 s, not 3 s per lookup


def test_http_status_is_named(portal):
    portal.set("/gone.csv", ("status", 410))
    http = http_for(portal.url + "/gone.csv")
    assert str(fail(http, portal.url + "/gone.csv")) == f"{portal.url}/gone.csv answered HTTP 410 Gone"


@pytest.mark.parametrize(("exc", "cause", "if_up"), [
    (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "host not found", ""),
    (socket.gaierror(socket.EAI_AGAIN, "Temporary failure"), "no network connection", "host not found (no DNS answer)"),
    (OSError(errno.ENETUNREACH, "Network is unreachable"), "no network connection", "no route to host"),
    (OSError(errno.EHOSTUNREACH, "No route to host"), "no route to host", ""),
    (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), "connection refused", ""),
])
def test_classify_errno(exc, cause, if_up):
    got = classify(exc, 10, 60)
    assert (got.cause, got.if_up) == (cause, if_up)


def test_failure_resolves_against_the_witness():
    dns = Failure("host not found", suspect=True)
    assert dns.resolve(False).cause == "no network connection"
    assert dns.resolve(True).cause == "host not found"
    assert Failure("connection refused").resolve(False).cause == "connection refused"  # not suspect
    reach = Reachability(dns_timeout=0.5)
    reach.answered()  # a host answered earlier in the run: no witness check needed
    err = reach.failed("http://x.invalid/a", classify(socket.gaierror(socket.EAI_AGAIN, "t"), 1, 1))
    assert err.cause == "host not found (no DNS answer)"
