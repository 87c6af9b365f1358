"""A transport that lets a test 'kill' the process at an exact moment of real HTTP traffic."""

from __future__ import annotations

import httpx


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs."""


class CrashingTransport(httpx.BaseTransport):
    """Real HTTP, except that the process dies at the ``nth`` ``method`` request to ``path``.

    Before the request leaves, or (``after_response``) once the server has acted on it
    but before its answer is read.
    """

    def __init__(
        self, method: str, path: str = "", *, nth: int = 1, after_response: bool = False
    ) -> None:
        self.inner = httpx.HTTPTransport()
        self.method = method
        self.path = path  # the end of the URL path; empty for any
        self.nth = nth
        self.after_response = after_response
        self.seen = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        hit = False
        if request.method == self.method and request.url.path.endswith(self.path):
            self.seen += 1
            hit = self.seen == self.nth
        if hit and not self.after_response:
            raise Crash
        response = self.inner.handle_request(request)
        if hit:
            response.read()
            raise Crash
        return response

    def close(self) -> None:
        self.inner.close()
