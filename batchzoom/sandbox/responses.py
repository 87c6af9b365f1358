"""What a handler returns, and the error that carries a Zoom error body."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Response:
    """One HTTP response: status, headers and an already-encoded body.

    ``drop`` means: write nothing and close the connection (the request was
    handled but the client never hears about it).
    """

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json;charset=UTF-8"
    drop: bool = False

    @classmethod
    def json(cls, status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
        """A JSON response."""
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return cls(status, body, dict(headers or {}))

    @classmethod
    def empty(cls, status: int = 204, headers: dict[str, str] | None = None) -> Response:
        """A response without a body (Zoom's 204s)."""
        return cls(status, b"", dict(headers or {}), content_type="")


class ApiError(Exception):
    """A Zoom API error: HTTP status plus the ``{"code","message"}`` body Zoom sends."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        field_name: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field_name = field_name
        self.headers = dict(headers or {})

    def response(self) -> Response:
        """The error as Zoom sends it; validation errors also list the field."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field_name is not None:
            body["errors"] = [{"field": self.field_name, "message": self.message}]
        return Response.json(self.status, body, self.headers)


def invalid(field_name: str, problem: str) -> ApiError:
    """A 400 code 300 validation error naming the field (Zoom's generic validation code)."""
    return ApiError(400, 300, f"Invalid field: {field_name}: {problem}.", field_name=field_name)


@dataclass
class Request:
    """One parsed HTTP request."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # keys lower-cased
    body: bytes = b""

    def param(self, name: str) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:
        """The body as JSON, or a Zoom 400 when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ApiError(400, 300, "Request Body should be a valid JSON object.") from error
