"""What a handler returns, and the error that carries a Zoom error body."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

# Zoom's validation error: a generic message and, per field, only "Invalid field."
# (docs/zoom-facts.md#api-errors).
VALIDATION_FAILED = "Validation Failed."
INVALID_FIELD = "Invalid field."


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
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field_name = field_name
        self.headers = dict(headers or {})
        self.detail = detail

    def response(self, *, detailed: bool = False) -> Response:
        """The error as Zoom sends it; validation errors also list the field.

        A validation error (``invalid``) says only "Validation Failed." and, for the
        field, "Invalid field." as Zoom does; ``detailed`` gives the sandbox's reason
        instead, for someone debugging a request by hand.
        """
        message = self.message
        field_message = self.message
        if self.detail is not None:
            field_message = INVALID_FIELD
            if detailed:
                message = field_message = f"Invalid field: {self.field_name}: {self.detail}."
        body: dict[str, Any] = {"code": self.code, "message": message}
        if self.field_name is not None:
            body["errors"] = [{"field": self.field_name, "message": field_message}]
        return Response.json(self.status, body, self.headers)


def invalid(field_name: str, problem: str) -> ApiError:
    """A 400 code 300 validation error naming the field (Zoom's generic validation code)."""
    return ApiError(400, 300, VALIDATION_FAILED, field_name=field_name, detail=problem)


def as_xml(response: Response) -> Response:
    """A JSON error response as Zoom sends it to a client that did not ask for JSON.

    Observed: ``<?xml version="1.0" encoding="UTF-8" standalone="yes"?><result><code>300
    </code><message>Validation Failed.</message><errors><field>password</field><message>
    ...</message></errors></result>`` (licht1stein/pyzoom PR 71; JubaerHossain/zoom-laravel
    issues 9 and 12, where Guzzle sends no Accept header).
    """
    try:
        data = json.loads(response.body)
    except ValueError:
        return response
    if not isinstance(data, dict):
        return response
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><result>']
    for key in ("code", "message"):
        if key in data:
            parts.append(f"<{key}>{escape(str(data[key]))}</{key}>")
    for error in data.get("errors") or []:
        parts.append(
            f"<errors><field>{escape(str(error.get('field', '')))}</field>"
            f"<message>{escape(str(error.get('message', '')))}</message></errors>"
        )
    parts.append("</result>")
    return Response(
        response.status,
        "".join(parts).encode("utf-8"),
        dict(response.headers),
        content_type="application/xml;charset=UTF-8",
        drop=response.drop,
    )


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
