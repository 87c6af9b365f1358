"""A small validator for the part of OpenAPI 3.0 that Zoom's request schemas use.

The sandbox may not depend on anything but the standard library, so this
checks types, enums, string lengths, numeric bounds, required properties,
array sizes and the ``email`` / ``date-time`` formats. It is deliberately
stricter than JSON Schema in one way: a float such as ``60.0`` is not an
integer (Zoom's integer fields are integers in every example).
"""

from __future__ import annotations

import re
from typing import Any

from batchzoom.sandbox.responses import invalid

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def _is_type(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    return True


def check(schema: dict[str, Any], value: Any, path: str, skip_enum: frozenset[str]) -> None:
    """Raise a Zoom validation error (400, code 300) naming the first field that breaks ``schema``.

    Properties the schema does not describe are ignored, as Zoom does.
    ``skip_enum`` lists field paths whose enum is replaced by a rule stated in prose.
    """
    for part in schema.get("allOf", []):
        check(part, value, path, skip_enum)
    name = path or "body"
    kind = schema.get("type")
    if value is None:
        raise invalid(name, "must not be null")
    if kind is not None and not _is_type(value, kind):
        raise invalid(name, f"must be {'an' if kind[0] in 'aeiou' else 'a'} {kind}")
    if "enum" in schema and path not in skip_enum and value not in schema["enum"]:
        allowed = ", ".join(str(v) for v in schema["enum"])
        raise invalid(name, f"must be one of {allowed}")
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            raise invalid(name, f"must be at most {schema['maxLength']} characters")
        fmt = schema.get("format")
        if fmt == "email" and not _EMAIL.match(value):
            raise invalid(name, "must be an email address")
        if fmt == "date-time" and not _DATE_TIME.match(value):
            raise invalid(name, "must be a date-time such as 2020-03-31T12:02:00Z")
    if _is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            raise invalid(name, f"must be at least {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            raise invalid(name, f"must be at most {schema['maximum']}")
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            raise invalid(name, f"must have at most {schema['maxItems']} items")
        if "minItems" in schema and len(value) < schema["minItems"]:
            raise invalid(name, f"must have at least {schema['minItems']} items")
        for index, item in enumerate(value):
            check(schema.get("items", {}), item, f"{name}[{index}]", skip_enum)
    if isinstance(value, dict):
        for required in schema.get("required", []):
            if required not in value:
                raise invalid(_join(path, required), "is required")
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                check(sub, value[key], _join(path, key), skip_enum)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
