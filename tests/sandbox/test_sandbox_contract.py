"""Contract: what the sandbox accepts is valid per Zoom's request schema, and every body it
returns validates against Zoom's response schema for that operation and status."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchzoom import zoomspec
from batchzoom.sandbox import Sandbox

# Fields governed by prose rules (shapes, cross-field rules, account users): generated below
# by hand rather than from the schema alone.
PROSE_FIELDS = {
    "start_time", "timezone", "password", "recurrence", "schedule_for", "type",
    "pre_schedule", "template_id", "default_password",
}  # fmt: skip
PROSE_SETTINGS = {"alternative_hosts"}


def _widen_weekly_days(node: Any) -> None:
    """Zoom's schemas list weekly_days as one digit; its prose allows "1,3". Accept the latter."""
    if isinstance(node, dict):
        weekly = node.get("properties", {}).get("weekly_days")
        if isinstance(weekly, dict) and "enum" in weekly:
            weekly.pop("enum")
            weekly["pattern"] = "^[1-7](,[1-7])*$"
        for value in node.values():
            _widen_weekly_days(value)
    elif isinstance(node, list):
        for item in node:
            _widen_weekly_days(item)


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    converted = zoomspec.to_json_schema(schema)
    _widen_weekly_days(converted)
    return jsonschema.Draft202012Validator(converted)


def _request_validator(operation: zoomspec.OperationId) -> jsonschema.Draft202012Validator:
    return _validator(zoomspec.request_schema(operation))


def assert_matches(operation: zoomspec.OperationId, response: httpx.Response) -> None:
    """The response body validates against Zoom's schema for the operation and status."""
    schema = zoomspec.response_schema(operation, response.status_code)
    if schema is None:
        assert response.content == b""
        return
    _validator(schema).validate(response.json())


def from_schema(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values valid per an OpenAPI schema node (the subset Zoom's request schemas use)."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum", -1000), schema.get("maximum", 1000))
    if kind == "string":
        if schema.get("format") == "email":
            return st.from_regex(r"\A[a-z]{1,8}@[a-z]{1,8}\.example\Z")
        return st.text(max_size=min(schema.get("maxLength", 40), 40))
    if kind == "array":
        items = from_schema(schema.get("items", {}), depth + 1)
        return st.lists(
            items, min_size=schema.get("minItems", 0), max_size=min(schema.get("maxItems", 3), 3)
        )
    if kind == "object":
        if depth >= 6:
            return st.just({})
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v, depth + 1) for k, v in props.items() if k in required},
            optional={k: from_schema(v, depth + 1) for k, v in props.items() if k not in required},
        )
    return st.none()


