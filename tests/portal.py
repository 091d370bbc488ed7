"""A real local HTTP server standing in for the Berlin portals in tests (no mocking of requests).

Routes map a path to a list of behaviours consumed one per request (the last one repeats):

- ``("ok", body)``: 200 with the body, an ETag, and 304 on a matching If-None-Match
- ``("status", code, headers)``: that status with a short body
- ``("sleep", seconds, body)``: wait before answering
- ``("drop", body)``: announce the full length, send half, close the connection
- ``("cut", body)``: no length, send half, close (the client cannot tell: the parser must)
- ``("stall", body)``: send half, then hang until the server stops
- ``("func", f)``: ``f(query: dict, headers) -> (status, body, headers)`` answers from the
  query string and the request headers (for a POST, the form fields of its body are in ``query`` too)

Every request is logged in ``log`` as ``(method, path)``, in the order the server received them.
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Portal:
    """A threaded HTTP server on 127.0.0.1 with programmable routes."""

    def __init__(self) -> None:
        self.routes: dict[str, list[tuple]] = {}
        self.hits: dict[str, int] = {}
        self.log: list[tuple[str, str]] = []
        self.stop_event = threading.Event()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body leave in two writes: with Nagle's algorithm the body waits for the
            # client's delayed ACK of the headers (about 40 ms a request); a real portal answers at once
            disable_nagle_algorithm = True

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                portal.handle(self)

            def do_POST(self):  # noqa: N802
                portal.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.server.server_port}"

    def set(self, path: str, *behaviours: tuple) -> None:
        """Program a route."""
        self.routes[path] = list(behaviours)

    def serve_folder(self, folder: Path) -> None:
        """Serve every file below ``folder`` as ``ok``."""
        for f in folder.rglob("*"):
            if f.is_file():
                self.set("/" + f.relative_to(folder).as_posix(), ("ok", f.read_bytes()))

    def close(self) -> None:
        """Stop the server (stalled handlers are released)."""
        self.stop_event.set()
        self.server.shutdown()
        self.server.server_close()

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        from urllib.parse import parse_qs

        path = h.path.split("?")[0]
        length = int(h.headers.get("Content-Length") or 0) if h.command == "POST" else 0
        form = {k: v[0] for k, v in parse_qs(h.rfile.read(length).decode("utf-8")).items()} if length else {}
        self.log.append((h.command, path))
        self.hits[path] = self.hits.get(path, 0) + 1
        queue = self.routes.get(path)
        if not queue:
            self._send(h, 404, b"not found", {})
            return
        behaviour = queue.pop(0) if len(queue) > 1 else queue[0]
        kind = behaviour[0]
        if kind == "ok":
            body = behaviour[1]
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if h.headers.get("If-None-Match") == etag:
                self._send(h, 304, b"", {"ETag": etag})
            else:
                self._send(h, 200, body, {"ETag": etag, "Last-Modified": "Wed, 01 Oct 2025 08:00:00 GMT"})
        elif kind == "func":
            from urllib.parse import urlsplit

            query = {**{k: v[0] for k, v in parse_qs(urlsplit(h.path).query).items()}, **form}
            code, body, headers = behaviour[1](query, h.headers)
            self._send(h, code, body, headers)
        elif kind == "status":
            headers = behaviour[2] if len(behaviour) > 2 else {}
            self._send(h, behaviour[1], b"<html><body>error</body></html>", headers)
        elif kind == "sleep":
            if self.stop_event.wait(behaviour[1]):
                return
            self._send(h, 200, behaviour[2], {})
        elif kind in {"drop", "cut", "stall"}:
            body = behaviour[1]
            h.send_response(200)
            h.send_header("Content-Type", "text/csv")
            if kind != "cut":
                h.send_header("Content-Length", str(len(body)))
            h.send_header("Connection", "close")
            h.end_headers()
            h.wfile.write(body[: len(body) // 2])
            h.wfile.flush()
            if kind == "stall":
                self.stop_event.wait(60)
            h.close_connection = True
        else:  # pragma: no cover
            raise ValueError(kind)

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, code: int, body: bytes, headers: dict) -> None:
        h.send_response(code)
        h.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        if body and h.command != "HEAD":
            h.wfile.write(body)


def wait_for(predicate, timeout: float = 10.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (connecting is refused)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BlackHoles:
    """Ports on 127.0.0.1 that never accept: the accept queue is full, so the kernel drops
    further SYNs and connecting times out, as with a host behind a dropping firewall."""

    def __init__(self) -> None:
        self.sockets: list = []

    def port(self) -> int:
        """A new black-holed port."""
        import socket

        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(0)
        port = srv.getsockname()[1]
        self.sockets += [srv, socket.create_connection(("127.0.0.1", port), timeout=1)]  # fills the queue
        return port

    def close(self) -> None:
        """Close every socket."""
        for s in self.sockets:
            s.close()
