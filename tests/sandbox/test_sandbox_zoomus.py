"""A third-party Zoom client (zoomus) works against the sandbox with only its URLs changed."""

from __future__ import annotations

from datetime import datetime

from zoomus import ZoomClient

from batchzoom.sandbox import Sandbox


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
