"""The sandbox's registrants, webinars, panelists and user settings, over HTTP, as Zoom answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchzoom import zoomspec
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.sandbox.test_sandbox_contract import from_schema

START = "2031-09-01T08:30:00Z"


def assert_schema(operation: zoomspec.OperationId, response: httpx.Response) -> None:
    """The body validates against Zoom's response schema for the operation and status."""
    schema = zoomspec.response_schema(operation, response.status_code)
    if schema is None:
        assert response.content == b""
        return
    if operation == "userSettings":
        # Its alternatives (settings, security, meeting authentication) are open objects,
        # so any answer matches more than one and oneOf can never hold: check the first,
        # the user's settings.
        schema = schema["oneOf"][0]
    jsonschema.Draft202012Validator(zoomspec.to_json_schema(schema)).validate(response.json())


def _meeting(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "topic": "Orientation",
        "type": 2,
        "start_time": START,
        "duration": 60,
        "timezone": "UTC",
        "settings": {"approval_type": 0},
    }
    body.update(fields)
    response = api.post("users/bob@school.example/meetings", json=body)
    assert response.status_code == 201, response.text
    meeting: dict[str, Any] = response.json()
    return meeting


def _person(n: int) -> dict[str, str]:
    return {"email": f"p{n}@mail.example", "first_name": f"P{n}", "last_name": "Test"}


def test_registrant_gets_own_join_link_and_readding_returns_the_same(api: httpx.Client) -> None:
    """Zoom's add answer (registrant_id, id, join_url, topic, start_time); a re-add is the same."""
    meeting = _meeting(api)
    first = api.post(f"meetings/{meeting['id']}/registrants", json=_person(1))
    assert first.status_code == 201
    assert_schema("meetingRegistrantCreate", first)
    body = first.json()
    assert body["id"] == meeting["id"] and body["topic"] == "Orientation"
    assert body["start_time"] == START
    assert body["join_url"] != meeting["join_url"] and str(meeting["id"]) in body["join_url"]
    assert first.headers["X-RateLimit-Limit"] == "3"
    assert first.headers["X-RateLimit-Remaining"] == "2"
    again = api.post(
        f"meetings/{meeting['id']}/registrants", json=_person(1) | {"email": "P1@mail.example"}
    )
    assert again.status_code == 201
    assert again.json()["registrant_id"] == body["registrant_id"]
    assert again.json()["join_url"] == body["join_url"]
    assert again.headers["X-RateLimit-Remaining"] == "1"
    listed = api.get(f"meetings/{meeting['id']}/registrants")
    assert_schema("meetingRegistrants", listed)
    assert [r["id"] for r in listed.json()["registrants"]] == [body["registrant_id"]]


def test_fourth_addition_of_one_person_in_a_day_is_refused_until_midnight_utc(
    sandbox: Sandbox, api: httpx.Client, client_for: Callable[[Sandbox], httpx.Client]
) -> None:
    """3 additions per registrant per day (Zoom's 429 text), a fresh quota after 00:00 UTC."""
    meeting = _meeting(api)
    url = f"meetings/{meeting['id']}/registrants"
    for _ in range(3):
        assert api.post(url, json=_person(1)).status_code == 201
    refused = api.post(url, json=_person(1))
    assert refused.status_code == 429
    assert refused.json() == {
        "code": 429,
        "message": "You have exceeded the daily rate limit of (3) for Add a meeting registrant"
        " API requests for the registrant (p1@mail.example). You can resume these API"
        " requests at GMT 00:00:00.",
    }
    assert api.post(url, json=_person(2)).status_code == 201  # another person is not limited
    now = sandbox.clock.now()
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=1, microsecond=0)
    sandbox.clock.advance((midnight - now).total_seconds())
    assert client_for(sandbox).post(url, json=_person(1)).status_code == 201


