"""Zoom's published API facts for the operations batchzoom calls.

``operations.json`` is extracted from Zoom's OpenAPI descriptions by
``scripts/extract_zoom_spec.py``; it holds schemas, parameters, rate-limit
labels and documented error codes, without prose. Both the client side and the
sandbox read Zoom's facts from here, never from each other.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal

# Zoom's meeting types (the ``type`` of a meeting's body): the two with a fixed time that
# batchzoom creates, and the recurring one with no fixed time that others may hold.
SCHEDULED = 2  # a scheduled meeting
RECURRING_NO_FIXED_TIME = 3
RECURRING = 8  # a recurring meeting with a fixed time
# Zoom's webinar types (webinarCreate ``type``), each its meeting type plus 3.
WEBINAR_SCHEDULED = 5
WEBINAR_RECURRING_NO_FIXED_TIME = 6
WEBINAR_RECURRING = 9

# Zoom's daily caps by plan and rate-limit category: the pool a category draws on and that
# pool's cap a UTC day (docs/zoom-facts.md#rate-limits). Free caps every category; Pro and
# Business share one pool between Heavy and Resource-intensive; a category not listed has
# no daily cap on that plan.
DAILY_POOLS: dict[str, dict[str, tuple[str, int]]] = {
    "free": {
        "LIGHT": ("LIGHT", 6_000),
        "MEDIUM": ("MEDIUM", 2_000),
        "HEAVY": ("HEAVY", 1_000),
        "RESOURCE-INTENSIVE": ("RESOURCE-INTENSIVE", 30_000),
    },
    "pro": {
        "HEAVY": ("HEAVY+RESOURCE-INTENSIVE", 30_000),
        "RESOURCE-INTENSIVE": ("HEAVY+RESOURCE-INTENSIVE", 30_000),
    },
    "business": {
        "HEAVY": ("HEAVY+RESOURCE-INTENSIVE", 60_000),
        "RESOURCE-INTENSIVE": ("HEAVY+RESOURCE-INTENSIVE", 60_000),
    },
}
# Each category as Zoom writes it (``X-RateLimit-Category``, its rate-limits page).
CATEGORY_NAMES = {
    "LIGHT": "Light",
    "MEDIUM": "Medium",
    "HEAVY": "Heavy",
    "RESOURCE-INTENSIVE": "Resource-intensive",
}

OperationId = Literal[
    "meetingCreate",
    "meeting",
    "meetingUpdate",
    "meetingDelete",
    "meetings",
    "user",
    "meetingRegistrantCreate",
    "addBatchRegistrants",
    "meetingRegistrants",
    "meetingRegistrantStatus",
    "webinarCreate",
    "webinar",
    "webinarUpdate",
    "webinarDelete",
    "webinars",
    "webinarRegistrantCreate",
    "webinarRegistrants",
    "webinarRegistrantStatus",
    "webinarPanelistCreate",
    "webinarPanelists",
    "webinarPanelistsDelete",
    "webinarPanelistDelete",
    "userSettings",
]


@cache
def _spec() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("operations.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def operation(operation_id: OperationId) -> dict[str, Any]:
    """The extracted description of one operation (method, path, schemas...)."""
    op: dict[str, Any] = _spec()[operation_id]
    return op


def request_schema(operation_id: OperationId) -> dict[str, Any]:
    """The OpenAPI request-body schema of ``operation_id``."""
    schema: dict[str, Any] = operation(operation_id)["request"]
    return schema


def response_schema(operation_id: OperationId, status: int) -> dict[str, Any] | None:
    """The OpenAPI response schema for ``status``, or None when Zoom documents no body."""
    entry = operation(operation_id)["responses"].get(str(status), {})
    schema: dict[str, Any] | None = entry.get("schema")
    return schema


def rate_limit_label(operation_id: OperationId) -> str:
    """Zoom's rate-limit category of the operation: LIGHT, MEDIUM, HEAVY or RESOURCE-INTENSIVE."""
    label: str = operation(operation_id)["rate_limit_label"]
    return label


def scopes(operation_id: OperationId) -> list[str]:
    """The OAuth scopes Zoom documents for the operation; a token needs any one of them."""
    names: list[str] = operation(operation_id)["scopes"]
    return names


def admin_scope(operation_id: OperationId) -> str:
    """The granular admin scope of the operation, the kind a Server-to-Server app is given."""
    return max(scopes(operation_id), key=lambda scope: (scope.endswith(":admin"), scope.count(":")))


def error_codes(operation_id: OperationId, status: int) -> list[dict[str, Any]]:
    """Zoom's documented ``{"code", "message"}`` errors of an operation for one HTTP status."""
    codes: list[dict[str, Any]] = (
        operation(operation_id)["responses"].get(str(status), {}).get("errors", [])
    )
    return codes


def to_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Translate an OpenAPI 3.0 schema object into JSON Schema (draft 2020-12).

    OpenAPI 3.0 differs in ``nullable`` (JSON Schema uses a type list) and in
    treating ``format`` as informative; the rest carries over unchanged.
    """

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {
            key: convert(value)
            for key, value in node.items()
            if key not in {"nullable", "properties"}
        }
        if "properties" in node:
            out["properties"] = {name: convert(sub) for name, sub in node["properties"].items()}
        if node.get("nullable") and "type" in node:
            out["type"] = [node["type"], "null"]
        return out

    converted: dict[str, Any] = convert(schema)
    return converted
