"""A small hostile HTTP server on 127.0.0.1 for the client's tests.

Each request is answered by a rule: a canned ``Answer`` (any status, headers and
body; optionally trickled one byte at a time, or the connection dropped), or
``None`` to pass the request on to an upstream server (usually the sandbox), so
that a test can tamper with exactly the answers it is about.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx


@dataclass
class Seen:
    """A request the server received."""

    method: str
    path: str  # with the query string
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    """What to send back. ``forward_first``: pass the request upstream, then answer this."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/json"
    trickle: float | None = None  # seconds between body bytes
    drop: bool = False  # close the connection without a byte
    forward_first: bool = False


Rule = Callable[[Seen], Answer | None]


def token_answer(**fields: Any) -> Answer:
    """A token endpoint's answer with the given fields (default: a good token)."""
    import json

    body = {"access_token": "t0ken", "token_type": "bearer", "expires_in": 3600} | fields
    return Answer(200, json.dumps(body))


class HostileServer:
    """``with HostileServer(rule, upstream=...) as server:``; ``server.url`` is its base."""

    def __init__(self, rule: Rule, *, upstream: str | None = None) -> None:
        self.rule = rule
        self.upstream = upstream
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, dict(self.headers.items()), body)
                with outer._lock:
                    outer.seen.append(seen)
                answer = outer.rule(seen)
                if answer is None or answer.forward_first:
                    forwarded = outer._forward(seen)
                    if answer is None:
                        answer = forwarded
                if answer.drop:
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self._write(answer)

            def _write(self, answer: Answer) -> None:
                raw = answer.body.encode() if isinstance(answer.body, str) else answer.body
                self.send_response_only(answer.status)
                if "Date" not in answer.headers:
                    self.send_header("Date", self.date_time_string())
                if answer.content_type:
                    self.send_header("Content-Type", answer.content_type)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                try:
                    if answer.trickle is None:
                        self.wfile.write(raw)
                        return
                    self.wfile.flush()
                    for index in range(len(raw)):
                        self.wfile.write(raw[index : index + 1])
                        self.wfile.flush()
                        time.sleep(answer.trickle)
                except OSError:
                    self.close_connection = True  # the client gave up, as it should

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_CONNECT = _any  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _forward(self, seen: Seen) -> Answer:
        assert self.upstream is not None, "no upstream to forward to"
        headers = {k: v for k, v in seen.headers.items() if k.lower() not in {"host"}}
        response = httpx.request(
            seen.method, self.upstream + seen.path, headers=headers, content=seen.body
        )
        return Answer(
            response.status_code,
            response.content,
            content_type=response.headers.get("Content-Type"),
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def count(self, method: str, path_start: str) -> int:
        """How many requests with this method had a path starting so."""
        with self._lock:
            return sum(1 for s in self.seen if s.method == method and s.path.startswith(path_start))

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def hostile(rule: Rule, *, upstream: str | None = None) -> Iterator[HostileServer]:
    with HostileServer(rule, upstream=upstream) as server:
        yield server