def test_manual_approval_gives_no_join_link_until_approved(api: httpx.Client) -> None:
    """approval_type 1: pending without join_url; the status update approves."""
    meeting = _meeting(api, settings={"approval_type": 1})
    added = api.post(f"meetings/{meeting['id']}/registrants", json=_person(1)).json()
    assert "join_url" not in added
    pending = api.get(f"meetings/{meeting['id']}/registrants", params={"status": "pending"})
    assert [r["id"] for r in pending.json()["registrants"]] == [added["registrant_id"]]
    update = api.put(
        f"meetings/{meeting['id']}/registrants/status",
        json={"action": "approve", "registrants": [{"id": added["registrant_id"]}]},
    )
    assert update.status_code == 204
    approved = api.get(f"meetings/{meeting['id']}/registrants").json()["registrants"]
    assert approved[0]["status"] == "approved" and approved[0]["join_url"]


def test_cancelled_registrant_is_listed_as_denied(api: httpx.Client) -> None:
    """cancel takes a registrant out of the approved list."""
    meeting = _meeting(api)
    added = api.post(f"meetings/{meeting['id']}/registrants", json=_person(1)).json()
    api.put(
        f"meetings/{meeting['id']}/registrants/status",
        json={"action": "cancel", "registrants": [{"email": "p1@mail.example"}]},
    )
    url = f"meetings/{meeting['id']}/registrants"
    assert api.get(url).json()["total_records"] == 0
    denied = api.get(url, params={"status": "denied"}).json()["registrants"]
    assert [r["id"] for r in denied] == [added["registrant_id"]]


def test_registration_must_be_enabled(api: httpx.Client) -> None:
    """A meeting without registration (approval_type 2) takes no registrants."""
    meeting = _meeting(api, settings={})
    refused = api.post(f"meetings/{meeting['id']}/registrants", json=_person(1))
    assert refused.status_code == 400 and refused.json()["code"] == 3000
    batch = api.post(
        f"meetings/{meeting['id']}/batch_registrants", json={"registrants": [_person(1)]}
    )
    assert batch.status_code == 400 and batch.json()["code"] == 404


