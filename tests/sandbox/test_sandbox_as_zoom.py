"""The sandbox answers as real Zoom was observed to answer (evidence in the sandbox's comments)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser

Factory = Callable[[SandboxConfig], Sandbox]
ClientFor = Callable[[Sandbox], httpx.Client]
START = "2031-03-10T09:00:00"


def _frozen(factory: Factory, **options: Any) -> Sandbox:
    sb = factory(
        SandboxConfig(users=[SandboxUser("alice@school.example")], frozen_clock=True, **options)
    )
    sb.clock.set(datetime(2031, 3, 1, 10, 0, tzinfo=UTC))
    return sb


def _create(api: httpx.Client, **body: Any) -> httpx.Response:
    payload = {"topic": "T", "start_time": START, "timezone": "Asia/Seoul", **body}
    return api.post("users/me/meetings", json=payload)


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ({"duration": 90.0}, lambda m: m["duration"] == 90),  # indico
        ({"duration": 45.5}, lambda m: m["duration"] == 45),
        ({"duration": "30"}, lambda m: m["duration"] == 30),  # devforum 81149
        ({"settings": {"use_pmi": "false"}}, lambda m: m["settings"]["use_pmi"] is False),
        ({"settings": {"host_video": "true"}}, lambda m: m["settings"]["host_video"] is True),
        ({"settings": {"approval_type": "2"}}, lambda m: m["settings"]["approval_type"] == 2),
        ({"agenda": None, "settings": {"audio": None}}, lambda m: m["settings"]["audio"] == "both"),
        ({"topic": None}, lambda m: m["topic"] == "Zoom Meeting"),
    ],
)
def test_loose_types_are_read_as_zoom_reads_them(
    api: httpx.Client, body: dict[str, Any], check: Callable[[dict[str, Any]], bool]
) -> None:
    """Floats, numeric and boolean strings, and null optional fields are accepted (201)."""
    response = _create(api, **body)
    assert response.status_code == 201, response.text
    assert check(response.json())
    assert check(api.get(f"meetings/{response.json()['id']}").json())


def test_pyzoom_style_body_with_null_settings_is_accepted(api: httpx.Client) -> None:
    """pyzoom sends every unset setting as null; Zoom takes null as "not given"."""
    settings_body = dict.fromkeys(("host_video", "participant_video", "join_before_host"))
    settings_body["mute_upon_entry"] = True
    response = _create(api, duration=60, password=None, settings=settings_body)
    assert response.status_code == 201, response.text
    assert response.json()["settings"]["mute_upon_entry"] is True
    assert response.json()["settings"]["host_video"] is False


def test_indico_patch_with_nulls_makes_a_recurring_meeting_without_fixed_time(
    api: httpx.Client,
) -> None:
    """indico PATCHes {"start_time": null, "duration": null, "type": 3}: answered 204."""
    created = _create(api, duration=60).json()
    patched = api.patch(
        f"meetings/{created['id']}", json={"start_time": None, "duration": None, "type": 3}
    )
    assert patched.status_code == 204, patched.text
    meeting = api.get(f"meetings/{created['id']}").json()
    assert meeting["type"] == 3 and "start_time" not in meeting


def test_strict_types_refuse_what_zoom_accepts(
    sandbox_factory: Factory, client_for: ClientFor
) -> None:
    """strict_types keeps the exact-type reading for clients that want it."""
    api = client_for(sandbox_factory(SandboxConfig(strict_types=True)))
    refused = _create(api, duration="30")
    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"field": "duration", "message": "Invalid field."}]
    assert _create(api, settings={"audio": None}).status_code == 400


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    minutes=st.integers(1, 1440),
    shape=st.sampled_from([int, float, str, lambda n: f"{n}.0"]),
)
def test_any_spelling_of_a_duration_stores_the_number(
    sandbox: Sandbox, client_for: ClientFor, minutes: int, shape: Callable[[int], Any]
) -> None:
    """60, 60.0, "60" and "60.0" all give duration 60, an integer, as Zoom answers.

    One sandbox serves every example: each creates a meeting of its own.
    """
    api = client_for(sandbox)
    response = _create(api, duration=shape(minutes))
    assert response.status_code == 201, response.text
    assert response.json()["duration"] == minutes
    assert isinstance(response.json()["duration"], int)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"type": 2, "weekly_days": "2", "end_times": 0}, range(100, 110)),  # ~2 years
        ({"type": 3, "monthly_day": 10, "end_times": 0}, range(60, 61)),  # 60 (~5 years)
    ],
)
def test_fixed_time_series_without_end_is_accepted(
    api: httpx.Client, rule: dict[str, Any], expected: range
) -> None:
    """type 8 with end_times 0 is created with a rolling horizon (ithaca-recovery PR 506/508)."""
    response = _create(api, type=8, recurrence=rule)
    assert response.status_code == 201, response.text
    assert response.json()["recurrence"]["end_times"] == 0
    assert len(response.json()["occurrences"]) in expected


def test_validation_error_is_terse_and_detailed_errors_explain(
    sandbox_factory: Factory, client_for: ClientFor
) -> None:
    """Zoom says "Invalid field." only; detailed_errors adds the sandbox's reason."""
    terse = _create(client_for(sandbox_factory(SandboxConfig())), topic="x" * 201)
    assert terse.json() == {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": "topic", "message": "Invalid field."}],
    }
    detailed = _create(
        client_for(sandbox_factory(SandboxConfig(detailed_errors=True))), topic="x" * 201
    )
    assert detailed.json()["message"] == "Invalid field: topic: must be at most 200 characters."


