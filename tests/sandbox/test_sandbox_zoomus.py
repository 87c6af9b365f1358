"""A third-party Zoom client (zoomus) works against the sandbox with only its URLs changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from zoomus import ZoomClient

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser


def test_zoomus_creates_gets_lists_and_deletes(sandbox: Sandbox) -> None:
    """zoomus's S2S OAuth, create, get, list and delete all work unchanged."""
    client = ZoomClient(
        sandbox.client_id,
        sandbox.client_secret,
        sandbox.account_id,
        base_uri=sandbox.api_url,
        oauth_uri=sandbox.token_url,
    )
    created = client.meeting.create(
        user_id="bob@school.example",
        topic="Chemistry",
        type=2,
        start_time=datetime(2031, 9, 1, 8, 30),
        duration=50,
        timezone="UTC",
    )
    assert created.status_code == 201
    meeting = created.json()
    assert meeting["start_time"] == "2031-09-01T08:30:00Z"
    assert meeting["host_email"] == "bob@school.example"

    fetched = client.meeting.get(id=meeting["id"])
    assert fetched.status_code == 200 and fetched.json()["topic"] == "Chemistry"

    listed = client.meeting.list(user_id="bob@school.example")
    assert [m["id"] for m in listed.json()["meetings"]] == [meeting["id"]]

    updated = client.meeting.update(id=meeting["id"], topic="Organic Chemistry")
    assert updated.status_code == 204
    assert client.meeting.get(id=meeting["id"]).json()["topic"] == "Organic Chemistry"

    assert client.meeting.delete(id=meeting["id"]).status_code == 204
    assert client.meeting.get(id=meeting["id"]).status_code == 404
    assert client.user.get(id="me").json()["email"] == "alice@school.example"
    assert sandbox.meetings() == []


def _zoomus(sandbox: Sandbox) -> ZoomClient:
    return ZoomClient(
        sandbox.client_id,
        sandbox.client_secret,
        sandbox.account_id,
        base_uri=sandbox.api_url,
        oauth_uri=sandbox.token_url,
    )


def test_zoomus_registers_lists_and_cancels_meeting_registrants(sandbox: Sandbox) -> None:
    """zoomus's add_registrant, list_registrants and update_registrant_status work unchanged."""
    client = _zoomus(sandbox)
    meeting = client.meeting.create(
        user_id="bob@school.example",
        topic="Open day",
        type=2,
        start_time=datetime(2031, 9, 1, 8, 30),
        duration=50,
        timezone="UTC",
        settings={"approval_type": 0},
    ).json()
    added = client.meeting.add_registrant(
        id=meeting["id"], email="dana@mail.example", first_name="Dana", last_name="Cho"
    )
    assert added.status_code == 201
    registrant = added.json()
    assert registrant["join_url"] and registrant["id"] == meeting["id"]

    listed = client.meeting.list_registrants(id=meeting["id"]).json()
    assert [r["email"] for r in listed["registrants"]] == ["dana@mail.example"]

    cancelled = client.meeting.update_registrant_status(
        id=meeting["id"], action="cancel", registrants=[{"id": registrant["registrant_id"]}]
    )
    assert cancelled.status_code == 204
    assert client.meeting.list_registrants(id=meeting["id"]).json()["total_records"] == 0


def test_zoomus_webinar_component(sandbox_factory: Callable[[SandboxConfig], Sandbox]) -> None:
    """zoomus's webinar create, get, list, update, register, panelists and delete work unchanged."""
    sandbox = sandbox_factory(
        SandboxConfig(users=[SandboxUser("dana@school.example", webinar=True)])
    )
    client = _zoomus(sandbox)
    created = client.webinar.create(
        user_id="me",
        topic="Open evening",
        type=5,
        start_time="2031-09-01T08:30:00Z",
        duration=60,
        timezone="UTC",
        settings={"approval_type": 0},
    )
    assert created.status_code == 201, created.text
    webinar = created.json()
    assert client.webinar.get(id=webinar["id"]).json()["topic"] == "Open evening"
    assert [w["id"] for w in client.webinar.list(user_id="me").json()["webinars"]] == [
        webinar["id"]
    ]
    assert client.webinar.update(id=webinar["id"], topic="Open night").status_code == 204

    registered = client.webinar.register(
        id=webinar["id"], email="erin@mail.example", first_name="Erin", last_name="Ko"
    )
    assert registered.status_code == 201 and registered.json()["join_url"]
    registrants = client.webinar.get_registrants(id=webinar["id"]).json()["registrants"]
    assert [r["email"] for r in registrants] == ["erin@mail.example"]

    panel = client.webinar.add_panelists(
        id=webinar["id"], panelists=[{"name": "Finn", "email": "finn@mail.example"}]
    )
    assert panel.status_code == 201
    panelists = client.webinar.list_panelists(id=webinar["id"]).json()["panelists"]
    assert [p["email"] for p in panelists] == ["finn@mail.example"]
    assert client.webinar.remove_panelists(id=webinar["id"]).status_code == 204
    assert client.webinar.list_panelists(id=webinar["id"]).json()["panelists"] == []

    assert client.webinar.delete(id=webinar["id"]).status_code == 204
    assert client.webinar.get(id=webinar["id"]).status_code == 404