def test_batch_registers_up_to_30_for_scheduled_meetings_only(api: httpx.Client) -> None:
    """30 at once with their links; 31 refused; a recurring meeting gets Zoom's code 303."""
    meeting = _meeting(api)
    people = [_person(n) for n in range(30)]
    added = api.post(
        f"meetings/{meeting['id']}/batch_registrants",
        json={"auto_approve": True, "registrants": people},
    )
    assert added.status_code == 201
    assert_schema("addBatchRegistrants", added)
    rows = added.json()["registrants"]
    assert [r["email"] for r in rows] == [p["email"] for p in people]
    assert len({r["join_url"] for r in rows}) == 30
    too_many = api.post(
        f"meetings/{meeting['id']}/batch_registrants",
        json={"registrants": [_person(n) for n in range(31)]},
    )
    assert too_many.status_code == 400 and too_many.json()["code"] == 300
    series = _meeting(
        api, type=8, recurrence={"type": 1, "end_times": 3}, settings={"approval_type": 0}
    )
    refused = api.post(
        f"meetings/{series['id']}/batch_registrants", json={"registrants": people[:1]}
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == 303 and "meeting type: 2" in refused.json()["message"]


def test_recurring_registrant_gets_every_occurrence(api: httpx.Client) -> None:
    """A series registers once: the answer lists its occurrences."""
    series = _meeting(api, type=8, recurrence={"type": 2, "weekly_days": "2", "end_times": 4})
    added = api.post(f"meetings/{series['id']}/registrants", json=_person(1))
    assert_schema("meetingRegistrantCreate", added)
    assert len(added.json()["occurrences"]) == 4


def test_registrant_list_pages(api: httpx.Client) -> None:
    """page_size and next_page_token walk every registrant once."""
    meeting = _meeting(api)
    api.post(
        f"meetings/{meeting['id']}/batch_registrants",
        json={"auto_approve": True, "registrants": [_person(n) for n in range(7)]},
    )
    seen: list[str] = []
    params: dict[str, Any] = {"page_size": 3}
    while True:
        page = api.get(f"meetings/{meeting['id']}/registrants", params=params).json()
        assert page["total_records"] == 7
        seen += [r["email"] for r in page["registrants"]]
        if not page["next_page_token"]:
            break
        params["next_page_token"] = page["next_page_token"]
    assert seen == [f"p{n}@mail.example" for n in range(7)]


def test_full_meeting_refuses_registrants(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    client_for: Callable[[Sandbox], httpx.Client],
) -> None:
    """Past the registrant limit Zoom answers 3043."""
    sandbox = sandbox_factory(
        SandboxConfig(users=[SandboxUser("bob@school.example")], max_registrants=2)
    )
    api = client_for(sandbox)
    meeting = _meeting(api)
    for n in range(2):
        assert api.post(f"meetings/{meeting['id']}/registrants", json=_person(n)).status_code == 201
    full = api.post(f"meetings/{meeting['id']}/registrants", json=_person(9))
    assert full.status_code == 400 and full.json()["code"] == 3043


def test_a_batch_that_would_pass_the_limit_adds_no_one(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    client_for: Callable[[Sandbox], httpx.Client],
) -> None:
    """A batch whose new people would pass the limit is refused whole (3043); people already
    registered do not count twice, and cancelled ones free their place."""
    sandbox = sandbox_factory(
        SandboxConfig(users=[SandboxUser("bob@school.example")], max_registrants=4)
    )
    api = client_for(sandbox)
    meeting = _meeting(api)
    url = f"meetings/{meeting['id']}/batch_registrants"
    assert api.post(url, json={"registrants": [_person(n) for n in range(3)]}).status_code == 201
    over = api.post(url, json={"registrants": [_person(n) for n in range(1, 5)]})
    assert over.status_code == 400
    assert over.json() == {
        "code": 3043,
        "message": "Meeting has reached maximum attendee capacity.",
    }
    listed = api.get(f"meetings/{meeting['id']}/registrants").json()
    assert listed["total_records"] == 3
    fits = api.post(url, json={"registrants": [_person(n) for n in range(1, 4)]})
    assert fits.status_code == 201  # two already there and one new: four in all
    api.put(
        f"meetings/{meeting['id']}/registrants/status",
        json={"action": "cancel", "registrants": [{"email": "p0@mail.example"}]},
    )
    assert api.post(url, json={"registrants": [_person(7)]}).status_code == 201


def test_the_list_counts_each_status_in_total_records_whatever_the_page_size(
    api: httpx.Client,
) -> None:
    """``page_size`` 1 gives one registrant and the whole count (Meetings.json
    meetingRegistrants: ``total_records``, ``page_size``)."""
    meeting = _meeting(api, settings={"approval_type": 1})  # manual approval: pending
    url = f"meetings/{meeting['id']}/registrants"
    for n in range(5):
        assert api.post(url, json=_person(n)).status_code == 201
    api.put(
        f"{url}/status", json={"action": "approve", "registrants": [{"email": "p0@mail.example"}]}
    )
    counts = {}
    for status in ("approved", "pending", "denied"):
        page = api.get(url, params={"status": status, "page_size": 1}).json()
        assert page["page_size"] == 1 and len(page["registrants"]) <= 1
        counts[status] = page["total_records"]
    assert counts == {"approved": 1, "pending": 4, "denied": 0}
    assert api.get(url, params={"page_size": 301}).status_code == 400


@pytest.fixture
def webinar_sandbox(sandbox_factory: Callable[[SandboxConfig], Sandbox]) -> Sandbox:
    """Dana has the Webinar add-on; Erin is licensed without it; Finn is pending and basic."""
    return sandbox_factory(
        SandboxConfig(
            users=[
                SandboxUser("dana@school.example", webinar=True),
                SandboxUser("erin@school.example"),
                SandboxUser("finn@school.example", status="pending", type=1),
            ]
        )
    )


def test_webinar_needs_the_licence(
    webinar_sandbox: Sandbox, client_for: Callable[[Sandbox], httpx.Client]
) -> None:
    """Without the add-on Zoom answers code 200 "Webinar plan is missing"."""
    api = client_for(webinar_sandbox)
    erin = webinar_sandbox.users()[1]
    refused = api.post("users/erin@school.example/webinars", json={"topic": "Talk"})
    assert refused.status_code == 400
    assert refused.json() == {
        "code": 200,
        "message": "Webinar plan is missing. You must subscribe to the webinar plan and enable"
        f" webinars for user {erin.id} in order to perform this action.",
    }
    settings = api.get("users/erin@school.example/settings")
    assert_schema("userSettings", settings)
    assert settings.json()["feature"]["webinar"] is False
    assert api.get("users/dana@school.example/settings").json()["feature"]["webinar"] is True


def test_user_reports_status_and_type(
    webinar_sandbox: Sandbox, client_for: Callable[[Sandbox], httpx.Client]
) -> None:
    """GET /users/{id} shows the configured status and type (1 basic, 2 licensed)."""
    api = client_for(webinar_sandbox)
    finn = api.get("users/finn@school.example").json()
    assert (finn["status"], finn["type"]) == ("pending", 1)
    dana = api.get("users/dana@school.example").json()
    assert (dana["status"], dana["type"]) == ("active", 2)
    assert api.get("users/nobody@school.example").status_code == 404


def test_webinar_lifecycle_registrants_and_panelists(
    webinar_sandbox: Sandbox, client_for: Callable[[Sandbox], httpx.Client]
) -> None:
    """Create, get, list, update, register, panelists and delete a webinar."""
    api = client_for(webinar_sandbox)
    created = api.post(
        "users/dana@school.example/webinars",
        json={
            "topic": "Open day",
            "type": 5,
            "start_time": START,
            "duration": 90,
            "timezone": "Asia/Seoul",
            "settings": {"approval_type": 0, "alternative_hosts": "erin@school.example"},
        },
    )
    assert created.status_code == 201, created.text
    assert_schema("webinarCreate", created)
    webinar = created.json()
    assert webinar["type"] == 5 and webinar["start_time"] == START
    assert webinar["registration_url"]
    wid = webinar["id"]
    fetched = api.get(f"webinars/{wid}")
    assert_schema("webinar", fetched)
    assert fetched.json()["topic"] == "Open day"
    listed = api.get("users/dana@school.example/webinars")
    assert_schema("webinars", listed)
    assert [w["id"] for w in listed.json()["webinars"]] == [wid]
    assert api.patch(f"webinars/{wid}", json={"topic": "Open evening"}).status_code == 204
    assert api.get(f"webinars/{wid}").json()["topic"] == "Open evening"

    added = api.post(f"webinars/{wid}/registrants", json=_person(1))
    assert added.status_code == 201
    assert_schema("webinarRegistrantCreate", added)
    assert added.json()["join_url"]
    registrants = api.get(f"webinars/{wid}/registrants")
    assert_schema("webinarRegistrants", registrants)
    assert registrants.json()["total_records"] == 1

    panel = api.post(
        f"webinars/{wid}/panelists",
        json={"panelists": [{"name": "Erin", "email": "erin@school.example"}]},
    )
    assert panel.status_code == 201
    assert_schema("webinarPanelistCreate", panel)
    panelists = api.get(f"webinars/{wid}/panelists")
    assert_schema("webinarPanelists", panelists)
    assert [p["email"] for p in panelists.json()["panelists"]] == ["erin@school.example"]

    assert api.delete(f"webinars/{wid}").status_code == 204
    gone = api.get(f"webinars/{wid}")
    assert gone.status_code == 404 and gone.json()["code"] == 3001


def test_webinar_alternative_hosts_must_be_licensed(
    webinar_sandbox: Sandbox, client_for: Callable[[Sandbox], httpx.Client]
) -> None:
    """Comma-separated alternative hosts are each checked."""
    api = client_for(webinar_sandbox)
    refused = api.post(
        "users/dana@school.example/webinars",
        json={
            "topic": "Talk",
            "settings": {"alternative_hosts": "erin@school.example,finn@school.example"},
        },
    )
    assert refused.status_code == 400 and refused.json()["code"] == 300


def test_registrant_quota_survives_a_restart_with_a_state_file(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    client_for: Callable[[Sandbox], httpx.Client],
    tmp_path: Path,
) -> None:
    """The day's additions are kept in the state file, as Zoom keeps them across runs."""
    config = SandboxConfig(
        users=[SandboxUser("bob@school.example")], state_file=tmp_path / "s.json"
    )
    first = sandbox_factory(config)
    api = client_for(first)
    meeting = _meeting(api)
    for _ in range(3):
        assert api.post(f"meetings/{meeting['id']}/registrants", json=_person(1)).status_code == 201
    first.stop()
    again = client_for(sandbox_factory(config))
    refused = again.post(f"meetings/{meeting['id']}/registrants", json=_person(1))
    assert refused.status_code == 429
    assert [
        r["email"] for r in again.get(f"meetings/{meeting['id']}/registrants").json()["registrants"]
    ] == ["p1@mail.example"]


def test_status_updates_are_limited_to_10_a_day_per_registrant(api: httpx.Client) -> None:
    """The 11th status change of one person that day is Zoom's 429, in the Medium category."""
    meeting = _meeting(api)
    added = api.post(f"meetings/{meeting['id']}/registrants", json=_person(1)).json()
    url = f"meetings/{meeting['id']}/registrants/status"
    who = {"registrants": [{"id": added["registrant_id"]}]}
    for n in range(10):
        action = "cancel" if n % 2 == 0 else "approve"
        assert api.put(url, json={"action": action, **who}).status_code == 204
    refused = api.put(url, json={"action": "cancel", **who})
    assert refused.status_code == 429
    assert "daily rate limit of (10)" in refused.json()["message"]
    assert refused.headers["X-RateLimit-Category"] == "Medium"


def test_webinar_host_and_panelists_cannot_register(
    webinar_sandbox: Sandbox, client_for: Callable[[Sandbox], httpx.Client]
) -> None:
    """Zoom's 3027 for the host and 3000 for an invited panelist."""
    api = client_for(webinar_sandbox)
    body = {"topic": "Talk", "start_time": START, "settings": {"approval_type": 0}}
    wid = api.post("users/dana@school.example/webinars", json=body).json()["id"]
    api.post(
        f"webinars/{wid}/panelists", json={"panelists": [{"name": "E", "email": "e@x.example"}]}
    )
    host = api.post(
        f"webinars/{wid}/registrants", json=_person(1) | {"email": "dana@school.example"}
    )
    assert host.status_code == 400 and host.json() == {
        "code": 3027,
        "message": "Host cannot register.",
    }
    panelist = api.post(f"webinars/{wid}/registrants", json=_person(1) | {"email": "E@x.example"})
    assert panelist.status_code == 400 and panelist.json()["code"] == 3000


def _registrant_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Bodies valid per Zoom's meetingRegistrantCreate schema (its allOf parts merged)."""
    merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in zoomspec.request_schema("meetingRegistrantCreate")["allOf"]:
        merged["properties"].update(part.get("properties", {}))
        merged["required"] += part.get("required", [])
    return from_schema(merged)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=_registrant_bodies())
