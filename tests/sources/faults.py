"""A tiny HTTP proxy on 127.0.0.1 in front of moto that answers canned errors first.

moto cannot throttle or deny; this sits on the real HTTP path between botocore and
moto: each rule answers matching requests with an S3-style error a given number of
times, then lets them through. Every request is logged for assertions.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

Match = Callable[[str, str, dict[str, list[str]]], bool]
HOP_HEADERS = {"connection", "transfer-encoding", "keep-alive"}


@dataclass
class Fault:
    """Answer ``status``/``code`` to requests that ``match`` (method, path, query), ``times``."""

    match: Match
    status: int
    code: str
    times: int


class FaultProxy:
    """Forwards to ``upstream`` (a moto URL) except where a fault applies."""

    def __init__(self, upstream: str, faults: list[Fault]) -> None:
        self.upstream = urlsplit(upstream)
        self.faults = faults
        self.log: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def _handle(self) -> None:
                proxy.handle(self)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        """Where clients should send requests."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _fault_for(self, method: str, path: str, query: dict[str, list[str]]) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.match(method, path, query):
                    fault.times -= 1
                    return fault
        return None

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        """Answer one request: a canned error, or moto's answer."""
        parts = urlsplit(request.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        fault = self._fault_for(request.command, path, query)
        if fault is not None:
            payload = (
                f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{fault.code}</Code>'
                f"<Message>injected {fault.code}</Message></Error>"
            ).encode()
            self.log.append((request.command, request.path, fault.status))
            request.send_response(fault.status)
            request.send_header("Content-Type", "application/xml")
            request.send_header("Content-Length", str(len(payload)))
            request.end_headers()
            if request.command != "HEAD":
                request.wfile.write(payload)
            return
        upstream = http.client.HTTPConnection(
            self.upstream.hostname or "127.0.0.1", self.upstream.port, timeout=30
        )
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        upstream.request(request.command, request.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        self.log.append((request.command, request.path, answer.status))
        request.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in HOP_HEADERS | {"content-length"}:
                request.send_header(key, value)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(data)


@contextmanager
def fault_proxy(upstream: str, faults: list[Fault]) -> Iterator[FaultProxy]:
    """Run a proxy in a thread for the ``with`` block."""
    proxy = FaultProxy(upstream, faults)
    thread = threading.Thread(target=proxy.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.server.shutdown()
        proxy.server.server_close()
        thread.join(timeout=5)
