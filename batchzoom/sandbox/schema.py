"""A small validator for the part of OpenAPI 3.0 that Zoom's request schemas use.

The sandbox may not depend on anything but the standard library, so this
checks types, enums, string lengths, numeric bounds, required properties,
array sizes and the ``email`` / ``date-time`` formats, and returns the body
with the values Zoom would read from it.

Types are read as leniently as Zoom reads them (``lenient=True``, the default),
because production clients send loose types and Zoom accepts them:

- a float where an integer is expected: ``"duration": 90.0`` (indico/indico-plugins
  ``vc_zoom/indico_vc_zoom/util.py``, ``get_schedule_args``: ``'duration':
  duration.total_seconds() / 60``, in production at CERN since 2020). A fraction
  is dropped (45.5 -> 45): no evidence of how Zoom rounds one.
- numbers and booleans as strings: ``"duration": "30"``, ``"use_pmi": "false"``
  (devforum thread 81149, "How to differentiate 429 HTTP status code error ... for
  CREATE MEETING API": its body sends ``"duration":"30"``, ``"use_pmi":"false"`` and
  ``"default_password":"false"`` and created meetings until the daily limit).
- ``null`` for an optional field means "not given": pyzoom (licht1stein/pyzoom,
  ``pyzoom/_client.py`` ``create_meeting`` sends ``settings.dict()`` of the models in
  ``pyzoom/schemas.py``, every unset Optional setting as ``null``) is used in
  production by tl-its-umich-edu/remote-office-hours-queue (tests/sandbox/
  test_sandbox_pyzoom.py runs it against the sandbox); indico's
  ``vc_zoom/indico_vc_zoom/plugin.py`` calls ``update_zoom_meeting(zoom_id,
  {'start_time': None, 'duration': None, 'type': recurring_meeting_no_time})``
  when a room is linked to a whole event.

A boolean where a number is expected stays refused, and so does a number where
a string is expected: no evidence either way. ``lenient=False`` gives the old
strict reading (exact JSON types, no null) for clients that want to check that
they send exact types.
"""

from __future__ import annotations

import math
import re
from typing import Any

from batchzoom.sandbox.responses import invalid

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_NUMBER_TEXT = re.compile(r"^-?\d+(\.\d+)?$")
_BOOLEAN_TEXT = {"true": True, "false": False}


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


def _loosen(value: Any, kind: str) -> Any:
    """``value`` read as ``kind`` the way Zoom reads loose types; unchanged if it cannot be."""
    if kind in ("integer", "number"):
        if isinstance(value, str) and _NUMBER_TEXT.match(value.strip()):
            value = float(value.strip()) if "." in value else int(value.strip())
        if isinstance(value, float) and kind == "integer" and math.isfinite(value):
            return int(value)
        return value
    if kind == "boolean" and isinstance(value, str):
        return _BOOLEAN_TEXT.get(value.strip().lower(), value)
    return value


def check(
    schema: dict[str, Any],
    value: Any,
    path: str,
    skip_enum: frozenset[str],
    *,
    lenient: bool = True,
) -> Any:
    """``value`` as Zoom reads it, or a Zoom validation error (400, code 300) naming the field.

    Properties the schema does not describe are kept unchecked, as Zoom ignores them;
    with ``lenient`` optional properties that are ``null`` are dropped.
    ``skip_enum`` lists field paths whose enum is replaced by a rule stated in prose.
    """
    name = path or "body"
    kind = schema.get("type")
    if value is None:
        raise invalid(name, "must not be null")
    if lenient and kind is not None:
        value = _loosen(value, kind)
    for part in schema.get("allOf", []):
        value = check(part, value, path, skip_enum, lenient=lenient)
    if kind is not None and not _is_type(value, kind):
        raise invalid(name, f"must be {'an' if kind[0] in 'aeiou' else 'a'} {kind}")
    if "enum" in schema and path not in skip_enum and value not in schema["enum"]:
        allowed = ", ".join(str(v) for v in schema["enum"])
        raise invalid(name, f"must be one of {allowed}")
    if isinstance(value, str):
        _check_text(schema, value, name)
    if _is_type(value, "number"):
        _check_bounds(schema, value, name)
    if isinstance(value, list):
        value = _check_items(schema, value, name, skip_enum, lenient=lenient)
    if isinstance(value, dict):
        value = _check_properties(schema, value, path, skip_enum, lenient=lenient)
    return value


def _check_text(schema: dict[str, Any], value: str, name: str) -> None:
    """A string's length and format (email, date-time)."""
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise invalid(name, f"must be at most {schema['maxLength']} characters")
    fmt = schema.get("format")
    if fmt == "email" and not _EMAIL.match(value):
        raise invalid(name, "must be an email address")
    if fmt == "date-time" and not _DATE_TIME.match(value):
        raise invalid(name, "must be a date-time such as 2020-03-31T12:02:00Z")


def _check_bounds(schema: dict[str, Any], value: Any, name: str) -> None:
    """A number's minimum and maximum."""
    if "minimum" in schema and value < schema["minimum"]:
        raise invalid(name, f"must be at least {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        raise invalid(name, f"must be at most {schema['maximum']}")


def _check_items(
    schema: dict[str, Any], value: list[Any], name: str, skip_enum: frozenset[str], *, lenient: bool
) -> list[Any]:
    """An array's length, then each item against the ``items`` schema."""
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        raise invalid(name, f"must have at most {schema['maxItems']} items")
    if "minItems" in schema and len(value) < schema["minItems"]:
        raise invalid(name, f"must have at least {schema['minItems']} items")
    return [
        check(schema.get("items", {}), item, f"{name}[{index}]", skip_enum, lenient=lenient)
        for index, item in enumerate(value)
    ]


def _check_properties(
    schema: dict[str, Any],
    value: dict[str, Any],
    path: str,
    skip_enum: frozenset[str],
    *,
    lenient: bool,
) -> dict[str, Any]:
    """An object's required properties, then each described property against its schema."""
    required = set(schema.get("required", []))
    if lenient:
        value = {k: v for k, v in value.items() if v is not None or k in required}
    else:
        value = dict(value)
    for key in required:
        if key not in value:
            raise invalid(_join(path, key), "is required")
    for key, sub in schema.get("properties", {}).items():
        if key in value:
            value[key] = check(sub, value[key], _join(path, key), skip_enum, lenient=lenient)
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
