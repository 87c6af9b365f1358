"""A second third-party client (pyzoom, used in production by remote-office-hours-queue)
works against the sandbox with only its base URL changed.

pyzoom sends every unset meeting setting as ``null`` and parses Zoom's answers into
pydantic models, so this checks both that the sandbox accepts what pyzoom sends and
that its answers have the fields and types pyzoom's models expect.
"""

from __future__ import annotations

import warnings

import httpx
import pytest

from batchzoom.sandbox import Sandbox

with warnings.catch_warnings():  # pyzoom uses pydantic's deprecated v1-style API
    warnings.simplefilter("ignore", DeprecationWarning)
    from pyzoom import ZoomClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _token(sandbox: Sandbox) -> str:
    response = httpx.post(
        sandbox.token_url,
        auth=(sandbox.client_id, sandbox.client_secret),
        data={"grant_type": "account_credentials", "account_id": sandbox.account_id},
    )
    token: str = response.json()["access_token"]
    return token


def test_pyzoom_creates_gets_lists_and_deletes(sandbox: Sandbox) -> None:
    client = ZoomClient(access_token=_token(sandbox), base_url=sandbox.api_url)
    created = client.meetings.create_meeting(
        "Physics", start_time="2031-09-01T08:30:00", duration_min=50, timezone="UTC"
    )
    assert created.id and created.topic == "Physics" and created.duration == 50
    stored = [m for m in sandbox.meetings() if m["id"] == int(created.id)]
    assert stored and stored[0]["start_time"] == "2031-09-01T08:30:00Z"

    fetched = client.meetings.get_meeting(int(created.id))
    assert fetched.topic == "Physics" and fetched.join_url == stored[0]["join_url"]

    listed = client.meetings.list_meetings()
    assert [str(m.id) for m in listed.meetings] == [str(created.id)]

    assert client.meetings.delete_meeting(int(created.id)) is True
    assert sandbox.meetings() == []