def test_error_without_accept_header_is_xml(sandbox: Sandbox, client_for: ClientFor) -> None:
    """No Accept header: the error comes as XML (pyzoom PR 71, zoom-laravel 9/12)."""
    api = client_for(sandbox)
    del api.headers["Accept"]
    response = _create(api, topic="x" * 201)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/xml")
    assert response.text == (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><result><code>300</code>'
        "<message>Validation Failed.</message><errors><field>topic</field>"
        "<message>Invalid field.</message></errors></result>"
    )
    assert _create(api).status_code == 201  # success bodies stay JSON
    asked = api.post("users/me/meetings", json={"duration": 0}, headers={"Accept": "*/*"})
    assert asked.headers["Content-Type"].startswith("application/json")


def test_invalid_next_page_token(api: httpx.Client) -> None:
    """Zoom: 400 code 300 "The next page token is invalid or expired." (zoom_rb fixture)."""
    response = api.get("users/me/meetings", params={"next_page_token": "bogus"})
    assert response.status_code == 400
    assert response.json() == {
        "code": 300,
        "message": "The next page token is invalid or expired.",
    }


def test_create_and_get_carry_chat_join_url_and_zoom_types(api: httpx.Client) -> None:
    """The fields clients read, in Zoom's types: id an integer, URLs strings."""
    created = _create(api, duration=30).json()
    fetched = api.get(f"meetings/{created['id']}").json()
    for meeting in (created, fetched):
        assert isinstance(meeting["id"], int) and not isinstance(meeting["id"], bool)
        assert isinstance(meeting["chat_join_url"], str) and meeting["chat_join_url"]
        assert isinstance(meeting["join_url"], str) and isinstance(meeting["password"], str)
        assert isinstance(meeting["duration"], int) and isinstance(meeting["uuid"], str)


def test_token_without_a_scope_gets_4711(sandbox_factory: Factory, client_for: ClientFor) -> None:
    """A reduced scope list: the token says so, and a request needing more answers 4711."""
    sb = sandbox_factory(SandboxConfig(scopes=("meeting:write:meeting:admin",)))
    token = httpx.post(
        sb.token_url,
        auth=(sb.client_id, sb.client_secret),
        data={"grant_type": "account_credentials", "account_id": sb.account_id},
    ).json()
    assert token["scope"] == "meeting:write:meeting:admin"
    api = client_for(sb)
    assert _create(api).status_code == 201
    refused = api.get("users/me/meetings")
    assert refused.status_code == 400
    assert refused.json() == {
        "code": 4711,
        "message": "Invalid access token, does not contain scopes:[meeting:read:list_meetings:admin].",
    }
    assert sb.meetings() and len(sb.meetings()) == 1


def test_classic_scope_is_enough(sandbox_factory: Factory, client_for: ClientFor) -> None:
    """Any one of the operation's documented scopes allows it (here the classic one)."""
    api = client_for(sandbox_factory(SandboxConfig(scopes=("meeting:read:admin",))))
    assert api.get("users/me/meetings").status_code == 200
    assert api.get("users/me").json()["code"] == 4711


def test_another_app_spends_part_of_the_per_second_budget(
    sandbox_factory: Factory, client_for: ClientFor
) -> None:
    """qps 3 with 2 per second spent elsewhere leaves one request a second."""
    sb = _frozen(sandbox_factory, qps=3, shared_qps=2)
    api = client_for(sb)
    assert api.get("users/me").status_code == 200
    assert api.get("users/me").status_code == 429
    sb.clock.advance(1.0)
    assert api.get("users/me").status_code == 200


def test_new_meeting_is_listed_only_after_the_listing_delay(
    sandbox_factory: Factory, client_for: ClientFor
) -> None:
    """listing_delay: a create is in GET at once, in the host's list only later."""
    sb = _frozen(sandbox_factory, listing_delay=5)
    api = client_for(sb)
    created = api.post(
        "users/me/meetings", json={"topic": "T", "start_time": "2031-04-01T09:00:00Z"}
    )
    assert api.get(f"meetings/{created.json()['id']}").status_code == 200
    assert api.get("users/me/meetings").json()["meetings"] == []
    sb.clock.advance(5)
    listed = api.get("users/me/meetings").json()["meetings"]
    assert [m["id"] for m in listed] == [created.json()["id"]]
