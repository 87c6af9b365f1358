"""The HTTP server and the ``Sandbox`` object that owns it.

Standard library only: a ``ThreadingHTTPServer`` on loopback, HTTP/1.1 with
keep-alive. ``Sandbox`` is a context manager for tests (a thread on a free
port) and has ``start()`` / ``stop()`` for embedding; ``serve_forever()``
runs it in the foreground.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from batchzoom.sandbox import admin, oauth
from batchzoom.sandbox.api import ZoomApi
from batchzoom.sandbox.clock import SandboxClock
from batchzoom.sandbox.config import SandboxConfig, SandboxUser
from batchzoom.sandbox.counters import Counters
from batchzoom.sandbox.faults import Faults
from batchzoom.sandbox.limits import RateLimiter
from batchzoom.sandbox.responses import Request, Response
from batchzoom.sandbox.state import Store

_IDLE_TIMEOUT = 30.0
_MAX_BODY = 10 * 1024 * 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a client opening more connections at once
    # (a run lists ten hosts side by side) would see the rest dropped and retried by TCP a
    # second later, a delay no Zoom server adds.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (timeout, kill) is normal traffic, not an error to report."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def close_open_sockets(self) -> None:
        """Cut keep-alive connections so no client is served after stop()."""
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ZoomSandbox"
    sys_version = ""
    timeout = _IDLE_TIMEOUT
    # An answer goes out as its headers, then its body: without TCP_NODELAY the body waits
    # for the client to acknowledge the headers, which it delays (about 40 ms on Linux),
    # so every answer would arrive 40 ms late, which Zoom's servers do not do.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the sandbox reports through counters, not a log."""

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header, on the sandbox's clock (Zoom's Date is Zoom's time)."""
        moment = self.server.sandbox.clock.timestamp() if timestamp is None else timestamp
        return super().date_time_string(moment)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        try:
            body = self._read_body()
        except ValueError:
            self._send(Response.json(400, {"code": 300, "message": "Request body is too large."}))
            return
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        response = self.server.sandbox.respond(request)
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _dispatch  # noqa: N815


class Sandbox:
    """A local stand-in for Zoom's OAuth and meeting APIs over real HTTP.

    ``with Sandbox(config) as sb:`` starts it on 127.0.0.1 and a free port;
    ``sb.token_url`` and ``sb.api_url`` are the URLs a client uses with
    ``sb.account_id`` / ``sb.client_id`` / ``sb.client_secret``.
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        cfg = self.config
        self.clock = SandboxClock(frozen=cfg.frozen_clock)
        self.faults = Faults(
            latency=cfg.latency,
            jitter=cfg.jitter,
            fault_rate=cfg.fault_rate,
            drop_rate=cfg.drop_rate,
            seed=cfg.seed,
        )
        self.store = Store(cfg, self.clock)
        self.limiter = RateLimiter(
            self.clock,
            cfg.plan,
            qps=cfg.qps,
            qps_by_category=cfg.qps_by_category,
            daily_by_category=cfg.daily_by_category,
            daily_per_host=cfg.daily_limit,
        )
        self.limiter.shared_qps = cfg.shared_qps
        self.limiter.restore(self.store.saved_limits)
        self.store.limits_snapshot = self.limiter.snapshot
        self._counters = Counters()
        self.api = ZoomApi(cfg, self.store, self.limiter, self.faults, self._counters)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle ------------------------------------------------------------------
    def bind(self) -> None:
        """Open the listening socket (port from the config, 0 = chosen by the OS)."""
        if self._server is None:
            self._server = _Server((self.config.host, self.config.port), self)

    def start(self) -> Sandbox:
        """Serve in a background thread until stop()."""
        self.bind()
        assert self._server is not None
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="zoom-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (KeyboardInterrupt propagates)."""
        self.bind()
        assert self._server is not None
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self._server.close_open_sockets()
            self._server.server_close()
            self._server = None

    def stop(self) -> None:
        """Stop serving and close every connection."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_open_sockets()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # addresses and credentials ----------------------------------------------------
    @property
    def port(self) -> int:
        """The port the sandbox listens on."""
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.config.host}:{self.port}"

    @property
    def token_url(self) -> str:
        """The OAuth token endpoint."""
        return f"{self.base_url}/oauth/token"

    @property
    def api_url(self) -> str:
        """The API base, the counterpart of ``https://api.zoom.us/v2``."""
        return f"{self.base_url}/v2"

    @property
    def account_id(self) -> str:
        """The sandbox account id."""
        return self.config.account_id

    @property
    def client_id(self) -> str:
        """The sandbox app's client id."""
        return self.config.client_id

    @property
    def client_secret(self) -> str:
        """The sandbox app's client secret."""
        return self.config.client_secret

    # inspection -------------------------------------------------------------------
    def meetings(self) -> list[dict[str, Any]]:
        """Stored meetings in Zoom's full representation (including host_email), oldest first."""
        return self.store.all_meetings()

    def counters(self) -> dict[str, dict[str, Any]]:
        """Per-endpoint counters; see ``batchzoom.sandbox.counters.Counters`` for the shape."""
        return self._counters.snapshot()

    def users(self) -> list[SandboxUser]:
        """The account's users, owner first."""
        with self.store.lock:
            return list(self.store.users)

    def add_user(self, user: SandboxUser) -> SandboxUser:
        """Add a user to the account (ValueError if the email or id is taken)."""
        return self.store.add_user(user)

    # serving ----------------------------------------------------------------------
    def respond(self, request: Request) -> Response:
        """Route one request to the token endpoint, the Zoom API or the admin paths."""
        path = request.path
        if path.rstrip("/") == "/oauth/token":
            if request.method != "POST":
                return Response.json(
                    405, {"reason": "Method Not Allowed", "error": "invalid_request"}
                )
            return oauth.issue(request, self.config, self.store, self._counters)
        if path == "/v2" or path.startswith("/v2/"):
            return self.api.handle(request)
        if path.startswith("/_sandbox/"):
            return admin.handle(request, self)
        return Response.json(404, {"code": 404, "message": "Not Found."})