def _create_bodies() -> st.SearchStrategy[dict[str, Any]]:
    schema = zoomspec.request_schema("meetingCreate")["properties"]
    settings_schema = dict(schema["settings"])
    settings_schema["properties"] = {
        k: v for k, v in settings_schema["properties"].items() if k not in PROSE_SETTINGS
    }
    plain = {k: from_schema(v) for k, v in schema.items() if k not in PROSE_FIELDS | {"settings"}}
    recurring = st.fixed_dictionaries(
        {
            "type": st.just(8),
            "recurrence": st.one_of(
                st.fixed_dictionaries(
                    {
                        "type": st.just(1),
                        "repeat_interval": st.integers(1, 99),
                        "end_times": st.integers(1, 60),
                    }
                ),
                st.fixed_dictionaries(
                    {
                        "type": st.just(2),
                        "weekly_days": st.sampled_from(["1", "2,4", "1,3,5,7"]),
                        "end_times": st.integers(1, 20),
                    }
                ),
                st.fixed_dictionaries(
                    {
                        "type": st.just(3),
                        "monthly_day": st.integers(1, 31),
                        "end_times": st.integers(1, 12),
                    }
                ),
            ),
        }
    )
    kinds: st.SearchStrategy[dict[str, Any]] = st.one_of(
        st.fixed_dictionaries({"type": st.sampled_from([1, 2, 3, 10])}), recurring, st.just({})
    )
    return st.tuples(
        st.fixed_dictionaries(
            {},
            optional={
                **plain,
                "settings": from_schema(settings_schema),
                "start_time": st.sampled_from(["2031-05-05T10:00:00Z", "2031-11-02T01:30:00"]),
                "timezone": st.sampled_from(["UTC", "Asia/Seoul", "America/New_York"]),
                "password": st.from_regex(r"\A[A-Za-z0-9@\-_*]{1,10}\Z"),
                "default_password": st.booleans(),
            },
        ),
        kinds,
    ).map(lambda parts: {**parts[0], **parts[1]})


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=_create_bodies())
def test_valid_create_bodies_are_accepted_and_round_trip(
    unlimited: httpx.Client, body: dict[str, Any]
) -> None:
    """Any schema-valid body is accepted (201), the 201 and the GET match Zoom's schemas,
    and the fields sent come back as sent."""
    api = unlimited
    _request_validator("meetingCreate").validate(body)
    created = api.post("users/me/meetings", json=body)
    assert created.status_code == 201, created.text
    assert_matches("meetingCreate", created)
    fetched = api.get(f"meetings/{created.json()['id']}")
    assert fetched.status_code == 200
    assert_matches("meeting", fetched)
    meeting = fetched.json()
    for key in ("topic", "agenda", "duration", "type", "password", "timezone"):
        if key in body:
            assert meeting[key] == body[key]
    sent_settings = dict(body.get("settings", {}))
    if sent_settings.get("waiting_room"):
        sent_settings.pop("join_before_host", None)
    for key, value in sent_settings.items():
        assert meeting["settings"][key] == value
    listed = api.get("users/me/meetings", params={"page_size": 300})
    assert_matches("meetings", listed)
    assert api.delete(f"meetings/{meeting['id']}").status_code == 204


def test_every_operation_response_matches_its_schema(api: httpx.Client, sandbox: Sandbox) -> None:
    """create 201, get 200, update 204, list 200, user 200 and delete 204 all match Zoom's spec."""
    body = {
        "topic": "Series",
        "type": 8,
        "start_time": "2031-03-03T09:00:00",
        "timezone": "Europe/London",
        "agenda": "a" * 300,
        "tracking_fields": [{"field": "room", "value": "B12"}],
        "recurrence": {"type": 2, "weekly_days": "2,4", "end_times": 5},
        "settings": {"alternative_hosts": "bob@school.example", "waiting_room": True},
    }
    created = api.post("users/me/meetings", json=body)
    assert_matches("meetingCreate", created)
    meeting_id = created.json()["id"]
    assert_matches("meeting", api.get(f"meetings/{meeting_id}"))
    assert_matches("meetingUpdate", api.patch(f"meetings/{meeting_id}", json={"topic": "Renamed"}))
    assert_matches("meetings", api.get("users/me/meetings"))
    assert_matches("meetings", api.get("users/me/meetings", params={"type": "upcoming"}))
    assert_matches("user", api.get("users/me"))
    assert_matches("user", api.get("users/carol@school.example"))
    assert_matches("meetingDelete", api.delete(f"meetings/{meeting_id}"))


@pytest.mark.parametrize(
    ("operation", "status", "code"),
    [
        ("meetingCreate", 404, 1001),
        ("meeting", 404, 3001),
        ("meetingDelete", 404, 3001),
        ("user", 404, 1001),
    ],
)
def test_error_codes_are_among_those_zoom_documents(
    api: httpx.Client, operation: zoomspec.OperationId, status: int, code: int
) -> None:
    """The sandbox's 404 codes are the ones Zoom's spec lists for that operation."""
    documented = {e["code"] for e in zoomspec.error_codes(operation, status)}
    assert code in documented
    requests = {
        "meetingCreate": ("POST", "users/ghost@x.example/meetings"),
        "meeting": ("GET", "meetings/99999999999"),
        "meetingDelete": ("DELETE", "meetings/99999999999"),
        "user": ("GET", "users/ghost@x.example"),
    }
    method, path = requests[operation]
    response = api.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == status and response.json()["code"] == code


def test_3161_is_a_documented_create_error() -> None:
    """Zoom documents 3161 as a 400 of meetingCreate, as the sandbox uses it."""
    assert 3161 in {e["code"] for e in zoomspec.error_codes("meetingCreate", 400)}