def test_valid_registrant_bodies_are_accepted_and_listed_as_sent(
    unlimited: httpx.Client, body: dict[str, Any]
) -> None:
    """Any schema-valid registrant is added (201, Zoom's answer schema) and listed as sent."""
    api = unlimited
    meeting = _meeting(api)
    added = api.post(f"meetings/{meeting['id']}/registrants", json=body)
    assert added.status_code == 201, added.text
    assert_schema("meetingRegistrantCreate", added)
    listed = api.get(f"meetings/{meeting['id']}/registrants")
    assert_schema("meetingRegistrants", listed)
    (registrant,) = listed.json()["registrants"]
    for key in ("email", "first_name", "last_name", "city", "org", "custom_questions"):
        if key in body:
            assert registrant[key] == body[key]
    assert api.delete(f"meetings/{meeting['id']}").status_code == 204


def test_invalid_registrant_is_zooms_validation_error(api: httpx.Client) -> None:
    """A registrant without first_name, or with a bad email, is Zoom's 400 code 300."""
    meeting = _meeting(api)
    url = f"meetings/{meeting['id']}/registrants"
    for body in ({"email": "a@x.example"}, {"email": "not-an-email", "first_name": "A"}):
        refused = api.post(url, json=body)
        assert refused.status_code == 400 and refused.json()["code"] == 300
    assert api.get(url).json()["total_records"] == 0
