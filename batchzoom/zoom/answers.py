"""Reading Zoom's answers without trusting them: JSON or not, the fields batchzoom needs.

Zoom answers JSON when asked for it (batchzoom always sends ``Accept:
application/json``), but gateways, proxies and captive portals in between answer
HTML, redirects or nothing useful, and a client must never take such a page for
"no meetings" or a meeting without an id. Each reader here either returns what
the caller needs or says in one sentence what came back instead.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only annotations: the errors built from answers load without the HTTP stack
    import httpx

# Zoom's validation fields, as the part of a row they come from (Zoom's own message for
# each is only "Invalid field.", kyleboe/zoom_rb fixtures, so batchzoom explains it).
FIELD_MEANINGS = {
    "topic": "the topic",
    "agenda": "the agenda",
    "start_time": "the start date and time",
    "duration": "the duration",
    "timezone": "the time zone",
    "password": "the passcode",
    "type": "the meeting type",
    "recurrence": "the repeat settings",
    "settings.alternative_hosts": "the alternative hosts (each must be a licensed user of "
    "this Zoom account)",
    "schedule_for": "the host",
}
_XML_TAG = re.compile(r"<(code|message|field)>(.*?)</\1>", re.S)
_SCOPES = re.compile(r"scopes?\s*:?\s*\[([^\]]*)\]")


def content_kind(response: httpx.Response) -> str:
    """A few words on what the body is, for messages: "an HTML page", "an empty body"..."""
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if not response.content:
        return "an empty body"
    if "html" in kind:
        return "an HTML page"
    if "xml" in kind:
        return "XML"
    return f"a {kind} body" if kind else "a body of unknown type"


def json_value(response: httpx.Response) -> Any:
    """The body as JSON, or None when it is not JSON."""
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return None


def json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is anything else."""
    value = json_value(response)
    return value if isinstance(value, dict) else None


def error_body(response: httpx.Response) -> dict[str, Any]:
    """Zoom's ``{"code", "message", "errors"}`` from a JSON or XML error body; {} if neither.

    Zoom answers XML to a client that sent no Accept header (licht1stein/pyzoom PR 71,
    JubaerHossain/zoom-laravel issues 9 and 12).
    """
    body = json_object(response)
    if body is not None:
        return body
    if "xml" not in response.headers.get("Content-Type", "").lower():
        return {}
    found: dict[str, Any] = {}
    fields: list[dict[str, str]] = []
    for tag, text in _XML_TAG.findall(response.text):
        if tag == "field":
            fields.append({"field": text.strip()})
        elif tag == "code" and "code" not in found and text.strip().isdigit():
            found["code"] = int(text.strip())
        elif tag == "message" and "message" not in found:
            found["message"] = text.strip()
    if fields:
        found["errors"] = fields
    return found


def zoom_code(body: dict[str, Any]) -> int | None:
    """The body's ``code`` when it is an integer (Zoom's error codes are)."""
    code = body.get("code")
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def error_fields(body: dict[str, Any]) -> list[str]:
    """The field names a Zoom validation error lists."""
    errors = body.get("errors")
    if not isinstance(errors, list):
        return []
    return [str(e["field"]) for e in errors if isinstance(e, dict) and e.get("field")]


def sent_value(body: Any, field: str) -> Any:
    """The value a request body held at Zoom's dotted field name (None if absent)."""
    value = body
    for part in field.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def explain_fields(fields: list[str], sent: Any = None) -> str:
    """Zoom's refusal of some fields, as a sentence a person can act on in the row.

    ``sent`` is the request body, so that the refused value can be quoted.
    """
    parts = []
    for name in fields:
        root = name.split(".")[0].split("[")[0]
        meaning = FIELD_MEANINGS.get(name) or FIELD_MEANINGS.get(root)
        if meaning is None and root == "settings":
            meaning = f"the setting {name.split('.', 1)[1]}" if "." in name else "the settings"
        value = sent_value(sent, name)
        quoted = f" {json_text(value)}" if value is not None and root != "password" else ""
        parts.append(f"{meaning or 'the value'}{quoted} (Zoom field {name})")
    return (
        f"Zoom did not accept {', '.join(parts)}; correct it in this row and run again"
        if parts
        else ""
    )


def missing_scopes(body: dict[str, Any]) -> list[str] | None:
    """The scopes a 4711/4700 answer says the token lacks; None if it is not such an answer.

    Observed: 400 ``{"code": 4711, "message": "Invalid access token, does not contain
    scopes:[user:read:list_users:admin]."}`` (JubaerHossain/zoom-laravel issue 15).
    """
    message = str(body.get("message") or "")
    if zoom_code(body) not in (4700, 4711) and "does not contain scope" not in message:
        return None
    found = _SCOPES.search(message)
    if found is None:
        return []
    return [s.strip() for s in found.group(1).split(",") if s.strip()]


def meeting_id(meeting: dict[str, Any]) -> int | None:
    """A meeting's id if it is what Zoom sends (a positive JSON integer), else None."""
    value = meeting.get("id")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def json_text(value: Any, limit: int = 60) -> str:
    """A short printable rendering of a value from an answer, for messages."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
